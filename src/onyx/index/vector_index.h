// An HNSW vector index over unit vectors, cosine distance: USearch's graph,
// Onyx's vector rows and search loop. Keys are caller-chosen 64-bit labels.
// USearch's headers stay in the .cc file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "onyx/status.h"

namespace onyx::index {

struct VectorIndexOptions {
  std::size_t dimensions = 384;
  std::size_t connectivity = 16;       ///< M
  std::size_t expansion_add = 200;     ///< ef_construction
  std::size_t expansion_search = 100;  ///< ef_search
};

struct VectorHit {
  std::uint64_t key = 0;
  float distance = 0;  ///< Cosine distance, 0 (same direction) to 2.
  friend bool operator==(const VectorHit&, const VectorHit&) = default;
};

/// Thread-safe: searches run concurrently with each other and with Add;
/// Remove takes an exclusive lock.
class VectorIndex {
 public:
  /// InvalidArgument for zero dimensions or connectivity < 2.
  static Result<std::unique_ptr<VectorIndex>> Create(const VectorIndexOptions& options);
  ~VectorIndex();
  VectorIndex(const VectorIndex&) = delete;
  VectorIndex& operator=(const VectorIndex&) = delete;

  /// Adds `vector` (options.dimensions floats) under `key`; AlreadyExists when
  /// the key is taken.
  Status Add(std::uint64_t key, const float* vector);
  /// Copies the vector stored under `key` to `out` (dimensions() floats);
  /// NotFound when absent.
  Status Get(std::uint64_t key, float* out) const;
  /// Removes a key; NotFound when absent. Its slot is reused by a later Add.
  Status Remove(std::uint64_t key);
  /// The `k` nearest keys that pass `filter` (all when empty), nearest first.
  /// A filter that rejects most keys makes the search visit more of the graph.
  Result<std::vector<VectorHit>> Search(
      const float* query, std::size_t k,
      const std::function<bool(std::uint64_t)>& filter = {}) const;
  /// The same, by brute force (exact): the reference for recall. It takes
  /// the index exclusively (adds and searches wait).
  Result<std::vector<VectorHit>> ExactSearch(
      const float* query, std::size_t k,
      const std::function<bool(std::uint64_t)>& filter = {}) const;

  /// The index as bytes: USearch's graph stream, then the vectors and which
  /// slots are removed.
  Result<std::string> Serialize() const;
  /// The inverse; Corruption when the bytes are not such an index (every
  /// level and neighbour of the graph is checked before USearch loads it) or
  /// their dimensions or connectivity differ from `options`.
  static Result<std::unique_ptr<VectorIndex>> Deserialize(std::string_view bytes,
                                                          const VectorIndexOptions& options);

  std::size_t size() const;
  std::size_t dimensions() const;
  void set_expansion_search(std::size_t ef);

 private:
  struct Impl;
  explicit VectorIndex(std::unique_ptr<Impl> impl);
  Result<std::vector<VectorHit>> Find(const float* query, std::size_t k,
                                      const std::function<bool(std::uint64_t)>& filter,
                                      bool exact) const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace onyx::index
