// --json output: each answer's value (shapes/json_values.h), printed.
#include "onyx/cli/json_output.h"

#include <nlohmann/json.hpp>

#include "onyx/shapes/json_values.h"

namespace onyx::cli {

using nlohmann::json;

// Text that came from ingested files may hold invalid UTF-8: replace it.
std::string Dump(const json& j) {
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string SearchJson(const SearchResults& results, SearchMode mode,
                       const std::string& next_cursor) {
  return Dump(shapes::SearchValue(results, mode, next_cursor));
}

std::string WalkJson(const Node& start, const WalkResult& result, bool plan,
                     const std::string& next_cursor) {
  return Dump(shapes::WalkValue(start, result, plan, next_cursor));
}

std::string ChangeImpactJson(const ChangeImpact& change) {
  return Dump(shapes::ChangeImpactValue(change));
}

std::string StatusJson(const Revision* last, const WorktreeChanges& changes) {
  return Dump(shapes::StatusValue(last, changes));
}

std::string NodesJson(const std::vector<Node>& nodes) { return Dump(shapes::NodesValue(nodes)); }

std::string StatsJson(const GraphStats& stats) { return Dump(shapes::StatsValue(stats)); }

std::string ShowJson(const Node& node, const std::string& source) {
  return Dump(shapes::ShowValue(node, source));
}

std::string HistoryJson(const NodeHistory& history) { return Dump(shapes::HistoryValue(history)); }

std::string RevisionsJson(const std::vector<Revision>& revisions) {
  return Dump(shapes::RevisionsValue(revisions));
}

std::string DiffJson(const GraphDiff& diff) { return Dump(shapes::DiffValue(diff)); }

}  // namespace onyx::cli
