// Code tokens and the hash embedder: splitting rules, determinism, unit length,
// and that related code lands closer than unrelated code.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "onyx/embed/code_tokens.h"
#include "onyx/embed/hash_embedder.h"

namespace onyx::embed {
namespace {

std::vector<std::string> Texts(std::string_view text) {
  std::vector<std::string> out;
  for (const CodeToken& t : CodeTokens(text)) out.push_back((t.whole ? "=" : "") + t.text);
  return out;
}

TEST(CodeTokens, SplitsIdentifiersAndKeepsThemWhole) {
  EXPECT_EQ(Texts("parseHTTPRequest2"),
            (std::vector<std::string>{"=parsehttprequest2", "parse", "http", "request"}));
  EXPECT_EQ(Texts("snake_case_name"),
            (std::vector<std::string>{"=snake_case_name", "snake", "case", "name"}));
  EXPECT_EQ(Texts("x = a + b"), std::vector<std::string>{});  // single letters say nothing
  EXPECT_EQ(Texts("HTMLParser.feed(data)"),
            (std::vector<std::string>{"=htmlparser", "html", "parser", "feed", "data"}));
  // Whole identifiers whenever they split, even when a part is one character.
  EXPECT_EQ(Texts("utf8 v42 get_x"),
            (std::vector<std::string>{"=utf8", "utf", "=v42", "42", "=get_x", "get"}));
  // Other scripts are letters: their words stay whole (only ASCII is lowered).
  EXPECT_EQ(Texts("héllo Wörld größe_Maß"),
            (std::vector<std::string>{"héllo", "wörld", "=größe_maß", "größe", "maß"}));
}

TEST(CodeTokens, HonoursTheTokenLimit) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "alpha beta ";
  EXPECT_EQ(CodeTokens(text, 10).size(), 10u);
}

float Dot(const std::vector<float>& a, const std::vector<float>& b) {
  return std::inner_product(a.begin(), a.end(), b.begin(), 0.0F);
}

TEST(HashEmbedder, DeterministicUnitVectors) {
  const HashEmbedder embedder;
  EXPECT_EQ(embedder.model_id(), "hash-384-v2");
  auto a = embedder.EmbedOne("def parse_request(data): return Request(data)");
  auto b = embedder.EmbedOne("def parse_request(data): return Request(data)");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_NEAR(Dot(*a, *a), 1.0F, 1e-5);
  auto empty = embedder.EmbedOne("  + - ");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(Dot(*empty, *empty), 0.0F);
}

TEST(HashEmbedder, RelatedCodeIsCloserThanUnrelatedCode) {
  const HashEmbedder embedder;
  auto query = embedder.EmbedOne("retry the request with exponential backoff");
  auto related = embedder.EmbedOne(
      "def retry_with_backoff(request, attempts):\n"
      "    for attempt in range(attempts):\n"
      "        delay = backoff_delay(attempt)  # exponential");
  auto unrelated = embedder.EmbedOne(
      "class MatrixView:\n    def transpose(self):\n        return MatrixView(self.columns)");
  ASSERT_TRUE(query.ok() && related.ok() && unrelated.ok());
  EXPECT_GT(Dot(*query, *related), Dot(*query, *unrelated) + 0.1F);
}

TEST(HashEmbedder, BatchesEqualSingleCalls) {
  const HashEmbedder embedder(64);
  const std::string_view texts[] = {"alpha beta", "gammaDelta", ""};
  std::vector<float> batch(3 * 64);
  ASSERT_TRUE(embedder.Embed(texts, batch.data()).ok());
  for (std::size_t i = 0; i < 3; ++i) {
    auto one = embedder.EmbedOne(texts[i]);
    ASSERT_TRUE(one.ok());
    EXPECT_EQ(std::vector<float>(batch.begin() + i * 64, batch.begin() + (i + 1) * 64), *one);
  }
}

}  // namespace
}  // namespace onyx::embed
