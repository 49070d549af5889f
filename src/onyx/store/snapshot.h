// A RocksDB snapshot held for as long as any ReadView uses it, and the lookup of a
// project's latest revision. Internal to store/.
#pragma once

#include "onyx/status.h"
#include "onyx/store/rocks.h"
#include "onyx/types.h"

namespace onyx::store {

struct PinnedSnapshot {
  explicit PinnedSnapshot(rocksdb::DB* database) : db(database), snapshot(db->GetSnapshot()) {}
  ~PinnedSnapshot() { db->ReleaseSnapshot(snapshot); }
  PinnedSnapshot(const PinnedSnapshot&) = delete;
  PinnedSnapshot& operator=(const PinnedSnapshot&) = delete;

  rocksdb::DB* db;
  const rocksdb::Snapshot* snapshot;
};

/// The newest committed revision of `project` under `snapshot` (nullptr: now), or 0.
Result<RevisionNumber> LatestRevision(const RocksHandles& rocks, const rocksdb::Snapshot* snapshot,
                                      ProjectId project);

}  // namespace onyx::store
