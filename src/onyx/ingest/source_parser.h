// Parsing source text with tree-sitter, under size and time limits, and compiling
// tree-sitter queries. Tree-sitter's own headers stay in the .cc files.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "onyx/status.h"

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
/// Movable, not copyable; safe to read from several threads.
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
  /// Named nodes in the tree.
  std::size_t named_node_count() const { return named_nodes_; }

 private:
  friend Result<SyntaxTree> ParseSource(std::string_view, std::string, const ParseLimits&);
  SyntaxTree(std::string language, std::string text) : language_(std::move(language)), text_(std::move(text)) {}

  std::string language_;
  std::string text_;
  TSTree* tree_ = nullptr;
  std::size_t error_count_ = 0;
  std::size_t named_nodes_ = 0;
};

/// Parses `text` as `language` (see ParsableLanguages()). InvalidArgument for a
/// language without a grammar; ResourceExhausted over limits.max_bytes;
/// DeadlineExceeded when parsing takes longer than limits.time_limit. Invalid
/// UTF-8, very long lines and deep nesting parse (tree-sitter never recurses on the
/// C stack); syntax errors are counted, not fatal. Thread-safe.
Result<SyntaxTree> ParseSource(std::string_view language, std::string text,
                               const ParseLimits& limits = {});

/// A compiled tree-sitter query for one language. Movable, not copyable; a
/// compiled query may be shared by threads that each use their own cursor.
class SourceQuery {
 public:
  /// Compiles `source`. InvalidArgument naming the error kind and its line and
  /// column when the query does not compile against the grammar.
  static Result<SourceQuery> Compile(std::string_view language, std::string_view source);

  SourceQuery(SourceQuery&& other) noexcept;
  SourceQuery& operator=(SourceQuery&& other) noexcept;
  SourceQuery(const SourceQuery&) = delete;
  SourceQuery& operator=(const SourceQuery&) = delete;
  ~SourceQuery();

  const TSQuery* query() const { return query_; }
  std::uint32_t pattern_count() const;
  std::uint32_t capture_count() const;
  /// Name of capture `index` (without the leading '@').
  std::string_view capture_name(std::uint32_t index) const;

 private:
  explicit SourceQuery(TSQuery* query) : query_(query) {}
  TSQuery* query_ = nullptr;
};

}  // namespace onyx::ingest
