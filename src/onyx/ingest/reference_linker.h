// Brings the reference edges of a set of files up to date: resolves their facts,
// derives tests edges, and compares with the edges the store has, so that only
// what changed is staged.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "onyx/ingest/resolver.h"
#include "onyx/status.h"
#include "onyx/store/read_view.h"

namespace onyx::ingest {

struct LinkResult {
  std::vector<Edge> upserts;      ///< New or changed edges.
  std::vector<EdgeRef> removals;  ///< Edges the files no longer have.
  std::map<std::string, std::map<std::string, std::uint64_t>> unresolved_by_file;
  std::map<std::string, std::uint64_t> edges_by_kind;  ///< Current edges of the files.
};

/// Links the references of `files` (paths). `before` is the store as of the
/// previous revision: the edges it holds for nodes of `files` are the baseline,
/// and it gives the calls of helpers outside `files`. Tests edges are recomputed
/// for the tests of `files` and for tests elsewhere that reach, through helpers,
/// a helper of `files` whose calls changed. With `second` (another Resolver
/// over the same table, layout and facts, whose facts lookup two threads may
/// call at once), many files are resolved on two threads; the result is the
/// same.
Result<LinkResult> LinkReferences(const SymbolTable& table, const Resolver& resolver,
                                  const std::vector<std::string>& files,
                                  const store::ReadView& before, const Resolver* second = nullptr);

/// The kinds of edge the linker owns (every kind but contains and about).
bool IsReferenceEdge(EdgeKind kind);

}  // namespace onyx::ingest
