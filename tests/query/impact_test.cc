// impact and tests_for over the Python resolution fixture, with exact answers,
// and an answer that changes between two revisions.
#include "onyx/query/impact.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "onyx/ingest/lineage.h"
#include "onyx/ingest/tree_ingest.h"
#include "onyx/query/diff.h"
#include "onyx/query/history.h"
#include "onyx/query/topology.h"
#include "onyx/query/traverse.h"
#include "onyx/store/revision_writer.h"
#include "query/shop_fixture.h"

namespace onyx::query {
namespace {

using ImpactTest = testing::ShopFixture;

TEST_F(ImpactTest, WhatBreaksWhenSubtotalChanges) {
  auto result = Impact(View(), Id("shop.pricing.subtotal"));
  ASSERT_OK(result);
  EXPECT_FALSE(result->partial);
  EXPECT_EQ(Lines(*result),
            (std::vector<std::string>{
                "1 1.00 function shop.pricing.total [tests.test_cart.test_total]",
                "1 1.00 file shop/cart.py",
                "1 0.95 method shop.cart.Cart.cheap_total",
                "2 1.00 file app.py",
                "2 1.00 file shop/__init__.py",
                "2 1.00 file tests/test_cart.py",
                "2 0.95 function app.checkout",
                "2 0.95 method shop.cart.Cart.total",
                "2 0.95 test tests.test_cart.test_total [tests.test_cart.test_total]",
                "3 0.95 function app.main",
            }));
  // The path explains the answer: app.main calls checkout, which calls total
  // (through the cart_total alias), which calls subtotal.
  const Reached& main = result->nodes.back();
  ASSERT_EQ(main.path.size(), 3u);
  EXPECT_EQ(main.path[0].src, Id("app.main"));
  EXPECT_EQ(main.path[2].dst, Id("shop.pricing.subtotal"));

  WalkLimits shallow;
  shallow.max_depth = 1;
  auto limited = Impact(View(), Id("shop.pricing.subtotal"), shallow);
  ASSERT_OK(limited);
  EXPECT_EQ(limited->nodes.size(), 3u);
  EXPECT_TRUE(limited->partial);
}

TEST_F(ImpactTest, TestsReachEveryNodeOnTheirPath) {
  // test_top calls top, which calls mid, which calls leaf: a change to leaf
  // breaks mid and top, and test_top is the test that exercises both.
  std::ofstream(root_ + "/shop/chain.py")
      << "def leaf():\n    return 1\n\n\ndef mid():\n    return leaf()\n\n\n"
         "def top():\n    return mid()\n";
  Commit("tests/test_chain.py",
         "from shop.chain import top\n\n\ndef test_top():\n    assert top() == 1\n");
  auto result = Impact(View(), Id("shop.chain.leaf"));
  ASSERT_OK(result);
  EXPECT_EQ(Lines(*result), (std::vector<std::string>{
                                "1 1.00 function shop.chain.mid [tests.test_chain.test_top]",
                                "2 1.00 function shop.chain.top [tests.test_chain.test_top]",
                                "3 1.00 file tests/test_chain.py",
                                "3 0.95 test tests.test_chain.test_top [tests.test_chain.test_top]",
                            }));
  auto topology = Topology::Build(View());
  ASSERT_OK(topology);
  auto fast = Impact(View(), Id("shop.chain.leaf"), {}, topology->get());
  ASSERT_OK(fast);
  EXPECT_EQ(Lines(*fast), Lines(*result));
}

TEST_F(ImpactTest, ACancelledWalkStopsWithWhatItHas) {
  std::atomic<bool> cancelled{true};
  WalkLimits limits;
  limits.cancelled = &cancelled;
  auto impact = Impact(View(), Id("shop.pricing.subtotal"), limits);
  ASSERT_OK(impact);
  EXPECT_TRUE(impact->partial);
  EXPECT_TRUE(impact->nodes.empty());
  TraverseSpec spec;
  spec.starts = {Id("shop.pricing.subtotal")};
  spec.direction = Direction::kIn;
  spec.limits.cancelled = &cancelled;
  auto traversed = query::Traverse(View(), spec);
  ASSERT_OK(traversed);
  EXPECT_TRUE(traversed->partial);
  EXPECT_TRUE(traversed->nodes.empty());
}

TEST_F(ImpactTest, TestsForFollowCallsAndHelpers) {
  auto subtotal = TestsFor(View(), Id("shop.pricing.subtotal"));
  ASSERT_OK(subtotal);
  EXPECT_EQ(Lines(*subtotal), (std::vector<std::string>{"2 0.95 test tests.test_cart.test_total"}));
  // Cart is tested through the make_cart helper and directly by TestCart.test_add.
  auto cart = TestsFor(View(), Id("shop.cart.Cart"));
  ASSERT_OK(cart);
  EXPECT_EQ(Lines(*cart), (std::vector<std::string>{"1 0.95 test tests.test_cart.TestCart.test_add",
                                                    "1 0.95 test tests.test_cart.test_total"}));
}

TEST_F(ImpactTest, AnswersChangeBetweenRevisions) {
  // Revision 2: total no longer calls subtotal.
  std::ofstream(root_ + "/shop/pricing.py", std::ios::binary | std::ios::trunc)
      << "TAX_RATE = 0.2\n\n\ndef subtotal(items):\n    return sum(items)\n\n\n"
         "def total(items):\n    return sum(items) * (1 + TAX_RATE)\n";
  ASSERT_OK(ingest::IngestTree(*store_, project_, root_, {}));
  const NodeId subtotal = Id("shop.pricing.subtotal");
  auto now = TestsFor(View(), subtotal);
  ASSERT_OK(now);
  EXPECT_TRUE(now->nodes.empty());
  auto then = TestsFor(View(1), subtotal);
  ASSERT_OK(then);
  ASSERT_EQ(then->nodes.size(), 1u);
  EXPECT_EQ(then->revision, 1u);
  auto impact_now = Impact(View(), subtotal);
  ASSERT_OK(impact_now);
  EXPECT_EQ(Lines(*impact_now), (std::vector<std::string>{
                                    "1 1.00 file shop/cart.py",
                                    "1 0.95 method shop.cart.Cart.cheap_total",
                                }));
}

TEST_F(ImpactTest, FindNodesByIdQualifiedNameAndName) {
  const NodeId id = Id("shop.cart.Cart");
  auto by_id = FindNodes(View(), FormatNodeId(id));
  ASSERT_OK(by_id);
  ASSERT_EQ(by_id->size(), 1u);
  EXPECT_EQ(by_id->front().qualified_name, "shop.cart.Cart");
  auto by_name = FindNodes(View(), "total");
  ASSERT_OK(by_name);
  EXPECT_EQ(by_name->size(), 3u);
  auto by_suffix = FindNodes(View(), "Cart.total");
  ASSERT_OK(by_suffix);
  ASSERT_EQ(by_suffix->size(), 1u);
  EXPECT_EQ(by_suffix->front().qualified_name, "shop.cart.Cart.total");
  // A file by its path, or by its bare name.
  for (const char* spec : {"shop/pricing.py", "pricing.py"}) {
    auto file = FindNodes(View(), spec);
    ASSERT_OK(file);
    ASSERT_EQ(file->size(), 1u) << spec;
    EXPECT_EQ(file->front().path, "shop/pricing.py");
    EXPECT_EQ(file->front().kind, NodeKind::kFile);
  }
  auto inits = FindNodes(View(), "__init__.py");
  ASSERT_OK(inits);
  EXPECT_EQ(inits->size(), 1u);  // shop/__init__.py; the root has none
  EXPECT_TRUE(FindNodes(View(), "nothing_by_this_name")->empty());
  EXPECT_TRUE(FindNodes(View(), "missing.py")->empty());
  EXPECT_TRUE(FindNodes(View(), "").status().IsInvalidArgument());
  EXPECT_TRUE(Impact(View(), 12345).status().IsNotFound());
}

// "revision: changes @ path" per entry.
std::vector<std::string> Entries(const NodeHistory& history) {
  std::vector<std::string> out;
  for (const NodeVersionChange& v : history.versions) {
    std::string changes;
    for (const std::string& c : v.changes) changes += (changes.empty() ? "" : ",") + c;
    out.push_back(std::to_string(v.revision.number) + ": " + changes + " @ " + v.node.path);
  }
  return out;
}

TEST_F(ImpactTest, HistoryFollowsEditsRenamesAndRemoval) {
  const std::string pricing = root_ + "/shop/pricing.py";
  const auto write = [](const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  };
  // 2: total's docstring changes.
  write(
      pricing,
      "TAX_RATE = 0.2\n\n\ndef subtotal(items):\n    return sum(item.price for item in items)\n\n\n"
      "def total(items):\n    \"\"\"Subtotal plus VAT.\"\"\"\n    return subtotal(items) * (1 + "
      "TAX_RATE)\n");
  ASSERT_OK(ingest::IngestTree(*store_, project_, root_, {}));
  // 3: the file moves, unchanged.
  std::filesystem::rename(pricing, root_ + "/shop/prices.py");
  ASSERT_OK(ingest::IngestTree(*store_, project_, root_, {}));
  // 4: total takes a rate.
  write(
      root_ + "/shop/prices.py",
      "TAX_RATE = 0.2\n\n\ndef subtotal(items):\n    return sum(item.price for item in items)\n\n\n"
      "def total(items, rate=TAX_RATE):\n    \"\"\"Subtotal plus VAT.\"\"\"\n    return "
      "subtotal(items) * (1 + rate)\n");
  ASSERT_OK(ingest::IngestTree(*store_, project_, root_, {}));
  const NodeId total = Id("shop.prices.total");
  auto history = History(View(), total);
  ASSERT_OK(history);
  EXPECT_EQ(Entries(*history), (std::vector<std::string>{
                                   "1: added @ shop/pricing.py",
                                   "2: body,doc @ shop/pricing.py",
                                   "3: renamed,location @ shop/prices.py",
                                   "4: signature,body @ shop/prices.py",
                               }));
  // 5: total is gone; its history ends with the removal.
  write(root_ + "/shop/prices.py", "TAX_RATE = 0.2\n");
  ASSERT_OK(ingest::IngestTree(*store_, project_, root_, {}));
  auto removed = History(View(), total);
  ASSERT_OK(removed);
  ASSERT_EQ(removed->versions.size(), 5u);
  EXPECT_EQ(Entries(*removed).back(), "5: removed @ shop/prices.py");
  // As of revision 2 the old node's story stops there; the new node did not
  // exist yet.
  const NodeId old_total = removed->versions.front().node.id;
  auto then = History(View(2), old_total);
  ASSERT_OK(then);
  EXPECT_EQ(Entries(*then), (std::vector<std::string>{"1: added @ shop/pricing.py",
                                                      "2: body,doc @ shop/pricing.py"}));
  EXPECT_TRUE(History(View(2), total).status().IsNotFound());
  EXPECT_TRUE(History(View(), 12345).status().IsNotFound());
}

TEST_F(ImpactTest, AFileMovedAndEditedInOneRevisionKeepsItsSymbolsLineage) {
  // 2: pricing.py becomes cost.py, and total changes on the way; a new file
  // that shares no definition with it does not pair with it.
  std::filesystem::remove(root_ + "/shop/pricing.py");
  std::ofstream(root_ + "/shop/cost.py")
      << "TAX_RATE = 0.2\n\n\ndef subtotal(items):\n    return sum(item.price for item in "
         "items)\n\n\ndef total(items, rate=TAX_RATE):\n    return subtotal(items) * (1 + "
         "rate)\n";
  std::ofstream(root_ + "/shop/other.py") << "def unrelated():\n    return 0\n";
  ASSERT_OK(ingest::IngestTree(*store_, project_, root_, {}));
  auto history = History(View(), Id("shop.cost.total"));
  ASSERT_OK(history);
  EXPECT_EQ(Entries(*history), (std::vector<std::string>{
                                   "1: added @ shop/pricing.py",
                                   "2: renamed,signature,body,doc,location @ shop/cost.py",
                               }));
  auto subtotal = History(View(), Id("shop.cost.subtotal"));
  ASSERT_OK(subtotal);
  EXPECT_EQ(Entries(*subtotal), (std::vector<std::string>{"1: added @ shop/pricing.py",
                                                          "2: renamed,location @ shop/cost.py"}));
  auto other = History(View(), Id("shop.other.unrelated"));
  ASSERT_OK(other);
  EXPECT_EQ(Entries(*other), (std::vector<std::string>{"2: added @ shop/other.py"}));
}

TEST_F(ImpactTest, ASymbolRenamedInPlaceKeepsItsLineage) {
  // 2: subtotal becomes items_subtotal (and calls to it follow); class Cart
  // becomes Basket, so its methods get new qualified names; discount goes and
  // an unrelated rebate comes.
  const std::string pricing = root_ + "/shop/pricing.py";
  std::ofstream(pricing, std::ios::trunc)
      << "TAX_RATE = 0.2\n\n\ndef items_subtotal(items):\n    return sum(item.price for item in "
         "items)\n\n\ndef total(items):\n    \"\"\"Subtotal plus tax.\"\"\"\n    return "
         "items_subtotal(items) * (1 + TAX_RATE)\n";
  const std::string cart_py = root_ + "/shop/cart.py";
  std::ifstream in(cart_py);
  std::string cart((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  cart = ingest::ReplaceIdentifier(cart, "Cart", "Basket");
  cart.replace(cart.find("    def discount(self):\n        return 0\n"), 41,
               "    def rebate(self):\n        return 1\n");
  std::ofstream(cart_py, std::ios::trunc) << cart;
  ASSERT_OK(ingest::IngestTree(*store_, project_, root_, {}));

  auto renamed = History(View(), Id("shop.pricing.items_subtotal"));
  ASSERT_OK(renamed);
  // (The name is part of its signature and body.)
  EXPECT_EQ(Entries(*renamed),
            (std::vector<std::string>{"1: added @ shop/pricing.py",
                                      "2: renamed,signature,body @ shop/pricing.py"}));
  EXPECT_EQ(renamed->versions.front().node.qualified_name, "shop.pricing.subtotal");
  auto method = History(View(), Id("shop.cart.Basket.add"));
  ASSERT_OK(method);
  EXPECT_EQ(Entries(*method),
            (std::vector<std::string>{"1: added @ shop/cart.py", "2: renamed @ shop/cart.py"}));
  EXPECT_EQ(method->versions.front().node.qualified_name, "shop.cart.Cart.add");
  // The class was edited too (rebate for discount): most of its members
  // continue Cart's, so it continues Cart.
  auto cls = History(View(), Id("shop.cart.Basket"));
  ASSERT_OK(cls);
  ASSERT_EQ(cls->versions.size(), 2u);
  EXPECT_EQ(cls->versions.front().node.qualified_name, "shop.cart.Cart");
  // GiftCart(Cart) became GiftCart(Basket): same name, an edit, no rename.
  auto gift = History(View(), Id("shop.cart.GiftCart"));
  ASSERT_OK(gift);
  EXPECT_EQ(Entries(*gift), (std::vector<std::string>{"1: added @ shop/cart.py",
                                                      "2: signature,body @ shop/cart.py"}));
  // Different text is no rename: rebate is new, discount is gone.
  auto rebate = History(View(), Id("shop.cart.Basket.rebate"));
  ASSERT_OK(rebate);
  EXPECT_EQ(Entries(*rebate), (std::vector<std::string>{"2: added @ shop/cart.py"}));
  // The diff says the same: one symbol renamed, not one removed and one added.
  auto diff = Diff(View(), 1);
  ASSERT_OK(diff);
  std::vector<std::string> removed;
  for (const Node& n : diff->removed) removed.push_back(n.qualified_name);
  EXPECT_EQ(removed, std::vector<std::string>{"shop.cart.Cart.discount"});
  std::vector<std::string> added;
  for (const Node& n : diff->added) added.push_back(n.qualified_name);
  EXPECT_EQ(added, std::vector<std::string>{"shop.cart.Basket.rebate"});
}

TEST(ReplaceIdentifier, ReplacesWholeIdentifiersOnly) {
  EXPECT_EQ(ingest::ReplaceIdentifier("def f(f_x): return f(f) + xf", "f", "g"),
            "def g(f_x): return g(g) + xf");
  EXPECT_EQ(ingest::ReplaceIdentifier("Cart CartLine $Cart Cart", "Cart", "B"),
            "B CartLine $Cart B");
  EXPECT_EQ(ingest::ReplaceIdentifier("abc", "", "x"), "abc");
  EXPECT_EQ(ingest::ReplaceIdentifier("aaa", "aa", "b"), "aaa");
}

TEST_F(ImpactTest, HistoryStopsAtALineageIdThatIsNotAnId) {
  // Attributes can come from an import: a malformed previous_id must not
  // throw, it ends the lineage.
  Node odd = *View().GetNode(Id("shop.pricing.total"));
  odd.attributes["previous_id"] = "not-a-node-id!";
  auto writer = store_->BeginRevision(project_.id, {});
  ASSERT_OK(writer);
  ASSERT_OK((*writer)->UpsertNode(odd));
  ASSERT_OK((*writer)->Commit());
  auto history = History(View(), odd.id);
  ASSERT_OK(history);
  EXPECT_EQ(Entries(*history),
            (std::vector<std::string>{"1: added @ shop/pricing.py",
                                      "2:  @ shop/pricing.py"}));  // only attributes changed
}

TEST_F(ImpactTest, SourceOfANodeAsOfARevision) {
  auto nodes = FindNodes(View(), "shop.pricing.total");
  ASSERT_OK(nodes);
  ASSERT_EQ(nodes->size(), 1u);
  auto source = SourceOf(View(), nodes->front());
  ASSERT_OK(source);
  EXPECT_EQ(*source,
            "def total(items):\n    \"\"\"Subtotal plus tax.\"\"\"\n"
            "    return subtotal(items) * (1 + TAX_RATE)");
  auto file = FindNodes(View(), "app.py");
  ASSERT_OK(file);
  ASSERT_FALSE(file->empty());
  auto whole = SourceOf(View(), file->front(), 16);
  ASSERT_OK(whole);
  EXPECT_EQ(*whole, "import shop\nfrom");  // capped
}

}  // namespace
}  // namespace onyx::query
