// Pages of an answer: a cursor pins the revision an answer came from and the
// offset of the next page, and carries a key of the query so that it cannot
// page through another one. Answers are deterministic at a revision, so the
// pages of one query never overlap or skip, even while new revisions land.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "onyx/status.h"
#include "onyx/types.h"

namespace onyx::query {

struct Cursor {
  RevisionNumber revision = 0;
  std::uint64_t offset = 0;
  std::uint64_t query = 0;  ///< QueryKey of the query it pages.
};

/// A key for a query's canonical text (its command and every option that
/// shapes the answer).
std::uint64_t QueryKey(std::string_view canonical);

/// "c1" followed by 48 hex digits.
std::string EncodeCursor(const Cursor& cursor);
/// InvalidArgument for anything EncodeCursor did not make, or a cursor of
/// another query (`query` differs).
Result<Cursor> DecodeCursor(std::string_view text, std::uint64_t query);

/// The cursor of the next page (at `next`, as of `revision`), or "" when
/// there is none.
std::string NextCursor(RevisionNumber revision, std::optional<std::uint64_t> next,
                       std::uint64_t query);
/// The cursor of the page after one that ends at answer `end` of `total`,
/// or "" when that page was the last.
std::string NextCursor(RevisionNumber revision, std::uint64_t end, std::uint64_t total,
                       std::uint64_t query);

/// Keeps items [offset, offset + size) of `items`; the offset of the next page
/// when more follow.
template <typename T>
std::optional<std::uint64_t> TakePage(std::vector<T>& items, std::uint64_t offset,
                                      std::size_t size) {
  const std::size_t total = items.size();
  const std::size_t begin = std::min<std::size_t>(offset, total);
  const std::size_t end = std::min<std::size_t>(begin + size, total);
  items.erase(items.begin() + static_cast<std::ptrdiff_t>(end), items.end());
  items.erase(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(begin));
  if (end < total) return end;
  return std::nullopt;
}

}  // namespace onyx::query
