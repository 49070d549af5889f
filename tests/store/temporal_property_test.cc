// Property test: for random sequences of revisions, every as-of view of the store
// equals the reference model, history is complete, and edges_in mirrors edges_out.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "onyx/store/read_view.h"
#include "onyx/store/revision_writer.h"
#include "onyx/store/store.h"
#include "testing/stage_op.h"
#include "testing/temp_dir.h"
#include "testing/temporal_model.h"

namespace onyx::store {
namespace {

using testing::StoreOp;
using testing::TemporalModel;

// A small universe so that random operations collide often: 8 node identities
// (two files, functions and a class), each with 3 content variants; edges among
// them of 3 kinds with 2 attribute variants.
constexpr int kNodeIds = 8;

Node UniverseNode(int index, int variant) {
  Node n;
  const bool is_class = index % 4 == 3;
  n.kind = is_class ? NodeKind::kClass : NodeKind::kFunction;
  n.language = "rust";
  n.path = index < 4 ? "src/a.rs" : "src/b.rs";
  n.name = "sym" + std::to_string(index);
  n.qualified_name = "crate::" + n.name;
  n.signature = "fn(" + std::string(static_cast<std::size_t>(variant), 'x') + ")";
  n.span = Span{static_cast<std::uint32_t>(variant), 100, 1, 9};
  if (variant == 2) n.attributes["visibility"] = "pub";
  n.content_hash = HashContent(n.signature);
  n.id = MakeNodeId(n.language, n.path, n.qualified_name, n.kind);
  return n;
}

NodeId UniverseId(int index) { return UniverseNode(index, 0).id; }

Edge UniverseEdge(int src, int dst, int kind_index, int variant) {
  Edge e;
  e.src = UniverseId(src);
  e.dst = UniverseId(dst);
  e.kind = std::array{EdgeKind::kCalls, EdgeKind::kReferences, EdgeKind::kInherits}[kind_index];
  e.confidence = variant == 0 ? 1.0F : 0.5F;
  e.resolution = variant == 0 ? Resolution::kExact : Resolution::kHeuristic;
  if (variant == 1) e.site = Span{1, 2, 3, 3};
  return e;
}

rc::Gen<StoreOp> GenOp() {
  const auto index = rc::gen::inRange(0, kNodeIds);
  return rc::gen::weightedOneOf<StoreOp>({
      {4, rc::gen::map(rc::gen::tuple(index, rc::gen::inRange(0, 3)),
                       [](auto t) -> StoreOp {
                         return testing::UpsertNodeOp{UniverseNode(std::get<0>(t), std::get<1>(t))};
                       })},
      {1,
       rc::gen::map(index, [](int i) -> StoreOp { return testing::RemoveNodeOp{UniverseId(i)}; })},
      {4, rc::gen::map(rc::gen::tuple(index, index, rc::gen::inRange(0, 3), rc::gen::inRange(0, 2)),
                       [](auto t) -> StoreOp {
                         return testing::UpsertEdgeOp{UniverseEdge(std::get<0>(t), std::get<1>(t),
                                                                   std::get<2>(t), std::get<3>(t))};
                       })},
      {1, rc::gen::map(rc::gen::tuple(index, index, rc::gen::inRange(0, 3)),
                       [](auto t) -> StoreOp {
                         const Edge e =
                             UniverseEdge(std::get<0>(t), std::get<1>(t), std::get<2>(t), 0);
                         return testing::RemoveEdgeOp{EdgeRef{e.src, e.kind, e.dst}};
                       })},
  });
}

// Compares every read of the store's view at `rev` with the model.
void CheckViewMatchesModel(const Store& store, ProjectId project, const TemporalModel& model,
                           RevisionNumber rev) {
  auto view = store.View(project, rev);
  RC_ASSERT(view.ok());
  const auto want_nodes = model.NodesAt(rev);
  const auto want_edges = model.EdgesAt(rev);

  std::map<NodeId, Node> got_nodes;
  RC_ASSERT(view->ForEachNode([&](const Node& n) {
                  got_nodes.emplace(n.id, n);
                  return true;
                })
                .ok());
  RC_ASSERT(got_nodes == want_nodes);

  std::map<EdgeRef, Edge> got_edges;
  RC_ASSERT(view->ForEachEdge([&](const Edge& e) {
                  got_edges.emplace(EdgeRef{e.src, e.kind, e.dst}, e);
                  return true;
                })
                .ok());
  RC_ASSERT(got_edges == want_edges);

  AdjacencyReader adjacency(*view);
  for (int i = 0; i < kNodeIds; ++i) {
    const NodeId id = UniverseId(i);
    auto node = view->GetNode(id);
    const auto want = model.NodeAt(id, rev);
    RC_ASSERT(node.ok() == want.has_value());
    if (want) RC_ASSERT(*node == *want);
    if (!node.ok()) RC_ASSERT(node.status().IsNotFound());

    // Adjacency from both sides agrees with the model (so edges_in mirrors out).
    auto out = view->OutEdges(id);
    auto in = view->InEdges(id);
    RC_ASSERT(out.ok() && in.ok());
    std::vector<Edge> want_out;
    std::vector<Edge> want_in;
    for (const auto& [ref, e] : want_edges) {
      if (ref.src == id) want_out.push_back(e);
    }
    for (const auto& [ref, e] : want_edges) {
      if (ref.dst == id) want_in.push_back(e);
    }
    auto by_far_out = [](const Edge& a, const Edge& b) {
      return std::tie(a.kind, a.dst) < std::tie(b.kind, b.dst);
    };
    auto by_far_in = [](const Edge& a, const Edge& b) {
      return std::tie(a.kind, a.src) < std::tie(b.kind, b.src);
    };
    std::sort(want_out.begin(), want_out.end(), by_far_out);
    std::sort(want_in.begin(), want_in.end(), by_far_in);
    RC_ASSERT(*out == want_out);
    RC_ASSERT(*in == want_in);
    // The iterator-reusing reader answers the same, call after call.
    auto reused_out = adjacency.Out(id);
    auto reused_in = adjacency.In(id);
    RC_ASSERT(reused_out.ok() && reused_in.ok());
    RC_ASSERT(*reused_out == want_out);
    RC_ASSERT(*reused_in == want_in);
  }
}

RC_GTEST_PROP(TemporalStore, EveryAsOfViewMatchesTheReferenceModel, ()) {
  const auto revisions = *rc::gen::container<std::vector<std::vector<StoreOp>>>(
      *rc::gen::inRange(1, 25),
      rc::gen::container<std::vector<StoreOp>>(*rc::gen::inRange(1, 9), GenOp()));
  testing::TempDir dir;
  StoreOptions options;
  options.sync = false;  // the crash test covers durability
  options.tiny_write_buffers = true;
  auto store = Store::Open(dir.path(), options);
  RC_ASSERT(store.ok());
  auto project = (*store)->CreateProject("p");
  RC_ASSERT(project.ok());

  TemporalModel model;
  for (const auto& ops : revisions) {
    auto writer = (*store)->BeginRevision(project->id, {});
    RC_ASSERT(writer.ok());
    for (const StoreOp& op : ops) RC_ASSERT(testing::StageOp(**writer, op).ok());
    auto committed = (*writer)->Commit();
    switch (model.Apply(ops)) {
      case TemporalModel::Outcome::kRejected:
        RC_ASSERT(!committed.ok());
        RC_ASSERT(committed.status().IsInvalidArgument());
        break;
      case TemporalModel::Outcome::kEmpty:
        RC_ASSERT(committed.ok());
        RC_ASSERT(!committed->has_value());
        break;
      case TemporalModel::Outcome::kCommitted:
        RC_ASSERT(committed.ok());
        RC_ASSERT(committed->has_value());
        RC_ASSERT((*committed)->number == model.latest());
        break;
    }
    CheckViewMatchesModel(**store, project->id, model, model.latest());
  }
  for (RevisionNumber rev = 1; rev <= model.latest(); ++rev) {
    CheckViewMatchesModel(**store, project->id, model, rev);
  }
  auto view = (*store)->View(project->id);
  RC_ASSERT(view.ok());
  for (int i = 0; i < kNodeIds; ++i) {
    auto history = view->NodeHistory(UniverseId(i));
    RC_ASSERT(history.ok());
    RC_ASSERT(*history == model.History(UniverseId(i)));
  }
  auto stats = view->Stats();
  RC_ASSERT(stats.ok());
  RC_ASSERT(*stats == model.Stats());
  RC_ASSERT((*store)->VerifyIntegrity(project->id).ok());
}

}  // namespace
}  // namespace onyx::store
