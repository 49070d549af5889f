// Reverse walks over the graph.
#include "onyx/query/impact.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <unordered_map>

#include "onyx/query/cursor.h"
#include "onyx/query/plan.h"

namespace onyx::query {
namespace {

bool Breaks(EdgeKind kind) {
  return kind == EdgeKind::kCalls || kind == EdgeKind::kReferences || kind == EdgeKind::kImports ||
         kind == EdgeKind::kInherits || kind == EdgeKind::kImplements;
}

// The start node and everything it contains (depth-first, bounded).
Result<std::vector<NodeId>> WithMembers(Adjacency& adjacency, NodeId start, std::size_t limit) {
  std::vector<NodeId> out = {start};
  for (std::size_t i = 0; i < out.size() && out.size() < limit; ++i) {
    ONYX_ASSIGN_OR_RETURN(std::vector<Edge> children, adjacency.Out(out[i], EdgeKind::kContains));
    for (const Edge& e : children) out.push_back(e.dst);
  }
  return out;
}

// How a walk first reached a node: its distance, the product of the edges'
// confidences, and the edge it came over from `toward` (the node one step
// nearer the start). Paths are rebuilt from these at the end.
struct Step {
  int depth = 0;
  float confidence = 1;
  NodeId toward = 0;
  Edge via;
};

// The edges from `id` back to a start, following the steps.
std::vector<Edge> PathOf(const std::unordered_map<NodeId, Step>& seen, NodeId id) {
  std::vector<Edge> path;
  for (auto it = seen.find(id); it != seen.end() && it->second.depth > 0;
       it = seen.find(it->second.toward)) {
    path.push_back(it->second.via);
  }
  return path;
}

// Breadth-first over in-edges accepted by `follow`, from `starts`. Records the
// first (shortest) arrival at each node, preferring the most confident path
// among arrivals at the same depth. With `tests_into`, every node whose in-edges
// were read (all but those cut off by a limit) gets its tests edges there, so
// that impact needs no second read per node.
Result<std::unordered_map<NodeId, Step>> WalkBack(
    Adjacency& adjacency, const std::vector<NodeId>& starts, bool (*follow)(EdgeKind),
    const WalkLimits& limits, bool* partial,
    std::unordered_map<NodeId, std::vector<Edge>>* tests_into = nullptr) {
  const Deadline deadline(limits.time());
  std::unordered_map<NodeId, Step> seen;
  for (const NodeId s : starts) seen[s] = Step{};
  const auto read_in = [&](NodeId node) -> Result<std::vector<Edge>> {
    ONYX_ASSIGN_OR_RETURN(std::vector<Edge> in, adjacency.In(node));
    if (tests_into != nullptr) {
      auto& tests = (*tests_into)[node];
      for (const Edge& e : in) {
        if (e.kind == EdgeKind::kTests) tests.push_back(e);
      }
    }
    return in;
  };
  std::vector<NodeId> frontier = starts;
  std::sort(frontier.begin(), frontier.end());
  for (int depth = 1; depth <= limits.max_depth && !frontier.empty(); ++depth) {
    std::unordered_map<NodeId, Step> next;
    for (const NodeId node : frontier) {
      if (deadline.Expired() || seen.size() > limits.max_results * 4) {
        *partial = true;
        return seen;
      }
      ONYX_ASSIGN_OR_RETURN(std::vector<Edge> in, read_in(node));
      const float here = seen.at(node).confidence;
      for (Edge& e : in) {
        if (!follow(e.kind) || seen.count(e.src) != 0) continue;
        const float confidence = here * e.confidence;
        auto [it, inserted] = next.try_emplace(e.src);
        if (inserted || confidence > it->second.confidence) {
          it->second = Step{depth, confidence, node, std::move(e)};
        }
      }
    }
    frontier.clear();
    for (auto& [id, step] : next) {
      frontier.push_back(id);
      seen.emplace(id, std::move(step));
    }
    std::sort(frontier.begin(), frontier.end());  // a deterministic order for ties
  }
  // The last depth's nodes: deeper dependents exist if any follow-edge leads
  // on. Impact reads them whole (it wants their tests anyway); otherwise a
  // few edges each suffice.
  for (const NodeId node : frontier) {
    if (deadline.Expired()) {
      *partial = true;
      break;
    }
    ONYX_ASSIGN_OR_RETURN(std::vector<Edge> in, tests_into != nullptr
                                                    ? read_in(node)
                                                    : adjacency.In(node, std::nullopt, 8));
    if (std::any_of(in.begin(), in.end(),
                    [&](const Edge& e) { return follow(e.kind) && seen.count(e.src) == 0; })) {
      *partial = true;
      if (tests_into == nullptr) break;
    }
  }
  return seen;
}

// The nodes of `ids` (deduplicated) by id, in one batched read.
Result<std::unordered_map<NodeId, Node>> LoadNodes(Adjacency& adjacency, std::vector<NodeId> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  ONYX_ASSIGN_OR_RETURN(std::vector<Node> nodes, adjacency.Nodes(ids));
  std::unordered_map<NodeId, Node> out;
  out.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) out.emplace(ids[i], std::move(nodes[i]));
  return out;
}

// The start node (which must exist) with its members.
Result<std::vector<NodeId>> Starts(const store::ReadView& view, Adjacency& adjacency, NodeId start,
                                   const WalkLimits& limits) {
  if (const Topology* topology = adjacency.topology()) {
    if (!topology->Has(start, view.revision())) {
      return Status::NotFound("node " + FormatNodeId(start) + " does not exist at revision " +
                              std::to_string(view.revision()));
    }
  } else {
    ONYX_RETURN_IF_ERROR(view.GetNode(start).status());
  }
  return WithMembers(adjacency, start, limits.max_results);
}

// At most max_results nodes (fewer than were found means partial), of which
// the page asked for.
void Truncate(WalkResult& result, const WalkLimits& limits) {
  if (result.nodes.size() > limits.max_results) {
    result.nodes.resize(limits.max_results);
    result.partial = true;
  }
  result.total = result.nodes.size();
  TakePage(result.nodes, limits.offset, limits.page);
}

void Rank(std::vector<Reached>& nodes) {
  std::sort(nodes.begin(), nodes.end(), [](const Reached& a, const Reached& b) {
    if (a.depth != b.depth) return a.depth < b.depth;
    if (a.confidence != b.confidence) return a.confidence > b.confidence;
    if (a.node.qualified_name != b.node.qualified_name) {
      return a.node.qualified_name < b.node.qualified_name;
    }
    return a.node.id < b.node.id;  // a total order: pages never overlap
  });
}

// A reached node as impact ranks it (within its depth).
struct Ranked {
  std::uint32_t step;
  float confidence;
  std::uint32_t name_rank;  // the qualified name's place among all
  std::uint32_t index;
  std::uint32_t version;
};

// ImpactFrom over an in-memory topology: the walk in dense indices, ranking
// on references into the topology, and Node/Edge values only for the answers
// kept. Same answer as the general path.
Result<WalkResult> ImpactFromTopology(const Topology& topology, Adjacency& adjacency,
                                      const std::vector<NodeId>& starts, const WalkLimits& limits,
                                      WalkResult result) {
  const RevisionNumber rev = result.revision;
  PlanTimer timer(&result.plan);
  // The walk's and the ranking's buffers stay with the thread between
  // queries (malloc is slow at the large blocks they need); one that a huge
  // walk grew is let go.
  constexpr std::size_t kKeep = std::size_t{1} << 16;
  thread_local Topology::Reach reach;
  if (reach.steps.capacity() > kKeep) reach.steps = {};
  topology.WalkIn(starts, rev, Breaks, limits, &reach);
  result.partial = reach.partial;
  timer.Step("walk");

  // Steps come in depth order, the starts first. Depth ranks first, so a
  // page needs only the depth groups it overlaps ranked, each on its own, on
  // (confidence, qualified name, id). Nodes of other groups are counted, not
  // read.
  const std::vector<Topology::ReachStep>& steps = reach.steps;
  std::size_t first = 0;
  while (first < steps.size() && steps[first].depth == 0) ++first;
  const std::size_t found = steps.size() - first;
  if (found > limits.max_results) result.partial = true;  // the ranking keeps the best
  result.total = std::min(found, limits.max_results);
  const std::size_t begin = std::min(limits.offset, result.total);
  const std::size_t end = begin + std::min(limits.page, result.total - begin);
  const auto missing = [&](std::uint32_t index) {
    return Status::Corruption("impact: node " + FormatNodeId(topology.IdOf(index)) +
                              " is an edge's end but has no version at revision " +
                              std::to_string(rev));
  };
  const auto before = [&](const Ranked& a, const Ranked& b) {
    if (a.confidence != b.confidence) return a.confidence > b.confidence;
    if (a.name_rank != b.name_rank) return a.name_rank < b.name_rank;
    return topology.IdOf(a.index) < topology.IdOf(b.index);  // a total order: pages never overlap
  };
  thread_local std::vector<Ranked> group;
  if (group.capacity() > kKeep) group = {};
  std::vector<Ranked> page;  // answers [begin, end), in order
  for (std::size_t g = first, position = 0; g < steps.size() && position < end;) {
    std::size_t g_end = g;
    while (g_end < steps.size() && steps[g_end].depth == steps[g].depth) ++g_end;
    const std::size_t size = g_end - g;
    if (position + size > begin) {
      group.clear();
      for (std::size_t s = g; s < g_end; ++s) {
        const std::uint32_t version = topology.VersionAt(steps[s].index, rev);
        if (version == Topology::kNoVersion) return missing(steps[s].index);
        group.push_back({static_cast<std::uint32_t>(s), steps[s].confidence,
                         topology.NameRank(version), steps[s].index, version});
      }
      const std::size_t wanted = std::min(size, end - position);
      std::partial_sort(group.begin(), group.begin() + static_cast<std::ptrdiff_t>(wanted),
                        group.end(), before);
      for (std::size_t i = begin > position ? begin - position : 0; i < wanted; ++i) {
        page.push_back(group[i]);
      }
    }
    position += size;
    g = g_end;
  }
  timer.Step("rank");
  const auto node_at = [&](std::uint32_t index) -> Result<Node> {
    const std::uint32_t version = topology.VersionAt(index, rev);
    if (version == Topology::kNoVersion) return missing(index);
    return topology.NodeOf(index, version);
  };
  std::vector<std::uint32_t> tests;
  // Tests the walk reached reach every node on their path: each page node
  // gets those whose path passes through it.
  thread_local std::vector<std::uint32_t> page_of_step;  // position in the page, or none
  constexpr std::uint32_t kNone = UINT32_MAX;
  page_of_step.assign(steps.size(), kNone);
  for (std::uint32_t i = 0; i < page.size(); ++i) page_of_step[page[i].step] = i;
  std::vector<std::vector<std::uint32_t>> reached_by(page.size());  // dense indices of tests
  for (std::size_t s = first; s < steps.size(); ++s) {
    if (topology.KindOf(steps[s].index) != NodeKind::kTest) continue;
    for (std::uint32_t at = steps[s].toward; steps[at].depth > 0; at = steps[at].toward) {
      if (page_of_step[at] != kNone) reached_by[page_of_step[at]].push_back(steps[s].index);
    }
  }
  std::size_t loaded = 0;
  result.nodes.reserve(page.size());
  // The page's versions lie apart: ask for all their records first, then
  // for each one's strings a few answers ahead.
  for (const Ranked& entry : page) topology.PrefetchVersion(entry.version);
  for (std::size_t i = 0; i < page.size(); ++i) {
    if (i + 4 < page.size()) topology.PrefetchText(page[i + 4].version);
    const Ranked& entry = page[i];
    const Topology::ReachStep& step = reach.steps[entry.step];
    Reached& r = result.nodes.emplace_back();
    r.node = topology.NodeOf(step.index, entry.version);
    r.depth = static_cast<int>(step.depth);
    r.confidence = step.confidence;
    r.path.reserve(step.depth);
    for (const Topology::ReachStep* at = &step; at->depth > 0; at = &reach.steps[at->toward]) {
      r.path.push_back(topology.StepEdge(reach, *at));
    }
    tests.clear();
    topology.SourcesInto(step.index, rev, EdgeKind::kTests, &tests);
    const std::size_t direct = tests.size();
    std::vector<std::uint32_t>& through = reached_by[i];
    std::sort(through.begin(), through.end(), [&](std::uint32_t a, std::uint32_t b) {
      return topology.IdOf(a) < topology.IdOf(b);
    });
    for (const std::uint32_t t : through) {
      if (std::find(tests.begin(), tests.begin() + static_cast<std::ptrdiff_t>(direct), t) ==
          tests.begin() + static_cast<std::ptrdiff_t>(direct)) {
        tests.push_back(t);
      }
    }
    for (const std::uint32_t t : tests) {
      ONYX_ASSIGN_OR_RETURN(r.tests.emplace_back(), node_at(t));
    }
    if (r.node.kind == NodeKind::kTest) r.tests.push_back(r.node);
    loaded += 1 + tests.size();
  }
  timer.Step("load nodes");
  adjacency.Record(reach.expanded, reach.edges_read, loaded);
  timer.Count(adjacency);
  return result;
}

// Impact from several starts at once (a multi-source walk: each node at its
// distance from the nearest start).
Result<WalkResult> ImpactFrom(const store::ReadView& view, Adjacency& adjacency,
                              const std::vector<NodeId>& starts, const WalkLimits& limits,
                              WalkResult result = {}) {
  result.revision = view.revision();
  if (const Topology* topology = adjacency.topology()) {
    return ImpactFromTopology(*topology, adjacency, starts, limits, std::move(result));
  }
  PlanTimer timer(&result.plan);
  const std::set<NodeId> start_set(starts.begin(), starts.end());
  std::unordered_map<NodeId, std::vector<Edge>> tests_into;
  ONYX_ASSIGN_OR_RETURN(auto seen,
                        WalkBack(adjacency, starts, Breaks, limits, &result.partial, &tests_into));
  timer.Step("walk");
  // Tests of nodes a limit kept the walk from reading.
  for (const auto& [id, step] : seen) {
    if (start_set.count(id) != 0 || tests_into.count(id) != 0) continue;
    ONYX_ASSIGN_OR_RETURN(tests_into[id], adjacency.In(id, EdgeKind::kTests));
  }
  timer.Step("tests past the limits");
  std::vector<NodeId> wanted;
  wanted.reserve(seen.size());
  for (const auto& [id, step] : seen) {
    if (start_set.count(id) != 0) continue;
    wanted.push_back(id);
    for (const Edge& e : tests_into[id]) wanted.push_back(e.src);
  }
  ONYX_ASSIGN_OR_RETURN(auto nodes, LoadNodes(adjacency, std::move(wanted)));
  timer.Step("load nodes");
  // Tests are copied first; then each reached node moves into its answer.
  result.nodes.reserve(seen.size());
  for (const auto& [id, step] : seen) {
    if (start_set.count(id) != 0) continue;
    Reached r;
    r.node.id = id;
    r.depth = step.depth;
    r.confidence = step.confidence;
    r.path = PathOf(seen, id);
    for (const Edge& e : tests_into[id]) r.tests.push_back(nodes.at(e.src));
    result.nodes.push_back(std::move(r));
  }
  for (Reached& r : result.nodes) r.node = std::move(nodes.at(r.node.id));
  // Tests the walk reached reach every node on their path to a start.
  std::unordered_map<NodeId, std::size_t> position;
  for (std::size_t i = 0; i < result.nodes.size(); ++i) position[result.nodes[i].node.id] = i;
  std::unordered_map<NodeId, std::vector<NodeId>> reached_by;
  for (const Reached& r : result.nodes) {
    if (r.node.kind != NodeKind::kTest) continue;
    for (NodeId at = seen.at(r.node.id).toward; start_set.count(at) == 0; at = seen.at(at).toward) {
      reached_by[at].push_back(r.node.id);
    }
  }
  for (auto& [id, through] : reached_by) {
    std::sort(through.begin(), through.end());
    Reached& r = result.nodes[position.at(id)];
    const std::size_t direct = r.tests.size();
    for (const NodeId t : through) {
      const auto end = r.tests.begin() + static_cast<std::ptrdiff_t>(direct);
      if (std::none_of(r.tests.begin(), end, [&](const Node& n) { return n.id == t; })) {
        r.tests.push_back(result.nodes[position.at(t)].node);
      }
    }
  }
  for (Reached& r : result.nodes) {
    if (r.node.kind == NodeKind::kTest) r.tests.push_back(r.node);
  }
  Rank(result.nodes);
  Truncate(result, limits);
  timer.Step("rank");
  timer.Count(adjacency);
  return result;
}

}  // namespace

