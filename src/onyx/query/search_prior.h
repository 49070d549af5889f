// The graph prior of a search: how much the rest of the code depends on each
// hit, added to its score.
#pragma once

#include <vector>

#include "onyx/query/topology.h"
#include "onyx/search.h"
#include "onyx/status.h"
#include "onyx/store/read_view.h"
#include "onyx/types.h"

namespace onyx::query {

/// SearchPrior::kCentrality: each hit gains weight × log(1 + in-degree) /
/// log(1 + the largest in-degree among `hits`), where weight is a quarter of
/// the best hit's score and the in-degree counts the calls, references,
/// imports, inherits and implements edges entering it at `view.revision()`
/// (from `topology` when given, else from the store). Parts "in_degree" and
/// "prior" say so; the hits are then ordered by their new scores (ties keep
/// their order).
Status ApplyCentralityPrior(const store::ReadView& view, const Topology* topology,
                            std::vector<SearchHit>* hits);

}  // namespace onyx::query
