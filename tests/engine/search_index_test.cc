// The engine's search index across ingests: a long-lived engine brings the
// index it holds up to date in memory (it does not read its snapshot back),
// and saves the result for the next process.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "onyx/engine.h"
#include "testing/shop_engine.h"

namespace onyx {
namespace {

class SearchIndexTest : public testing::ShopEngineTest {
 protected:
  std::vector<std::string> Names(const std::string& text) {
    SearchOptions options;
    options.k = 5;
    options.mode = SearchMode::kLexical;
    auto results = engine_->Search("shop", text, options);
    EXPECT_OK(results);
    std::vector<std::string> names;
    if (results.ok()) {
      for (const SearchHit& h : results->hits) names.push_back(h.qualified_name);
    }
    return names;
  }
  // The names a lexical search finds, and what the engine logged meanwhile.
  struct Answer {
    std::vector<std::string> names;
    std::string log;
  };
  Answer Logged(const std::string& text) {
    ::testing::internal::CaptureStderr();
    Answer answer{Names(text), {}};
    answer.log = ::testing::internal::GetCapturedStderr();
    return answer;
  }
  std::string Snapshot() {
    for (const auto& e : std::filesystem::directory_iterator(work_.Sub("data/search"))) {
      return e.path().string();
    }
    return {};
  }
};

// OpenBLAS starts spinning worker threads as it loads; it is loaded only with
// a BERT model (bert_test covers that path), never for an ingest and a search
// with the hash embedder.
TEST_F(SearchIndexTest, OpenBlasIsNotLoadedWithoutABertModel) {
  ASSERT_FALSE(Names("subtotal").empty());
  std::ifstream maps("/proc/self/maps");
  std::stringstream text;
  text << maps.rdbuf();
  ASSERT_FALSE(text.str().empty());
  EXPECT_EQ(text.str().find("libopenblas"), std::string::npos);
}

TEST_F(SearchIndexTest, CatchesUpInMemoryAfterAnIngest) {
  ASSERT_FALSE(Names("subtotal").empty());  // builds the index and its snapshot
  const std::string snapshot = Snapshot();
  ASSERT_FALSE(snapshot.empty());
  // Damage the snapshot: an engine that read it back would have to rebuild
  // (and say so); this one holds the index and catches it up in memory.
  std::ofstream(snapshot, std::ios::trunc) << "not a snapshot";
  {
    std::ofstream app(tree_ + "/app.py", std::ios::app);
    app << "\n\ndef refund_everything():\n    return 0\n";
  }
  ASSERT_OK(engine_->IngestTree("shop", tree_));
  const Answer caught_up = Logged("refund_everything");
  ASSERT_FALSE(caught_up.names.empty());
  EXPECT_EQ(caught_up.names.front(), "app.refund_everything");
  EXPECT_EQ(caught_up.log.find("rebuilding"), std::string::npos) << caught_up.log;
  // The caught-up index was saved: a new engine on the same data finds the
  // new function without a rebuild.
  engine_.reset();
  auto reopened = Engine::Open(work_.Sub("data"));
  ASSERT_OK(reopened);
  engine_ = std::move(reopened).value();
  const Answer loaded = Logged("refund_everything");
  ASSERT_FALSE(loaded.names.empty());
  EXPECT_EQ(loaded.names.front(), "app.refund_everything");
  EXPECT_EQ(loaded.log.find("rebuilding"), std::string::npos) << loaded.log;
}

}  // namespace
}  // namespace onyx
