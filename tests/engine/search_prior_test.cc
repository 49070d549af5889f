// The centrality prior of search: hits that more code depends on rise, each
// hit says its in-degree and what the prior added, and the in-degree is the
// one of the revision asked.
#include <gtest/gtest.h>

#include <fstream>

#include "onyx/engine.h"
#include "testing/shop_engine.h"

namespace onyx {
namespace {

// Run with the store's adjacency (as the CLI does) and with the in-memory
// topology (as the servers do).
class SearchPriorTest : public testing::ShopEngineTest, public ::testing::WithParamInterface<bool> {
 protected:
  EngineOptions Options() const override {
    EngineOptions options;
    options.cache_topology = GetParam();
    return options;
  }

  SearchResults Search(SearchPrior prior, std::size_t k = 8,
                       std::optional<RevisionNumber> as_of = std::nullopt) {
    SearchOptions options;
    options.k = k;
    options.prior = prior;
    options.as_of = as_of;
    auto results = engine_->Search("shop", "total", options);
    EXPECT_OK(results);
    return results.ok() ? *results : SearchResults{};
  }

  static const SearchHit* Find(const SearchResults& results, const std::string& name) {
    for (const SearchHit& h : results.hits) {
      if (h.qualified_name == name) return &h;
    }
    return nullptr;
  }

  static std::size_t RankOf(const SearchResults& results, const std::string& name) {
    for (std::size_t i = 0; i < results.hits.size(); ++i) {
      if (results.hits[i].qualified_name == name) return i + 1;
    }
    return 0;
  }
};

TEST_P(SearchPriorTest, WithoutItHitsCarryNoDegree) {
  const SearchResults plain = Search(SearchPrior::kNone);
  ASSERT_FALSE(plain.hits.empty());
  for (const SearchHit& h : plain.hits) {
    EXPECT_EQ(h.parts.count("in_degree"), 0u) << h.qualified_name;
    EXPECT_EQ(h.parts.count("prior"), 0u);
  }
  // The three methods and functions named total lead; the pricing function,
  // which the most code calls and imports, is third.
  EXPECT_EQ(RankOf(plain, "shop.pricing.total"), 3u);
}

TEST_P(SearchPriorTest, LiftsWhatTheCodeDependsOn) {
  const SearchResults plain = Search(SearchPrior::kNone);
  const SearchResults lifted = Search(SearchPrior::kCentrality);
  ASSERT_EQ(lifted.hits.size(), plain.hits.size());
  // In-degree: calls, references, imports, inherits and implements coming in
  // (not contains, not tests). pricing.total: imported by app.py,
  // shop/__init__.py and tests/test_cart.py, called by Cart.total, checkout
  // and test_total. Cart: imported three times, inherited by GiftCart, called
  // by checkout, make_cart and test_add.
  const SearchHit* total = Find(lifted, "shop.pricing.total");
  const SearchHit* cart = Find(lifted, "shop.cart.Cart");
  const SearchHit* method = Find(lifted, "shop.cart.Cart.total");
  ASSERT_TRUE(total && cart && method);
  EXPECT_EQ(total->parts.at("in_degree"), 6.0F);
  EXPECT_EQ(cart->parts.at("in_degree"), 7.0F);
  EXPECT_EQ(method->parts.at("in_degree"), 0.0F);
  EXPECT_EQ(method->parts.at("prior"), 0.0F);
  EXPECT_GT(total->parts.at("prior"), 0.0F);
  // The most-depended-on hit gains a quarter of the best plain score.
  EXPECT_NEAR(cart->parts.at("prior"), 0.25F * plain.hits.front().score, 1e-6);
  // Each score is the plain one plus the prior, and the order follows it.
  const SearchHit* plain_total = Find(plain, "shop.pricing.total");
  ASSERT_NE(plain_total, nullptr);
  EXPECT_NEAR(total->score, plain_total->score + total->parts.at("prior"), 1e-6);
  for (std::size_t i = 1; i < lifted.hits.size(); ++i) {
    EXPECT_GE(lifted.hits[i - 1].score, lifted.hits[i].score);
  }
  EXPECT_EQ(RankOf(lifted, "shop.pricing.total"), 1u);
  EXPECT_LT(RankOf(lifted, "shop.cart.Cart"), RankOf(plain, "shop.cart.Cart"));
  // k still bounds the answer, and out of range is refused as without it.
  for (const std::size_t bad : {std::size_t{0}, std::size_t{1001}}) {
    SearchOptions options;
    options.k = bad;
    options.prior = SearchPrior::kCentrality;
    EXPECT_TRUE(engine_->Search("shop", "total", options).status().IsInvalidArgument()) << bad;
  }
  const SearchResults three = Search(SearchPrior::kCentrality, 3);
  ASSERT_EQ(three.hits.size(), 3u);
  EXPECT_EQ(three.hits.front().qualified_name, "shop.pricing.total");
}

TEST_P(SearchPriorTest, CountsTheEdgesOfTheRevisionAsked) {
  {
    std::ofstream app(tree_ + "/app.py", std::ios::app);
    app << "\n\ndef receipt():\n    return cart_total([])\n";
  }
  ASSERT_OK(engine_->IngestTree("shop", tree_));
  const SearchResults now = Search(SearchPrior::kCentrality);
  const SearchResults before = Search(SearchPrior::kCentrality, 8, 1);
  ASSERT_TRUE(Find(now, "shop.pricing.total") && Find(before, "shop.pricing.total"));
  EXPECT_EQ(Find(now, "shop.pricing.total")->parts.at("in_degree"), 7.0F);
  EXPECT_EQ(Find(before, "shop.pricing.total")->parts.at("in_degree"), 6.0F);
}

INSTANTIATE_TEST_SUITE_P(StoreAndTopology, SearchPriorTest, ::testing::Bool(),
                         [](const auto& param_info) {
                           return param_info.param ? "topology" : "store";
                         });

}  // namespace
}  // namespace onyx
