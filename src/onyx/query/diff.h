// diff(from, to): the symbols and edges that changed between two revisions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "onyx/query.h"
#include "onyx/status.h"
#include "onyx/store/read_view.h"

namespace onyx::query {

/// What changed from revision `from` to the view's revision (`from` <
/// view.revision()). A node that moved to a new id by lineage (attribute
/// previous_id, set when a file is renamed) is one change, not a removal and an
/// addition. Lists are ordered by path, then line; each holds at most `limit`.
/// Scans the project's versions once: O(versions), not O(changes). Once
/// `time` is spent the scan stops: the answer covers the versions scanned,
/// marked partial and out_of_time.
Result<GraphDiff> Diff(const store::ReadView& view, RevisionNumber from, std::size_t limit = 1000,
                       const TimeLimit& time = {});

/// Keeps one page of a diff, as one list: added, removed, changed, moved,
/// then the edges added and removed; entries [offset, offset + size). The
/// diff must hold at least offset + size + 1 entries of each list (or all of
/// them). The page is partial only when the scan ran out of time (paging
/// covers what the limit cut). The offset of the next page when more follow.
std::optional<std::uint64_t> PageDiff(GraphDiff& diff, std::uint64_t offset, std::size_t size);

}  // namespace onyx::query
