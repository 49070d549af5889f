// Tree ingest: the exact graph of a fixture, idempotent re-ingest, incremental
// changes, hostile trees, and this repository's own source.
#include "onyx/ingest/tree_ingest.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include "onyx/ingest/graph_state.h"
#include "onyx/store/read_view.h"
#include "onyx/store/store.h"
#include "testing/store_fixture.h"
#include "testing/temp_dir.h"

namespace onyx::ingest {
namespace {
namespace fs = std::filesystem;

std::string Fixture(const std::string& name) {
  return testing::SourceDir() + "/tests/fixtures/" + name;
}

// The file node (not its definitions) at `path`, or nothing.
std::vector<Node> FileAt(const store::ReadView& view, const std::string& path) {
  auto nodes = view.FindByPath(path);
  EXPECT_OK(nodes);
  std::vector<Node> out;
  if (!nodes.ok()) return out;
  for (Node& n : *nodes) {
    if (n.kind == NodeKind::kFile) out.push_back(std::move(n));
  }
  return out;
}

// The node that `contains` node `id` (exactly one must).
Node ParentOf(const store::ReadView& view, NodeId id) {
  auto parents = view.InEdges(id, EdgeKind::kContains);
  EXPECT_OK(parents);
  if (!parents.ok() || parents->size() != 1) {
    ADD_FAILURE() << "node " << id << " has " << (parents.ok() ? parents->size() : 0)
                  << " parents, expected 1";
    return {};
  }
  auto parent = view.GetNode((*parents)[0].src);
  EXPECT_OK(parent);
  return parent.ok() ? *parent : Node{};
}

void WriteFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class TreeIngestTest : public testing::StoreFixture {
 protected:
  // (kind, path) of every structural node (project, directory, file) at the
  // latest revision.
  std::set<std::pair<std::string, std::string>> Nodes() {
    std::set<std::pair<std::string, std::string>> out;
    auto view = store_->View(project_.id);
    EXPECT_OK(view);
    EXPECT_OK(view->ForEachNode([&](const Node& n) {
      if (n.kind == NodeKind::kProject || n.kind == NodeKind::kDirectory ||
          n.kind == NodeKind::kFile) {
        out.emplace(std::string(NodeKindName(n.kind)), n.path);
      }
      return true;
    }));
    return out;
  }

  // "kind qualified_name < parent-name" of every definition node, sorted.
  std::vector<std::string> DefinitionsWithParents() {
    std::vector<std::string> out;
    auto view = store_->View(project_.id);
    EXPECT_OK(view);
    EXPECT_OK(view->ForEachNode([&](const Node& n) {
      if (n.kind == NodeKind::kProject || n.kind == NodeKind::kDirectory ||
          n.kind == NodeKind::kFile) {
        return true;
      }
      out.push_back(std::string(NodeKindName(n.kind)) + " " + n.qualified_name + " < " +
                    ParentOf(*view, n.id).name);
      return true;
    }));
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_F(TreeIngestTest, RecordsEveryDirectoryAndFileOfTheFixture) {
  auto summary = IngestTree(*store_, project_, Fixture("mixed_tree"), {});
  ASSERT_OK(summary);
  ASSERT_TRUE(summary->revision.has_value());
  const std::set<std::pair<std::string, std::string>> want = {
      {"project", ""},
      {"file", "README.md"},
      {"directory", "docs"},
      {"file", "docs/guide.md"},
      {"directory", "go"},
      {"file", "go/main.go"},
      {"directory", "java"},
      {"directory", "java/com"},
      {"directory", "java/com/example"},
      {"file", "java/com/example/App.java"},
      {"directory", "src"},
      {"file", "src/app.py"},
      {"directory", "src/util"},
      {"file", "src/util/helpers.rs"},
      {"directory", "web"},
      {"file", "web/index.ts"},
  };
  EXPECT_EQ(Nodes(), want);
  EXPECT_EQ(summary->files, 7u);
  EXPECT_EQ(summary->directories, 8u);
  EXPECT_EQ(summary->files_by_language.at("markdown"), 2u);
  EXPECT_EQ(summary->files_by_language.at("rust"), 1u);
  EXPECT_EQ(summary->files_by_language.at("typescript"), 1u);
  // 16 structural nodes, 13 code definitions, 3 Markdown sections.
  EXPECT_EQ(summary->revision->changes.nodes_added, 32u);
  // A tree (one parent each: 31 contains edges) and 5 reference edges: Go's
  // main() calls Greet(), Java's main() calls greet(), the Rust test calls and
  // tests greet(), and the TypeScript greet() returns a Greeting.
  EXPECT_EQ(summary->revision->changes.edges_added, 36u);
  EXPECT_EQ(summary->files_parsed, 7u);
  EXPECT_EQ(summary->definitions_by_kind.at("doc_section"), 3u);
  EXPECT_EQ(summary->files_with_syntax_errors, 0u);
  EXPECT_EQ(summary->definitions_by_kind.at("method"), 3u);

  // The file's text is kept as a blob under its content hash, and its parent
  // directory contains it.
  auto view = store_->View(project_.id);
  ASSERT_OK(view);
  const auto files = FileAt(*view, "src/util/helpers.rs");
  ASSERT_EQ(files.size(), 1u);
  const Node& rs = files[0];
  EXPECT_EQ(rs.language, "rust");
  EXPECT_EQ(rs.span.end_line, 16u);  // `wc -l` of the file
  auto text = view->GetBlob(rs.content_hash);
  ASSERT_OK(text);
  EXPECT_NE(text->find("pub fn greet"), std::string::npos);
  EXPECT_EQ(ParentOf(*view, rs.id).path, "src/util");
  EXPECT_OK(store_->VerifyIntegrity(project_.id));
}

TEST_F(TreeIngestTest, TheIngestsStatIsWhatAStatWalkFinds) {
  // One walk gives both the files and their stat: the same list, in the same
  // order, as a stat-only walk, binary and unreadable files included (a
  // staleness check stats those too).
  testing::TempDir tree;
  WriteFile(tree.Sub("src/a.py"), "def a():\n    return 1\n");
  WriteFile(tree.Sub("src/blob.bin"), std::string("\0\1\2", 3));
  WriteFile(tree.Sub("docs/b.md"), "# B\n");
  WriteFile(tree.Sub("big.py"), std::string(4096, '#'));
  // Old enough for a stat to be trusted (a file changed within 2 s is not).
  for (const char* path : {"src/a.py", "src/blob.bin", "docs/b.md", "big.py"}) {
    fs::last_write_time(tree.Sub(path), fs::file_time_type::clock::now() - std::chrono::hours(1));
  }
  IngestOptions options;
  options.max_file_bytes = 1024;
  WorktreeStat stat;
  ASSERT_OK(IngestTree(*store_, project_, tree.path(), options, &stat));
  auto walked = StatWorktree(tree.path(), options);
  ASSERT_OK(walked);
  EXPECT_EQ(stat.files, walked->files);
  EXPECT_EQ(stat.files.size(), 3u);  // a.py, blob.bin, b.md; big.py is too large
  EXPECT_EQ(stat.root, walked->root);
  EXPECT_EQ(stat.max_file_bytes, 1024u);
  EXPECT_TRUE(SameStat(stat, *walked));  // a staleness check right after finds it fresh
}

TEST_F(TreeIngestTest, DefinitionsHangUnderTheirFilesAndClasses) {
  ASSERT_OK(IngestTree(*store_, project_, Fixture("mixed_tree"), {}));
  std::vector<std::string> want = {
      "class java.com.example.App < App.java",
      "class src.app.Greeter < app.py",
      "function go.main.Greet < main.go",
      "function go.main.main < main.go",
      "function src.app.main < app.py",
      "function src.util.helpers.greet < helpers.rs",
      "test src.util.helpers.tests.greets < tests",
      "function web.index.greet < index.ts",
      "interface web.index.Greeting < index.ts",
      "method java.com.example.App.greet < App",
      "method java.com.example.App.main < App",
      "method src.app.Greeter.greet < Greeter",
      "module src.util.helpers.tests < helpers.rs",
      "doc_section README > Mixed tree < README.md",
      "doc_section README > Mixed tree > Layout < Mixed tree",
      "doc_section docs.guide > Guide < guide.md",
  };
  std::sort(want.begin(), want.end());
  EXPECT_EQ(DefinitionsWithParents(), want);
  auto view = store_->View(project_.id);
  ASSERT_OK(view);
  auto greet = view->FindByName("Greet");
  ASSERT_OK(greet);
  EXPECT_EQ(greet->size(), 5u);  // Go Greet, Rust/TS/Java/Python greet: case-insensitive
  EXPECT_OK(store_->VerifyIntegrity(project_.id));
}

TEST_F(TreeIngestTest, AFileOverTheParseTimeLimitKeepsItsFileNodeButNoSymbols) {
  testing::TempDir work;
  std::string big;
  while (big.size() < (800u << 10)) big += "function f" + std::to_string(big.size()) + "() {}\n";
  WriteFile(fs::path(work.path()) / "big.js", big);
  WriteFile(fs::path(work.path()) / "small.py", "def ok():\n    pass\n");
  IngestOptions options;
  options.parse_time_limit = std::chrono::milliseconds(1);
  auto summary = IngestTree(*store_, project_, work.path(), options);
  ASSERT_OK(summary);
  EXPECT_EQ(summary->skipped_by_reason.at("parse_time_limit"), 1u);
  auto view = store_->View(project_.id);
  ASSERT_OK(view);
  EXPECT_EQ(FileAt(*view, "big.js").size(), 1u);
  auto big_nodes = view->FindByPath("big.js");
  ASSERT_OK(big_nodes);
  EXPECT_EQ(big_nodes->size(), 1u);
}

TEST_F(TreeIngestTest, SymbolsTheStoreRefusesAreSkippedNotFatal) {
  testing::TempDir work;
  const std::string huge(5000, 'x');  // over the store's 4 KiB name limit
  WriteFile(fs::path(work.path()) / "m.py", "class " + huge +
                                                ":\n    def inner(self):\n        pass\n\n"
                                                "def fine():\n    pass\n");
  // A NUL in a heading (past the 8000 bytes the binary check reads) makes that
  // section's name invalid; its subsection then hangs under the file.
  WriteFile(fs::path(work.path()) / "notes.md",
            std::string(8100, 'a') + "\n# Bad" + std::string(1, '\0') + "title\n## Child\nText.\n");
  auto summary = IngestTree(*store_, project_, work.path(), {});
  ASSERT_OK(summary);
  // The huge class, its method (whose qualified name holds the class name), and
  // the heading with the NUL.
  EXPECT_EQ(summary->skipped_by_reason.at("invalid_symbol"), 3u);
  auto view = store_->View(project_.id);
  ASSERT_OK(view);
  auto fine = view->FindByName("fine");
  ASSERT_OK(fine);
  EXPECT_EQ(fine->size(), 1u);
  auto child = view->FindByName("child");
  ASSERT_OK(child);
  ASSERT_EQ(child->size(), 1u);
  const Node parent = ParentOf(*view, (*child)[0].id);
  EXPECT_EQ(parent.path, "notes.md");
  EXPECT_EQ(parent.kind, NodeKind::kFile);
  EXPECT_OK(store_->VerifyIntegrity(project_.id));
}

// A state kept between ingests (as the engine does) must be what reading the
// store gives, after every kind of change; and ingests with it must commit
// what ingests without it do.
TEST_F(TreeIngestTest, AKeptGraphStateStaysWhatTheStoreHolds) {
  testing::TempDir work;
  const fs::path root = work.path();
  fs::copy(Fixture("mixed_tree"), root, fs::copy_options::recursive);
  auto twin = store::Store::Open(work.Sub("twin-store"));  // the same ingests, no state
  ASSERT_OK(twin);
  auto twin_project = (*twin)->CreateProject("twin");
  ASSERT_OK(twin_project);
  GraphState state;
  const std::vector<std::function<void()>> changes = {
      [] {},  // the first ingest
      [&] {
        WriteFile(root / "src/app.py", "def run():\n    return 1\n\n\ndef more():\n    pass\n");
      },
      [&] { fs::rename(root / "web", root / "site"); },  // a folder moves
      [&] { fs::remove(root / "go/main.go"); },          // a file goes
      [&] { WriteFile(root / "pkg/deep/m.py", "class C:\n    def m(self):\n        pass\n"); },
      [&] {  // a rename in place, and a symbol the store refuses
        WriteFile(root / "pkg/deep/m.py", "class D:\n    def m(self):\n        pass\n");
        WriteFile(root / "big.py", "class " + std::string(5000, 'x') + ":\n    pass\n");
      },
      [&] {  // the same file edited again: its parse starts from the kept tree
        WriteFile(root / "pkg/deep/m.py",
                  "\"\"\"Doc.\"\"\"\n\nclass D:\n    def m(self):\n        pass\n\n\ndef f():\n"
                  "    return D()\n");
      },
      [&] { WriteFile(root / "pkg/deep/m.py", "class D:\n    def n(self):\n        pass\n"); },
      [] {},  // nothing changed: no revision
  };
  for (std::size_t step = 0; step < changes.size(); ++step) {
    changes[step]();
    auto with = IngestTree(*store_, project_, root.string(), {}, nullptr, &state);
    ASSERT_OK(with);
    auto without = IngestTree(**twin, *twin_project, root.string(), {});
    ASSERT_OK(without);
    EXPECT_EQ(with->revision.has_value(), without->revision.has_value()) << step;
    if (with->revision && without->revision) {
      EXPECT_EQ(with->revision->changes, without->revision->changes) << step;
    }
    auto view = store_->View(project_.id);
    ASSERT_OK(view);
    ASSERT_TRUE(state.DescribesLatest(project_.id, view->latest())) << step;
    auto read = ReadGraphState(project_.id, *view);
    ASSERT_OK(read);
    EXPECT_EQ(GraphStateDifference(state, *read), "") << "after step " << step;
    EXPECT_EQ(GraphStateDifference(*read, state), "") << "after step " << step;
    // The kept definitions index answers what one filled from the store does.
    DefinitionIndex fresh;
    for (const auto& [path, nodes] : read->definitions) {
      std::vector<const Node*> pointers;
      for (const Node& n : nodes) pointers.push_back(&n);
      fresh.Replace(path, pointers);
    }
    fresh.Prepare();
    EXPECT_EQ(DefinitionIndexDifference(state.symbols, fresh), "") << "after step " << step;
  }
  EXPECT_NE(state.trees.Find("pkg/deep/m.py"), nullptr);
  // A state of another revision is not used: it is read again.
  state.revision = 1;
  WriteFile(root / "src/app.py", "def run():\n    return 2\n");
  ASSERT_OK(IngestTree(*store_, project_, root.string(), {}, nullptr, &state));
  auto view = store_->View(project_.id);
  ASSERT_OK(view);
  auto read = ReadGraphState(project_.id, *view);
  ASSERT_OK(read);
  EXPECT_EQ(GraphStateDifference(state, *read), "");
  EXPECT_OK(store_->VerifyIntegrity(project_.id));
}

// Past its limits a kept state drops its walk or its graph, and an ingest with
// what is left commits what a fresh one does.
TEST_F(TreeIngestTest, AKeptStateOverItsLimitsDropsThePartAndStillWorks) {
  testing::TempDir work;
  const fs::path root = work.path();
  fs::copy(Fixture("mixed_tree"), root, fs::copy_options::recursive);
  GraphState state;
  ASSERT_OK(IngestTree(*store_, project_, root.string(), {}, nullptr, &state));
  ASSERT_TRUE(state.valid);
  ASSERT_FALSE(state.walk.files.empty());

  FitToLimits(state, KeepLimits());  // the defaults hold a small tree
  EXPECT_TRUE(state.valid);
  EXPECT_FALSE(state.walk.files.empty());

  KeepLimits small_walk;
  small_walk.max_walk_bytes = 100;
  FitToLimits(state, small_walk);
  EXPECT_TRUE(state.walk.files.empty());
  EXPECT_TRUE(state.root.empty());
  EXPECT_TRUE(state.valid);

  KeepLimits small_graph;
  small_graph.max_graph_bytes = 100;
  FitToLimits(state, small_graph);
  EXPECT_FALSE(state.valid);
  EXPECT_TRUE(state.files.empty());
  EXPECT_TRUE(state.definitions.empty());

  WriteFile(root / "src/app.py", "def run():\n    return 3\n");
  auto summary = IngestTree(*store_, project_, root.string(), {}, nullptr, &state);
  ASSERT_OK(summary);
  EXPECT_TRUE(summary->revision.has_value());
  EXPECT_EQ(summary->files_parsed, 1u);
  auto view = store_->View(project_.id);
  ASSERT_OK(view);
  auto read = ReadGraphState(project_.id, *view);
  ASSERT_OK(read);
  EXPECT_EQ(GraphStateDifference(state, *read), "");
}

// Recent trees: one per path, the least recently kept go first, within a count
// and a total of source bytes.
TEST(RecentTreesTest, KeepsTheLatestWithinItsLimits) {
  const auto tree = [](std::size_t bytes) {
    ParseLimits limits;
    limits.max_bytes = 4 * RecentTrees::kMaxSourceBytes;
    auto parsed = ParseSource("python", std::string(bytes, '\n'), limits);
    EXPECT_OK(parsed);
    return std::make_shared<const SyntaxTree>(std::move(parsed).value());
  };
  RecentTrees trees;
  trees.Keep("a.py", tree(10));
  const auto newer = tree(20);
  trees.Keep("a.py", newer);
  EXPECT_EQ(trees.size(), 1u);
  EXPECT_EQ(trees.Find("a.py"), newer);
  EXPECT_EQ(trees.Find("b.py"), nullptr);
  for (std::size_t i = 0; i < RecentTrees::kMaxTrees + 3; ++i) {
    trees.Keep("f" + std::to_string(i) + ".py", tree(1));
  }
  EXPECT_EQ(trees.size(), RecentTrees::kMaxTrees);
  EXPECT_EQ(trees.Find("a.py"), nullptr);  // the oldest went first
  EXPECT_EQ(trees.Find("f2.py"), nullptr);
  EXPECT_NE(trees.Find("f3.py"), nullptr);
  // Source bytes: two trees of 40% of the limit fit, a third pushes the oldest out.
  const std::size_t big = RecentTrees::kMaxSourceBytes * 2 / 5;
  trees.Keep("big1.py", tree(big));
  trees.Keep("big2.py", tree(big));
  trees.Keep("big3.py", tree(big));
  EXPECT_LE(trees.source_bytes(), RecentTrees::kMaxSourceBytes);
  EXPECT_EQ(trees.Find("big1.py"), nullptr);
  EXPECT_NE(trees.Find("big3.py"), nullptr);
  // A tree over the whole limit is not kept (and drops the path's older one).
  trees.Keep("big3.py", tree(RecentTrees::kMaxSourceBytes + 1));
  EXPECT_EQ(trees.Find("big3.py"), nullptr);
}

// A walk after an earlier one reads only files that changed (or changed too
// recently for their times to be trusted).
TEST(WalkTreeTest, AnEarlierWalkSparesReadingSettledFiles) {
  testing::TempDir work;
  const fs::path root = work.path();
  WriteFile(root / "a.py", "def a():\n    return 1\n");
  WriteFile(root / "b.py", "def b():\n    return 2\n");
  IngestSummary first_summary;
  auto first = WalkTree(root.string(), {}, &first_summary);
  ASSERT_OK(first);
  const auto by_path = [](const std::vector<TreeEntry>& entries) {
    std::map<std::string, TreeEntry> out;
    for (const TreeEntry& e : entries) {
      if (!e.is_dir) out[e.path] = e;
    }
    return out;
  };
  EarlierWalk earlier;
  for (const auto& [path, e] : by_path(*first)) earlier.files[path] = e;
  // b.py changes, keeping its size (after a few file system clock ticks, so
  // that its times move).
  ::usleep(50'000);
  WriteFile(root / "b.py", "def b():\n    return 3\n");
  // Taken as if the earlier walk began long after the files last changed:
  // a.py is kept, b.py (new times) is read again.
  earlier.began_ns = (std::int64_t{1} << 62);
  IngestSummary summary;
  auto second = WalkTree(root.string(), {}, &summary, true, nullptr, &earlier);
  ASSERT_OK(second);
  auto now = by_path(*second);
  EXPECT_EQ(now["a.py"].content.get(), earlier.files["a.py"].content.get());
  EXPECT_NE(now["b.py"].content.get(), earlier.files["b.py"].content.get());
  EXPECT_EQ(now["b.py"].text(), "def b():\n    return 3\n");
  EXPECT_EQ(now["a.py"].hash, earlier.files["a.py"].hash);
  EXPECT_EQ(summary.files, 2u);
  EXPECT_EQ(summary.bytes, first_summary.bytes);
  // A walk that began within a second of a file's last change does not vouch
  // for it: it is read again.
  earlier.began_ns = now["a.py"].ctime_ns + 500'000'000;
  auto third = WalkTree(root.string(), {}, &summary, true, nullptr, &earlier);
  ASSERT_OK(third);
  EXPECT_NE(by_path(*third)["a.py"].content.get(), earlier.files["a.py"].content.get());
}

TEST_F(TreeIngestTest, ReingestingAnUnchangedTreeCommitsNothing) {
  ASSERT_OK(IngestTree(*store_, project_, Fixture("mixed_tree"), {}));
  auto again = IngestTree(*store_, project_, Fixture("mixed_tree"), {});
  ASSERT_OK(again);
  EXPECT_FALSE(again->revision.has_value());
  auto view = store_->View(project_.id);
  ASSERT_OK(view);
  EXPECT_EQ(view->latest(), 1u);
}

TEST_F(TreeIngestTest, ChangedAddedAndDeletedFilesBecomeOneRevision) {
  testing::TempDir work;
  fs::copy(Fixture("mixed_tree"), work.path(), fs::copy_options::recursive);
  ASSERT_OK(IngestTree(*store_, project_, work.path(), {}));

  WriteFile(fs::path(work.path()) / "go/main.go", "package main\n\nfunc main() {}\n");
  fs::remove_all(fs::path(work.path()) / "web");
  WriteFile(fs::path(work.path()) / "src/new.py", "def new():\n    pass\n");
  auto second = IngestTree(*store_, project_, work.path(), {});
  ASSERT_OK(second);
  ASSERT_TRUE(second->revision.has_value());
  const RevisionChanges& c = second->revision->changes;
  EXPECT_EQ(c.nodes_changed, 2u);  // go/main.go and its main()
  EXPECT_EQ(c.nodes_added, 2u);    // src/new.py and its new()
  EXPECT_EQ(c.nodes_removed, 5u);  // Greet(); web, web/index.ts, Greeting, greet()
  EXPECT_EQ(c.edges_added, 2u);
  // 5 contains edges, main() calls Greet(), greet() references Greeting.
  EXPECT_EQ(c.edges_removed, 7u);
  // Only the two changed or new parseable files were parsed again.
  EXPECT_EQ(second->files_parsed, 2u);
  EXPECT_EQ(second->files_unchanged, 5u);  // app.py, helpers.rs, App.java, 2 × .md

  auto view = store_->View(project_.id);
  ASSERT_OK(view);
  auto before = view->AsOf(1);
  ASSERT_OK(before);
  EXPECT_EQ(FileAt(*before, "web/index.ts").size(), 1u);
  EXPECT_TRUE(FileAt(*view, "web/index.ts").empty());
  auto web_defs = view->FindByPath("web/index.ts");
  ASSERT_OK(web_defs);
  EXPECT_TRUE(web_defs->empty()) << "definitions of a deleted file must close too";
  const auto go = FileAt(*view, "go/main.go");
  ASSERT_EQ(go.size(), 1u);
  auto history = view->NodeHistory(go[0].id);
  ASSERT_OK(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[1].validity, (Validity{1, 2}));
  EXPECT_OK(store_->VerifyIntegrity(project_.id));
}

TEST_F(TreeIngestTest, HostileEntriesAreSkippedAndCounted) {
  testing::TempDir outside;
  WriteFile(fs::path(outside.path()) / "secret.txt", "top secret");
  testing::TempDir work;
  const fs::path root(work.path());
  WriteFile(root / "ok.py", "x = 1\n");
  fs::create_symlink(fs::path(outside.path()) / "secret.txt", root / "escape.txt");
  fs::create_directory_symlink(outside.path(), root / "escape_dir");
  fs::create_symlink("/etc/passwd", root / "passwd");
  WriteFile(root / "blob.bin", std::string("ELF\0\0\1", 6));
  WriteFile(root / "huge.js", std::string(2u << 20, 'a'));
  WriteFile(root / "node_modules/dep/index.js", "module.exports = 1;\n");
  WriteFile(root / ".git/config", "[core]\n");

  IngestOptions options;
  options.max_file_bytes = 1u << 20;
  auto summary = IngestTree(*store_, project_, work.path(), options);
  ASSERT_OK(summary);
  EXPECT_EQ(summary->files, 1u);
  EXPECT_EQ(summary->skipped_by_reason.at("symlink"), 3u);
  EXPECT_EQ(summary->skipped_by_reason.at("binary"), 1u);
  EXPECT_EQ(summary->skipped_by_reason.at("too_large"), 1u);
  EXPECT_EQ(summary->skipped_by_reason.at("generated_folder"), 1u);
  const std::set<std::pair<std::string, std::string>> want = {{"project", ""}, {"file", "ok.py"}};
  EXPECT_EQ(Nodes(), want);
  // Nothing outside the root was read into the store.
  auto secret = store_->GetBlob(HashContent("top secret"));
  EXPECT_TRUE(secret.status().IsNotFound());
}

// Query predicates and directives see whole lines and names: a 400 KB
// docstring line and a 200 KB constant name (which overflowed the stack of
// std::regex's recursive matcher) are matched in linear time.
TEST_F(TreeIngestTest, HugeLinesInDocsAndNamesDoNotCrashTheQueries) {
  testing::TempDir work;
  const fs::path root(work.path());
  std::string quotes;
  for (int i = 0; i < 200'000; ++i) quotes += "\" ";
  WriteFile(root / "hostile.py", "def f():\n    \"\"\"a" + quotes + "x\n    " +
                                     std::string(100'000, ' ') + "\"\"\"\n    return 1\n\n\nX_" +
                                     std::string(200'000, 'A') + " = 1\n");
  WriteFile(root / "hostile.js",
            "/**\n *" + std::string(300'000, ' ') + "Adds.\n */\nfunction add(a, b) {}\n");
  auto summary = IngestTree(*store_, project_, work.path(), {});
  ASSERT_OK(summary);
  EXPECT_EQ(summary->skipped_by_reason.at("invalid_symbol"), 1u);  // the 200 KB name
  auto view = store_->View(project_.id);
  ASSERT_OK(view);
  auto f = view->FindByName("f");
  ASSERT_OK(f);
  ASSERT_EQ(f->size(), 1u);
  EXPECT_TRUE((*f)[0].doc.starts_with("a\" \" ")) << (*f)[0].doc.substr(0, 20);
  auto add = view->FindByName("add");
  ASSERT_OK(add);
  ASSERT_EQ(add->size(), 1u);
  EXPECT_EQ((*add)[0].doc, "Adds.");
}

TEST_F(TreeIngestTest, HonoursGitignoreOnyxignoreAndTheProjectList) {
  testing::TempDir work;
  const fs::path root = work.path();
  WriteFile(root / ".gitignore", "*.log\n!keep.log\nout/\n");
  WriteFile(root / ".onyxignore", "vendor/\n");
  WriteFile(root / "app.py", "def main():\n    pass\n");
  WriteFile(root / "run.log", "noise\n");
  WriteFile(root / "keep.log", "kept\n");
  WriteFile(root / "out/gen.py", "def gen():\n    pass\n");
  WriteFile(root / "vendor/lib.py", "def lib():\n    pass\n");
  WriteFile(root / "pkg/.gitignore", "/local.py\n");
  WriteFile(root / "pkg/local.py", "def local():\n    pass\n");
  WriteFile(root / "pkg/mod.py", "def mod():\n    pass\n");
  WriteFile(root / "notes/draft.md", "# Draft\n");
  IngestOptions options;
  options.ignore = {"notes/"};
  auto summary = IngestTree(*store_, project_, work.path(), options);
  ASSERT_OK(summary);
  const std::set<std::pair<std::string, std::string>> want = {
      {"project", ""},      {"file", "app.py"},     {"file", "keep.log"},
      {"directory", "pkg"}, {"file", "pkg/mod.py"},
  };
  EXPECT_EQ(Nodes(), want);
  // run.log, out/, vendor/, pkg/local.py, notes/.
  EXPECT_EQ(summary->skipped_by_reason.at("ignored"), 5u);
}

TEST_F(TreeIngestTest, RejectsARootThatIsNotADirectory) {
  auto summary = IngestTree(*store_, project_, data_.Sub("missing"), {});
  ASSERT_FALSE(summary.ok());
  EXPECT_TRUE(summary.status().IsNotFound());
}

TEST_F(TreeIngestTest, OwnSourceTreeIngestsAndReingestsToNothing) {
  const std::string src = testing::SourceDir() + "/src";
  auto first = IngestTree(*store_, project_, src, {});
  ASSERT_OK(first);
  EXPECT_GT(first->files, 20u);
  EXPECT_GT(first->files_by_language.at("cpp"), 20u);
  auto view = store_->View(project_.id);
  ASSERT_OK(view);
  auto found = view->FindByName("revision_writer.cc");
  ASSERT_OK(found);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].path, "onyx/store/revision_writer.cc");
  auto second = IngestTree(*store_, project_, src, {});
  ASSERT_OK(second);
  EXPECT_FALSE(second->revision.has_value());
}

TEST(LanguageForPath, MapsExtensionsCaseInsensitively) {
  EXPECT_EQ(LanguageForPath("a/b.RS"), "rust");
  EXPECT_EQ(LanguageForPath("x.tsx"), "tsx");
  EXPECT_EQ(LanguageForPath("dir.d/Makefile"), "");
  EXPECT_EQ(LanguageForPath("notes.md"), "markdown");
}

}  // namespace
}  // namespace onyx::ingest
