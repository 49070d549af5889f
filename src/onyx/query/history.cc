// Node histories.
#include "onyx/query/history.h"

#include <algorithm>
#include <optional>
#include <string>

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

Result<NodeHistory> History(const store::ReadView& view, NodeId id) {
  // The lineage, newest node first: each node's oldest version may name the
  // node it continues.
  std::vector<std::vector<Node>> chain;
  NodeId at = id;
  for (int hop = 0; hop <= kMaxRenames; ++hop) {
    ONYX_ASSIGN_OR_RETURN(std::vector<Node> versions, view.NodeHistory(at));
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
  NodeHistory history;
  std::optional<Node> before;  // the previous version (a copy: versions grows)
  for (auto node = chain.rbegin(); node != chain.rend(); ++node) {
    for (Node& version : *node) {
      NodeVersionChange change;
      if (!before) {
        change.changes.push_back("added");
      } else {
        change.changes = ChangesBetween(*before, version);
        // A gap between versions means the node was gone for a while.
        if (before->validity.to != version.validity.from) {
          change.changes.insert(change.changes.begin(), "added");
        }
      }
      ONYX_ASSIGN_OR_RETURN(change.revision, view.GetRevision(version.validity.from));
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
    ONYX_ASSIGN_OR_RETURN(removed.revision, view.GetRevision(last.validity.to));
    history.versions.push_back(std::move(removed));
  }
  return history;
}

}  // namespace onyx::query
