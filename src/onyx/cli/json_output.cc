// --json output: each answer's value (shapes/json_values.h), printed.
#include "onyx/cli/json_output.h"

#include <nlohmann/json.hpp>

#include "onyx/shapes/json_values.h"

namespace onyx::cli {

using nlohmann::json;

// Text that came from ingested files may hold invalid UTF-8: replace it.
std::string Dump(json j, const Freshness* fresh = nullptr) {
  if (fresh != nullptr) shapes::AddFreshness(j, *fresh);
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

// "next_cursor": the next page's cursor, or null.
json WithNext(json j, const std::string& next_cursor) {
  j["next_cursor"] = next_cursor.empty() ? json(nullptr) : json(next_cursor);
  return j;
}

std::string SearchJson(const Freshness& fresh, const SearchResults& results, SearchMode mode,
                       const std::string& next_cursor, bool plan) {
  return Dump(shapes::SearchValue(results, mode, next_cursor, plan), &fresh);
}

std::string WalkJson(const Freshness& fresh, const Node& start, const WalkResult& result, bool plan,
                     const std::string& next_cursor) {
  return Dump(shapes::WalkValue(start, result, plan, next_cursor), &fresh);
}

std::string ChangeImpactJson(const ChangeImpact& change, bool plan,
                             const std::string& next_cursor) {
  return Dump(shapes::ChangeImpactValue(change, plan, next_cursor));
}

std::string StatusJson(const Revision* last, const WorktreeChanges& changes) {
  return Dump(shapes::StatusValue(last, changes));
}

std::string NodesJson(const Freshness& fresh, const std::vector<Node>& nodes,
                      const std::string& next_cursor) {
  return Dump(WithNext(shapes::NodesValue(nodes), next_cursor), &fresh);
}

std::string StatsJson(const GraphStats& stats) { return Dump(shapes::StatsValue(stats)); }

std::string ShowJson(const Freshness& fresh, const Node& node, const std::string& source) {
  return Dump(shapes::ShowValue(node, source), &fresh);
}

std::string HistoryJson(const Freshness& fresh, const NodeHistory& history,
                        const std::string& next_cursor, bool plan) {
  return Dump(WithNext(shapes::HistoryValue(history, plan), next_cursor), &fresh);
}

std::string RevisionsJson(const std::vector<Revision>& revisions) {
  return Dump(shapes::RevisionsValue(revisions));
}

std::string DiffJson(const Freshness& fresh, const GraphDiff& diff, const std::string& next_cursor,
                     bool plan) {
  return Dump(WithNext(shapes::DiffValue(diff, plan), next_cursor), &fresh);
}

}  // namespace onyx::cli
