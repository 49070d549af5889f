// neighbors/traverse and diff over the shop fixture, with exact answers.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "onyx/ingest/history_ingest.h"
#include "onyx/ingest/worktree_changes.h"
#include "onyx/query/diff.h"
#include "onyx/query/revisions.h"
#include "onyx/query/topology.h"
#include "onyx/query/traverse.h"
#include "query/shop_fixture.h"
#include "testing/git_repo.h"

namespace onyx::query {
namespace {

using TraverseTest = testing::ShopFixture;
using DiffTest = testing::ShopFixture;

// "depth kind qualified_name via edge kinds" per reached node.
std::vector<std::string> Reach(const WalkResult& result) {
  std::vector<std::string> out;
  for (const Reached& r : result.nodes) {
    std::string via;
    for (const Edge& e : r.path) via += " " + std::string(EdgeKindName(e.kind));
    out.push_back(std::to_string(r.depth) + " " + std::string(NodeKindName(r.node.kind)) + " " +
                  (r.node.qualified_name.empty() ? r.node.path : r.node.qualified_name) + " via" +
                  via);
  }
  return out;
}

TEST_F(TraverseTest, NeighborsOutInAndBoth) {
  TraverseSpec spec;
  spec.starts = {Id("shop.cart.Cart.cheap_total")};
  spec.edge_kinds = {EdgeKind::kCalls};
  auto callees = Traverse(View(), spec);
  ASSERT_OK(callees);
  EXPECT_EQ(Reach(*callees), (std::vector<std::string>{
                                 "1 method shop.cart.Cart.discount via calls",
                                 "1 function shop.pricing.subtotal via calls",
                             }));
  // Who calls subtotal, and what else points at it.
  spec.starts = {Id("shop.pricing.subtotal")};
  spec.direction = Direction::kIn;
  spec.edge_kinds = {};
  auto callers = Traverse(View(), spec);
  ASSERT_OK(callers);
  // (test_total reaches it through total: two edges away, not a neighbor.)
  EXPECT_EQ(Reach(*callers), (std::vector<std::string>{
                                 "1 function shop.pricing.total via calls",
                                 "1 file shop/cart.py via imports",
                                 "1 file shop/pricing.py via contains",
                                 "1 method shop.cart.Cart.cheap_total via calls",
                                 "1 doc_section README > Shop > Pricing via documents",
                             }));
  spec.direction = Direction::kBoth;
  spec.edge_kinds = {EdgeKind::kCalls};
  auto both = Traverse(View(), spec);
  ASSERT_OK(both);
  EXPECT_EQ(both->nodes.size(), 2u);  // its callers; it calls nothing
}

TEST_F(TraverseTest, SeveralStartsWalkAsOne) {
  // Callers of subtotal or of discount: cheap_total calls both and is
  // reported once; a start another start reaches is not reported.
  TraverseSpec spec;
  spec.starts = {Id("shop.pricing.subtotal"), Id("shop.cart.Cart.discount"),
                 Id("shop.pricing.subtotal")};
  spec.direction = Direction::kIn;
  spec.edge_kinds = {EdgeKind::kCalls};
  auto callers = Traverse(View(), spec);
  ASSERT_OK(callers);
  EXPECT_EQ(Reach(*callers), (std::vector<std::string>{
                                 "1 function shop.pricing.total via calls",
                                 "1 method shop.cart.Cart.cheap_total via calls",
                             }));
  spec.starts.push_back(Id("shop.pricing.total"));
  spec.limits.max_depth = 2;
  auto deeper = Traverse(View(), spec);
  ASSERT_OK(deeper);
  std::vector<std::string> reached = Reach(*deeper);
  EXPECT_EQ(std::count_if(reached.begin(), reached.end(),
                          [](const std::string& r) {
                            return r.find(" shop.pricing.total ") != std::string::npos;
                          }),
            0);
  // total's callers are one edge from a start now, not two.
  for (const Reached& r : deeper->nodes) {
    if (r.node.qualified_name == "shop.cart.Cart.total") {
      EXPECT_EQ(r.depth, 1);
    }
  }
  EXPECT_EQ(std::count_if(
                deeper->nodes.begin(), deeper->nodes.end(),
                [](const Reached& r) { return r.node.qualified_name == "shop.cart.Cart.total"; }),
            1);
}

TEST_F(TraverseTest, DeeperWalksFilterWhatTheyReportNotWhereTheyGo) {
  TraverseSpec spec;
  spec.starts = {Id("app.main")};
  spec.edge_kinds = {EdgeKind::kCalls};
  spec.limits.max_depth = 3;
  auto all = Traverse(View(), spec);
  ASSERT_OK(all);
  // cart.add(...) is left unresolved (the receiver is a local of unknown
  // type), and a class's calls are its methods': the walk stops at Cart.
  EXPECT_EQ(Reach(*all), (std::vector<std::string>{
                             "1 function app.checkout via calls",
                             "2 class shop.cart.Cart via calls calls",
                             "2 function shop.pricing.total via calls calls",
                             "3 function shop.pricing.subtotal via calls calls calls",
                         }));
  // Only functions under shop/, reached through checkout and the rest.
  spec.node_kinds = {NodeKind::kFunction};
  spec.path_prefix = "shop/";
  auto functions = Traverse(View(), spec);
  ASSERT_OK(functions);
  EXPECT_EQ(Reach(*functions), (std::vector<std::string>{
                                   "2 function shop.pricing.total via calls calls",
                                   "3 function shop.pricing.subtotal via calls calls calls",
                               }));
  // The path reads from the start outwards, edge by edge.
  const std::vector<Edge>& path = functions->nodes.back().path;
  ASSERT_EQ(path.size(), 3u);
  EXPECT_EQ(path.front().src, Id("app.main"));
  EXPECT_EQ(path.back().dst, Id("shop.pricing.subtotal"));
  for (std::size_t i = 1; i < path.size(); ++i) EXPECT_EQ(path[i - 1].dst, path[i].src);

  spec.limits.max_results = 1;
  auto cut = Traverse(View(), spec);
  ASSERT_OK(cut);
  EXPECT_EQ(cut->nodes.size(), 1u);
  EXPECT_TRUE(cut->partial);
  spec.starts = {12345};
  EXPECT_TRUE(Traverse(View(), spec).status().IsNotFound());
  spec.starts = {Id("app.main")};
  spec.limits.max_depth = 0;
  EXPECT_TRUE(Traverse(View(), spec).status().IsInvalidArgument());
}

// "+ kind name", "- kind name", "~ kind name (changes)" and "+/- edge src -> dst".
std::vector<std::string> DiffLines(const GraphDiff& d) {
  std::vector<std::string> out;
  const auto label = [](const Node& n) {
    return std::string(NodeKindName(n.kind)) + " " +
           (n.qualified_name.empty() ? n.path : n.qualified_name);
  };
  for (const Node& n : d.added) out.push_back("+ " + label(n));
  for (const Node& n : d.removed) out.push_back("- " + label(n));
  for (const auto* list : {&d.changed, &d.moved}) {
    for (const NodeChange& c : *list) {
      std::string what;
      for (const auto& x : c.changes) what += (what.empty() ? "" : ",") + x;
      out.push_back("~ " + label(c.after) + " (" + what + ")");
    }
  }
  for (const NamedEdge& e : d.edges_added) {
    out.push_back("+ " + std::string(EdgeKindName(e.edge.kind)) + " " + e.src + " -> " + e.dst);
  }
  for (const NamedEdge& e : d.edges_removed) {
    out.push_back("- " + std::string(EdgeKindName(e.edge.kind)) + " " + e.src + " -> " + e.dst);
  }
  return out;
}

TEST_F(DiffTest, EditsAdditionsAndRemovalsBetweenRevisions) {
  // 2: total stops calling subtotal; a new function; the docstring goes.
  Commit("shop/pricing.py",
         "TAX_RATE = 0.2\n\n\ndef subtotal(items):\n    return sum(item.price for item in items)\n"
         "\n\ndef total(items):\n    return sum(items) * (1 + TAX_RATE)\n\n\n"
         "def refund(items):\n    return -total(items)\n");
  auto diff = Diff(View(), 1);
  ASSERT_OK(diff);
  EXPECT_EQ(diff->from, 1u);
  EXPECT_EQ(diff->to, 2u);
  EXPECT_EQ(DiffLines(*diff), (std::vector<std::string>{
                                  "+ function shop.pricing.refund",
                                  "~ file shop/pricing.py (body,location)",
                                  "~ function shop.pricing.total (body,doc,location)",
                                  "+ calls shop.pricing.refund -> shop.pricing.total",
                                  "- calls shop.pricing.total -> shop.pricing.subtotal",
                              }));
  EXPECT_FALSE(diff->partial);
  EXPECT_EQ(diff->counts.changed, 2u);

  // 3: subtotal is removed; the diff from 1 to 3 folds both revisions together.
  Commit("shop/pricing.py",
         "TAX_RATE = 0.2\n\n\ndef total(items):\n    return sum(items) * (1 + TAX_RATE)\n");
  auto folded = Diff(View(), 1);
  ASSERT_OK(folded);
  const std::vector<std::string> lines = DiffLines(*folded);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "- function shop.pricing.subtotal"), lines.end());
  EXPECT_EQ(std::find(lines.begin(), lines.end(), "+ function shop.pricing.refund"), lines.end());
  // As of revision 2, revision 1's diff is the first one.
  auto then = Diff(*View().AsOf(2), 1);
  ASSERT_OK(then);
  EXPECT_EQ(DiffLines(*then), DiffLines(*diff));
  // Limits and bad ranges.
  auto capped = Diff(View(), 1, 1);
  ASSERT_OK(capped);
  EXPECT_TRUE(capped->partial);
  EXPECT_EQ(capped->edges_removed.size(), 1u);
  EXPECT_GT(capped->counts.edges_removed, 1u);
  EXPECT_TRUE(Diff(View(), 3).status().IsInvalidArgument());
  EXPECT_TRUE(Diff(View(), 0).status().IsInvalidArgument());
}

