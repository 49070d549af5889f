// The JSON values of Onyx's answers (nlohmann/json stays in this file and
// the surfaces that print or embed them).
#include "onyx/shapes/json_values.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "onyx/core/clock.h"
#include "onyx/core/float_text.h"

namespace onyx::shapes {

using nlohmann::json;

using nlohmann::json;

namespace {

json Until(const Validity& v) { return v.IsOpen() ? json(nullptr) : json(v.to); }

json Next(const std::string& cursor) { return cursor.empty() ? json(nullptr) : json(cursor); }

// A search hit's score parts, each in its shortest form.
json Parts(const std::map<std::string, float>& parts) {
  json out = json::object();
  for (const auto& [name, value] : parts) out[name] = core::ShortestDouble(value);
  return out;
}

}  // namespace

json NodeValue(const Node& n) {
  return {{"id", FormatNodeId(n.id)},
          {"kind", NodeKindName(n.kind)},
          {"name", n.name},
          {"qualified_name", n.qualified_name},
          {"language", n.language},
          {"path", n.path},
          {"start_line", n.span.start_line},
          {"end_line", n.span.end_line},
          {"signature", n.signature},
          {"valid_from", n.validity.from},
          {"valid_to", Until(n.validity)}};
}

json EdgeValue(const Edge& e) {
  return {{"src", FormatNodeId(e.src)},
          {"kind", EdgeKindName(e.kind)},
          {"dst", FormatNodeId(e.dst)},
          {"resolution", ResolutionName(e.resolution)},
          {"confidence", core::ShortestDouble(e.confidence)}};
}

json PlanValue(const QueryPlan& plan) {
  json steps = json::array();
  double total = 0;
  for (const auto& [step, ms] : plan.steps) {
    steps.push_back({{"step", step}, {"ms", ms}});
    total += ms;
  }
  json counts = json::object();
  for (const auto& [name, n] : plan.counts) counts[name] = n;
  return {{"source", plan.source}, {"counts", counts}, {"steps", steps}, {"ms", total}};
}

json SearchValue(const SearchResults& results, SearchMode mode, const std::string& next_cursor,
                 bool plan) {
  json hits = json::array();
  for (const SearchHit& h : results.hits) {
    hits.push_back({{"id", FormatNodeId(h.id)},
                    {"kind", NodeKindName(h.kind)},
                    {"name", h.name},
                    {"qualified_name", h.qualified_name},
                    {"language", h.language},
                    {"path", h.path},
                    {"start_line", h.span.start_line},
                    {"end_line", h.span.end_line},
                    {"valid_from", h.validity.from},
                    {"valid_to", Until(h.validity)},
                    {"score", core::ShortestDouble(h.score)},
                    {"parts", Parts(h.parts)},
                    {"snippet", h.snippet}});
  }
  json out = {
      {"revision", results.revision}, {"model", results.model}, {"mode", SearchModeName(mode)},
      {"partial", results.partial},   {"hits", hits},           {"next_cursor", Next(next_cursor)}};
  if (plan) out["plan"] = PlanValue(results.plan);
  return out;
}

json ResultsValue(const WalkResult& result) {
  json nodes = json::array();
  for (const Reached& r : result.nodes) {
    json path = json::array();
    for (const Edge& e : r.path) path.push_back(EdgeValue(e));
    json tests = json::array();
    for (const Node& t : r.tests) tests.push_back(NodeValue(t));
    nodes.push_back({{"node", NodeValue(r.node)},
                     {"depth", r.depth},
                     {"confidence", core::ShortestDouble(r.confidence)},
                     {"path", path},
                     {"tests", tests}});
  }
  return nodes;
}

json WalkValue(const Node& start, const WalkResult& result, bool plan,
               const std::string& next_cursor) {
  json out = {{"revision", result.revision},     {"start", NodeValue(start)},
              {"partial", result.partial},       {"total", result.total},
              {"results", ResultsValue(result)}, {"next_cursor", Next(next_cursor)}};
  if (plan) out["plan"] = PlanValue(result.plan);
  return out;
}

json ChangeImpactValue(const ChangeImpact& change, bool plan, const std::string& next_cursor) {
  json changed = json::array();
  for (const SymbolChange& c : change.changed) {
    changed.push_back({{"node", NodeValue(c.node)}, {"change", c.change}});
  }
  json tests = json::array();
  for (const Node& t : change.tests) tests.push_back(NodeValue(t));
  json out = {{"revision", change.revision},
              {"changed", changed},
              {"partial", change.impact.partial},
              {"total", change.impact.total},
              {"results", ResultsValue(change.impact)},
              {"tests", tests},
              {"next_cursor", Next(next_cursor)}};
  if (plan) out["plan"] = PlanValue(change.impact.plan);
  return out;
}

json StatusValue(const Revision* last, const WorktreeChanges& changes) {
  json out = {{"revision", last == nullptr ? json(nullptr) : json(last->number)},
              {"stale", changes.stale()},
              {"modified", changes.modified_files},
              {"added", changes.added_files},
              {"removed", changes.removed_files}};
  if (last != nullptr) {
    out["time"] = core::FormatTimeMicros(last->info.time_micros);
    out["commit"] = last->info.commit;
  }
  return out;
}

json NodesValue(const std::vector<Node>& nodes) {
  json out = json::array();
  for (const Node& n : nodes) out.push_back(NodeValue(n));
  return {{"nodes", out}};
}

json StatsValue(const GraphStats& stats) {
  json nodes = json::object();
  for (const auto& [kind, n] : stats.nodes_by_kind) nodes[std::string(NodeKindName(kind))] = n;
  json edges = json::object();
  for (const auto& [kind, n] : stats.edges_by_kind) edges[std::string(EdgeKindName(kind))] = n;
  return {{"revision", stats.latest_revision},
          {"revisions", stats.revisions},
          {"nodes", nodes},
          {"edges", edges},
          {"node_versions", stats.node_versions},
          {"edge_versions", stats.edge_versions}};
}

json ShowValue(const Node& node, const std::string& source) {
  json out = NodeValue(node);
  out["doc"] = node.doc;
  out["source"] = source;
  out["attributes"] = node.attributes;
  return out;
}

json NoteValue(const RecalledNote& recalled) {
  const Node& n = recalled.note;
  json about = json::array();
  for (const NoteLink& link : recalled.about) {
    json value = NodeValue(link.node);
    value["state"] = NoteLinkStateName(link.state);
    value["changed_in"] = link.changed_in == 0 ? json(nullptr) : json(link.changed_in);
    about.push_back(std::move(value));
  }
  const auto author = n.attributes.find("author");
  return {{"id", FormatNodeId(n.id)},
          {"title", n.name},
          {"text", n.doc},
          {"author", author == n.attributes.end() ? std::string() : author->second},
          {"written_in", n.validity.from},
          {"stale", recalled.stale},
          {"score", recalled.score},
          {"about", std::move(about)}};
}

void AddFreshness(json& answer, const Freshness& fresh) {
  answer["stale"] = fresh.stale ? json(*fresh.stale) : json(nullptr);
}

json RecallValue(const std::vector<RecalledNote>& notes, RevisionNumber revision) {
  json list = json::array();
  for (const RecalledNote& note : notes) list.push_back(NoteValue(note));
  return {{"revision", revision}, {"notes", std::move(list)}};
}

json HistoryValue(const NodeHistory& history, bool plan) {
  json out = json::array();
  for (const NodeVersionChange& v : history.versions) {
    out.push_back({{"node", NodeValue(v.node)},
                   {"revision", v.revision.number},
                   {"commit", v.revision.info.commit},
                   {"author", v.revision.info.author},
                   {"time", core::FormatTimeMicros(v.revision.info.time_micros)},
                   {"message", v.revision.info.message},
                   {"changes", v.changes}});
  }
  json value = {{"versions", out}, {"partial", history.partial}};
  if (plan) value["plan"] = PlanValue(history.plan);
  return value;
}

json RevisionsValue(const std::vector<Revision>& revisions) {
  json out = json::array();
  for (const Revision& r : revisions) {
    const RevisionChanges& c = r.changes;
    out.push_back({{"number", r.number},
                   {"time", core::FormatTimeMicros(r.info.time_micros)},
                   {"source", RevisionSourceName(r.info.source)},
                   {"commit", r.info.commit},
                   {"author", r.info.author},
                   {"message", r.info.message},
                   {"changes",
                    {{"nodes_added", c.nodes_added},
                     {"nodes_changed", c.nodes_changed},
                     {"nodes_removed", c.nodes_removed},
                     {"edges_added", c.edges_added},
                     {"edges_changed", c.edges_changed},
                     {"edges_removed", c.edges_removed}}}});
  }
  return {{"revisions", out}};
}

json DiffValue(const GraphDiff& diff, bool plan) {
  const auto nodes = [](const std::vector<Node>& list) {
    json out = json::array();
    for (const Node& n : list) out.push_back(NodeValue(n));
    return out;
  };
  const auto changes = [](const std::vector<NodeChange>& list) {
    json out = json::array();
    for (const NodeChange& c : list) {
      out.push_back(
          {{"before", NodeValue(c.before)}, {"after", NodeValue(c.after)}, {"changes", c.changes}});
    }
    return out;
  };
  const auto edges = [](const std::vector<NamedEdge>& list) {
    json out = json::array();
    for (const NamedEdge& e : list) {
      json j = EdgeValue(e.edge);
      j["src_name"] = e.src;
      j["dst_name"] = e.dst;
      out.push_back(std::move(j));
    }
    return out;
  };
  const GraphDiff::Counts& c = diff.counts;
  json out = {{"from", diff.from},
              {"to", diff.to},
              {"partial", diff.partial},
              {"out_of_time", diff.out_of_time},
              {"counts",
               {{"added", c.added},
                {"removed", c.removed},
                {"changed", c.changed},
                {"moved", c.moved},
                {"edges_added", c.edges_added},
                {"edges_removed", c.edges_removed}}},
              {"added", nodes(diff.added)},
              {"removed", nodes(diff.removed)},
              {"changed", changes(diff.changed)},
              {"moved", changes(diff.moved)},
              {"edges_added", edges(diff.edges_added)},
              {"edges_removed", edges(diff.edges_removed)}};
  if (plan) out["plan"] = PlanValue(diff.plan);
  return out;
}

}  // namespace onyx::shapes
