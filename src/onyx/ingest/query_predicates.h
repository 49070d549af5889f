// Compiled query predicates and directives, and running queries with them.
// Internal to ingest/: the .cc files that include it also include tree-sitter.
#pragma once

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "onyx/ingest/source_parser.h"

namespace onyx::ingest {

/// One predicate or directive of a pattern.
struct Predicate {
  enum class Op { kEq, kMatch, kAnyOf, kStrip, kSelectAdjacent, kIgnored };
  Op op = Op::kIgnored;
  bool negated = false;
  std::uint32_t capture = 0;           ///< The first argument, always a capture.
  std::optional<std::uint32_t> other;  ///< A second capture argument (#eq?, adjacency).
  std::vector<std::string> strings;    ///< String arguments (#eq?, #any-of?).
  std::regex regex;                    ///< #match? and #strip!.
};

struct QueryPredicates {
  std::vector<std::vector<Predicate>> by_pattern;
};

/// Reads and compiles the predicates of every pattern of `query`.
Result<std::unique_ptr<QueryPredicates>> CompilePredicates(const TSQuery* query,
                                                           std::string_view language);

}  // namespace onyx::ingest
