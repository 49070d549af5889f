// RocksDB adapter helpers.
#include "onyx/store/rocks.h"

namespace onyx::store {

RocksHandles::~RocksHandles() {
  if (!db) return;
  // The write-ahead log left behind is replayed into memtables by the next
  // open, which then flushes them anyway: after a big ingest, every later
  // command would wait for the whole ingest to be inserted again. Flushing now
  // costs only the flush. (Small leftovers stay in the log: cheap to replay.)
  constexpr std::uint64_t kFlushOnCloseBytes = 4u << 20;
  std::uint64_t memtable_bytes = 0;
  if (db->GetAggregatedIntProperty(rocksdb::DB::Properties::kCurSizeAllMemTables,
                                   &memtable_bytes) &&
      memtable_bytes > kFlushOnCloseBytes) {
    std::vector<rocksdb::ColumnFamilyHandle*> all;
    for (auto* h : families) {
      if (h != nullptr) all.push_back(h);
    }
    rocksdb::FlushOptions flush;
    flush.wait = true;
    db->Flush(flush, all).PermitUncheckedError();  // a failure leaves the log to replay
  }
  for (auto* h : families) {
    if (h != nullptr) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  }
  for (auto* h : extra_families) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  db->Close().PermitUncheckedError();
}

Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::Ok();
  std::string msg(context);
  msg += ": ";
  msg += s.ToString();
  if (s.IsNotFound()) return Status::NotFound(std::move(msg));
  if (s.IsCorruption()) return Status::Corruption(std::move(msg));
  if (s.IsInvalidArgument()) return Status::InvalidArgument(std::move(msg));
  if (s.IsBusy() || s.IsTryAgain()) return Status::Aborted(std::move(msg));
  if (s.IsTimedOut()) return Status::DeadlineExceeded(std::move(msg));
  if (s.IsNoSpace() || s.IsMemoryLimit()) return Status::ResourceExhausted(std::move(msg));
  return Status::IOError(std::move(msg));
}

rocksdb::ReadOptions PrefixReadOptions(const rocksdb::Snapshot* snapshot, std::string_view prefix,
                                       std::string* upper_bound, rocksdb::Slice* upper_slice) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  ro.total_order_seek = prefix.size() < kNodePrefixBytes;
  *upper_bound = PrefixSuccessor(prefix);
  if (!upper_bound->empty()) {
    *upper_slice = rocksdb::Slice(*upper_bound);
    ro.iterate_upper_bound = upper_slice;
  }
  return ro;
}

}  // namespace onyx::store
