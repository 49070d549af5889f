// BM25F: names outrank mentions, rare terms outrank common ones, filters,
// removal, exact-name lookup.
#include "onyx/index/lexical_index.h"

#include <gtest/gtest.h>

namespace onyx::index {
namespace {

TEST(LexicalIndex, RanksNamesAboveMentionsAndRareTermsAboveCommonOnes) {
  LexicalIndex index;
  ASSERT_TRUE(index.Add(1, "parse_config", "def parse_config(path): read the file").ok());
  ASSERT_TRUE(index.Add(2, "load", "calls parse_config then validates config values").ok());
  ASSERT_TRUE(index.Add(3, "save", "writes the config file").ok());
  ASSERT_TRUE(index.Add(4, "checksum", "crc32 checksum of a buffer").ok());
  auto hits = index.Search("parse config", 10);
  ASSERT_GE(hits.size(), 2u);
  EXPECT_EQ(hits[0].key, 1u);  // the name, not a mention
  EXPECT_EQ(hits[1].key, 2u);
  auto rare = index.Search("crc32 config", 10);
  ASSERT_FALSE(rare.empty());
  EXPECT_EQ(rare[0].key, 4u);  // crc32 is rare: it outweighs config
  EXPECT_TRUE(index.Search("nothing matches this", 10).empty());
}

TEST(LexicalIndex, FiltersRemovalAndExactNames) {
  LexicalIndex index;
  ASSERT_TRUE(index.Add(1, "Cart", "class Cart").ok());
  ASSERT_TRUE(index.Add(2, "cart", "def cart()").ok());
  ASSERT_TRUE(index.Add(3, "GiftCart", "class GiftCart(Cart)").ok());
  EXPECT_EQ(index.Add(1, "again", "").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(index.ExactName("CART"), (std::vector<std::uint64_t>{1, 2}));
  auto odd = index.Search("cart", 10, [](std::uint64_t k) { return k % 2 == 1; });
  ASSERT_EQ(odd.size(), 2u);
  for (const LexicalHit& h : odd) EXPECT_EQ(h.key % 2, 1u);
  ASSERT_TRUE(index.Remove(1).ok());
  EXPECT_TRUE(index.Remove(1).IsNotFound());
  EXPECT_EQ(index.ExactName("cart"), (std::vector<std::uint64_t>{2}));
  EXPECT_EQ(index.size(), 2u);
  for (const LexicalHit& h : index.Search("cart", 10)) EXPECT_NE(h.key, 1u);
}

}  // namespace
}  // namespace onyx::index