TEST_F(DiffTest, ARenamedFileMovesItsSymbolsInsteadOfReaddingThem) {
  std::filesystem::rename(root_ + "/shop/pricing.py", root_ + "/shop/prices.py");
  ASSERT_OK(ingest::IngestTree(*store_, project_, root_, {}));
  auto diff = Diff(View(), 1);
  ASSERT_OK(diff);
  std::vector<std::string> moved;
  for (const NodeChange& c : diff->moved) {
    moved.push_back(c.before.path + " " + c.before.name + " -> " + c.after.path);
  }
  EXPECT_EQ(moved, (std::vector<std::string>{
                       "shop/pricing.py pricing.py -> shop/prices.py",
                       "shop/pricing.py TAX_RATE -> shop/prices.py",
                       "shop/pricing.py subtotal -> shop/prices.py",
                       "shop/pricing.py total -> shop/prices.py",
                   }));
  for (const Node& n : diff->added) EXPECT_NE(n.path, "shop/prices.py") << n.qualified_name;
  for (const Node& n : diff->removed) EXPECT_NE(n.path, "shop/pricing.py") << n.qualified_name;
}

TEST_F(DiffTest, StatsAsOfARevisionMatchTheCountsKeptThen) {
  auto first = View().Stats();
  ASSERT_OK(first);
  Commit("shop/pricing.py", "TAX_RATE = 0.3\n");  // subtotal and total go, calls with them
  auto now = View().Stats();
  ASSERT_OK(now);
  ASSERT_NE(*now, *first);
  // The scan agrees with the live counts at the latest revision, and with the
  // counts revision 1 had.
  auto scanned_now = StatsAt(View(2));
  ASSERT_OK(scanned_now);
  EXPECT_EQ(*scanned_now, *now);
  auto scanned_then = StatsAt(View(1));
  ASSERT_OK(scanned_then);
  EXPECT_EQ(*scanned_then, *first);
}

