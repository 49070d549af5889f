// Every question has a time limit: past it (or once a client cancels) it
// returns what it has, marked partial; and every question can say how it ran
// (explain): its source, what it read, and the time of each step.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>

#include "onyx/engine.h"
#include "testing/shop_engine.h"

namespace onyx {
namespace {

std::vector<std::string> StepNames(const QueryPlan& plan) {
  std::vector<std::string> names;
  for (const auto& [step, ms] : plan.steps) {
    EXPECT_GE(ms, 0.0) << step;
    names.push_back(step);
  }
  return names;
}

// Run over the store's adjacency and over the in-memory topology.
class TimeLimitTest : public testing::ShopEngineTest, public ::testing::WithParamInterface<bool> {
 protected:
  EngineOptions Options() const override {
    EngineOptions options;
    options.cache_topology = GetParam();
    return options;
  }

  void SetUp() override {
    testing::ShopEngineTest::SetUp();
    if (HasFatalFailure()) return;
    // Revisions 2 and 3 change total's body; revision 3 adds refund.
    Write(
        "TAX_RATE = 0.2\n\n\ndef subtotal(items):\n    return sum(i.price for i in items)\n\n\n"
        "def total(items):\n    return subtotal(items) * (1.0 + TAX_RATE)\n");
    Write(
        "TAX_RATE = 0.2\n\n\ndef subtotal(items):\n    return sum(i.price for i in items)\n\n\n"
        "def total(items):\n    return round(subtotal(items) * (1.0 + TAX_RATE), 2)\n\n\n"
        "def refund(items):\n    return -total(items)\n");
  }

  void Write(const std::string& text) {
    std::ofstream(tree_ + "/shop/pricing.py", std::ios::trunc) << text;
    ASSERT_OK(engine_->IngestTree("shop", tree_));
  }

  NodeId Id(const std::string& name) {
    auto found = engine_->FindNodes("shop", name);
    EXPECT_OK(found);
    EXPECT_EQ(found.ok() ? found->size() : 0u, 1u) << name;
    return found.ok() && !found->empty() ? found->front().id : 0;
  }

