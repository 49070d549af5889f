// Records a directory tree as one revision: directories, files and their text,
// the definitions tree-sitter finds, and the edges their references resolve to.
#pragma once

#include <string>

#include "onyx/engine.h"
#include "onyx/ingest/tree_walk.h"
#include "onyx/status.h"
#include "onyx/store/store.h"

namespace onyx::ingest {

/// Walks `root` and commits it into `project` as one revision (see
/// Engine::IngestTree for the rules).
Result<IngestSummary> IngestTree(store::Store& store, const Project& project,
                                 const std::string& root, const IngestOptions& options);

}  // namespace onyx::ingest