TEST_F(DiffTest, RevisionSpecsByNumberAndHead) {
  Commit("shop/pricing.py", "TAX_RATE = 0.3\n");
  Commit("shop/pricing.py", "TAX_RATE = 0.4\n");
  const store::ReadView view = View();
  EXPECT_EQ(*ResolveRevision(view, "2"), 2u);
  EXPECT_EQ(*ResolveRevision(view, "HEAD"), 3u);
  EXPECT_EQ(*ResolveRevision(view, "HEAD~2"), 1u);
  EXPECT_TRUE(ResolveRevision(view, "HEAD~3").status().IsInvalidArgument());
  EXPECT_TRUE(ResolveRevision(view, "4").status().IsInvalidArgument());
  EXPECT_TRUE(ResolveRevision(view, "0").status().IsInvalidArgument());
  EXPECT_TRUE(ResolveRevision(view, "next tuesday").status().IsInvalidArgument());
  EXPECT_TRUE(ResolveRevision(view, "").status().IsInvalidArgument());
  // Every revision was made today: today's date names the latest, an old one none.
  EXPECT_EQ(*ResolveRevision(view, "2999-01-01"), 3u);
  EXPECT_TRUE(ResolveRevision(view, "2001-01-01").status().IsNotFound());
}

using TopologyTest = testing::ShopFixture;
using testing::EdgeText;

