// Lineage across renames: which new definition continues which old one, so
// that history follows a symbol when its file moves or its name changes.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "onyx/ingest/definition_extractor.h"
#include "onyx/status.h"
#include "onyx/types.h"

namespace onyx::ingest {

/// The attribute of a definition's first version that names (16 hex digits)
/// the node it continues.
inline constexpr std::string_view kPreviousIdAttribute = "previous_id";

/// `text` with every whole identifier `from` replaced by `to` (an identifier
/// is bounded by characters other than letters, digits, '_' and '$').
std::string ReplaceIdentifier(std::string_view text, std::string_view from, std::string_view to);

/// Renames inside a file (or a file moved, after matching by name): a new
/// definition with no lineage yet whose text is that of an old definition of
/// the same kind, gone now, with the old name replaced by the new one, is
/// that definition renamed (or moved under a renamed parent: same name, same
/// text); a container (a class) whose members mostly continue those of a gone
/// one of its kind (at least half of the larger set) continues it too, edited.
/// Each gets kPreviousIdAttribute. `new_text` is the file's text now and
/// `old_text` reads its text before (spans index into them), called only when
/// some definition is gone and some is new; its error is returned (NotFound:
/// nothing is marked). Each old definition is continued at most once; a file
/// with over 10,000 candidate pairs is left alone.
Status MarkRenamedDefinitions(const std::vector<Node>& old_definitions,
                              const std::function<Result<std::string>()>& old_text,
                              std::string_view new_text, std::vector<Definition>& definitions);

}  // namespace onyx::ingest
