// The questions the graph answers beyond lookup: what may break if a node
// changes (impact), and which tests exercise it (tests_for). Both walk edges
// backwards from the node, as of one revision, within depth, result and time
// limits, and say when they stopped early.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>
#include <vector>

#include "onyx/query.h"
#include "onyx/query/topology.h"
#include "onyx/status.h"
#include "onyx/store/read_view.h"
#include "onyx/types.h"

namespace onyx::query {

using onyx::Reached;
using onyx::WalkLimits;
using onyx::WalkResult;

/// Everything that may break if `start` changes: reverse reachability over
/// calls, references, imports, inherits and implements edges, from the node
/// and everything it contains (a file's or a class's members). Each node is
/// reported once, at its shortest distance with its most confident path, with
/// the tests that reach it (tests edges into it, tests whose path to the
/// start passes through it, or being a test itself).
/// With a `topology` covering the view's revision, adjacency comes from it.
Result<WalkResult> Impact(const store::ReadView& view, NodeId start, const WalkLimits& limits = {},
                          const Topology* topology = nullptr);

/// impact of a change: a walk from every changed symbol that exists at the
/// view's revision (all but "added"), at once, each reached node at its
/// distance from the nearest; plus the tests to run (tests of the changed
/// symbols, changed tests, and tests reaching anything impacted).
Result<ChangeImpact> ImpactOfChange(const store::ReadView& view, std::vector<SymbolChange> changed,
                                    const WalkLimits& limits = {},
                                    const Topology* topology = nullptr);

/// The tests that exercise `start`: tests edges into it (direct, or through
/// test helpers), and tests that reach it through chains of calls; each with
/// its path, most confident first. Its members count as it (a class's tests
/// are its methods' tests).
Result<WalkResult> TestsFor(const store::ReadView& view, NodeId start,
                            const WalkLimits& limits = {}, const Topology* topology = nullptr);

/// The source text of `node` (its span in its file's version as of the view),
/// at most `max_bytes`; empty for folders. NotFound when the file's text is
/// not stored.
Result<std::string> SourceOf(const store::ReadView& view, const Node& node,
                             std::size_t max_bytes = 64 * 1024);

/// Nodes a user names: a 16-hex-digit id, a file's or folder's path (or a
/// file's bare name, every file so named), a
/// qualified name (or its trailing segments), or a plain name (ASCII case-insensitive), as of the
/// view's revision. Several may match; for a qualified name shared by a Python module and its .pyi
/// stub, the module's node is the answer.
Result<std::vector<Node>> FindNodes(const store::ReadView& view, std::string_view spec);

}  // namespace onyx::query
