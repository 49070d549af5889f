// The HNSW index: recall@10 against exact search at default settings on
// realistic data (hash embeddings of this repository's own source, and a
// latent-cluster set; never i.i.d. random vectors), filters, removal, and
// searches running while another thread inserts.
#include "onyx/index/vector_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "onyx/embed/hash_embedder.h"
#include "testing/latent_clusters.h"
#include "testing/temp_dir.h"

namespace onyx::index {
namespace {
namespace fs = std::filesystem;

constexpr std::size_t kDims = 384;

// 10-line chunks of every C++, Python, Rust, Go, Java, JS/TS and Markdown file
// of the repository (sources, tests, fixtures, docs).
std::vector<std::string> RepositoryChunks() {
  std::vector<std::string> chunks;
  const fs::path root = testing::SourceDir();
  for (const char* dir : {"src", "include", "tests", "docs", "bench", "tools", "fuzz"}) {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(root / dir, ec), end; !ec && it != end; ++it) {
      // Onyx's own code only: not the npm packages the MCP tests install.
      if (it->is_directory() && it->path().filename() == "node_modules") {
        it.disable_recursion_pending();
        continue;
      }
      const std::string ext = it->path().extension().string();
      static const std::set<std::string> exts = {".cc",   ".h",  ".py", ".rs", ".go",
                                                 ".java", ".ts", ".js", ".md"};
      if (!it->is_regular_file() || exts.count(ext) == 0) continue;
      std::ifstream in(it->path());
      std::string line;
      std::string chunk;
      int lines = 0;
      while (std::getline(in, line)) {
        chunk += line + "\n";
        if (++lines == 10) {
          chunks.push_back(std::move(chunk));
          chunk.clear();
          lines = 0;
        }
      }
      if (lines > 3) chunks.push_back(std::move(chunk));
    }
  }
  return chunks;
}

std::vector<std::vector<float>> Embed(const std::vector<std::string>& texts) {
  const embed::HashEmbedder embedder(kDims);
  std::vector<std::vector<float>> out;
  for (const std::string& t : texts) out.push_back(*embedder.EmbedOne(t));
  return out;
}

std::vector<std::vector<float>> Clustered(std::size_t n, std::uint32_t seed) {
  const std::vector<float> flat = testing::LatentClusters(n, kDims, seed);
  std::vector<std::vector<float>> out(n);
  for (std::size_t i = 0; i < n; ++i)
    out[i].assign(flat.begin() + i * kDims, flat.begin() + (i + 1) * kDims);
  return out;
}

double RecallAt10(const VectorIndex& index, const std::vector<std::vector<float>>& queries) {
  double found = 0;
  double wanted = 0;
  for (const auto& q : queries) {
    auto approx = index.Search(q.data(), 10);
    auto exact = index.ExactSearch(q.data(), 10);
    EXPECT_TRUE(approx.ok() && exact.ok());
    std::set<std::uint64_t> truth;
    for (const VectorHit& h : *exact) truth.insert(h.key);
    for (const VectorHit& h : *approx) found += truth.count(h.key);
    wanted += static_cast<double>(truth.size());
  }
  return wanted == 0 ? 0 : found / wanted;
}

std::unique_ptr<VectorIndex> Build(const std::vector<std::vector<float>>& vectors) {
  auto index = VectorIndex::Create({});
  EXPECT_TRUE(index.ok());
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    EXPECT_TRUE((*index)->Add(i, vectors[i].data()).ok());
  }
  return std::move(index).value();
}

TEST(VectorIndex, RecallOnThisRepositorysOwnCode) {
  std::vector<std::string> chunks = RepositoryChunks();
  ASSERT_GT(chunks.size(), 1500u);  // about 1,900 today
  // Every 10th chunk is a query, the rest are indexed.
  std::vector<std::string> indexed;
  std::vector<std::string> queries;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    (i % 10 == 0 ? queries : indexed).push_back(std::move(chunks[i]));
  }
  auto index = Build(Embed(indexed));
  const double recall = RecallAt10(*index, Embed(queries));
  std::printf("recall@10 on %zu chunks of this repository: %.3f\n", indexed.size(), recall);
  EXPECT_GE(recall, 0.95);
}

TEST(VectorIndex, RecallOnALatentClusterSet) {
  auto index = Build(Clustered(5000, 7));
  const double recall = RecallAt10(*index, Clustered(200, 8));
  std::printf("recall@10 on 5,000 latent-cluster vectors: %.3f\n", recall);
  EXPECT_GE(recall, 0.95);
}