Result<WalkResult> Impact(const store::ReadView& view, NodeId start, const WalkLimits& limits,
                          const Topology* topology) {
  Adjacency adjacency(view, topology);
  WalkResult result;
  PlanTimer timer(&result.plan);
  ONYX_ASSIGN_OR_RETURN(const std::vector<NodeId> starts, Starts(view, adjacency, start, limits));
  timer.Step("start and members");
  return ImpactFrom(view, adjacency, starts, limits, std::move(result));
}

Result<ChangeImpact> ImpactOfChange(const store::ReadView& view, std::vector<SymbolChange> changed,
                                    const WalkLimits& limits, const Topology* topology) {
  ChangeImpact out;
  out.revision = view.revision();
  Adjacency adjacency(view, topology);
  std::vector<NodeId> starts;
  for (const SymbolChange& c : changed) {
    if (c.change != "added" && view.GetNode(c.node.id).ok()) starts.push_back(c.node.id);
  }
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  // Every impacted node's tests are to run: the whole ranking, not a page.
  WalkLimits whole = limits;
  whole.offset = 0;
  whole.page = SIZE_MAX;
  ONYX_ASSIGN_OR_RETURN(out.impact, ImpactFrom(view, adjacency, starts, whole));
  // The tests to run: tests of the changed symbols, changed tests, and the
  // tests reaching what they impact.
  std::map<NodeId, Node> tests;
  for (const NodeId s : starts) {
    ONYX_ASSIGN_OR_RETURN(std::vector<Edge> in, adjacency.In(s, EdgeKind::kTests));
    std::vector<NodeId> ids;
    for (const Edge& e : in) ids.push_back(e.src);
    ONYX_ASSIGN_OR_RETURN(const auto nodes, LoadNodes(adjacency, std::move(ids)));
    for (const auto& [id, node] : nodes) tests.emplace(id, node);
  }
  for (const SymbolChange& c : changed) {
    if (c.node.kind == NodeKind::kTest && c.change != "removed") tests.emplace(c.node.id, c.node);
  }
  for (const Reached& r : out.impact.nodes) {
    for (const Node& t : r.tests) tests.emplace(t.id, t);
  }
  for (auto& [id, node] : tests) out.tests.push_back(std::move(node));
  std::sort(out.tests.begin(), out.tests.end(),
            [](const Node& a, const Node& b) { return a.qualified_name < b.qualified_name; });
  std::sort(changed.begin(), changed.end(), [](const SymbolChange& a, const SymbolChange& b) {
    if (a.node.path != b.node.path) return a.node.path < b.node.path;
    return a.node.span.start_line < b.node.span.start_line;
  });
  out.changed = std::move(changed);
  return out;
}

