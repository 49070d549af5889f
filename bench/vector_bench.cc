// vector_bench: Onyx's HNSW index (USearch behind onyx::index::VectorIndex)
// side by side with hnswlib, built with the same flags in this binary, and an
// exact scan, on a latent-cluster set shaped like real embeddings. For each
// index: build time (all threads), memory per vector, and, at the smallest
// ef_search reaching recall@10 ≥ 0.95 and ≥ 0.99, single-thread QPS and p99
// latency. See docs/benchmarks.md.
//
//   vector_bench [--n 100000] [--queries 1000] [--dims 384] [--rounds 5]
#include <hnswlib/hnswlib.h>
#include <immintrin.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "onyx/index/vector_index.h"
#include "testing/latent_clusters.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Resident memory (USearch maps its arenas itself, so malloc statistics miss
// them); a fresh index only grows it.
std::size_t HeapBytes() {
  long pages = 0;
  long resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<std::size_t>(resident) * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

int Threads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

template <typename Fn>
void ParallelFor(std::size_t n, Fn fn) {
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < Threads(); ++t) {
    pool.emplace_back([&] {
      for (std::size_t i = next++; i < n; i = next++) fn(i);
    });
  }
  for (auto& t : pool) t.join();
}

// Inner product with four SSE accumulators (16 floats a step): the exact
// scan's kernel.
float Dot(const float* a, const float* b, std::size_t n) {
  __m128 s0 = _mm_setzero_ps(), s1 = _mm_setzero_ps(), s2 = _mm_setzero_ps(), s3 = _mm_setzero_ps();
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = _mm_add_ps(s0, _mm_mul_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i)));
    s1 = _mm_add_ps(s1, _mm_mul_ps(_mm_loadu_ps(a + i + 4), _mm_loadu_ps(b + i + 4)));
    s2 = _mm_add_ps(s2, _mm_mul_ps(_mm_loadu_ps(a + i + 8), _mm_loadu_ps(b + i + 8)));
    s3 = _mm_add_ps(s3, _mm_mul_ps(_mm_loadu_ps(a + i + 12), _mm_loadu_ps(b + i + 12)));
  }
  alignas(16) float lanes[4];
  _mm_store_ps(lanes, _mm_add_ps(_mm_add_ps(s0, s1), _mm_add_ps(s2, s3)));
  float sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

// Top-10 keys of each query by exact inner product (the vectors are unit
// length), scanned with the SSE kernel on every core.
std::vector<std::vector<std::uint64_t>> ExactTop10(const std::vector<float>& base,
                                                   const std::vector<float>& queries,
                                                   std::size_t dims, double* qps) {
  const std::size_t n = base.size() / dims;
  const std::size_t q = queries.size() / dims;
  std::vector<std::vector<std::uint64_t>> truth(q);
  const auto start = Clock::now();
  ParallelFor(q, [&](std::size_t i) {
    std::vector<std::pair<float, std::uint64_t>> scored(n);
    const float* query = queries.data() + i * dims;
    for (std::size_t j = 0; j < n; ++j) {
      scored[j] = {-Dot(query, base.data() + j * dims, dims), j};
    }
    std::partial_sort(scored.begin(), scored.begin() + 10, scored.end());
    for (int k = 0; k < 10; ++k) truth[i].push_back(scored[k].second);
  });
  *qps = static_cast<double>(q) / Seconds(start);
  return truth;
}

struct Point {
  std::size_t ef = 0;
  double recall = 0;
  double qps = 0;
  double p99_ms = 0;
};

