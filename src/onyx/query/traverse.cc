// Breadth-first traversal.
#include "onyx/query/traverse.h"

#include <algorithm>
#include <deque>
#include <unordered_map>

#include "onyx/query/cursor.h"
#include "onyx/query/plan.h"

namespace onyx::query {
namespace {

// How the walk first reached a node: distance, confidence, and the edge it
// came over from `toward` (one step nearer the start), walked out or in.
struct Arrival {
  int depth = 0;
  float confidence = 1;
  NodeId toward = 0;
  bool out = true;
  Edge via;
};

// The path between a start and `id`: replayed from the start, an edge walked
// out is appended and one walked in is prepended, so the path reads from one
// end to the other in the edges' own direction.
std::vector<Edge> PathOf(const std::unordered_map<NodeId, Arrival>& seen, NodeId id) {
  std::vector<const Arrival*> chain;
  for (auto it = seen.find(id); it != seen.end() && it->second.depth > 0;
       it = seen.find(it->second.toward)) {
    chain.push_back(&it->second);
  }
  std::deque<Edge> path;
  for (auto step = chain.rbegin(); step != chain.rend(); ++step) {
    if ((*step)->out) {
      path.push_back((*step)->via);
    } else {
      path.push_front((*step)->via);
    }
  }
  return {path.begin(), path.end()};
}

bool Reports(const TraverseSpec& spec, const Node& node) {
  if (!spec.node_kinds.empty() && std::find(spec.node_kinds.begin(), spec.node_kinds.end(),
                                            node.kind) == spec.node_kinds.end()) {
    return false;
  }
  return node.path.starts_with(spec.path_prefix);
}

}  // namespace

Result<WalkResult> Traverse(const store::ReadView& view, const TraverseSpec& spec,
                            const Topology* topology) {
  if (spec.limits.max_depth < 1 || spec.limits.max_results < 1) {
    return Status::InvalidArgument("traverse: depth and limit must be at least 1");
  }
  WalkResult result;
  result.revision = view.revision();
  const Deadline deadline(spec.limits.time());
  const auto follows = [&](EdgeKind kind) {
    return spec.edge_kinds.empty() ||
           std::find(spec.edge_kinds.begin(), spec.edge_kinds.end(), kind) != spec.edge_kinds.end();
  };
  Adjacency adjacency(view, topology);
  PlanTimer timer(&result.plan);
  std::unordered_map<NodeId, Arrival> seen;
  std::vector<NodeId> frontier;
  for (const NodeId s : spec.starts) {
    ONYX_RETURN_IF_ERROR(view.GetNode(s).status());
    if (seen.emplace(s, Arrival{}).second) frontier.push_back(s);
  }
  std::sort(frontier.begin(), frontier.end());
  // Enough nodes to fill the answer after filtering, within reason.
  const std::size_t max_seen = std::max<std::size_t>(spec.limits.max_results * 16, 10'000);
  for (int depth = 1; depth <= spec.limits.max_depth && !frontier.empty(); ++depth) {
    std::unordered_map<NodeId, Arrival> next;
    for (const NodeId node : frontier) {
      if (deadline.Expired() || seen.size() + next.size() > max_seen) {
        result.partial = true;
        break;
      }
      const float here = seen.at(node).confidence;
      for (const bool out : {true, false}) {
        if (out && spec.direction == Direction::kIn) continue;
        if (!out && spec.direction == Direction::kOut) continue;
        ONYX_ASSIGN_OR_RETURN(std::vector<Edge> edges,
                              out ? adjacency.Out(node) : adjacency.In(node));
        for (Edge& e : edges) {
          if (!follows(e.kind)) continue;
          const NodeId other = out ? e.dst : e.src;
          if (seen.count(other) != 0) continue;
          const float confidence = here * e.confidence;
          auto [it, inserted] = next.try_emplace(other);
          if (inserted || confidence > it->second.confidence) {
            it->second = Arrival{depth, confidence, node, out, std::move(e)};
          }
        }
      }
    }
    if (result.partial) break;
    frontier.clear();
    for (auto& [id, arrival] : next) {
      frontier.push_back(id);
      seen.emplace(id, std::move(arrival));
    }
    std::sort(frontier.begin(), frontier.end());  // a deterministic order for ties
  }
  timer.Step("walk");
  // Every reached node in one batched read.
  std::vector<NodeId> reached;
  for (const auto& [id, arrival] : seen) {
    if (arrival.depth > 0) reached.push_back(id);
  }
  ONYX_ASSIGN_OR_RETURN(std::vector<Node> nodes, adjacency.Nodes(reached));
  for (std::size_t i = 0; i < reached.size(); ++i) {
    if (!Reports(spec, nodes[i])) continue;
    const Arrival& arrival = seen.at(reached[i]);
    Reached r;
    r.node = std::move(nodes[i]);
    r.depth = arrival.depth;
    r.confidence = arrival.confidence;
    r.path = PathOf(seen, reached[i]);
    result.nodes.push_back(std::move(r));
  }
  timer.Step("load nodes");
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
  result.total = result.nodes.size();
  TakePage(result.nodes, spec.limits.offset, spec.limits.page);
  timer.Step("rank");
  timer.Count(adjacency);
  return result;
}

}  // namespace onyx::query
