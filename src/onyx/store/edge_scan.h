// Scanning edge versions under a key prefix, shared by reads, the writer's
// cascade and the integrity check. Internal to store/.
#pragma once

#include <functional>
#include <string_view>

#include "onyx/status.h"
#include "onyx/store/rocks.h"
#include "onyx/types.h"

namespace onyx::store {

/// Calls `fn(edge, raw_value)` for every edge version in edges_out (`out`) or
/// edges_in whose key starts with `prefix` and whose from-revision is at most
/// `max_from`, in key order, under `snapshot` (nullptr: now); stops early when
/// `fn` returns false. Edges come back in edges_out orientation either way.
/// Prefixes of a node or longer use the families' prefix bloom filters; shorter
/// ones (a whole project) scan in total order.
Status ScanEdgeVersions(const RocksHandles& rocks, const rocksdb::Snapshot* snapshot, bool out,
                        std::string_view prefix, RevisionNumber max_from,
                        const std::function<bool(const Edge&, std::string_view)>& fn);

}  // namespace onyx::store
