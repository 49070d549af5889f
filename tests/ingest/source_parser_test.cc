// Parsing with tree-sitter: every grammar parses real code, errors are counted,
// hostile input neither crashes nor stalls, queries compile or fail clearly.
#include "onyx/ingest/source_parser.h"

#include <gtest/gtest.h>
#include <tree_sitter/api.h>

#include <cstdlib>
#include <filesystem>

#include "onyx/ingest/languages/grammars.h"
#include "onyx/ingest/tree_ingest.h"
#include "testing/files.h"

namespace onyx::ingest {
namespace {

using testing::ReadFile;

struct Sample {
  std::string path;
  std::string language;
  std::string root;
};

TEST(SourceParser, EveryGrammarParsesItsFixtureWithoutErrors) {
  const std::string fixtures = testing::SourceDir() + "/tests/fixtures/";
  const std::vector<Sample> samples = {
      {"mixed_tree/src/util/helpers.rs", "rust", "source_file"},
      {"mixed_tree/src/app.py", "python", "module"},
      {"mixed_tree/web/index.ts", "typescript", "program"},
      {"mixed_tree/go/main.go", "go", "source_file"},
      {"mixed_tree/java/com/example/App.java", "java", "program"},
      {"parse_samples/counter.js", "javascript", "program"},
      {"parse_samples/view.tsx", "tsx", "program"},
  };
  std::set<std::string> covered;
  for (const Sample& s : samples) {
    ASSERT_EQ(LanguageForPath(s.path), s.language) << s.path;
    auto tree = ParseSource(s.language, ReadFile(fixtures + s.path));
    ASSERT_OK(tree);
    EXPECT_EQ(tree->root_type(), s.root) << s.path;
    EXPECT_FALSE(tree->has_errors()) << s.path;
    EXPECT_GT(tree->node_count(), 30u) << s.path;
    covered.insert(s.language);
  }
  EXPECT_EQ(covered.size(), ParsableLanguages().size());
}

// The whole tree as text: kinds, fields and nesting (ts_node_string), and
// where the root ends.
std::string Describe(const SyntaxTree& tree) {
  const TSNode root = ts_tree_root_node(tree.tree());
  char* text = ts_node_string(root);
  std::string out(text);
  std::free(text);
  return out + " @" + std::to_string(ts_node_end_byte(root));
}

// A parse from the tree of the file's earlier text gives the tree a fresh
// parse gives, whatever the edit; each edit here starts from the tree the
// previous incremental parse gave, as successive edits of a file do.
TEST(SourceParser, AnIncrementalParseGivesTheTreeAFreshParseGives) {
  const std::string fixtures = testing::SourceDir() + "/tests/fixtures/";
  for (const auto& [path, language] : std::vector<std::pair<std::string, std::string>>{
           {"mixed_tree/src/app.py", "python"}, {"mixed_tree/src/util/helpers.rs", "rust"}}) {
    SCOPED_TRACE(path);
    const std::string base = ReadFile(fixtures + path);
    ASSERT_GT(base.size(), 40u);
    const std::size_t half = base.size() / 2;
    const std::vector<std::pair<std::string, std::string>> edits = {
        {"append", base + "\n// é\n"},
        {"prepend", "\n\n" + base},
        {"insert in the middle", base.substr(0, half) + "\n\n" + base.substr(half)},
        {"delete the first half", base.substr(half)},
        {"restore", base},
        {"break the syntax", base + "\n(((\n"},
        {"unchanged", base + "\n(((\n"},
        {"empty", ""},
        {"whole again", base},
    };
    auto first = ParseSource(language, base);
    ASSERT_OK(first);
    SyntaxTree previous = std::move(first).value();
    for (const auto& [name, text] : edits) {
      auto incremental = ParseSource(language, text, {}, &previous);
      auto fresh = ParseSource(language, text);
      ASSERT_OK(incremental);
      ASSERT_OK(fresh);
      EXPECT_EQ(Describe(*incremental), Describe(*fresh)) << name;
      EXPECT_EQ(incremental->error_count(), fresh->error_count()) << name;
      EXPECT_EQ(incremental->node_count(), fresh->node_count()) << name;
      previous = std::move(incremental).value();
    }
  }
  // A tree of another language is not reused.
  auto python = ParseSource("python", "x = 1\n");
  ASSERT_OK(python);
  auto rust = ParseSource("rust", "fn f() {}\n", {}, &*python);
  ASSERT_OK(rust);
  EXPECT_EQ(rust->root_type(), "source_file");
  EXPECT_FALSE(rust->has_errors());
}

TEST(SourceParser, SyntaxErrorsAreCountedNotFatal) {
  auto tree = ParseSource("python", "def broken(:\n    return 1\n\ndef fine():\n    pass\n");
  ASSERT_OK(tree);
  EXPECT_TRUE(tree->has_errors());
  EXPECT_GE(tree->error_count(), 1u);
  EXPECT_EQ(tree->root_type(), "module");
}

TEST(SourceParser, UnknownLanguageIsInvalidArgument) {
  auto tree = ParseSource("cobol", "IDENTIFICATION DIVISION.");
  ASSERT_FALSE(tree.ok());
  EXPECT_TRUE(tree.status().IsInvalidArgument());
  EXPECT_NE(tree.status().message().find("no grammar for language 'cobol'"), std::string::npos);
}

TEST(SourceParser, OversizeInputIsRefusedBeforeParsing) {
  ParseLimits limits;
  limits.max_bytes = 16;
  auto tree = ParseSource("go", "package main\n\nfunc main() {}\n", limits);
  ASSERT_FALSE(tree.ok());
  EXPECT_EQ(tree.status().code(), StatusCode::kResourceExhausted);
}

TEST(SourceParser, InvalidUtf8AndNulBytesParse) {
  std::string text = "fn main() { let s = \"";
  text += std::string("\xff\xfe\xc3\x28\x00\x80", 6);
  text += "\"; }\n";
  auto tree = ParseSource("rust", text);
  ASSERT_OK(tree);
  EXPECT_EQ(tree->root_type(), "source_file");
}

TEST(SourceParser, DeepNestingAndLongLinesDoNotCrash) {
  const int depth = 100000;
  std::string nested = "x = " + std::string(depth, '[') + std::string(depth, ']') + "\n";
  auto deep = ParseSource("python", nested, ParseLimits{std::chrono::seconds(20), 4u << 20});
  // Either it parses or the time limit stops it; it must not crash.
  if (!deep.ok()) {
    EXPECT_EQ(deep.status().code(), StatusCode::kDeadlineExceeded);
  }
  std::string long_line = "const a = [";
  for (int i = 0; i < 50000; ++i) long_line += std::to_string(i) + ",";
  long_line += "];\n";
  auto wide = ParseSource("javascript", long_line);
  ASSERT_OK(wide);
  EXPECT_FALSE(wide->has_errors());
}

TEST(SourceParser, TimeLimitCancelsASlowParse) {
  std::string big;
  while (big.size() < (900u << 10)) {
    big += "function f" + std::to_string(big.size()) + "(a, b) { return a(b(a, b), [b, a]); }\n";
  }
  ParseLimits limits;
  limits.time_limit = std::chrono::milliseconds(1);
  auto tree = ParseSource("javascript", big, limits);
  ASSERT_FALSE(tree.ok());
  EXPECT_EQ(tree.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(tree.status().message().find("took longer than 1 ms"), std::string::npos);
  // With the default limit the same input parses.
  EXPECT_OK(ParseSource("javascript", big));
}

TEST(SourceQuery, EachGrammarsTagsQueryCompiles) {
  const std::string npm = testing::SourceDir() + "/third_party/npm/node_modules/";
  const std::vector<std::pair<std::string, std::string>> tags = {
      {"rust", "tree-sitter-rust/queries/tags.scm"},
      {"python", "tree-sitter-python/queries/tags.scm"},
      {"javascript", "tree-sitter-javascript/queries/tags.scm"},
      {"go", "tree-sitter-go/queries/tags.scm"},
      {"java", "tree-sitter-java/queries/tags.scm"},
      {"typescript", "tree-sitter-typescript/queries/tags.scm"},
  };
  for (const auto& [language, file] : tags) {
    const std::string source = ReadFile(npm + file);
    ASSERT_FALSE(source.empty()) << file;
    auto query = SourceQuery::Compile(language, source);
    ASSERT_OK(query);
    EXPECT_GT(query->pattern_count(), 0u) << file;
    bool has_name = false;
    for (std::uint32_t i = 0; i < query->capture_count(); ++i) {
      has_name = has_name || query->capture_name(i) == "name";
    }
    EXPECT_TRUE(has_name) << file << " has no @name capture";
  }
}

TEST(SourceQuery, ABadQueryNamesTheErrorAndWhereItIs) {
  auto query = SourceQuery::Compile("go", "(function_declaration\n  name: (no_such_node) @name)");
  ASSERT_FALSE(query.ok());
  EXPECT_TRUE(query.status().IsInvalidArgument());
  EXPECT_EQ(query.status().message(), "query for go: unknown node type at line 2, column 10");
  auto syntax = SourceQuery::Compile("rust", "(function_item");
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.status().message().find("syntax error"), std::string::npos);
}

}  // namespace
}  // namespace onyx::ingest
