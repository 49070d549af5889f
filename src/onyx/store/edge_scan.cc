// Edge version scans.
#include "onyx/store/edge_scan.h"

#include "onyx/store/keys.h"
#include "onyx/store/values.h"

namespace onyx::store {

Status ScanEdgeVersions(const RocksHandles& rocks, const rocksdb::Snapshot* snapshot, bool out,
                        std::string_view prefix, RevisionNumber max_from,
                        const std::function<bool(const Edge&, std::string_view)>& fn) {
  std::string upper;
  rocksdb::Slice upper_slice;
  auto ro = PrefixReadOptions(snapshot, prefix, &upper, &upper_slice);
  if (prefix.size() >= kNodePrefixBytes) ro.prefix_same_as_start = true;
  std::unique_ptr<rocksdb::Iterator> it(
      rocks.db->NewIterator(ro, rocks.cf(out ? Family::kEdgesOut : Family::kEdgesIn)));
  for (it->Seek(ToSlice(prefix)); it->Valid(); it->Next()) {
    ONYX_ASSIGN_OR_RETURN(const DecodedEdgeKey k, DecodeEdgeKey(ToView(it->key())));
    if (k.from > max_from) continue;
    const std::string_view value = ToView(it->value());
    ONYX_ASSIGN_OR_RETURN(const Edge edge, DecodeEdgeEntry(k, value, !out));
    if (!fn(edge, value)) break;
  }
  return FromRocks(it->status(), out ? "edges_out: scan" : "edges_in: scan");
}

}  // namespace onyx::store
