// Query predicates and directives, on the grammars' own tags.scm and on queries of
// our own: filters, #strip!, #select-adjacent!, errors.
#include <gtest/gtest.h>

#include <functional>

#include "onyx/ingest/source_parser.h"
#include "testing/files.h"

namespace onyx::ingest {
namespace {

using testing::ReadFile;

std::string TagsQuery(const std::string& grammar) {
  return ReadFile(testing::SourceDir() + "/third_party/npm/node_modules/" + grammar +
                  "/queries/tags.scm");
}

struct Definition {
  std::string kind;  // capture name after "definition."
  std::string name;
  std::string doc;
  friend bool operator==(const Definition&, const Definition&) = default;
};

std::ostream& operator<<(std::ostream& os, const Definition& d) {
  return os << "{" << d.kind << ", " << d.name << ", \"" << d.doc << "\"}";
}

// Compiles `query_text`, parses `source` and calls `fn` for every match.
void ForEachMatch(const std::string& language, const std::string& query_text,
                  const std::string& source, const std::function<void(const QueryMatch&)>& fn) {
  auto query = SourceQuery::Compile(language, query_text);
  EXPECT_OK(query);
  auto tree = ParseSource(language, source);
  EXPECT_OK(tree);
  if (!query.ok() || !tree.ok()) return;
  EXPECT_OK(RunQuery(*query, *tree, {}, [&](const QueryMatch& m) {
    fn(m);
    return true;
  }));
}

// Runs a tags query and lists its definitions with their (joined) docs.
std::vector<Definition> Definitions(const std::string& language, const std::string& query_text,
                                    const std::string& source) {
  std::vector<Definition> out;
  ForEachMatch(language, query_text, source, [&](const QueryMatch& m) {
    for (const CapturedNode& c : m.captures) {
      if (c.name.rfind("definition.", 0) != 0) continue;
      Definition d{std::string(c.name.substr(11)), std::string(m.First("name")->text), ""};
      for (const CapturedNode* doc : m.All("doc")) {
        if (!d.doc.empty()) d.doc += "\n";
        d.doc += doc->text;
      }
      out.push_back(d);
    }
  });
  return out;
}

TEST(QueryPredicates, JavaScriptTagsKeepOnlyAdjacentStrippedDocsAndSkipConstructors) {
  const std::string source =
      "/**\n"
      " * Adds numbers.\n"
      " */\n"
      "function add(a, b) { return a + b; }\n"
      "\n"
      "// unrelated\n"
      "\n"
      "class A {\n"
      "  constructor() {}\n"
      "  // Says hi.\n"
      "  hi() {}\n"
      "}\n";
  const auto defs = Definitions("javascript", TagsQuery("tree-sitter-javascript"), source);
  const std::vector<Definition> want = {
      {"function", "add", "\nAdds numbers.\n"},
      {"class", "A", ""},
      {"method", "hi", "Says hi."},
  };
  EXPECT_EQ(defs, want);
}

TEST(QueryPredicates, GoTagsStripCommentMarkersFromDocs) {
  const std::string source =
      ReadFile(testing::SourceDir() + "/tests/fixtures/mixed_tree/go/main.go");
  const auto defs = Definitions("go", TagsQuery("tree-sitter-go"), source);
  const std::vector<Definition> want = {
      {"function", "Greet", "Greet returns a greeting."},
      {"function", "main", ""},
  };
  EXPECT_EQ(defs, want);
}

std::vector<std::string> Names(const std::string& language, const std::string& query_text,
                               const std::string& source, const std::string& capture = "name") {
  std::vector<std::string> out;
  ForEachMatch(language, query_text, source,
               [&](const QueryMatch& m) { out.emplace_back(m.First(capture)->text); });
  return out;
}

const char kPython[] =
    "def test_add():\n    pass\n\n"
    "def helper():\n    pass\n\n"
    "def b():\n    pass\n";

TEST(QueryPredicates, MatchAndNotMatchFilterByRegex) {
  EXPECT_EQ(Names("python",
                  "((function_definition name: (identifier) @name) "
                  "(#match? @name \"^test_\"))",
                  kPython),
            std::vector<std::string>{"test_add"});
  EXPECT_EQ(Names("python",
                  "((function_definition name: (identifier) @name) "
                  "(#not-match? @name \"^test_\"))",
                  kPython),
            (std::vector<std::string>{"helper", "b"}));
}

TEST(QueryPredicates, EqAndAnyOfCompareTextToStringsOrCaptures) {
  EXPECT_EQ(Names("python",
                  "((function_definition name: (identifier) @name) "
                  "(#eq? @name \"helper\"))",
                  kPython),
            std::vector<std::string>{"helper"});
  EXPECT_EQ(Names("python",
                  "((function_definition name: (identifier) @name) "
                  "(#any-of? @name \"b\" \"helper\" \"zzz\"))",
                  kPython),
            (std::vector<std::string>{"helper", "b"}));
  EXPECT_EQ(Names("python",
                  "((function_definition name: (identifier) @name) "
                  "(#not-any-of? @name \"b\" \"helper\"))",
                  kPython),
            std::vector<std::string>{"test_add"});
  // A call whose argument is the callee itself: f(f) but not f(g).
  EXPECT_EQ(Names("python",
                  "((call function: (identifier) @f arguments: (argument_list (identifier) @arg))"
                  " (#eq? @f @arg))",
                  "f(f)\nf(g)\n", "f"),
            std::vector<std::string>{"f"});
}

TEST(QueryPredicates, UnknownPredicatesAndBadRegexesAreRejectedAtCompileTime) {
  auto unknown = SourceQuery::Compile("python", "((identifier) @name (#frobnicate? @name \"x\"))");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(),
            "query for python, pattern 1: unknown predicate #frobnicate?");
  auto regex = SourceQuery::Compile("python", "((identifier) @name (#match? @name \"(unclosed\"))");
  ASSERT_FALSE(regex.ok());
  EXPECT_NE(regex.status().message().find("does not compile"), std::string::npos);
  auto arity = SourceQuery::Compile("python", "((identifier) @name (#eq? @name))");
  ASSERT_FALSE(arity.ok());
  EXPECT_TRUE(arity.status().IsInvalidArgument());
}

TEST(QueryPredicates, AQueryRunsOnlyOnItsOwnLanguage) {
  auto query = SourceQuery::Compile("python", "(identifier) @name");
  ASSERT_OK(query);
  auto tree = ParseSource("go", "package main\n");
  ASSERT_OK(tree);
  const Status s = RunQuery(*query, *tree, {}, [](const QueryMatch&) { return true; });
  EXPECT_TRUE(s.IsInvalidArgument());
}

TEST(QueryPredicates, CallbackCanStopEarly) {
  auto query = SourceQuery::Compile("python", "(function_definition name: (identifier) @name)");
  ASSERT_OK(query);
  auto tree = ParseSource("python", kPython);
  ASSERT_OK(tree);
  int seen = 0;
  ASSERT_OK(RunQuery(*query, *tree, {}, [&](const QueryMatch&) { return ++seen < 2; }));
  EXPECT_EQ(seen, 2);
}

}  // namespace
}  // namespace onyx::ingest