TEST_F(TopologyTest, AnswersLikeTheStoreAtEveryRevision) {
  // 2: total stops calling subtotal; 3: pricing moves; 4: app.py goes.
  Commit("shop/pricing.py",
         "TAX_RATE = 0.2\n\n\ndef subtotal(items):\n    return sum(item.price for item in items)\n"
         "\n\ndef total(items):\n    return sum(items) * (1 + TAX_RATE)\n");
  std::filesystem::rename(root_ + "/shop/pricing.py", root_ + "/shop/prices.py");
  ASSERT_OK(ingest::IngestTree(*store_, project_, root_, {}));
  std::filesystem::remove(root_ + "/app.py");
  ASSERT_OK(ingest::IngestTree(*store_, project_, root_, {}));
  auto topology = Topology::Build(View());
  ASSERT_OK(topology);
  EXPECT_EQ((*topology)->revision(), 4u);
  EXPECT_EQ((*topology)->edge_versions(), View().Stats()->edge_versions);

  std::vector<NodeId> ids;
  ASSERT_OK(View().ForEachNodeVersion([&](Node& n) {
    ids.push_back(n.id);
    return true;
  }));
  std::size_t compared = 0;
  for (RevisionNumber rev = 1; rev <= 4; ++rev) {
    const store::ReadView view = View(rev);
    store::AdjacencyReader reader(view);
    for (const NodeId id : ids) {
      for (const bool out : {true, false}) {
        auto expected = out ? reader.Out(id) : reader.In(id);
        ASSERT_OK(expected);
        std::vector<Edge> got;
        (*topology)->Edges(id, out, rev, std::nullopt, SIZE_MAX, &got);
        EXPECT_EQ(EdgeText(got), EdgeText(*expected)) << rev << " " << id;
        compared += got.size();
      }
      auto stored = view.GetNode(id);
      const auto held = (*topology)->NodeAt(id, rev);
      ASSERT_EQ(held.has_value(), stored.ok()) << rev << " " << id;
      if (!stored.ok()) continue;
      Node expected = *stored;
      expected.doc.clear();  // the topology keeps identity and location only
      expected.attributes.clear();
      EXPECT_EQ(*held, expected);
      auto impact = Impact(view, id, {}, nullptr);
      auto fast = Impact(view, id, {}, topology->get());
      ASSERT_OK(impact);
      ASSERT_OK(fast);
      EXPECT_EQ(Lines(*fast), Lines(*impact));
      EXPECT_EQ(fast->partial, impact->partial);
      for (std::size_t i = 0; i < fast->nodes.size() && i < impact->nodes.size(); ++i) {
        EXPECT_EQ(EdgeText(fast->nodes[i].path), EdgeText(impact->nodes[i].path));
      }
      WalkLimits tight;  // cut short by depth, by the seen bound, and by the page
      tight.max_depth = 2;
      tight.max_results = 1;
      auto cut = Impact(view, id, tight, nullptr);
      auto fast_cut = Impact(view, id, tight, topology->get());
      ASSERT_OK(cut);
      ASSERT_OK(fast_cut);
      EXPECT_EQ(Lines(*fast_cut), Lines(*cut));
      EXPECT_EQ(fast_cut->partial, cut->partial);
      // Pages of two, one after the other, are the whole answer, and each
      // says how large the whole is.
      for (const Topology* with : {static_cast<const Topology*>(nullptr), topology->get()}) {
        std::vector<std::string> pages;
        WalkLimits paged;
        paged.page = 2;
        for (paged.offset = 0; paged.offset <= impact->nodes.size(); paged.offset += 2) {
          auto page = Impact(view, id, paged, with);
          ASSERT_OK(page);
          EXPECT_EQ(page->total, impact->nodes.size());
          EXPECT_LE(page->nodes.size(), 2u);
          for (const std::string& line : Lines(*page)) pages.push_back(line);
        }
        EXPECT_EQ(pages, Lines(*impact)) << rev << " " << id;
      }
      EXPECT_EQ(impact->total, impact->nodes.size());
      EXPECT_EQ(fast->plan.source, "topology");
      EXPECT_EQ(impact->plan.source, "store");
      // The fast path reads edges straight from the topology's rows (and stops
      // at the first sign of deeper dependents): never more than the store path.
      EXPECT_LE(fast->plan.Count("edges_read"), impact->plan.Count("edges_read"));
      EXPECT_EQ(fast->plan.Count("edges_read") == 0, impact->plan.Count("edges_read") == 0);
      EXPECT_GE(fast->plan.Count("nodes_loaded"), fast->nodes.size());
      auto tests = TestsFor(view, id, {}, topology->get());
      auto slow_tests = TestsFor(view, id, {}, nullptr);
      ASSERT_OK(tests);
      ASSERT_OK(slow_tests);
      EXPECT_EQ(Lines(*tests), Lines(*slow_tests));
      TraverseSpec spec;
      spec.starts = {id};
      spec.direction = Direction::kBoth;
      spec.limits.max_depth = 2;
      auto walk = Traverse(view, spec, topology->get());
      auto slow_walk = Traverse(view, spec, nullptr);
      ASSERT_OK(walk);
      ASSERT_OK(slow_walk);
      EXPECT_EQ(Reach(*walk), Reach(*slow_walk));
      spec.limits.offset = 1;
      spec.limits.page = 1;
      auto second = Traverse(view, spec, topology->get());
      ASSERT_OK(second);
      EXPECT_EQ(second->total, walk->nodes.size());
      ASSERT_EQ(second->nodes.size(), walk->nodes.size() > 1 ? 1u : 0u);
      if (!second->nodes.empty()) {
        EXPECT_EQ(second->nodes[0].node.id, walk->nodes[1].node.id);
      }
    }
  }
  EXPECT_GT(compared, 100u);
  // A node the topology never saw has no edges.
  std::vector<Edge> none;
  (*topology)->Edges(12345, true, 4, std::nullopt, SIZE_MAX, &none);
  EXPECT_TRUE(none.empty());
}

