// history(node): every version of a node with the revision that made it and
// what changed, following its lineage across renames.
#pragma once

#include <string>
#include <vector>

#include "onyx/query.h"
#include "onyx/status.h"
#include "onyx/store/read_view.h"

namespace onyx::query {

/// What differs from `before` to `after` (two versions, possibly of two nodes
/// of one lineage): "renamed", "signature", "body", "doc", "location".
std::vector<std::string> ChangesBetween(const Node& before, const Node& after);

/// The versions of `id` up to the view's revision, oldest first, preceded by
/// those of the nodes it continues (attribute previous_id, up to 16 renames).
/// NotFound when the node never existed. Once `time` is spent it stops and
/// returns the newest versions it has, marked partial (at least the newest).
Result<NodeHistory> History(const store::ReadView& view, NodeId id, const TimeLimit& time = {});

}  // namespace onyx::query
