// The JSON values of Onyx's answers: the shapes of the CLI's --json
// (docs/cli.md) and of the MCP tools' structured results (docs/mcp.md), one
// definition for every surface. Only nlohmann::json's forward declaration is
// included here.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "onyx/query.h"
#include "onyx/search.h"
#include "onyx/types.h"

namespace onyx::shapes {

nlohmann::json NodeValue(const Node& node);
nlohmann::json EdgeValue(const Edge& edge);
/// The "results" array of impact, tests and neighbors.
nlohmann::json ResultsValue(const WalkResult& result);
/// With `plan`, each answer below carries a "plan" object (explain):
/// {source, counts: {name: n}, steps: [{step, ms}], ms}.
nlohmann::json SearchValue(const SearchResults& results, SearchMode mode,
                           const std::string& next_cursor = {}, bool plan = false);
nlohmann::json WalkValue(const Node& start, const WalkResult& result, bool plan = false,
                         const std::string& next_cursor = {});
nlohmann::json ChangeImpactValue(const ChangeImpact& change, bool plan = false,
                                 const std::string& next_cursor = "");
nlohmann::json StatusValue(const Revision* last, const WorktreeChanges& changes);
nlohmann::json NodesValue(const std::vector<Node>& nodes);
nlohmann::json StatsValue(const GraphStats& stats);
nlohmann::json RevisionsValue(const std::vector<Revision>& revisions);
nlohmann::json ShowValue(const Node& node, const std::string& source);
nlohmann::json HistoryValue(const NodeHistory& history, bool plan = false);
nlohmann::json DiffValue(const GraphDiff& diff, bool plan = false);
/// A note and its links (`recall`; `remember` answers one without links).
nlohmann::json NoteValue(const RecalledNote& note);
/// Adds "stale" (true, false, or null when unknown) to an answer's document.
void AddFreshness(nlohmann::json& answer, const Freshness& fresh);
nlohmann::json RecallValue(const std::vector<RecalledNote>& notes, RevisionNumber revision);

}  // namespace onyx::shapes
