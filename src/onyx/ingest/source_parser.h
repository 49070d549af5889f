// Parsing source text with tree-sitter, under size and time limits, and compiling
// tree-sitter queries. Tree-sitter's own headers stay in the .cc files.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "onyx/status.h"
#include "onyx/types.h"

extern "C" {
typedef struct TSTree TSTree;
typedef struct TSQuery TSQuery;
}

namespace onyx::ingest {

struct ParseLimits {
  /// Wall time one file may take to parse (cancelled through tree-sitter's
  /// progress callback; the default of DESIGN.md).
  std::chrono::milliseconds time_limit{5000};
  /// Larger inputs are refused before parsing.
  std::size_t max_bytes = 1u << 20;
};

/// A parsed file. Owns the tree-sitter tree and the text its nodes point into.
/// Movable; one thread at a time (tree-sitter's rule for a tree).
class SyntaxTree {
 public:
  SyntaxTree(SyntaxTree&& other) noexcept;
  SyntaxTree& operator=(SyntaxTree&& other) noexcept;
  SyntaxTree(const SyntaxTree&) = delete;
  SyntaxTree& operator=(const SyntaxTree&) = delete;
  ~SyntaxTree();

  std::string_view language() const { return language_; }
  std::string_view text() const { return text_; }
  const TSTree* tree() const { return tree_; }

  /// ERROR and MISSING nodes in the tree: a file with syntax errors still parses
  /// (tree-sitter recovers), and extraction works on what it could read.
  std::size_t error_count() const { return error_count_; }
  bool has_errors() const { return error_count_ > 0; }
  /// The grammar's name for the root node ("source_file", "program", "module").
  std::string_view root_type() const;
  /// Nodes in the tree (named and anonymous), O(1).
  std::size_t node_count() const { return node_count_; }

 private:
  friend Result<SyntaxTree> ParseSource(std::string_view, std::string, const ParseLimits&,
                                        const SyntaxTree*);
  SyntaxTree(std::string language, std::string text)
      : language_(std::move(language)), text_(std::move(text)) {}

  std::string language_;
  std::string text_;
  TSTree* tree_ = nullptr;
  std::size_t error_count_ = 0;
  std::size_t node_count_ = 0;
};

/// Parses `text` as `language` (see ParsableLanguages()). InvalidArgument for a
/// language without a grammar; ResourceExhausted over limits.max_bytes;
/// DeadlineExceeded when parsing takes longer than limits.time_limit. Invalid
/// UTF-8, very long lines and deep nesting parse (tree-sitter never recurses on the
/// C stack); syntax errors are counted, not fatal. Thread-safe.
///
/// With `previous` (an earlier tree of the same file, in the same language) the
/// parse is incremental: the bytes between the texts' common prefix and suffix
/// are the edit, and tree-sitter reuses the rest of `previous`. The tree is the
/// one a fresh parse gives.
Result<SyntaxTree> ParseSource(std::string_view language, std::string text,
                               const ParseLimits& limits = {},
                               const SyntaxTree* previous = nullptr);

struct QueryPredicates;

/// A compiled tree-sitter query for one language, with its predicates compiled
/// too (tree-sitter's C API leaves them to the caller). Supported:
/// `#eq?` `#not-eq?` `#match?` `#not-match?` `#any-of?` `#not-any-of?` (a capture
/// against a string or another capture; every node of a quantified capture must
/// pass), and the directives `#strip! @c "regex"` (removes the regex's matches from
/// each line of the capture's text) and `#select-adjacent! @a @b` (also spelled
/// `#set-adjacent!`: keeps only the nodes of @a that form an unbroken run of lines
/// ending right before @b), as the grammars' tags.scm use them. `#set!` properties
/// are accepted and ignored. Movable, not copyable; one compiled query may be run
/// by several threads at once.
class SourceQuery {
 public:
  /// Compiles `source`. InvalidArgument naming the error kind and its line and
  /// column when the query does not compile against the grammar, or naming the
  /// predicate when one is unknown, malformed, or has a regex that does not compile.
  static Result<SourceQuery> Compile(std::string_view language, std::string_view source);

  SourceQuery(SourceQuery&& other) noexcept;
  SourceQuery& operator=(SourceQuery&& other) noexcept;
  SourceQuery(const SourceQuery&) = delete;
  SourceQuery& operator=(const SourceQuery&) = delete;
  ~SourceQuery();

  const TSQuery* query() const { return query_; }
  std::string_view language() const { return language_; }
  /// The compiled predicates (for RunQuery).
  const QueryPredicates& predicates() const { return *predicates_; }
  std::uint32_t pattern_count() const;
  /// Where pattern `index` starts in the query's source (patterns are in
  /// source order).
  std::uint32_t pattern_start_byte(std::uint32_t index) const;
  std::uint32_t capture_count() const;
  /// Name of capture `index` (without the leading '@').
  std::string_view capture_name(std::uint32_t index) const;

 private:
  SourceQuery(std::string language, TSQuery* query, std::unique_ptr<QueryPredicates> predicates);
  std::string language_;
  TSQuery* query_ = nullptr;
  std::unique_ptr<QueryPredicates> predicates_;
};

/// One node captured by a match.
struct CapturedNode {
  std::uint32_t capture = 0;  ///< Capture index in the query.
  std::string_view name;      ///< Capture name without '@' (points into the query).
  std::string_view type;      ///< The node's grammar type, e.g. "function_item".
  std::string_view text;      ///< The node's text, after any #strip! (see QueryMatch).
  Span span;                  ///< Bytes [start, end) and 1-based lines.
};

/// A match of one pattern, after its predicates passed and directives ran.
/// Captured texts are views into the tree's source, or into `rewritten` for
/// those a directive changed: valid while the match is (during RunQuery's
/// callback); copy what must outlive it.
struct QueryMatch {
  std::uint32_t pattern = 0;
  std::vector<CapturedNode> captures;  ///< In tree-sitter's order.
  std::deque<std::string> rewritten;   ///< Texts #strip! produced (stable addresses).

  /// The first node captured as `name`, or nullptr.
  const CapturedNode* First(std::string_view name) const;
  /// Every node captured as `name` (quantified captures give several).
  std::vector<const CapturedNode*> All(std::string_view name) const;
};

struct QueryLimits {
  std::chrono::milliseconds time_limit{5000};
  /// Tree-sitter's in-progress match limit (bounds memory on pathological trees).
  std::uint32_t match_limit = 10'000;
};

/// Runs `query` over `tree` and calls `fn` for each match whose predicates pass,
/// in document order; stops early when `fn` returns false. InvalidArgument when
/// the query's language is not the tree's; DeadlineExceeded when the time limit is
/// hit (matches delivered before it stand). Thread-safe for distinct calls.
Status RunQuery(const SourceQuery& query, const SyntaxTree& tree, const QueryLimits& limits,
                const std::function<bool(const QueryMatch&)>& fn);

}  // namespace onyx::ingest
