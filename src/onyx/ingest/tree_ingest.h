// Records a directory tree (directories, files and their text) as one revision.
// The structural pass that later layers (tree-sitter extraction) build on.
#pragma once

#include <string>

#include "onyx/engine.h"
#include "onyx/status.h"
#include "onyx/store/store.h"

namespace onyx::ingest {

/// The language a file's extension names ("rust", "python", "markdown", …), or ""
/// when Onyx does not know it.
std::string_view LanguageForPath(std::string_view path);

/// Walks `root` and commits its directories and files into `project` as one
/// revision (see Engine::IngestTree for the rules).
Result<IngestSummary> IngestTree(store::Store& store, const Project& project,
                                 const std::string& root, const IngestOptions& options);

}  // namespace onyx::ingest