TEST(VectorIndex, FiltersRemovalAndErrors) {
  const auto vectors = Clustered(1000, 3);
  auto index = Build(vectors);
  EXPECT_EQ(index->size(), 1000u);
  // Only even keys.
  auto even = index->Search(vectors[10].data(), 10, [](std::uint64_t k) { return k % 2 == 0; });
  ASSERT_TRUE(even.ok());
  ASSERT_EQ(even->size(), 10u);
  for (const VectorHit& h : *even) EXPECT_EQ(h.key % 2, 0u);
  EXPECT_EQ(even->front().key, 10u);  // the vector itself

  ASSERT_TRUE(index->Remove(10).ok());
  auto after = index->Search(vectors[10].data(), 5);
  ASSERT_TRUE(after.ok());
  for (const VectorHit& h : *after) EXPECT_NE(h.key, 10u);
  EXPECT_TRUE(index->Remove(10).IsNotFound());
  EXPECT_EQ(index->Add(11, vectors[11].data()).code(), StatusCode::kAlreadyExists);
  EXPECT_FALSE(VectorIndex::Create({0, 16, 200, 100}).ok());
  EXPECT_FALSE(VectorIndex::Create({384, 1, 200, 100}).ok());
}

TEST(VectorIndex, SearchesWhileAnotherThreadInserts) {
  const auto vectors = Clustered(3000, 11);
  auto index = VectorIndex::Create({});
  ASSERT_TRUE(index.ok());
  for (std::size_t i = 0; i < 500; ++i) ASSERT_TRUE((*index)->Add(i, vectors[i].data()).ok());
  std::atomic<bool> failed{false};
  std::thread writer([&] {
    for (std::size_t i = 500; i < vectors.size(); ++i) {
      if (!(*index)->Add(i, vectors[i].data()).ok()) failed = true;
    }
  });
  // Every search succeeds; an approximate search racing with insertions may now
  // and then miss the exact vector, but rarely.
  int misses = 0;
  for (int round = 0; round < 200; ++round) {
    auto hits = (*index)->Search(vectors[round].data(), 5);
    if (!hits.ok() || hits->empty()) {
      failed = true;
    } else if (hits->front().key != static_cast<std::uint64_t>(round)) {
      ++misses;
    }
  }
  writer.join();
  EXPECT_FALSE(failed);
  EXPECT_LE(misses, 10);
  EXPECT_EQ((*index)->size(), vectors.size());
}

TEST(VectorIndex, ManyMoreConcurrentSearchesThanCoresOrContexts) {
  // A server answers many questions at once: 48 threads searching together
  // (more than the cores and than USearch's reserved contexts) all succeed,
  // on a built index and on one loaded from its snapshot.
  const auto vectors = Clustered(1000, 13);
  auto built = VectorIndex::Create({});
  ASSERT_TRUE(built.ok());
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    ASSERT_TRUE((*built)->Add(i, vectors[i].data()).ok());
  }
  auto bytes = (*built)->Serialize();
  ASSERT_TRUE(bytes.ok());
  auto loaded = VectorIndex::Deserialize(*bytes, {});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  for (VectorIndex* index : {built->get(), loaded->get()}) {
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 48; ++t) {
      threads.emplace_back([&, t] {
        for (int round = 0; round < 20; ++round) {
          const std::size_t probe = static_cast<std::size_t>(t * 20 + round) % vectors.size();
          auto hits = index->Search(vectors[probe].data(), 3);
          if (!hits.ok() || hits->empty()) ++failures;
        }
      });
    }
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
  }
}

TEST(VectorIndex, RemovedSlotsAreReusedAndNeverAnswered) {
  const auto vectors = Clustered(1200, 17);
  std::vector<std::vector<float>> first(vectors.begin(), vectors.begin() + 1000);
  auto index = Build(first);
  auto before = index->Serialize();
  ASSERT_TRUE(before.ok());
  // Replace keys 0..99 by 100 new keys with other vectors (a re-embedding).
  for (std::uint64_t k = 0; k < 100; ++k) ASSERT_TRUE(index->Remove(k).ok());
  EXPECT_EQ(index->size(), 900u);
  for (std::uint64_t k = 0; k < 100; ++k) {
    const auto hits = index->Search(vectors[k].data(), 10);
    ASSERT_TRUE(hits.ok());
    for (const VectorHit& h : *hits) EXPECT_GE(h.key, 100u);
    const auto exact = index->ExactSearch(vectors[k].data(), 10);
    ASSERT_TRUE(exact.ok());
    for (const VectorHit& h : *exact) EXPECT_GE(h.key, 100u);
  }
  for (std::uint64_t k = 1000; k < 1100; ++k) ASSERT_TRUE(index->Add(k, vectors[k].data()).ok());
  EXPECT_EQ(index->size(), 1000u);
  for (std::uint64_t k = 1000; k < 1100; ++k) {
    const auto hits = index->Search(vectors[k].data(), 1);
    ASSERT_TRUE(hits.ok());
    ASSERT_EQ(hits->size(), 1u);
    EXPECT_EQ(hits->front().key, k);
  }
  // The new keys took the removed slots: the snapshot did not grow.
  auto after = index->Serialize();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->size(), before->size());
  // A removed key can come back.
  ASSERT_TRUE(index->Add(5, vectors[5].data()).ok());
  EXPECT_EQ(index->Search(vectors[5].data(), 1)->front().key, 5u);
}

