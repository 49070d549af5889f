// Breadth-first traversal.
#include "onyx/query/traverse.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace onyx::query {
namespace {

using Clock = std::chrono::steady_clock;

struct Arrival {
  int depth = 0;
  float confidence = 1;
  std::vector<Edge> path;
};

bool Reports(const TraverseSpec& spec, const Node& node) {
  if (!spec.node_kinds.empty() && std::find(spec.node_kinds.begin(), spec.node_kinds.end(),
                                            node.kind) == spec.node_kinds.end()) {
    return false;
  }
  return node.path.starts_with(spec.path_prefix);
}

}  // namespace

Result<WalkResult> Traverse(const store::ReadView& view, const TraverseSpec& spec) {
  if (spec.limits.max_depth < 1 || spec.limits.max_results < 1) {
    return Status::InvalidArgument("traverse: depth and limit must be at least 1");
  }
  WalkResult result;
  result.revision = view.revision();
  const auto deadline = Clock::now() + spec.limits.time_limit;
  const auto follows = [&](EdgeKind kind) {
    return spec.edge_kinds.empty() ||
           std::find(spec.edge_kinds.begin(), spec.edge_kinds.end(), kind) != spec.edge_kinds.end();
  };
  store::AdjacencyReader adjacency(view);
  std::unordered_map<NodeId, Arrival> seen;
  std::vector<NodeId> frontier;
  for (const NodeId s : spec.starts) {
    ONYX_RETURN_IF_ERROR(view.GetNode(s).status());
    if (seen.emplace(s, Arrival{}).second) frontier.push_back(s);
  }
  // Enough nodes to fill the answer after filtering, within reason.
  const std::size_t max_seen = std::max<std::size_t>(spec.limits.max_results * 16, 10'000);
  for (int depth = 1; depth <= spec.limits.max_depth && !frontier.empty(); ++depth) {
    std::map<NodeId, Arrival> next;  // ordered: deterministic frontiers
    for (const NodeId node : frontier) {
      if (Clock::now() > deadline || seen.size() + next.size() > max_seen) {
        result.partial = true;
        frontier.clear();
        break;
      }
      const Arrival& here = seen.at(node);
      for (const bool out : {true, false}) {
        if (out && spec.direction == Direction::kIn) continue;
        if (!out && spec.direction == Direction::kOut) continue;
        ONYX_ASSIGN_OR_RETURN(std::vector<Edge> edges,
                              out ? adjacency.Out(node) : adjacency.In(node));
        for (Edge& e : edges) {
          if (!follows(e.kind)) continue;
          const NodeId other = out ? e.dst : e.src;
          if (seen.count(other) != 0) continue;
          Arrival a;
          a.depth = depth;
          a.confidence = here.confidence * e.confidence;
          // Walking out appends; walking in prepends, so that the path always
          // reads from one end to the other in the edges' direction.
          if (out) {
            a.path = here.path;
            a.path.push_back(std::move(e));
          } else {
            a.path.push_back(std::move(e));
            a.path.insert(a.path.end(), here.path.begin(), here.path.end());
          }
          auto [it, inserted] = next.try_emplace(other, a);
          if (!inserted && a.confidence > it->second.confidence) it->second = std::move(a);
        }
      }
    }
    if (result.partial) break;
    frontier.clear();
    for (auto& [id, arrival] : next) {
      frontier.push_back(id);
      seen.emplace(id, std::move(arrival));
    }
  }
  for (auto& [id, arrival] : seen) {
    if (arrival.depth == 0) continue;
    ONYX_ASSIGN_OR_RETURN(Node node, view.GetNode(id));
    if (!Reports(spec, node)) continue;
    Reached r;
    r.node = std::move(node);
    r.depth = arrival.depth;
    r.confidence = arrival.confidence;
    r.path = std::move(arrival.path);
    result.nodes.push_back(std::move(r));
  }
  std::sort(result.nodes.begin(), result.nodes.end(), [](const Reached& a, const Reached& b) {
    if (a.depth != b.depth) return a.depth < b.depth;
    if (a.confidence != b.confidence) return a.confidence > b.confidence;
    if (a.node.qualified_name != b.node.qualified_name) {
      return a.node.qualified_name < b.node.qualified_name;
    }
    return a.node.id < b.node.id;
  });
  if (result.nodes.size() > spec.limits.max_results) {
    result.nodes.resize(spec.limits.max_results);
    result.partial = true;
  }
  return result;
}

}  // namespace onyx::query
