// Agent memory: notes are `note` nodes (text in `doc`) at the pseudo path
// kNotesPath, linked to code by `about` edges. Tree ingests leave them alone;
// a note's links are read as of the revision that wrote it, and a link whose
// node changed or went away since makes the note stale.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "onyx/query.h"
#include "onyx/status.h"
#include "onyx/store/read_view.h"

namespace onyx::query {

/// Where notes live in the path index (no repository file has a ':' prefix like it).
inline constexpr std::string_view kNotesPath = "onyx:notes";
inline constexpr std::size_t kMaxNoteBytes = 16u << 10;
inline constexpr std::size_t kMaxNoteLinks = 32;

/// The note node `request` describes: a new version of `replaced` when given,
/// else a new note. InvalidArgument for text without words or over the size
/// limit, or too many links.
Result<Node> MakeNote(const NoteRequest& request, const Node* replaced);

/// Notes as of the view's revision that use the words of `query` (all notes,
/// newest first, when it has none), best first; only those about `about` when
/// given; at most `k`.
Result<std::vector<RecalledNote>> RecallNotes(const store::ReadView& view, std::string_view query,
                                              std::optional<NodeId> about, std::size_t k);

}  // namespace onyx::query
