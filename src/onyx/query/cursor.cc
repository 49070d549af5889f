// Cursor encoding.
#include "onyx/query/cursor.h"

#include <charconv>
#include <cstdio>

namespace onyx::query {

std::uint64_t QueryKey(std::string_view canonical) { return HashContent(canonical).low; }

std::string EncodeCursor(const Cursor& cursor) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "c1%016llx%016llx%016llx",
                static_cast<unsigned long long>(cursor.revision),
                static_cast<unsigned long long>(cursor.offset),
                static_cast<unsigned long long>(cursor.query));
  return buf;
}

Result<Cursor> DecodeCursor(std::string_view text, std::uint64_t query) {
  const auto bad = [&] {
    return Status::InvalidArgument("cursor: '" + std::string(text.substr(0, 80)) +
                                   "' is not a cursor onyx gave");
  };
  if (text.size() != 2 + 48 || !text.starts_with("c1")) return bad();
  std::uint64_t parts[3];
  for (int i = 0; i < 3; ++i) {
    const char* begin = text.data() + 2 + 16 * i;
    const auto [end, ec] = std::from_chars(begin, begin + 16, parts[i], 16);
    if (ec != std::errc() || end != begin + 16) return bad();
  }
  if (parts[2] != query) {
    return Status::InvalidArgument("cursor: it pages another query (same options needed)");
  }
  return Cursor{parts[0], parts[1], parts[2]};
}

std::string NextCursor(RevisionNumber revision, std::optional<std::uint64_t> next,
                       std::uint64_t query) {
  return next ? EncodeCursor({revision, *next, query}) : std::string();
}

std::string NextCursor(RevisionNumber revision, std::uint64_t end, std::uint64_t total,
                       std::uint64_t query) {
  return NextCursor(revision, end < total ? std::optional(end) : std::nullopt, query);
}

}  // namespace onyx::query
