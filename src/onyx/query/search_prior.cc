#include "onyx/query/search_prior.h"

#include <algorithm>
#include <cmath>

namespace onyx::query {
namespace {

constexpr EdgeKind kDependencies[] = {EdgeKind::kCalls, EdgeKind::kReferences, EdgeKind::kImports,
                                      EdgeKind::kInherits, EdgeKind::kImplements};
constexpr std::size_t kMaxCounted = 100'000;

Result<std::size_t> DependentCount(store::AdjacencyReader& reader, const Topology* topology,
                                   NodeId id, RevisionNumber rev) {
  std::size_t count = 0;
  std::vector<Edge> edges;
  for (const EdgeKind kind : kDependencies) {
    if (topology != nullptr) {
      edges.clear();
      topology->Edges(id, /*out=*/false, rev, kind, kMaxCounted, &edges);
    } else {
      ONYX_ASSIGN_OR_RETURN(edges, reader.In(id, kind, kMaxCounted));
    }
    count += edges.size();
  }
  return count;
}

}  // namespace

Status ApplyCentralityPrior(const store::ReadView& view, const Topology* topology,
                            std::vector<SearchHit>* hits) {
  if (hits->empty()) return Status::Ok();
  constexpr float kWeight = 0.25F;  // of the best hit's score
  store::AdjacencyReader reader(view);
  std::vector<std::size_t> degrees;
  degrees.reserve(hits->size());
  std::size_t most = 0;
  float best = 0;
  for (const SearchHit& hit : *hits) {
    ONYX_ASSIGN_OR_RETURN(const std::size_t degree,
                          DependentCount(reader, topology, hit.id, view.revision()));
    degrees.push_back(degree);
    most = std::max(most, degree);
    best = std::max(best, hit.score);
  }
  const float scale = most == 0 ? 0.0F : kWeight * best / std::log1p(static_cast<float>(most));
  for (std::size_t i = 0; i < hits->size(); ++i) {
    SearchHit& hit = (*hits)[i];
    const float prior = scale * std::log1p(static_cast<float>(degrees[i]));
    hit.score += prior;
    hit.parts["in_degree"] = static_cast<float>(degrees[i]);
    hit.parts["prior"] = prior;
  }
  std::stable_sort(hits->begin(), hits->end(),
                   [](const SearchHit& a, const SearchHit& b) { return a.score > b.score; });
  return Status::Ok();
}

}  // namespace onyx::query
