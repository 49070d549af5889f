// What changed in a working tree since the graph's latest revision: files
// modified, added and removed, and the definitions whose text changed — found
// by parsing the changed files as an ingest would and comparing each
// definition with its stored version (so an edit maps to exactly the symbols
// whose lines it touched, and a moved but unchanged symbol is not a change).
#pragma once

#include <string>
#include <vector>

#include "onyx/engine.h"
#include "onyx/status.h"
#include "onyx/store/read_view.h"

namespace onyx::ingest {

/// Compares `root` (walked with the ingest's rules) with the view's revision.
/// With `symbols`, changed files are parsed and their definitions compared.
Result<WorktreeChanges> CompareWorktree(const store::ReadView& view, const std::string& root,
                                        const IngestOptions& options, bool symbols = true);

}  // namespace onyx::ingest
