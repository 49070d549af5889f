// Moving a graph in and out of Onyx: JSON Lines export and import
// (docs/format/jsonl.md), and backups of the whole store.
#pragma once

#include <cstdint>
#include <string>

namespace onyx {

struct ExportOptions {
  /// Every version with its validity, instead of the versions valid at the
  /// exported revision.
  bool with_history = false;
  /// The files' text (lines of type "blob"), so that an import can show source.
  bool with_text = true;
};

/// What an export wrote or an import read.
struct TransferSummary {
  std::uint64_t revisions = 0;
  std::uint64_t nodes = 0;  ///< Node versions.
  std::uint64_t edges = 0;  ///< Edge versions.
  std::uint64_t blobs = 0;
};

/// What a restore did.
struct RestoreSummary {
  std::string previous;  ///< Where the replaced store was moved ("" if there was none).
  std::size_t projects = 0;
};

}  // namespace onyx
