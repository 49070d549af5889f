// Definition extraction per language on the fixtures: exact kinds, qualified
// names, parents and docs, including the cases that are easy to get wrong.
#include "onyx/ingest/definition_extractor.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "onyx/ingest/fact_extractor.h"
#include "onyx/ingest/file_extractor.h"
#include "onyx/ingest/languages/language_spec.h"
#include "onyx/ingest/tree_ingest.h"
#include "testing/files.h"

namespace onyx::ingest {
namespace {

using testing::ReadFile;

// One line per definition: "kind qualified_name [< parent] [doc: …]".
std::vector<std::string> Describe(const std::string& path, const std::string& source) {
  auto tree = ParseSource(std::string(LanguageForPath(path)), source);
  EXPECT_OK(tree);
  if (!tree.ok()) return {};
  auto defs = ExtractDefinitions(path, *tree);
  EXPECT_OK(defs);
  if (!defs.ok()) return {};
  std::vector<std::string> out;
  for (const Definition& d : *defs) {
    std::string line = std::string(NodeKindName(d.node.kind)) + " " + d.node.qualified_name;
    if (d.parent) line += " < " + (*defs)[*d.parent].node.name;
    if (!d.node.doc.empty()) line += " doc: " + d.node.doc;
    out.push_back(line);
  }
  return out;
}

std::vector<std::string> DescribeFixture(const std::string& relative) {
  return Describe(relative.substr(relative.find('/') + 1),
                  ReadFile(testing::SourceDir() + "/tests/fixtures/" + relative));
}

TEST(DefinitionExtractor, MixedTreeFixture) {
  EXPECT_EQ(DescribeFixture("mixed_tree/src/app.py"),
            (std::vector<std::string>{
                "function src.app.main doc: Greets every name on the command line.",
                "class src.app.Greeter", "method src.app.Greeter.greet < Greeter"}));
  EXPECT_EQ(DescribeFixture("mixed_tree/src/util/helpers.rs"),
            (std::vector<std::string>{
                // The file's `//!` comment is separated by a blank line: not greet's doc.
                "function src.util.helpers.greet doc: Returns a greeting for `name`.",
                "module src.util.helpers.tests", "test src.util.helpers.tests.greets < tests"}));
  EXPECT_EQ(DescribeFixture("mixed_tree/web/index.ts"),
            (std::vector<std::string>{"interface web.index.Greeting", "function web.index.greet"}));
  EXPECT_EQ(DescribeFixture("mixed_tree/go/main.go"),
            (std::vector<std::string>{"function go.main.Greet doc: Greet returns a greeting.",
                                      "function go.main.main"}));
  EXPECT_EQ(DescribeFixture("mixed_tree/java/com/example/App.java"),
            (std::vector<std::string>{"class java.com.example.App doc: Greets people.",
                                      "method java.com.example.App.greet < App",
                                      "method java.com.example.App.main < App"}));
  EXPECT_EQ(DescribeFixture("parse_samples/counter.js"),
            (std::vector<std::string>{"function counter.makeCounter", "class counter.Ticker",
                                      "method counter.Ticker.constructor < Ticker",
                                      "method counter.Ticker.tick < Ticker"}));
  EXPECT_EQ(DescribeFixture("parse_samples/view.tsx"),
            (std::vector<std::string>{"interface view.Props", "function view.Badge"}));
}

TEST(DefinitionExtractor, DocsFromDocstringsAnnotatedAndExportedDeclarations) {
  EXPECT_EQ(DescribeFixture("definitions/docs.py"),
            (std::vector<std::string>{
                "class docs.Shelf doc: Holds books.\n\nIn order of arrival.",
                "method docs.Shelf.add < Shelf doc: Adds one book.",
                "method docs.Shelf.count < Shelf",
                "function docs.lonely doc: A one-quote docstring.",
                "function docs.not_a_docstring",
            }));
  EXPECT_EQ(DescribeFixture("definitions/Docs.java"),
            (std::vector<std::string>{
                "class Docs",
                // The Javadoc sits above the annotations, which belong to the method.
                "method Docs.area < Docs doc: Area of the shape.",
                "method Docs.orphan < Docs",
            }));
  EXPECT_EQ(DescribeFixture("definitions/docs.ts"),
            (std::vector<std::string>{
                "function docs.roundTo doc: Rounds to `digits` places.",
                "interface docs.Shape doc: A shape.",
                "function docs.twice doc: Doubles.",
                "function docs.helper doc: Not exported, still documented.",
            }));
}

TEST(DefinitionExtractor, RustImplBlocksTraitsAndNestedFunctions) {
  EXPECT_EQ(DescribeFixture("definitions/tricky.rs"),
            (std::vector<std::string>{
                "constant tricky.MAX doc: Maximum depth.",
                "struct tricky.Parser doc: A parser.",
                "enum tricky.Kind",
                "interface tricky.Visitor",
                "method tricky.Visitor.visit < Visitor",
                // Methods of `impl Parser` are qualified by the impl's type.
                "method tricky.Parser.new doc: Makes a parser.",
                // A function inside a method is a local function, not a method.
                "function tricky.Parser.new.helper < new",
                "method tricky.Parser.parse",
                // The trait impl's visit is Parser's method; the trait's is separate.
                "method tricky.Parser.visit",
            }));
}

TEST(DefinitionExtractor, PythonNestedClassesLocalsConstantsAndRedefinitions) {
  EXPECT_EQ(DescribeFixture("definitions/tricky.py"),
            (std::vector<std::string>{
                "constant tricky.MAX_DEPTH",  // `counter` is lower case: not a constant
                "class tricky.Outer", "class tricky.Outer.Inner < Outer",
                "method tricky.Outer.Inner.method < Inner",
                "function tricky.Outer.Inner.method.local < method",
                "method tricky.Outer.build < Outer",  // decorated
                "function tricky.handler",
                "function tricky.handler~2",  // redefined: a distinct node
            }));
}

TEST(DefinitionExtractor, GoMethodsAreQualifiedByTheirReceiver) {
  EXPECT_EQ(DescribeFixture("definitions/tricky.go"),
            (std::vector<std::string>{
                "constant tricky.Limit",
                "struct tricky.Store doc: Store keeps things.",
                "interface tricky.Reader doc: Reader reads.",
                "method tricky.Store.Add doc: Add appends an item.",
                "method tricky.Store.Len",
            }));
}

TEST(DefinitionExtractor, JavaOverloadsNestedTypesAndConstructors) {
  EXPECT_EQ(DescribeFixture("definitions/Overloads.java"),
            (std::vector<std::string>{
                // The fixture sits at the root of its tree: no package folder.
                "class Overloads",
                "method Overloads.Overloads < Overloads",  // constructor
                "method Overloads.add < Overloads doc: Adds ints.",
                "method Overloads.add~2 < Overloads",  // overload: a distinct node
                "class Overloads.Nested < Overloads",
                "method Overloads.Nested.run < Nested",
                "interface Overloads.Callback < Overloads",
                "method Overloads.Callback.call < Callback",
                "enum Overloads.Mode < Overloads",
            }));
}

TEST(DefinitionExtractor, NodesCarryIdsSpansSignaturesAndHashes) {
  const std::string source = "def f(a, b):\n    return a + b\n";
  auto tree = ParseSource("python", source);
  ASSERT_OK(tree);
  auto defs = ExtractDefinitions("pkg/m.py", *tree);
  ASSERT_OK(defs);
  ASSERT_EQ(defs->size(), 1u);
  const Node& n = (*defs)[0].node;
  EXPECT_EQ(n.id, MakeNodeId("python", "pkg/m.py", "pkg.m.f", NodeKind::kFunction));
  EXPECT_EQ(n.signature, "def f(a, b):");
  EXPECT_EQ(n.span, (Span{0, static_cast<std::uint32_t>(source.size() - 1), 1, 2}));
  EXPECT_EQ(n.content_hash, HashContent(source.substr(0, source.size() - 1)));
}

// A doc is the comment before a definition and the comments adjacent to it,
// up to a blank line or any other node.
TEST(DefinitionExtractor, DocsRunThroughAdjacentComments) {
  EXPECT_EQ(Describe("src/docs.rs",
                     "/// First line.\n/// Second line.\nfn documented() {}\n\n"
                     "// Unrelated.\n\n/// Only this.\nfn gapped() {}\n"),
            (std::vector<std::string>{"function src.docs.documented doc: First line.\nSecond line.",
                                      "function src.docs.gapped doc: Only this."}));
  EXPECT_EQ(
      Describe("p/run.go",
               "package p\n\n// Run does things.\n// It does them twice.\n"
               "func Run() {}\n"),
      (std::vector<std::string>{"function p.run.Run doc: Run does things.\nIt does them twice."}));
  EXPECT_EQ(
      Describe("j/A.java", "class A {\n  /** Javadoc. */\n  // And a note.\n  void m() {}\n}\n"),
      (std::vector<std::string>{"class j.A", "method j.A.m < A doc: Javadoc.\nAnd a note."}));
  EXPECT_EQ(Describe("web/f.js",
                     "// One.\n// Two.\nfunction f() {}\n// Not a doc.\n\n"
                     "// Three.\nexport function g() {}\n"),
            (std::vector<std::string>{"function web.f.f doc: One.\nTwo.",
                                      "function web.f.g doc: Three."}));
}

// More shapes: a run above an export, above Java annotations, and a test whose
// last comment line is empty (the plain and the test match of one function
// must keep the run).
TEST(DefinitionExtractor, DocRunsAboveExportsAnnotationsAndTests) {
  EXPECT_EQ(Describe("web/e.ts", "// Adds.\n// Twice.\nexport function add() {}\n"),
            (std::vector<std::string>{"function web.e.add doc: Adds.\nTwice."}));
  EXPECT_EQ(Describe("j/B.java",
                     "class B {\n  /** Runs. */\n  // Often.\n  @Override\n"
                     "  public void run() {}\n}\n"),
            (std::vector<std::string>{"class j.B", "method j.B.run < B doc: Runs.\nOften."}));
  EXPECT_EQ(Describe("p/foo_test.go",
                     "package p\n\n// TestFoo checks foo.\n//\n"
                     "func TestFoo(t *testing.T) {}\n"),
            (std::vector<std::string>{"test p.foo_test.TestFoo doc: TestFoo checks foo."}));
  // A comment on the declaration's line is no doc, the run above it is; not
  // across a blank line.
  EXPECT_EQ(Describe("web/inline.js",
                     "// Doc.\n/* x */ function f() {}\n// Far.\n\n"
                     "/* y */ function g() {}\n"),
            (std::vector<std::string>{"function web.inline.f doc: Doc.", "function web.inline.g"}));
  EXPECT_EQ(Describe("p/inline.go", "package p\n\n// Doc.\n/* x */ func F() {}\n"),
            (std::vector<std::string>{"function p.inline.F doc: Doc."}));
  // Two definitions under one comment share its doc.
  EXPECT_EQ(Describe("web/two.js", "// Both.\n// Of them.\nconst a = () => 1, b = () => 2;\n"),
            (std::vector<std::string>{"function web.two.a doc: Both.\nOf them.",
                                      "function web.two.b doc: Both.\nOf them."}));
}

// A quantified `(comment)* @doc` costs tree-sitter quadratic time in the length
// of a comment run: 20,000 comment lines took it past the 5 s limit, and the
// file's definitions were lost. The run is now followed in linear time, and a
// doc keeps at most its last 64 KiB.
TEST(DefinitionExtractor, ALongRunOfCommentsIsReadInLinearTime) {
  std::string comments;
  for (int i = 0; i < 20'000; ++i) comments += "// line " + std::to_string(i) + "\n";
  for (const auto& [path, declaration] :
       std::vector<std::pair<std::string, std::string>>{{"src/long.rs", "fn target() {}\n"},
                                                        {"web/long.js", "function target() {}\n"},
                                                        {"p/long.go", "func target() {}\n"}}) {
    SCOPED_TRACE(path);
    const std::string source =
        (path.ends_with(".go") ? "package p\n" : "") + comments + declaration;
    auto tree = ParseSource(std::string(LanguageForPath(path)), source);
    ASSERT_OK(tree);
    auto defs = ExtractDefinitions(path, *tree);
    ASSERT_OK(defs);
    ASSERT_EQ(defs->size(), 1u);
    const std::string& doc = (*defs)[0].node.doc;
    EXPECT_TRUE(doc.ends_with("line 19999")) << doc.substr(doc.size() > 40 ? doc.size() - 40 : 0);
    EXPECT_LE(doc.size(), 64u << 10);
    EXPECT_GT(doc.size(), 60u << 10);
  }
}

// Ingest runs the definitions and facts patterns as one query: over every
// source file of the fixtures and of this repository, that one run must find
// exactly what the two queries find apart.
TEST(ExtractFile, FindsWhatTheTwoQueriesFindApart) {
  namespace fs = std::filesystem;
  std::set<std::string> languages;
  std::size_t files = 0;
  const fs::path root = testing::SourceDir();
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const std::string name = it->path().filename().string();
    if (it->is_directory() && (name.starts_with(".") || name.starts_with("build") ||
                               name == "node_modules" || name == "third_party")) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file() || it->file_size() > (1u << 20)) continue;
    const std::string path = fs::relative(it->path(), root).string();
    const std::string language(LanguageForPath(path));
    if (SpecFor(language) == nullptr) continue;
    SCOPED_TRACE(path);
    auto tree = ParseSource(language, ReadFile(it->path().string()));
    ASSERT_OK(tree);
    auto definitions = ExtractDefinitions(path, *tree);
    auto facts = ExtractFacts(*tree);
    auto both = ExtractFile(path, *tree);
    ASSERT_OK(definitions);
    ASSERT_OK(facts);
    ASSERT_OK(both);
    ASSERT_EQ(both->definitions.size(), definitions->size());
    for (std::size_t i = 0; i < definitions->size(); ++i) {
      EXPECT_EQ(both->definitions[i].node, (*definitions)[i].node);
      EXPECT_EQ(both->definitions[i].parent, (*definitions)[i].parent);
    }
    EXPECT_EQ(both->facts, *facts);
    ++files;
    languages.insert(language);
  }
  EXPECT_GE(files, 40u);
  EXPECT_EQ(languages, (std::set<std::string>{"go", "java", "javascript", "python", "rust", "tsx",
                                              "typescript"}));
}

TEST(ExtractFile, ItsQueryHoldsTheDefinitionsPatternsThenTheFacts) {
  for (const LanguageSpec* spec : {&RustSpec(), &PythonSpec(), &JavaScriptSpec(), &TypeScriptSpec(),
                                   &TsxSpec(), &GoSpec(), &JavaSpec()}) {
    SCOPED_TRACE(spec->language);
    auto file = FileQueryFor(*spec);
    auto definitions = DefinitionsQuery(*spec);
    auto facts = FactsQuery(*spec);
    ASSERT_OK(file);
    ASSERT_OK(definitions);
    ASSERT_OK(facts);
    EXPECT_EQ(file->first_fact_pattern, (*definitions)->pattern_count());
    EXPECT_EQ(file->query->pattern_count(),
              (*definitions)->pattern_count() + (*facts)->pattern_count());
  }
}

TEST(ModulePathFor, DropsTheExtensionOrForJavaTheFileName) {
  EXPECT_EQ(ModulePathFor("a/b/c.tsx", "tsx"), "a.b.c");
  EXPECT_EQ(ModulePathFor("java/com/x/A.java", "java"), "java.com.x");
}

}  // namespace
}  // namespace onyx::ingest
