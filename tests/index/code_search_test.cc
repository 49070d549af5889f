// Search over an ingested fixture, as of two revisions: the version valid at
// the revision asked about is the one found; filters, modes, score parts.
#include "onyx/index/code_search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>

#include "onyx/embed/hash_embedder.h"
#include "onyx/ingest/tree_ingest.h"
#include "testing/store_fixture.h"
#include "testing/temp_dir.h"

namespace onyx::index {
namespace {
namespace fs = std::filesystem;

class CodeSearchTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    if (HasFatalFailure()) return;
    root_ = work_.Sub("shop");
    fs::copy(testing::SourceDir() + "/tests/fixtures/resolve/python", root_,
             fs::copy_options::recursive);
    ASSERT_OK(ingest::IngestTree(*store_, project_, root_, {}));
    // Revision 2: subtotal learns about coupons.
    std::ofstream(root_ + "/shop/pricing.py", std::ios::binary)
        << "TAX_RATE = 0.2\n\n\ndef subtotal(items):\n"
           "    # apply the discount coupon before tax\n"
           "    return sum(item.price for item in items) - coupon_discount(items)\n\n\n"
           "def total(items):\n    \"\"\"Subtotal plus tax.\"\"\"\n"
           "    return subtotal(items) * (1 + TAX_RATE)\n";
    ASSERT_OK(ingest::IngestTree(*store_, project_, root_, {}));
    auto view = store_->View(project_.id);
    ASSERT_OK(view);
    auto built = CodeSearch::Build(*view, embedder_);
    ASSERT_OK(built);
    search_ = std::move(built).value();
  }

  std::vector<SearchHit> Find(std::string_view text, RevisionNumber as_of,
                              SearchMode mode = SearchMode::kHybrid, SearchFilters filters = {},
                              std::size_t k = 5) {
    auto hits = search_->Search(text, k, filters, as_of, mode);
    EXPECT_OK(hits);
    return hits.ok() ? *hits : std::vector<SearchHit>{};
  }

  testing::TempDir work_;
  std::string root_;
  embed::HashEmbedder embedder_;
  std::unique_ptr<CodeSearch> search_;
};

TEST_F(CodeSearchTest, FindsTheVersionValidAtTheRevisionAsked) {
  EXPECT_EQ(search_->revision(), 2u);
  const auto now = Find("coupon", 2);
  ASSERT_FALSE(now.empty());
  EXPECT_EQ(now[0].qualified_name, "shop.pricing.subtotal");
  EXPECT_EQ(now[0].validity, (Validity{2, kOpenRevision}));
  EXPECT_NE(now[0].snippet.find("coupon"), std::string::npos) << now[0].snippet;

  // As of revision 1 the coupon version did not exist: subtotal's old version is
  // found by its name, never the new one.
  const auto then = Find("subtotal", 1, SearchMode::kLexical);
  ASSERT_FALSE(then.empty());
  EXPECT_EQ(then[0].qualified_name, "shop.pricing.subtotal");
  EXPECT_EQ(then[0].validity, (Validity{1, 2}));
  for (const SearchHit& h : Find("coupon", 1)) {
    EXPECT_FALSE(h.qualified_name == "shop.pricing.subtotal" && h.validity.from == 2);
  }
}

TEST_F(CodeSearchTest, ExactNamesLeadAndEveryHitSaysWhy) {
  const auto hits = Find("Cart", 2);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].qualified_name, "shop.cart.Cart");
  EXPECT_EQ(hits[0].parts.at("exact_name"), 1.0F);
  for (const SearchHit& h : hits) {
    EXPECT_TRUE(h.parts.count("vector_rank") != 0 || h.parts.count("lexical_rank") != 0);
    EXPECT_GT(h.score, 0.0F);
  }
  const auto vector_only = Find("Cart", 2, SearchMode::kVector);
  ASSERT_FALSE(vector_only.empty());
  for (const SearchHit& h : vector_only) EXPECT_EQ(h.parts.count("lexical_rank"), 0u);
}

TEST_F(CodeSearchTest, FiltersByKindLanguageAndPath) {
  SearchFilters tests_only;
  tests_only.kind = NodeKind::kTest;
  const auto tests = Find("cart total", 2, SearchMode::kHybrid, tests_only, 20);
  ASSERT_FALSE(tests.empty());
  for (const SearchHit& h : tests) EXPECT_EQ(h.kind, NodeKind::kTest);
  SearchFilters under_shop;
  under_shop.path_prefix = "shop/";
  const auto shop = Find("cart total", 2, SearchMode::kHybrid, under_shop, 20);
  ASSERT_FALSE(shop.empty());
  for (const SearchHit& h : shop) EXPECT_TRUE(h.path.starts_with("shop/")) << h.path;
  SearchFilters markdown;
  markdown.language = "markdown";
  const auto docs = Find("pricing", 2, SearchMode::kHybrid, markdown, 20);
  ASSERT_FALSE(docs.empty());
  for (const SearchHit& h : docs) EXPECT_EQ(h.kind, NodeKind::kDocSection);
}

