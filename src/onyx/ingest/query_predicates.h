// Compiled query predicates and directives, and running queries with them.
// Internal to ingest/: the .cc files that include it also include tree-sitter.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "onyx/ingest/source_parser.h"

namespace re2 {
class RE2;
}

namespace onyx::ingest {

/// One predicate or directive of a pattern.
struct Predicate {
  enum class Op { kEq, kMatch, kAnyOf, kStrip, kSelectAdjacent, kIgnored };
  Op op = Op::kIgnored;
  bool negated = false;
  std::uint32_t capture = 0;           ///< The first argument, always a capture.
  std::optional<std::uint32_t> other;  ///< A second capture argument (#eq?, adjacency).
  std::vector<std::string> strings;    ///< String arguments (#eq?, #any-of?).
  /// #match? and #strip!: RE2 (linear time, no recursion: hostile text
  /// cannot stall or overflow the stack).
  std::shared_ptr<const re2::RE2> regex;
};

struct QueryPredicates {
  std::vector<std::vector<Predicate>> by_pattern;
};

/// Reads and compiles the predicates of every pattern of `query`.
Result<std::unique_ptr<QueryPredicates>> CompilePredicates(const TSQuery* query,
                                                           std::string_view language);

}  // namespace onyx::ingest
