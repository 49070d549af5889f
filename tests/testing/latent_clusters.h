// A latent-cluster vector set, shaped like real embeddings (never i.i.d. random
// vectors, on which HNSW recall means nothing): 64 clusters in a 16-dimensional
// latent space, projected to `dims` dimensions by one fixed random map, plus a
// little noise, normalised. The map and the clusters come from `world_seed`
// (share it between data and queries); the points from `seed`. Used by the
// vector index tests and bench/vector_bench.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace onyx::testing {

inline std::vector<float> LatentClusters(std::size_t n, std::size_t dims, std::uint32_t seed,
                                         std::uint32_t world_seed = 1) {
  constexpr std::size_t kLatent = 16;
  constexpr std::size_t kClusters = 64;
  std::mt19937 world(world_seed);
  std::normal_distribution<float> gauss(0.0F, 1.0F);
  std::vector<float> map(dims * kLatent);
  for (float& x : map) x = gauss(world) / std::sqrt(static_cast<float>(kLatent));
  std::vector<float> centres(kClusters * kLatent);
  for (float& x : centres) x = gauss(world);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, kClusters - 1);
  std::vector<float> out(n * dims);
  std::vector<float> z(kLatent);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t c = pick(rng);
    for (std::size_t l = 0; l < kLatent; ++l) z[l] = centres[c * kLatent + l] + 0.4F * gauss(rng);
    float* v = out.data() + i * dims;
    float norm = 0;
    for (std::size_t d = 0; d < dims; ++d) {
      float x = 0.05F * gauss(rng);
      for (std::size_t l = 0; l < kLatent; ++l) x += map[d * kLatent + l] * z[l];
      v[d] = x;
      norm += x * x;
    }
    const float scale = 1.0F / std::sqrt(norm);
    for (std::size_t d = 0; d < dims; ++d) v[d] *= scale;
  }
  return out;
}

}  // namespace onyx::testing