TEST_F(CodeSearchTest, RejectsEmptyQueriesAndBadLimits) {
  EXPECT_TRUE(search_->Search("  ", 5, {}, 2).status().IsInvalidArgument());
  EXPECT_TRUE(search_->Search("cart", 0, {}, 2).status().IsInvalidArgument());
  EXPECT_TRUE(search_->Search("cart", 1001, {}, 2).status().IsInvalidArgument());
}

// The qualified names and validities of a search's hits, for comparing indexes.
std::vector<std::string> Describe(const CodeSearch& search, std::string_view text,
                                  RevisionNumber as_of, SearchMode mode = SearchMode::kHybrid) {
  std::vector<std::string> out;
  auto hits = search.Search(text, 10, {}, as_of, mode);
  EXPECT_OK(hits);
  if (!hits.ok()) return out;
  for (const SearchHit& h : *hits) {
    out.push_back(h.qualified_name + " [" + std::to_string(h.validity.from) + "," +
                  (h.validity.IsOpen() ? std::string("open") : std::to_string(h.validity.to)) +
                  ") " + h.snippet.substr(0, h.snippet.find('\n')));
  }
  return out;
}

TEST_F(CodeSearchTest, SnapshotsRoundTripAndCatchUp) {
  const std::string path = work_.Sub("index/shop.snapshot");
  ASSERT_OK(search_->Save(path));
  auto loaded = CodeSearch::Load(path, project_.id, embedder_);
  ASSERT_OK(loaded);
  EXPECT_EQ((*loaded)->revision(), 2u);
  EXPECT_EQ((*loaded)->documents(), search_->documents());
  for (const char* query : {"coupon", "Cart", "price with tax", "test total"}) {
    for (const RevisionNumber rev : {1u, 2u}) {
      EXPECT_EQ(Describe(**loaded, query, rev), Describe(*search_, query, rev)) << query;
    }
  }

  // Revision 3 drops the coupon again; the loaded index catches up and answers
  // like a fresh build, at every revision. (Lexical ranking is deterministic;
  // two HNSW graphs built in different orders may differ in their tails.)
  std::ofstream(root_ + "/shop/pricing.py", std::ios::binary)
      << "TAX_RATE = 0.2\n\n\ndef subtotal(items):\n    return sum(items)\n";
  ASSERT_OK(ingest::IngestTree(*store_, project_, root_, {}));
  auto view = store_->View(project_.id);
  ASSERT_OK(view);
  ASSERT_OK((*loaded)->CatchUp(*view));
  EXPECT_EQ((*loaded)->revision(), 3u);
  auto fresh = CodeSearch::Build(*view, embedder_);
  ASSERT_OK(fresh);
  EXPECT_EQ((*loaded)->documents(), (*fresh)->documents());
  for (const char* query : {"coupon", "subtotal", "total", "Cart"}) {
    for (const RevisionNumber rev : {1u, 2u, 3u}) {
      EXPECT_EQ(Describe(**loaded, query, rev, SearchMode::kLexical),
                Describe(**fresh, query, rev, SearchMode::kLexical))
          << query << rev;
    }
  }
  // pricing.total is gone at revision 3, there at 2.
  for (const std::string& hit : Describe(**loaded, "total", 3, SearchMode::kLexical)) {
    EXPECT_EQ(hit.find("shop.pricing.total "), std::string::npos) << hit;
  }
  const auto at_2 = Describe(**loaded, "total", 2, SearchMode::kLexical);
  EXPECT_TRUE(std::any_of(at_2.begin(), at_2.end(), [](const std::string& hit) {
    return hit.starts_with("shop.pricing.total [2,3)");
  }));
}

