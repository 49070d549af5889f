// tree-sitter parsing with limits, and query compilation.
#include "onyx/ingest/source_parser.h"

#include <tree_sitter/api.h>

#include <algorithm>
#include <memory>

#include "onyx/ingest/languages/grammars.h"
#include "onyx/ingest/query_predicates.h"

namespace onyx::ingest {
namespace {

using Clock = std::chrono::steady_clock;

struct Deadline {
  Clock::time_point at;
};

// Returning true cancels the parse. Tree-sitter calls this every few hundred
// steps of work, so a pathological file is stopped close to its limit.
bool PastDeadline(TSParseState* state) {
  return Clock::now() >= static_cast<const Deadline*>(state->payload)->at;
}

struct ParserDeleter {
  void operator()(TSParser* p) const { ts_parser_delete(p); }
};

// Counts ERROR and MISSING nodes without recursion, descending only into
// subtrees that contain an error (tree-sitter marks them), so an error-free tree
// costs nothing.
std::size_t CountErrors(TSNode root) {
  if (!ts_node_has_error(root)) return 0;
  std::size_t errors = 0;
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  bool more = true;
  while (more) {
    const TSNode node = ts_tree_cursor_current_node(&cursor);
    if (ts_node_is_error(node) || ts_node_is_missing(node)) ++errors;
    if (ts_node_has_error(node) && ts_tree_cursor_goto_first_child(&cursor)) continue;
    while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
      if (!ts_tree_cursor_goto_parent(&cursor)) {
        more = false;
        break;
      }
    }
  }
  ts_tree_cursor_delete(&cursor);
  return errors;
}

// The row and column (in bytes) of byte `offset` of `text`.
TSPoint PointAt(std::string_view text, std::size_t offset) {
  const std::string_view before = text.substr(0, offset);
  const auto row = static_cast<std::uint32_t>(std::count(before.begin(), before.end(), '\n'));
  const auto line_start = before.rfind('\n');
  const std::size_t column =
      line_start == std::string_view::npos ? offset : offset - line_start - 1;
  return TSPoint{row, static_cast<std::uint32_t>(column)};
}

// The one edit that turns `before` into `after`: what lies between their
// common prefix and their common suffix.
TSInputEdit EditBetween(std::string_view before, std::string_view after) {
  const std::size_t shorter = std::min(before.size(), after.size());
  std::size_t prefix = 0;
  while (prefix < shorter && before[prefix] == after[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < shorter - prefix &&
         before[before.size() - 1 - suffix] == after[after.size() - 1 - suffix]) {
    ++suffix;
  }
  TSInputEdit edit{};
  edit.start_byte = static_cast<std::uint32_t>(prefix);
  edit.old_end_byte = static_cast<std::uint32_t>(before.size() - suffix);
  edit.new_end_byte = static_cast<std::uint32_t>(after.size() - suffix);
  edit.start_point = PointAt(before, edit.start_byte);
  edit.old_end_point = PointAt(before, edit.old_end_byte);
  edit.new_end_point = PointAt(after, edit.new_end_byte);
  return edit;
}

const char* QueryErrorName(TSQueryError error) {
  switch (error) {
    case TSQueryErrorSyntax: return "syntax error";
    case TSQueryErrorNodeType: return "unknown node type";
    case TSQueryErrorField: return "unknown field";
    case TSQueryErrorCapture: return "unknown capture";
    case TSQueryErrorStructure: return "impossible pattern";
    case TSQueryErrorLanguage: return "incompatible language";
    default: return "error";
  }
}

}  // namespace

SyntaxTree::SyntaxTree(SyntaxTree&& other) noexcept
    : language_(std::move(other.language_)),
      text_(std::move(other.text_)),
      tree_(other.tree_),
      error_count_(other.error_count_),
      node_count_(other.node_count_) {
  other.tree_ = nullptr;
}

SyntaxTree& SyntaxTree::operator=(SyntaxTree&& other) noexcept {
  if (this != &other) {
    if (tree_ != nullptr) ts_tree_delete(tree_);
    language_ = std::move(other.language_);
    text_ = std::move(other.text_);
    tree_ = other.tree_;
    error_count_ = other.error_count_;
    node_count_ = other.node_count_;
    other.tree_ = nullptr;
  }
  return *this;
}

SyntaxTree::~SyntaxTree() {
  if (tree_ != nullptr) ts_tree_delete(tree_);
}

std::string_view SyntaxTree::root_type() const {
  return tree_ == nullptr ? std::string_view() : ts_node_type(ts_tree_root_node(tree_));
}

Result<SyntaxTree> ParseSource(std::string_view language, std::string text,
                               const ParseLimits& limits, const SyntaxTree* previous) {
  const TSLanguage* grammar = GrammarFor(language);
  if (grammar == nullptr) {
    return Status::InvalidArgument("parse: no grammar for language '" +
                                   std::string(language.substr(0, 64)) + "'");
  }
  if (text.size() > limits.max_bytes || text.size() > UINT32_MAX) {
    return Status::ResourceExhausted("parse: " + std::to_string(text.size()) +
                                     " bytes exceed the limit of " +
                                     std::to_string(limits.max_bytes));
  }
  std::unique_ptr<TSParser, ParserDeleter> parser(ts_parser_new());
  if (!ts_parser_set_language(parser.get(), grammar)) {
    return Status::Internal("parse: the " + std::string(language) +
                            " grammar's ABI version is not supported by the runtime");
  }
  SyntaxTree tree{std::string(language), std::move(text)};
  Deadline deadline{Clock::now() + limits.time_limit};
  TSInput input{};
  struct Source {
    const std::string* text;
  } source{&tree.text_};
  input.payload = &source;
  input.read = [](void* payload, uint32_t byte, TSPoint, uint32_t* bytes_read) -> const char* {
    const std::string& s = *static_cast<Source*>(payload)->text;
    if (byte >= s.size()) {
      *bytes_read = 0;
      return "";
    }
    *bytes_read = static_cast<uint32_t>(s.size() - byte);
    return s.data() + byte;
  };
  input.encoding = TSInputEncodingUTF8;
  TSParseOptions options{};
  options.payload = &deadline;
  options.progress_callback = PastDeadline;
  TSTree* old_tree = nullptr;
  if (previous != nullptr && previous->tree_ != nullptr && previous->language_ == language) {
    old_tree = ts_tree_copy(previous->tree_);  // the edit must not touch `previous`
    const TSInputEdit edit = EditBetween(previous->text_, tree.text_);
    ts_tree_edit(old_tree, &edit);
  }
  tree.tree_ = ts_parser_parse_with_options(parser.get(), old_tree, input, options);
  if (old_tree != nullptr) ts_tree_delete(old_tree);
  if (tree.tree_ == nullptr) {
    return Status::DeadlineExceeded("parse: " + std::string(language) + " input of " +
                                    std::to_string(tree.text_.size()) + " bytes took longer than " +
                                    std::to_string(limits.time_limit.count()) + " ms");
  }
  const TSNode root = ts_tree_root_node(tree.tree_);
  tree.error_count_ = CountErrors(root);
  tree.node_count_ = ts_node_descendant_count(root);
  return tree;
}

Result<SourceQuery> SourceQuery::Compile(std::string_view language, std::string_view source) {
  const TSLanguage* grammar = GrammarFor(language);
  if (grammar == nullptr) {
    return Status::InvalidArgument("query: no grammar for language '" +
                                   std::string(language.substr(0, 64)) + "'");
  }
  if (source.size() > UINT32_MAX) return Status::ResourceExhausted("query: source too large");
  uint32_t error_offset = 0;
  TSQueryError error = TSQueryErrorNone;
  TSQuery* query = ts_query_new(grammar, source.data(), static_cast<uint32_t>(source.size()),
                                &error_offset, &error);
  if (query == nullptr) {
    std::size_t line = 1;
    std::size_t column = 1;
    for (std::size_t i = 0; i < error_offset && i < source.size(); ++i) {
      if (source[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return Status::InvalidArgument("query for " + std::string(language) + ": " +
                                   QueryErrorName(error) + " at line " + std::to_string(line) +
                                   ", column " + std::to_string(column));
  }
  auto predicates = CompilePredicates(query, language);
  if (!predicates.ok()) {
    ts_query_delete(query);
    return std::move(predicates).status();
  }
  return SourceQuery(std::string(language), query, std::move(predicates).value());
}

SourceQuery::SourceQuery(std::string language, TSQuery* query,
                         std::unique_ptr<QueryPredicates> predicates)
    : language_(std::move(language)), query_(query), predicates_(std::move(predicates)) {}

SourceQuery::SourceQuery(SourceQuery&& other) noexcept
    : language_(std::move(other.language_)),
      query_(other.query_),
      predicates_(std::move(other.predicates_)) {
  other.query_ = nullptr;
}

SourceQuery& SourceQuery::operator=(SourceQuery&& other) noexcept {
  if (this != &other) {
    if (query_ != nullptr) ts_query_delete(query_);
    language_ = std::move(other.language_);
    query_ = other.query_;
    predicates_ = std::move(other.predicates_);
    other.query_ = nullptr;
  }
  return *this;
}

SourceQuery::~SourceQuery() {
  if (query_ != nullptr) ts_query_delete(query_);
}

std::uint32_t SourceQuery::pattern_count() const { return ts_query_pattern_count(query_); }
std::uint32_t SourceQuery::pattern_start_byte(std::uint32_t index) const {
  return ts_query_start_byte_for_pattern(query_, index);
}
std::uint32_t SourceQuery::capture_count() const { return ts_query_capture_count(query_); }

std::string_view SourceQuery::capture_name(std::uint32_t index) const {
  uint32_t length = 0;
  const char* name = ts_query_capture_name_for_id(query_, index, &length);
  return name == nullptr ? std::string_view() : std::string_view(name, length);
}

}  // namespace onyx::ingest