Result<WalkResult> TestsFor(const store::ReadView& view, NodeId start, const WalkLimits& limits,
                            const Topology* topology) {
  WalkResult result;
  result.revision = view.revision();
  Adjacency adjacency(view, topology);
  PlanTimer timer(&result.plan);
  ONYX_ASSIGN_OR_RETURN(const std::vector<NodeId> starts, Starts(view, adjacency, start, limits));
  timer.Step("start and members");
  // Tests edges (precomputed through helpers at ingest), then chains of calls
  // up to a test.
  std::vector<Edge> direct;
  for (const NodeId s : starts) {
    ONYX_ASSIGN_OR_RETURN(std::vector<Edge> in, adjacency.In(s, EdgeKind::kTests));
    direct.insert(direct.end(), in.begin(), in.end());
  }
  ONYX_ASSIGN_OR_RETURN(const auto seen,
                        WalkBack(
                            adjacency, starts, [](EdgeKind k) { return k == EdgeKind::kCalls; },
                            limits, &result.partial));
  timer.Step("walk");
  std::vector<NodeId> wanted;
  for (const Edge& e : direct) wanted.push_back(e.src);
  for (const auto& [id, step] : seen) {
    if (step.depth > 0) wanted.push_back(id);
  }
  ONYX_ASSIGN_OR_RETURN(const auto nodes, LoadNodes(adjacency, std::move(wanted)));
  timer.Step("load nodes");
  std::unordered_map<NodeId, Reached> tests;
  const auto consider = [&](NodeId id, int depth, float confidence, const auto& path) {
    const Node& node = nodes.at(id);
    if (node.kind != NodeKind::kTest) return;
    auto it = tests.find(id);
    if (it != tests.end() && (it->second.depth < depth ||
                              (it->second.depth == depth && it->second.confidence >= confidence))) {
      return;
    }
    Reached r;
    r.node = node;
    r.depth = depth;
    r.confidence = confidence;
    r.path = path();
    tests[id] = std::move(r);
  };
  for (const Edge& e : direct) {
    consider(e.src, 1, e.confidence, [&] { return std::vector<Edge>{e}; });
  }
  for (const auto& [id, step] : seen) {
    if (step.depth == 0) continue;
    consider(id, step.depth, step.confidence, [&, id = id] { return PathOf(seen, id); });
  }
  for (auto& [id, r] : tests) result.nodes.push_back(std::move(r));
  std::sort(result.nodes.begin(), result.nodes.end(), [](const Reached& a, const Reached& b) {
    if (a.confidence != b.confidence) return a.confidence > b.confidence;
    if (a.depth != b.depth) return a.depth < b.depth;
    if (a.node.qualified_name != b.node.qualified_name) {
      return a.node.qualified_name < b.node.qualified_name;
    }
    return a.node.id < b.node.id;
  });
  Truncate(result, limits);
  timer.Step("rank");
  timer.Count(adjacency);
  return result;
}

