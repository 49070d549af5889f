// The graph as JSON Lines (docs/format/jsonl.md): a header, the revisions,
// the files' text, then one node or edge version per line. Export writes it
// from a view; import replays it into an empty project, revision by revision,
// so that exporting the imported project gives the same bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>

#include "onyx/status.h"
#include "onyx/store/read_view.h"
#include "onyx/store/store.h"
#include "onyx/transfer.h"
#include "onyx/types.h"

namespace onyx::store {

using onyx::ExportOptions;
using ExportSummary = onyx::TransferSummary;

/// Writes the project of `view` as of its revision. Without history, each
/// node and edge valid then is one line, open-ended (valid_to null), and an
/// edge's valid_from is no earlier than its ends' (so that the export can be
/// replayed on its own).
Result<ExportSummary> ExportJsonl(const ReadView& view, const ExportOptions& options,
                                  std::ostream& out);

struct ImportLimits {
  std::size_t max_line_bytes = 64u << 20;
  std::uint64_t max_lines = 50'000'000;
  int max_json_depth = 8;
};

/// Reads an export into `project`, which must have no revision yet: one
/// revision per exported revision (same number, time, source, commit, author,
/// message), each applying the versions that begin or end at it. Validates every
/// line (InvalidArgument naming the line number and the problem); on error
/// nothing after the last whole revision is kept.
Result<ExportSummary> ImportJsonl(Store& store, const Project& project, std::istream& in,
                                  const ImportLimits& limits = {});

}  // namespace onyx::store