using ChangeTest = testing::ShopFixture;

TEST_F(ChangeTest, WorkingTreeEditsMapToTheSymbolsTheyTouchAndWhatTheyBreak) {
  const auto write = [&](const std::string& path, const std::string& text) {
    std::ofstream(root_ + "/" + path, std::ios::binary | std::ios::trunc) << text;
  };
  // subtotal's body changes, total moves down a line (not a change), refund is
  // new; app.py changes only outside its functions; a new file appears.
  write(
      "shop/pricing.py",
      "TAX_RATE = 0.2\n\n\ndef subtotal(items):\n    return sum(i.price for i in items)\n\n\n"
      "\ndef total(items):\n    \"\"\"Subtotal plus tax.\"\"\"\n    return subtotal(items) * (1 + "
      "TAX_RATE)\n\n\ndef refund(items):\n    return -total(items)\n");
  std::string app;
  {
    std::ifstream in(root_ + "/app.py");
    app.assign(std::istreambuf_iterator<char>(in), {});
  }
  write("app.py", "import os\n" + app);
  write("extra.py", "def helper():\n    return 1\n");
  std::filesystem::remove(root_ + "/shop/__init__.py");

  auto changes = ingest::CompareWorktree(View(), root_, {});
  ASSERT_OK(changes);
  EXPECT_TRUE(changes->stale());
  EXPECT_EQ(changes->modified_files, (std::vector<std::string>{"app.py", "shop/pricing.py"}));
  EXPECT_EQ(changes->added_files, (std::vector<std::string>{"extra.py"}));
  EXPECT_EQ(changes->removed_files, (std::vector<std::string>{"shop/__init__.py"}));
  std::vector<std::string> touched;
  for (const SymbolChange& c : changes->symbols) {
    touched.push_back(c.change + " " +
                      (c.node.qualified_name.empty() ? c.node.path : c.node.qualified_name));
  }
  std::sort(touched.begin(), touched.end());
  EXPECT_EQ(touched, (std::vector<std::string>{
                         "added extra.helper",
                         "added shop.pricing.refund",
                         "body app.py",
                         "body shop.pricing.subtotal",
                         "removed shop/__init__.py",
                     }));

  auto files_only = ingest::CompareWorktree(View(), root_, {}, /*symbols=*/false);
  ASSERT_OK(files_only);
  EXPECT_TRUE(files_only->symbols.empty());
  EXPECT_EQ(files_only->modified_files.size(), 2u);

  // Only subtotal's edit, to check the walk exactly.
  std::vector<SymbolChange> subtotal;
  for (const SymbolChange& c : changes->symbols) {
    if (c.node.name == "subtotal" || c.change == "added") subtotal.push_back(c);
  }
  auto impact = ImpactOfChange(View(), subtotal);
  ASSERT_OK(impact);
  EXPECT_EQ(Lines(impact->impact), Lines(*Impact(View(), Id("shop.pricing.subtotal"))));
  ASSERT_EQ(impact->tests.size(), 1u);
  EXPECT_EQ(impact->tests.front().qualified_name, "tests.test_cart.test_total");
  EXPECT_EQ(impact->changed.size(), 3u);  // added symbols are listed, not walked

  // Nothing changed: an up-to-date tree.
  ASSERT_OK(ingest::IngestTree(*store_, project_, root_, {}));
  auto none = ingest::CompareWorktree(View(), root_, {});
  ASSERT_OK(none);
  EXPECT_FALSE(none->stale());
  EXPECT_TRUE(none->symbols.empty());
}

