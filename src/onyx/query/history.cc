// Node histories.
#include "onyx/query/history.h"

#include <algorithm>
#include <optional>
#include <string>

#include "onyx/query/plan.h"

namespace onyx::query {
namespace {

constexpr int kMaxRenames = 16;

}  // namespace

std::vector<std::string> ChangesBetween(const Node& before, const Node& after) {
  std::vector<std::string> changes;
  if (before.id != after.id) changes.push_back("renamed");
  if (before.signature != after.signature) changes.push_back("signature");
  if (before.content_hash != after.content_hash) changes.push_back("body");
  if (before.doc != after.doc) changes.push_back("doc");
  if (before.path != after.path || before.span.start_line != after.span.start_line ||
      before.span.end_line != after.span.end_line) {
    changes.push_back("location");
  }
  return changes;
}

Result<NodeHistory> History(const store::ReadView& view, NodeId id, const TimeLimit& time) {
  const Deadline deadline(time);
  NodeHistory history;
  PlanTimer timer(&history.plan);
  history.plan.source = "store";
  // The lineage, newest node first: each node's oldest version may name the
  // node it continues.
  std::vector<std::vector<Node>> chain;
  std::uint64_t versions_read = 0;
  NodeId at = id;
  for (int hop = 0; hop <= kMaxRenames; ++hop) {
    if (hop > 0 && deadline.Expired()) {
      history.partial = true;  // the older names are not read
      break;
    }
    ONYX_ASSIGN_OR_RETURN(std::vector<Node> versions, view.NodeHistory(at));
    versions_read += versions.size();
    // Only what the view's revision had seen.
    versions.erase(std::remove_if(versions.begin(), versions.end(),
                                  [&](const Node& n) { return n.validity.from > view.revision(); }),
                   versions.end());
    if (versions.empty()) break;
    std::reverse(versions.begin(), versions.end());  // oldest first
    const auto previous = versions.front().attributes.find("previous_id");
    chain.push_back(std::move(versions));
    if (previous == chain.back().front().attributes.end()) break;
    // (Attributes can come from an import: a malformed id ends the lineage.)
    const auto parsed = ParseNodeId(previous->second);
    if (!parsed) break;
    at = *parsed;
  }
  if (chain.empty()) {
    return Status::NotFound("history: node " + std::to_string(id) + " never existed");
  }
  timer.Step("read lineage");
  std::optional<Node> before;  // the previous version (a copy: versions grows)
  for (auto node = chain.rbegin(); node != chain.rend(); ++node) {
    for (Node& version : *node) {
      NodeVersionChange change;
      if (!before) {
        // The oldest version read: "added", unless older names were not read.
        if (!history.partial) change.changes.push_back("added");
      } else {
        change.changes = ChangesBetween(*before, version);
        // A gap between versions means the node was gone for a while.
        if (before->validity.to != version.validity.from) {
          change.changes.insert(change.changes.begin(), "added");
        }
      }
      change.revision.number = version.validity.from;
      before = version;
      change.node = std::move(version);
      history.versions.push_back(std::move(change));
    }
  }
  const Node& last = history.versions.back().node;
  if (!last.validity.IsOpen() && last.validity.to <= view.revision()) {
    // Removed (a rename ends the old node too, but then the chain goes on and
    // the last version here is the newest node's).
    NodeVersionChange removed;
    removed.node = last;
    removed.changes = {"removed"};
    removed.revision.number = last.validity.to;
    history.versions.push_back(std::move(removed));
  }
  timer.Step("compare versions");
  // The revisions that made them, newest first: when the time runs out, the
  // oldest versions are the ones left out.
  std::size_t kept = history.versions.size();
  for (; kept > 0; --kept) {
    NodeVersionChange& change = history.versions[kept - 1];
    if (kept < history.versions.size() && deadline.Expired()) {
      history.partial = true;
      break;
    }
    ONYX_ASSIGN_OR_RETURN(change.revision, view.GetRevision(change.revision.number));
  }
  history.versions.erase(history.versions.begin(),
                         history.versions.begin() + static_cast<std::ptrdiff_t>(kept));
  timer.Step("read revisions");
  history.plan.counts = {{"names", chain.size()},
                         {"versions_read", versions_read},
                         {"revisions_read", history.versions.size()}};
  return history;
}

}  // namespace onyx::query
