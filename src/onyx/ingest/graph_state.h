// The project's tree as its latest revision has it: what a tree ingest
// compares a new tree with. Reading it from the store is a scan of every
// current node; a process that ingests again and again (`--watch`, the
// servers, a history) keeps it between ingests instead, and the ingest brings
// it up to the revision it commits.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "onyx/ingest/definition_index.h"
#include "onyx/ingest/recent_trees.h"
#include "onyx/ingest/tree_walk.h"
#include "onyx/status.h"
#include "onyx/store/read_view.h"
#include "onyx/types.h"

namespace onyx::ingest {

struct GraphState {
  /// Whether the maps below are the project's nodes at `revision` (an ingest
  /// that failed part way leaves it false).
  bool valid = false;
  ProjectId project = 0;
  RevisionNumber revision = 0;
  std::unordered_map<std::string, Node> files;                     ///< By path.
  std::unordered_map<std::string, std::vector<Node>> definitions;  ///< By path: all but notes.
  std::unordered_set<NodeId> folders;  ///< The project and directory nodes.
  /// `definitions` indexed for the resolver; an ingest fills it from them
  /// when empty, else replaces only the files it parsed.
  DefinitionIndex symbols;

  /// The last tree walk of `root` (a worktree ingest's; empty after a git
  /// snapshot): the next walk of that root reads only the files that changed.
  std::string root;
  EarlierWalk walk;

  /// Trees of files the last small ingests parsed: their next parse is
  /// incremental. True of the files' texts whatever the store holds.
  RecentTrees trees;

  /// True when it describes `view`'s latest revision of its project.
  bool DescribesLatest(ProjectId p, RevisionNumber latest) const {
    return valid && project == p && revision == latest;
  }
};

/// What a long-lived process keeps between ingests, at most (a project's
/// nodes and the last walk's file contents cost memory in proportion to the
/// tree). Past a limit that part is dropped after the ingest, and the next
/// ingest reads it again (the store's nodes, or the files): slower, bounded.
struct KeepLimits {
  std::size_t max_graph_bytes = std::size_t{256} << 20;  ///< nodes and their index, roughly
  std::size_t max_walk_bytes = std::size_t{256} << 20;   ///< file contents of the walk
};

/// Drops from `state` what exceeds `limits`: the walk (its contents over
/// max_walk_bytes), the graph (its nodes over max_graph_bytes; the state is
/// then no longer valid). Recent trees have their own limits.
void FitToLimits(GraphState& state, const KeepLimits& limits);

/// The state of `view`'s project at its revision, read from the store (agent
/// notes are left out: they are not part of the tree).
Result<GraphState> ReadGraphState(ProjectId project, const store::ReadView& view);

/// How two states differ ("" when they hold the same nodes, by id, kind,
/// names, path, span, content, signature, doc and attributes): for tests.
std::string GraphStateDifference(const GraphState& a, const GraphState& b);

}  // namespace onyx::ingest