TEST_F(CodeSearchTest, DamagedOrForeignSnapshotsAreRefused) {
  const std::string path = work_.Sub("index/shop.snapshot");
  EXPECT_TRUE(CodeSearch::Load(path, project_.id, embedder_).status().IsNotFound());
  ASSERT_OK(search_->Save(path));
  EXPECT_EQ(CodeSearch::Load(path, project_.id + 1, embedder_).status().code(),
            StatusCode::kCorruption);
  embed::HashEmbedder other(128);
  VectorIndexOptions small;
  small.dimensions = 128;
  EXPECT_EQ(CodeSearch::Load(path, project_.id, other, small).status().code(),
            StatusCode::kCorruption);
  // Flip one byte in the middle: the checksum catches it.
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[bytes.size() / 2] ^= 0x5A;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  auto damaged = CodeSearch::Load(path, project_.id, embedder_);
  EXPECT_EQ(damaged.status().code(), StatusCode::kCorruption) << damaged.status().ToString();
  std::ofstream(path, std::ios::binary | std::ios::trunc) << "onyx";
  EXPECT_EQ(CodeSearch::Load(path, project_.id, embedder_).status().code(),
            StatusCode::kCorruption);
}

// The hash embedder, counting the texts it is given.
class CountingEmbedder : public embed::Embedder {
 public:
  std::string_view model_id() const override { return inner_.model_id(); }
  std::size_t dimensions() const override { return inner_.dimensions(); }
  Status Embed(std::span<const std::string_view> texts, float* out) const override {
    embedded_ += texts.size();
    return inner_.Embed(texts, out);
  }
  std::size_t embedded() const { return embedded_.load(); }

 private:
  embed::HashEmbedder inner_;
  mutable std::atomic<std::size_t> embedded_{0};
};

TEST_F(CodeSearchTest, OnlyTextsNotEmbeddedBeforeAreEmbedded) {
  CountingEmbedder counting;
  auto view = store_->View(project_.id);
  ASSERT_OK(view);
  auto built = CodeSearch::Build(*view, counting);
  ASSERT_OK(built);
  const std::size_t documents = (*built)->documents();
  // Versions with the same text share one: revision 2 moved total (the
  // lines above it grew), so its two versions were embedded once.
  EXPECT_LT(counting.embedded(), documents);
  std::size_t first = counting.embedded();

  // Revision 3 moves every definition of pricing.py two lines down: new
  // versions (their spans changed), the same texts, nothing embedded.
  std::string text;
  {
    std::ifstream in(root_ + "/shop/pricing.py", std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::ofstream(root_ + "/shop/pricing.py", std::ios::binary) << "# prices\n\n" << text;
  ASSERT_OK(ingest::IngestTree(*store_, project_, root_, {}));
  auto moved = store_->View(project_.id);
  ASSERT_OK(moved);
  ASSERT_OK((*built)->CatchUp(*moved));
  EXPECT_GT((*built)->documents(), documents);  // the moved versions are there
  EXPECT_EQ(counting.embedded(), first);        // and took their vectors

  // A moved version answers as its old self did, as of its own revision.
  auto now = (*built)->Search("coupon", 3, {}, 3, SearchMode::kVector);
  auto then = (*built)->Search("coupon", 3, {}, 2, SearchMode::kVector);
  ASSERT_OK(now);
  ASSERT_OK(then);
  ASSERT_FALSE(now->empty());
  EXPECT_EQ(now->front().qualified_name, then->front().qualified_name);
  EXPECT_EQ(now->front().validity.from, 3u);
  EXPECT_EQ(now->front().parts.at("vector_similarity"),
            then->front().parts.at("vector_similarity"));
  first = counting.embedded();  // the two queries were embedded too

  // The texts embedded survive a snapshot: a loaded index reuses them too.
  const std::string path = work_.Sub("search.snapshot");
  ASSERT_OK((*built)->Save(path));
  auto loaded = CodeSearch::Load(path, project_.id, counting);
  ASSERT_OK(loaded);
  std::ofstream(root_ + "/shop/pricing.py", std::ios::binary) << "# prices\n\n\n" << text;
  ASSERT_OK(ingest::IngestTree(*store_, project_, root_, {}));
  auto again = store_->View(project_.id);
  ASSERT_OK(again);
  ASSERT_OK((*loaded)->CatchUp(*again));
  EXPECT_EQ(counting.embedded(), first);

  // A real change is embedded: one new text.
  std::ofstream(root_ + "/shop/pricing.py", std::ios::binary)
      << "# prices\n\n\n"
      << text << "\n\ndef refund(items):\n    return -subtotal(items)\n";
  ASSERT_OK(ingest::IngestTree(*store_, project_, root_, {}));
  auto changed = store_->View(project_.id);
  ASSERT_OK(changed);
  ASSERT_OK((*loaded)->CatchUp(*changed));
  EXPECT_EQ(counting.embedded(), first + 1);
}

}  // namespace
}  // namespace onyx::index