class GitRevisionTest : public testing::StoreFixture {};

TEST_F(GitRevisionTest, RevisionSpecsByCommitIdAndDate) {
  testing::TempDir work;
  testing::GitRepo git(work.Sub("repo"));
  git.Write("a.py", "def a():\n    return 1\n");
  const std::string first = git.Commit("one", "2026-01-10T12:00:00Z");
  git.Write("a.py", "def a():\n    return 2\n");
  const std::string second = git.Commit("two", "2026-02-10T12:00:00Z");
  git.Write("b.py", "def b():\n    return 3\n");
  const std::string third = git.Commit("three", "2026-03-10T12:00:00Z");
  ASSERT_OK(ingest::IngestHistory(*store_, project_, git.path(), {}));
  auto view = store_->View(project_.id);
  ASSERT_OK(view);
  EXPECT_EQ(*ResolveRevision(*view, second.substr(0, 7)), 2u);
  EXPECT_EQ(*ResolveRevision(*view, third), 3u);
  EXPECT_EQ(*ResolveRevision(*view, "2026-02-10"), 2u);  // the whole day
  EXPECT_EQ(*ResolveRevision(*view, "2026-02-10T11:00:00"), 1u);
  EXPECT_EQ(*ResolveRevision(*view, "2026-02-28"), 2u);
  EXPECT_TRUE(ResolveRevision(*view, "2026-01-01").status().IsNotFound());
  EXPECT_TRUE(ResolveRevision(*view, "abcdef0").status().IsInvalidArgument());
  // diff between two commits: the body of a changed, b added.
  auto diff = Diff(*view, *ResolveRevision(*view, first.substr(0, 10)));
  ASSERT_OK(diff);
  std::vector<std::string> names;
  for (const Node& n : diff->added) names.push_back("+" + n.qualified_name);
  for (const NodeChange& c : diff->changed) names.push_back("~" + c.after.qualified_name);
  EXPECT_EQ(names, (std::vector<std::string>{"+b.py", "+b.b", "~a.py", "~a.a"}));
}

}  // namespace
}  // namespace onyx::query
