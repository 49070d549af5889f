// neighbors and traverse: forward, backward or both-way walks over chosen edge
// kinds, with node filters, as of one revision.
#pragma once

#include "onyx/query.h"
#include "onyx/query/topology.h"
#include "onyx/status.h"
#include "onyx/store/read_view.h"

namespace onyx::query {

/// Every node reachable from `spec.starts` within the spec's limits, each once
/// at its shortest distance with its most confident path; by depth, then
/// confidence, then qualified name. The starts themselves are not reported.
/// NotFound when a start does not exist at the view's revision; partial when a
/// limit cut the walk short.
/// With a `topology` covering the view's revision, adjacency comes from it.
Result<WalkResult> Traverse(const store::ReadView& view, const TraverseSpec& spec,
                            const Topology* topology = nullptr);

}  // namespace onyx::query