Result<std::string> SourceOf(const store::ReadView& view, const Node& node, std::size_t max_bytes) {
  if (node.kind == NodeKind::kProject || node.kind == NodeKind::kDirectory) return std::string();
  ONYX_ASSIGN_OR_RETURN(std::vector<Node> in_file, view.FindByPath(node.path));
  for (const Node& f : in_file) {
    if (f.kind != NodeKind::kFile) continue;
    ONYX_ASSIGN_OR_RETURN(std::string text, view.GetBlob(f.content_hash));
    if (node.span.end_byte > text.size() || node.span.start_byte > node.span.end_byte) {
      return Status::Corruption("source: the span of " + node.qualified_name +
                                " lies outside its file");
    }
    std::string body =
        text.substr(node.span.start_byte,
                    std::min<std::size_t>(node.span.end_byte - node.span.start_byte, max_bytes));
    return body;
  }
  return Status::NotFound("source: no file " + node.path + " at revision " +
                          std::to_string(view.revision()));
}

Result<std::vector<Node>> FindNodes(const store::ReadView& view, std::string_view spec) {
  std::vector<Node> out;
  if (spec.empty() || spec.size() > 4096) return Status::InvalidArgument("node: empty or too long");
  if (const auto id = ParseNodeId(spec)) {
    auto node = view.GetNode(*id);
    if (node.ok()) return std::vector<Node>{*node};
  }
  // A file or folder is named by its path (its name may hold dots).
  if (spec.find_first_of("./") != std::string_view::npos) {
    const auto slash = spec.rfind('/');
    const std::string_view base = slash == std::string_view::npos ? spec : spec.substr(slash + 1);
    ONYX_ASSIGN_OR_RETURN(std::vector<Node> files, view.FindByName(base, false, 1000));
    std::vector<Node> by_name;  // a bare file name: every file so named
    for (Node& n : files) {
      if (n.kind != NodeKind::kFile && n.kind != NodeKind::kDirectory) continue;
      if (n.path == spec) return std::vector<Node>{std::move(n)};
      if (slash == std::string_view::npos && n.kind == NodeKind::kFile && n.name == spec) {
        by_name.push_back(std::move(n));
      }
    }
    if (!by_name.empty()) return by_name;
  }
  // A qualified name names its last segment.
  const auto cut = spec.find_last_of(".:/>");
  std::string_view last = cut == std::string_view::npos ? spec : spec.substr(cut + 1);
  while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
  ONYX_ASSIGN_OR_RETURN(std::vector<Node> named, view.FindByName(last, false, 1000));
  // Exact qualified names first. A Python stub (.pyi) shares its module's
  // qualified names: the implementation wins.
  for (const Node& n : named) {
    if (n.qualified_name == spec) out.push_back(n);
  }
  const auto is_stub = [](const Node& n) { return n.path.ends_with(".pyi"); };
  if (std::any_of(out.begin(), out.end(), [&](const Node& n) { return !is_stub(n); })) {
    out.erase(std::remove_if(out.begin(), out.end(), is_stub), out.end());
  }
  if (!out.empty()) return out;
  if (cut == std::string_view::npos) return named;
  // A trailing part of a qualified name, at a segment boundary.
  const std::string tail = "." + std::string(spec);
  for (Node& n : named) {
    if (n.qualified_name.ends_with(tail)) out.push_back(std::move(n));
  }
  return out;
}

}  // namespace onyx::query
