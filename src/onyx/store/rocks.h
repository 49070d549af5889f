// The store's adapter to RocksDB: handles, status conversion and iteration helpers.
// Only store/*.cc include this header, so RocksDB's headers stay out of the rest.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "onyx/status.h"
#include "onyx/store/keys.h"

namespace onyx::store {

struct RocksHandles {
  std::unique_ptr<rocksdb::DB> db;
  std::array<rocksdb::ColumnFamilyHandle*, kFamilyCount> families{};
  std::vector<rocksdb::ColumnFamilyHandle*> extra_families;  // unknown, from a newer build
  bool sync = true;

  rocksdb::ColumnFamilyHandle* cf(Family f) const { return families[static_cast<int>(f)]; }
  ~RocksHandles();
};

/// Converts a RocksDB status into an onyx Status with `context` in front.
Status FromRocks(const rocksdb::Status& s, std::string_view context);

inline rocksdb::Slice ToSlice(std::string_view s) { return {s.data(), s.size()}; }
inline std::string_view ToView(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

/// Bytes of the prefix that the node-keyed families (nodes, node_versions,
/// edges_out, edges_in) hash and filter by: project + node id.
inline constexpr std::size_t kNodePrefixBytes = 12;

/// Read options bounded to keys starting with `prefix` (the caller keeps
/// `upper_bound` alive for the iterator's lifetime). A prefix shorter than
/// kNodePrefixBytes reads in total order (it spans nodes).
rocksdb::ReadOptions PrefixReadOptions(const rocksdb::Snapshot* snapshot, std::string_view prefix,
                                       std::string* upper_bound, rocksdb::Slice* upper_slice);

}  // namespace onyx::store