  const std::atomic<bool> stopped_{true};  ///< A client that cancelled at once.
};

TEST_P(TimeLimitTest, HistoryKeepsTheNewestVersionsWhenTimeRunsOut) {
  const NodeId total = Id("shop.pricing.total");
  auto whole = engine_->History("shop", total);
  ASSERT_OK(whole);
  EXPECT_FALSE(whole->partial);
  ASSERT_EQ(whole->versions.size(), 3u);
  EXPECT_EQ(whole->versions.front().changes, std::vector<std::string>{"added"});
  EXPECT_EQ(whole->plan.source, "store");
  EXPECT_EQ(StepNames(whole->plan),
            (std::vector<std::string>{"read lineage", "compare versions", "read revisions"}));
  EXPECT_EQ(whole->plan.Count("revisions_read"), 3u);
  EXPECT_EQ(whole->plan.Count("versions_read"), 3u);

  auto cut = engine_->History("shop", total, std::nullopt, TimeLimit{.cancelled = &stopped_});
  ASSERT_OK(cut);
  EXPECT_TRUE(cut->partial);
  ASSERT_EQ(cut->versions.size(), 1u);  // the newest is always read
  EXPECT_EQ(cut->versions.front().revision.number, 3u);
  EXPECT_EQ(cut->versions.front().changes, whole->versions.back().changes);
}

TEST_P(TimeLimitTest, DiffStopsItsScanAndSaysSo) {
  auto whole = engine_->Diff("shop", 1);
  ASSERT_OK(whole);
  EXPECT_FALSE(whole->partial);
  EXPECT_FALSE(whole->out_of_time);
  EXPECT_EQ(whole->counts.added, 1u);  // refund
  EXPECT_EQ(StepNames(whole->plan),
            (std::vector<std::string>{"scan node versions", "pair changes", "scan edge versions",
                                      "sort", "name edge ends"}));
  EXPECT_GT(whole->plan.Count("node_versions_read"), 10u);
  EXPECT_GT(whole->plan.Count("edge_versions_read"), 10u);

  auto cut = engine_->Diff("shop", 1, std::nullopt, 1000, TimeLimit{.cancelled = &stopped_});
  ASSERT_OK(cut);
  EXPECT_TRUE(cut->partial);
  EXPECT_TRUE(cut->out_of_time);
  EXPECT_EQ(cut->plan.Count("node_versions_read"), 1u);  // the first look at the clock
  EXPECT_TRUE(cut->added.empty());
}

TEST_P(TimeLimitTest, SearchSkipsTheRankingsNotBegun) {
  SearchOptions options;
  options.k = 20;
  auto whole = engine_->Search("shop", "total", options);
  ASSERT_OK(whole);
  EXPECT_FALSE(whole->partial);
  EXPECT_EQ(whole->plan.source, "index");
  EXPECT_EQ(StepNames(whole->plan),
            (std::vector<std::string>{"index up to date", "embed query", "vector ranking",
                                      "lexical ranking", "exact names", "fuse"}));
  EXPECT_GT(whole->plan.Count("documents"), 5u);
  bool lexical = false;
  for (const SearchHit& h : whole->hits) lexical = lexical || h.parts.count("lexical_rank") != 0;
  EXPECT_TRUE(lexical);

  options.time.cancelled = &stopped_;
  auto cut = engine_->Search("shop", "total", options);
  ASSERT_OK(cut);
  EXPECT_TRUE(cut->partial);
  ASSERT_FALSE(cut->hits.empty());  // the first ranking always runs
  for (const SearchHit& h : cut->hits) {
    EXPECT_EQ(h.parts.count("vector_rank"), 1u) << h.qualified_name;
    EXPECT_EQ(h.parts.count("lexical_rank"), 0u) << h.qualified_name;
    EXPECT_EQ(h.parts.count("exact_name"), 0u) << h.qualified_name;
  }
  // The prior is skipped too: the hits carry no in-degree.
  options.prior = SearchPrior::kCentrality;
  auto unranked = engine_->Search("shop", "total", options);
  ASSERT_OK(unranked);
  EXPECT_TRUE(unranked->partial);
  for (const SearchHit& h : unranked->hits) EXPECT_EQ(h.parts.count("in_degree"), 0u);
  // A lexical search has one ranking: it runs whole.
  options.mode = SearchMode::kLexical;
  options.prior = SearchPrior::kNone;
  auto lexical_only = engine_->Search("shop", "total", options);
  ASSERT_OK(lexical_only);
  EXPECT_FALSE(lexical_only->partial);
  EXPECT_FALSE(lexical_only->hits.empty());
}

TEST_P(TimeLimitTest, WalksStopAtTheDeadline) {
  const NodeId subtotal = Id("shop.pricing.subtotal");
  WalkLimits limits;
  auto whole = engine_->Impact("shop", subtotal, limits);
  ASSERT_OK(whole);
  EXPECT_FALSE(whole->partial);
  EXPECT_GE(whole->nodes.size(), 3u);

  limits.cancelled = &stopped_;
  for (const bool impact : {true, false}) {
    auto cut = impact ? engine_->Impact("shop", subtotal, limits)
                      : engine_->TestsFor("shop", subtotal, limits);
    ASSERT_OK(cut);
    EXPECT_TRUE(cut->partial) << impact;
    EXPECT_LT(cut->nodes.size(), whole->nodes.size()) << impact;
  }
  TraverseSpec spec;
  spec.starts = {subtotal};
  spec.direction = Direction::kIn;
  spec.limits = limits;
  auto traversed = engine_->Traverse("shop", spec);
  ASSERT_OK(traversed);
  EXPECT_TRUE(traversed->partial);
  EXPECT_TRUE(traversed->nodes.empty());

  // A commit's impact: its diff and its walk share the one limit.
  auto change = engine_->ImpactOfRevision("shop", 3, limits);
  ASSERT_OK(change);
  EXPECT_TRUE(change->impact.partial);
  auto full = engine_->ImpactOfRevision("shop", 3, WalkLimits{});
  ASSERT_OK(full);
  EXPECT_FALSE(full->impact.partial);
  EXPECT_FALSE(full->changed.empty());
  EXPECT_EQ(StepNames(full->impact.plan).front(), "diff: scan node versions");
}

INSTANTIATE_TEST_SUITE_P(Adjacency, TimeLimitTest, ::testing::Bool(),
                         [](const auto& param) { return param.param ? "Topology" : "Store"; });

}  // namespace
}  // namespace onyx