// Runs the queries one at a time on this thread at one ef.
template <typename SearchFn>
Point Measure(std::size_t ef, const std::vector<float>& queries, std::size_t dims,
              const std::vector<std::vector<std::uint64_t>>& truth, SearchFn search) {
  const std::size_t q = queries.size() / dims;
  std::vector<double> latencies;
  double found = 0;
  const auto start = Clock::now();
  for (std::size_t i = 0; i < q; ++i) {
    const auto t0 = Clock::now();
    const std::vector<std::uint64_t> got = search(queries.data() + i * dims);
    latencies.push_back(Seconds(t0) * 1000.0);
    for (const std::uint64_t key : got) {
      found += std::count(truth[i].begin(), truth[i].end(), key);
    }
  }
  Point p;
  p.ef = ef;
  p.qps = static_cast<double>(q) / Seconds(start);
  std::sort(latencies.begin(), latencies.end());
  p.p99_ms = latencies[std::min(latencies.size() - 1, latencies.size() * 99 / 100)];
  p.recall = found / (10.0 * static_cast<double>(q));
  return p;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// The round with the median QPS (recall is the same in every round).
Point MedianRound(std::vector<Point> rounds) {
  std::sort(rounds.begin(), rounds.end(),
            [](const Point& a, const Point& b) { return a.qps < b.qps; });
  return rounds[rounds.size() / 2];
}

const Point* FirstAtRecall(const std::vector<Point>& points, double recall) {
  for (const Point& p : points) {
    if (p.recall >= recall) return &p;
  }
  return nullptr;
}

std::string Describe(const Point* p) {
  if (p == nullptr) return "not reached";
  char buf[96];
  std::snprintf(buf, sizeof buf, "ef=%zu %.0f QPS p99 %.3f ms (recall %.3f)", p->ef, p->qps,
                p->p99_ms, p->recall);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 100'000;
  std::size_t nq = 1000;
  std::size_t dims = 384;
  std::size_t rounds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const std::size_t v = std::strtoull(argv[i + 1], nullptr, 10);
    if (a == "--n")
      n = v;
    else if (a == "--queries")
      nq = v;
    else if (a == "--dims")
      dims = v;
    else if (a == "--rounds")
      rounds = v;
    else {
      std::fprintf(stderr, "usage: vector_bench [--n N] [--queries Q] [--dims D] [--rounds R]\n");
      return 2;
    }
  }
  if (n < 100 || nq < 10 || dims < 8 || rounds < 1) {
    std::fprintf(stderr, "vector_bench: --n >= 100, --queries >= 10, --dims >= 8, --rounds >= 1\n");
    return 2;
  }
  const std::vector<float> base = onyx::testing::LatentClusters(n, dims, 7);
  const std::vector<float> queries = onyx::testing::LatentClusters(nq, dims, 8);
  double exact_qps = 0;
  const auto truth = ExactTop10(base, queries, dims, &exact_qps);
  const std::vector<std::size_t> efs = {10, 16, 24, 32, 48, 64, 100, 128, 200, 256, 400};

  // Onyx (USearch).
  onyx::index::VectorIndexOptions options;
  options.dimensions = dims;
  std::size_t heap = HeapBytes();
  auto start = Clock::now();
  auto ours = onyx::index::VectorIndex::Create(options);
  if (!ours.ok()) {
    std::fprintf(stderr, "vector_bench: %s\n", ours.status().ToString().c_str());
    return 1;
  }
  ParallelFor(n, [&](std::size_t i) {
    if (!(*ours)->Add(i, base.data() + i * dims).ok()) std::abort();
  });
  const double ours_build = Seconds(start);
  const double ours_bytes = static_cast<double>(HeapBytes() - heap) / static_cast<double>(n);
  // hnswlib, same M and ef_construction.
  heap = HeapBytes();
  start = Clock::now();
  hnswlib::InnerProductSpace space(dims);
  hnswlib::HierarchicalNSW<float> theirs(&space, n, options.connectivity, options.expansion_add);
  ParallelFor(n, [&](std::size_t i) { theirs.addPoint(base.data() + i * dims, i); });
  const double theirs_build = Seconds(start);
  const double theirs_bytes = static_cast<double>(HeapBytes() - heap) / static_cast<double>(n);

  // Searches: for each ef, rounds alternate the two indexes (so both see the
  // same state of this shared machine); each keeps its median round, and the
  // ratio is the median of the per-round ratios.
  const auto search_ours = [&](const float* q) {
    std::vector<std::uint64_t> keys;
    const auto hits = (*ours)->Search(q, 10);
    if (!hits.ok()) std::abort();
    for (const auto& h : *hits) keys.push_back(h.key);
    return keys;
  };
  const auto search_theirs = [&](const float* q) {
    auto result = theirs.searchKnn(q, 10);
    std::vector<std::uint64_t> keys;
    while (!result.empty()) {
      keys.push_back(result.top().second);
      result.pop();
    }
    return keys;
  };
  std::vector<Point> ours_points;
  std::vector<Point> theirs_points;
  std::vector<double> qps_ratios;
  for (const std::size_t ef : efs) {
    (*ours)->set_expansion_search(ef);
    theirs.setEf(ef);
    std::vector<Point> a;
    std::vector<Point> b;
    std::vector<double> ratios;
    for (std::size_t round = 0; round < rounds; ++round) {
      a.push_back(Measure(ef, queries, dims, truth, search_ours));
      b.push_back(Measure(ef, queries, dims, truth, search_theirs));
      ratios.push_back(a.back().qps / b.back().qps);
    }
    ours_points.push_back(MedianRound(a));
    theirs_points.push_back(MedianRound(b));
    qps_ratios.push_back(Median(ratios));
  }

  std::printf(
      "vector_bench: %zu x %zu latent-cluster vectors, %zu queries, M=%zu "
      "ef_construction=%zu, %d threads to build, 1 to search\n",
      n, dims, nq, options.connectivity, options.expansion_add, Threads());
  std::printf("%-30s %14s %14s %8s\n", "measure", "onyx(usearch)", "hnswlib", "ratio");
  std::printf("%-30s %14.2f %14.2f %8.2f\n", "build time (s)", ours_build, theirs_build,
              ours_build / theirs_build);
  std::printf("%-30s %14.0f %14.0f %8.2f\n", "memory per vector (bytes)", ours_bytes, theirs_bytes,
              ours_bytes / theirs_bytes);
  for (const double target : {0.95, 0.99}) {
    const Point* a = FirstAtRecall(ours_points, target);
    const Point* b = FirstAtRecall(theirs_points, target);
    char label[64];
    std::snprintf(label, sizeof label, "QPS at recall@10 >= %.2f", target);
    // The ratio at matched recall: Onyx's point against hnswlib's, per round
    // when both reach it at the same ef (the usual case).
    double ratio = a && b ? a->qps / b->qps : 0.0;
    if (a && b && a->ef == b->ef) {
      ratio = qps_ratios[static_cast<std::size_t>(std::find(efs.begin(), efs.end(), a->ef) -
                                                  efs.begin())];
    }
    std::printf("%-30s %14.0f %14.0f %8.2f\n", label, a ? a->qps : 0.0, b ? b->qps : 0.0, ratio);
    std::snprintf(label, sizeof label, "p99 ms at recall@10 >= %.2f", target);
    std::printf("%-30s %14.3f %14.3f %8.2f\n", label, a ? a->p99_ms : 0.0, b ? b->p99_ms : 0.0,
                a && b ? a->p99_ms / b->p99_ms : 0.0);
    std::printf("  onyx:    %s\n  hnswlib: %s\n", Describe(a).c_str(), Describe(b).c_str());
  }
  std::printf("%-30s %14.0f  (SSE, %d threads)\n", "exact scan QPS", exact_qps, Threads());
  return 0;
}
