// Records a directory tree as one revision: directories, files and their text,
// the definitions tree-sitter finds, and the edges their references resolve to.
#pragma once

#include <string>

#include "onyx/engine.h"
#include "onyx/ingest/definition_extractor.h"
#include "onyx/ingest/graph_state.h"
#include "onyx/ingest/tree_walk.h"
#include "onyx/ingest/worktree_stat.h"
#include "onyx/status.h"
#include "onyx/store/store.h"

namespace onyx::ingest {

/// Walks `root` and commits it into `project` as one revision (see
/// Engine::IngestTree for the rules). With `stat`, it is set to the tree's
/// stat as the walk found it (what StatWorktree would have returned). With
/// `state` (see IngestSnapshot), the graph is not read back from the store
/// when the state describes its latest revision.
Result<IngestSummary> IngestTree(store::Store& store, const Project& project,
                                 const std::string& root, const IngestOptions& options,
                                 WorktreeStat* stat = nullptr, GraphState* state = nullptr);

/// Commits `entries` (a whole tree: what is not in it is removed) as one
/// revision described by `info`: parses what changed, links references, and
/// stages only what differs from the latest revision. `root_name` is the tree's
/// folder name (a Python package at the root imports itself by it). With
/// `keep_if_empty`, a revision is recorded even when nothing changed (one per git
/// commit). `summary` carries what the caller already counted (the walk).
/// `state`, when given, is the graph as the project's latest revision has it
/// (it is read from the store when it does not describe that revision) and
/// becomes that of the revision committed; an error leaves it invalid.
Result<IngestSummary> IngestSnapshot(store::Store& store, const Project& project,
                                     const std::vector<TreeEntry>& entries,
                                     std::string_view root_name, RevisionInfo info,
                                     bool keep_if_empty, const IngestOptions& options,
                                     IngestSummary summary, GraphState* state = nullptr);

/// The definitions of one file as an ingest would record them (Markdown
/// sections, or tree-sitter definitions for the six languages); an error when
/// the file cannot be parsed within the options' limits.
Result<std::vector<Definition>> FileDefinitions(const TreeEntry& entry,
                                                const IngestOptions& options);

}  // namespace onyx::ingest
