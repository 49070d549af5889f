// The --json shapes of the query commands (docs/cli.md documents them): one
// JSON document per command on stdout, ids as 16 lower-case hex digits, open
// validity ends as null.
#pragma once

#include <string>
#include <vector>

#include "onyx/query.h"
#include "onyx/search.h"
#include "onyx/types.h"

namespace onyx::cli {

// The answers' documents carry "stale": whether the graph still matches the
// working tree (`fresh`; null when unknown).

/// `next_cursor`: the cursor of the next page ("" for none: null). With
/// `plan` (--explain), search, walks, history and diff carry a "plan" object:
/// {source, counts: {name: n}, steps: [{step, ms}], ms}.
std::string SearchJson(const Freshness& fresh, const SearchResults& results, SearchMode mode,
                       const std::string& next_cursor = {}, bool plan = false);
std::string WalkJson(const Freshness& fresh, const Node& start, const WalkResult& result,
                     bool plan = false, const std::string& next_cursor = {});
/// Nodes, history and diff carry "next_cursor" (null unless paging, as search
/// and the walks do).
std::string NodesJson(const Freshness& fresh, const std::vector<Node>& nodes,
                      const std::string& next_cursor = {});
std::string StatsJson(const GraphStats& stats);
std::string RevisionsJson(const std::vector<Revision>& revisions);
std::string HistoryJson(const Freshness& fresh, const NodeHistory& history,
                        const std::string& next_cursor = {}, bool plan = false);
std::string ShowJson(const Freshness& fresh, const Node& node, const std::string& source);
std::string DiffJson(const Freshness& fresh, const GraphDiff& diff,
                     const std::string& next_cursor = {}, bool plan = false);
std::string ChangeImpactJson(const ChangeImpact& change, bool plan = false,
                             const std::string& next_cursor = "");
std::string StatusJson(const Revision* last, const WorktreeChanges& changes);

}  // namespace onyx::cli