TEST(VectorIndex, SnapshotKeepsRemovalsAndAnswersAlike) {
  const auto vectors = Clustered(2000, 19);
  auto index = Build(vectors);
  for (std::uint64_t k = 0; k < 2000; k += 7) ASSERT_TRUE(index->Remove(k).ok());
  auto bytes = index->Serialize();
  ASSERT_TRUE(bytes.ok());
  auto loaded = VectorIndex::Deserialize(*bytes, {});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->size(), index->size());
  for (std::size_t q = 0; q < 200; ++q) {
    const auto a = index->Search(vectors[q].data(), 10);
    const auto b = (*loaded)->Search(vectors[q].data(), 10);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(*a, *b);
    for (const VectorHit& h : *b) EXPECT_NE(h.key % 7, 0u);
  }
  // Removed keys are absent after the load, and can be added again.
  EXPECT_TRUE((*loaded)->Remove(7).IsNotFound());
  EXPECT_TRUE((*loaded)->Remove(8).ok());
  ASSERT_TRUE((*loaded)->Add(7, vectors[7].data()).ok());
  EXPECT_EQ((*loaded)->Search(vectors[7].data(), 1)->front().key, 7u);
  EXPECT_EQ((*loaded)->Add(9, vectors[9].data()).code(), StatusCode::kAlreadyExists);
}

TEST(VectorIndex, DamagedSnapshotsAreRefusedNotTrusted) {
  const auto vectors = Clustered(300, 23);
  auto index = Build(vectors);
  ASSERT_TRUE(index->Remove(3).ok());
  auto bytes = index->Serialize();
  ASSERT_TRUE(bytes.ok());
  // Every truncation is refused.
  for (std::size_t cut = 0; cut < bytes->size(); cut += 97) {
    auto loaded = VectorIndex::Deserialize(std::string_view(*bytes).substr(0, cut), {});
    ASSERT_FALSE(loaded.ok()) << "cut at " << cut;
    EXPECT_EQ(loaded.status().code(), StatusCode::kCorruption);
  }
  // Other dimensions, a foreign format.
  EXPECT_FALSE(VectorIndex::Deserialize(*bytes, {128, 16, 200, 100}).ok());
  std::string foreign = *bytes;
  foreign[0] = 'X';
  EXPECT_EQ(VectorIndex::Deserialize(foreign, {}).status().code(), StatusCode::kCorruption);
  // A neighbour pointing outside the graph, anywhere in the graph section:
  // the first neighbour of the first node (after magic, 3 sizes, the graph's
  // 5-word header, 300 levels and the node's key and level) set to 300.
  std::string outside = *bytes;
  const std::size_t first_neighbour = 8 + 24 + 40 + 300 * 2 + 10 + 4;
  const std::uint32_t bad = 300;
  std::memcpy(outside.data() + first_neighbour, &bad, 4);
  auto loaded = VectorIndex::Deserialize(outside, {});
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().ToString().find("neighbour outside the graph"), std::string::npos)
      << loaded.status().ToString();
  // Random byte flips: refused or usable, never a crash (ASan watches).
  std::mt19937 rng(5);
  for (int round = 0; round < 300; ++round) {
    std::string flipped = *bytes;
    for (int i = 0; i < 3; ++i)
      flipped[rng() % flipped.size()] ^= static_cast<char>(1 + rng() % 255);
    auto maybe = VectorIndex::Deserialize(flipped, {});
    if (!maybe.ok()) continue;
    EXPECT_TRUE((*maybe)->Search(vectors[round].data(), 5).ok());
    EXPECT_TRUE((*maybe)->ExactSearch(vectors[round].data(), 5).ok());
  }
}

}  // namespace
}  // namespace onyx::index
