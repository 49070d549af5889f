// Diffs between revisions.
#include "onyx/query/diff.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "onyx/query/history.h"
#include "onyx/query/plan.h"

namespace onyx::query {
namespace {

// The versions of one node valid at either end, and the node it continues.
struct Ends {
  std::optional<Node> before;
  std::optional<Node> after;
  NodeId continues = 0;        // previous_id of a version made after `from`
  std::string continues_path;  // previous_path of a file's version made after `from`
};

bool ByLocation(const Node& a, const Node& b) {
  if (a.path != b.path) return a.path < b.path;
  const bool a_file = a.kind == NodeKind::kFile;
  const bool b_file = b.kind == NodeKind::kFile;
  if (a_file != b_file) return a_file;  // a file before what it holds
  if (a.span.start_line != b.span.start_line) return a.span.start_line < b.span.start_line;
  if (a.span.end_line != b.span.end_line) return a.span.end_line > b.span.end_line;  // outer first
  return a.id < b.id;
}

template <typename T>
void Cap(std::vector<T>& list, std::size_t limit, bool* partial) {
  if (list.size() > limit) {
    list.resize(limit);
    *partial = true;
  }
}

Result<std::string> QualifiedName(const store::ReadView& view, NodeId id) {
  auto node = view.GetNode(id);
  if (node.ok()) return node->qualified_name.empty() ? node->path : node->qualified_name;
  if (node.status().code() == StatusCode::kNotFound) return std::string();
  return node.status();
}

}  // namespace

Result<GraphDiff> Diff(const store::ReadView& view, RevisionNumber from, std::size_t limit,
                       const TimeLimit& time) {
  const RevisionNumber to = view.revision();
  if (from == 0 || from >= to) {
    if (to <= 1) {
      return Status::InvalidArgument("diff: revision " + std::to_string(to) +
                                     " has no revision before it to compare with");
    }
    return Status::InvalidArgument("diff: the older revision must be in 1.." +
                                   std::to_string(to - 1) + " (before " + std::to_string(to) +
                                   "), not " + std::to_string(from));
  }
  const Deadline deadline(time);
  GraphDiff diff;
  diff.from = from;
  diff.to = to;
  PlanTimer timer(&diff.plan);
  diff.plan.source = "store";
  // The scans look at the clock at the first version and once every
  // kClockEvery after it.
  constexpr std::uint64_t kClockEvery = 1024;
  std::uint64_t node_versions = 0;
  std::uint64_t edge_versions = 0;
  const auto out_of_time = [&](std::uint64_t scanned) {
    if (scanned % kClockEvery != 1 || !deadline.Expired()) return false;
    diff.out_of_time = true;
    return true;
  };

  std::unordered_map<NodeId, Ends> touched;
  ONYX_RETURN_IF_ERROR(view.ForEachNodeVersion([&](Node& n) {
    if (out_of_time(++node_versions)) return false;
    if (n.kind == NodeKind::kDirectory || n.kind == NodeKind::kProject) return true;
    const bool at_from = n.validity.Contains(from);
    const bool at_to = n.validity.Contains(to);
    if (at_from && at_to) return true;  // the same version at both ends
    if (!at_from && !at_to && (n.validity.from > to || n.validity.to <= from)) return true;
    Ends& ends = touched[n.id];
    if (n.validity.from > from) {
      // Definitions name the node they continue; files the path they had.
      if (const auto id = n.attributes.find("previous_id"); id != n.attributes.end()) {
        ends.continues = ParseNodeId(id->second).value_or(0);
      } else if (const auto path = n.attributes.find("previous_path");
                 path != n.attributes.end() && n.kind == NodeKind::kFile) {
        ends.continues_path = path->second;
      }
    }
    if (at_from) ends.before = n;
    if (at_to) ends.after = std::move(n);
    return true;
  }));

  timer.Step("scan node versions");

  // Lineage: an added node continuing a removed one is that node, moved.
  std::unordered_map<std::string_view, NodeId> removed_files;
  for (const auto& [id, ends] : touched) {
    if (ends.before && !ends.after && ends.before->kind == NodeKind::kFile) {
      removed_files.emplace(ends.before->path, id);
    }
  }
  std::map<NodeId, NodeId> continued_by;  // removed id → added id
  for (auto& [id, ends] : touched) {
    if (!ends.continues_path.empty()) {
      const auto file = removed_files.find(ends.continues_path);
      if (file != removed_files.end()) ends.continues = file->second;
    }
    if (ends.after && !ends.before && ends.continues != 0) {
      const auto old = touched.find(ends.continues);
      if (old != touched.end() && old->second.before && !old->second.after) {
        continued_by.emplace(ends.continues, id);
      }
    }
  }
  std::unordered_map<NodeId, NodeId> continues;  // added id → removed id
  for (const auto& [old_id, new_id] : continued_by) continues.emplace(new_id, old_id);

  for (auto& [id, ends] : touched) {
    if (ends.before && ends.after) {
      NodeChange change{*ends.before, *ends.after, ChangesBetween(*ends.before, *ends.after)};
      if (change.changes.empty()) continue;  // e.g. only attributes
      const bool content = std::any_of(change.changes.begin(), change.changes.end(),
                                       [](const std::string& c) { return c != "location"; });
      (content ? diff.changed : diff.moved).push_back(std::move(change));
    } else if (ends.after) {
      const auto old = continues.find(id);
      if (old == continues.end()) {
        diff.added.push_back(std::move(*ends.after));
        continue;
      }
      const Node& before = *touched.at(old->second).before;
      NodeChange change{before, *ends.after, ChangesBetween(before, *ends.after)};
      const bool content =
          std::any_of(change.changes.begin(), change.changes.end(),
                      [](const std::string& c) { return c != "location" && c != "renamed"; });
      (content ? diff.changed : diff.moved).push_back(std::move(change));
    } else if (ends.before && continued_by.count(id) == 0) {
      diff.removed.push_back(std::move(*ends.before));
    }
  }

  timer.Step("pair changes");

  // Edges: identities valid at one end only. Contains edges follow from the
  // nodes added and removed, so they are left out.
  std::map<EdgeRef, std::pair<std::optional<Edge>, std::optional<Edge>>> edges;
  ONYX_RETURN_IF_ERROR(view.ForEachEdgeVersion([&](const Edge& e) {
    if (diff.out_of_time || out_of_time(++edge_versions)) return false;
    if (e.kind == EdgeKind::kContains) return true;
    const bool at_from = e.validity.Contains(from);
    const bool at_to = e.validity.Contains(to);
    if (at_from == at_to) return true;
    auto& ends = edges[EdgeRef{e.src, e.kind, e.dst}];
    (at_from ? ends.first : ends.second) = e;
    return true;
  }));
  for (auto& [ref, ends] : edges) {
    if (ends.first && !ends.second) diff.edges_removed.push_back({std::move(*ends.first), {}, {}});
    if (ends.second && !ends.first) diff.edges_added.push_back({std::move(*ends.second), {}, {}});
  }

  timer.Step("scan edge versions");

  std::sort(diff.added.begin(), diff.added.end(), ByLocation);
  std::sort(diff.removed.begin(), diff.removed.end(), ByLocation);
  for (auto* list : {&diff.changed, &diff.moved}) {
    std::sort(list->begin(), list->end(), [](const NodeChange& a, const NodeChange& b) {
      return ByLocation(a.after, b.after);
    });
  }
  diff.counts = {diff.added.size(), diff.removed.size(),     diff.changed.size(),
                 diff.moved.size(), diff.edges_added.size(), diff.edges_removed.size()};
  Cap(diff.added, limit, &diff.partial);
  Cap(diff.removed, limit, &diff.partial);
  Cap(diff.changed, limit, &diff.partial);
  Cap(diff.moved, limit, &diff.partial);
  Cap(diff.edges_added, limit, &diff.partial);
  Cap(diff.edges_removed, limit, &diff.partial);
  if (diff.out_of_time) diff.partial = true;
  timer.Step("sort");
  // Name the ends of the edges shown: as of `to` for added edges, `from` for
  // removed ones.
  ONYX_ASSIGN_OR_RETURN(const store::ReadView at_from, view.AsOf(from));
  for (auto [list, at] :
       {std::pair{&diff.edges_added, &view}, std::pair{&diff.edges_removed, &at_from}}) {
    for (NamedEdge& e : *list) {
      ONYX_ASSIGN_OR_RETURN(e.src, QualifiedName(*at, e.edge.src));
      ONYX_ASSIGN_OR_RETURN(e.dst, QualifiedName(*at, e.edge.dst));
    }
  }
  timer.Step("name edge ends");
  diff.plan.counts = {{"node_versions_read", node_versions}, {"edge_versions_read", edge_versions}};
  return diff;
}

std::optional<std::uint64_t> PageDiff(GraphDiff& d, std::uint64_t offset, std::size_t size) {
  std::uint64_t skip = offset;
  std::size_t room = size;
  bool more = false;
  const auto cut = [&](auto& list) {
    const std::size_t n = list.size();
    const std::size_t begin = static_cast<std::size_t>(std::min<std::uint64_t>(skip, n));
    skip -= begin;
    const std::size_t take = std::min(room, n - begin);
    room -= take;
    if (begin + take < n) more = true;
    list.erase(list.begin() + static_cast<std::ptrdiff_t>(begin + take), list.end());
    list.erase(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(begin));
  };
  cut(d.added);
  cut(d.removed);
  cut(d.changed);
  cut(d.moved);
  cut(d.edges_added);
  cut(d.edges_removed);
  d.partial = d.out_of_time;  // the pages cover every list, unless the scan stopped
  if (!more) return std::nullopt;
  return offset + size;
}

}  // namespace onyx::query
