// An in-memory reference model of the temporal store: the executable spec that the
// property tests compare the RocksDB store against. Deliberately naive: it keeps
// every version in vectors and answers by linear scans.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <variant>
#include <vector>

#include "onyx/types.h"

namespace onyx::testing {

struct UpsertNodeOp {
  Node node;
};
struct RemoveNodeOp {
  NodeId id;
};
struct UpsertEdgeOp {
  Edge edge;
};
struct RemoveEdgeOp {
  EdgeRef ref;
};
using StoreOp = std::variant<UpsertNodeOp, RemoveNodeOp, UpsertEdgeOp, RemoveEdgeOp>;

class TemporalModel {
 public:
  enum class Outcome { kCommitted, kEmpty, kRejected };

  /// Applies one revision's operations as RevisionWriter documents: last op per key
  /// wins; unchanged content writes nothing; removing a node closes its edges; an
  /// upserted edge whose endpoint is not open afterwards rejects the revision.
  Outcome Apply(const std::vector<StoreOp>& ops) {
    const RevisionNumber rev = latest_ + 1;
    std::map<NodeId, std::optional<Node>> nodes;
    std::map<EdgeRef, std::optional<Edge>> edges;
    for (const StoreOp& op : ops) {
      if (auto* u = std::get_if<UpsertNodeOp>(&op)) nodes[u->node.id] = u->node;
      if (auto* r = std::get_if<RemoveNodeOp>(&op)) nodes[r->id] = std::nullopt;
      if (auto* u = std::get_if<UpsertEdgeOp>(&op)) {
        edges[{u->edge.src, u->edge.kind, u->edge.dst}] = u->edge;
      }
      if (auto* r = std::get_if<RemoveEdgeOp>(&op)) edges[r->ref] = std::nullopt;
    }
    auto node_versions = node_versions_;
    auto edge_versions = edge_versions_;
    bool changed = false;
    for (const auto& [id, op] : nodes) {
      Node* open = OpenVersion(node_versions[id]);
      if (op) {
        if (open && open->SameContent(*op)) continue;
        if (open) open->validity.to = rev;
        Node added = *op;
        added.validity = {rev, kOpenRevision};
        node_versions[id].push_back(added);
        changed = true;
      } else if (open) {
        open->validity.to = rev;
        changed = true;
        for (auto& [ref, versions] : edge_versions) {
          if ((ref.src == id || ref.dst == id) && OpenVersion(versions) != nullptr) {
            edges.try_emplace(ref, std::nullopt);
          }
        }
      }
    }
    for (const auto& [ref, op] : edges) {
      Edge* open = OpenVersion(edge_versions[ref]);
      if (op) {
        if (OpenVersion(node_versions[ref.src]) == nullptr ||
            OpenVersion(node_versions[ref.dst]) == nullptr) {
          return Outcome::kRejected;
        }
        if (open && open->SameContent(*op)) continue;
        if (open) open->validity.to = rev;
        Edge added = *op;
        added.validity = {rev, kOpenRevision};
        edge_versions[ref].push_back(added);
        changed = true;
      } else if (open) {
        open->validity.to = rev;
        changed = true;
      }
    }
    if (!changed) return Outcome::kEmpty;
    node_versions_ = std::move(node_versions);
    edge_versions_ = std::move(edge_versions);
    latest_ = rev;
    return Outcome::kCommitted;
  }

  RevisionNumber latest() const { return latest_; }

  std::optional<Node> NodeAt(NodeId id, RevisionNumber rev) const {
    auto it = node_versions_.find(id);
    if (it == node_versions_.end()) return std::nullopt;
    for (const Node& n : it->second) {
      if (n.validity.Contains(rev)) return n;
    }
    return std::nullopt;
  }

  std::map<NodeId, Node> NodesAt(RevisionNumber rev) const {
    std::map<NodeId, Node> out;
    for (const auto& [id, versions] : node_versions_) {
      for (const Node& n : versions) {
        if (n.validity.Contains(rev)) out.emplace(id, n);
      }
    }
    return out;
  }

  std::map<EdgeRef, Edge> EdgesAt(RevisionNumber rev) const {
    std::map<EdgeRef, Edge> out;
    for (const auto& [ref, versions] : edge_versions_) {
      for (const Edge& e : versions) {
        if (e.validity.Contains(rev)) out.emplace(ref, e);
      }
    }
    return out;
  }

  /// Newest first, like ReadView::NodeHistory.
  std::vector<Node> History(NodeId id) const {
    auto it = node_versions_.find(id);
    if (it == node_versions_.end()) return {};
    return {it->second.rbegin(), it->second.rend()};
  }

  GraphStats Stats() const {
    GraphStats s;
    s.latest_revision = latest_;
    s.revisions = latest_;
    for (const auto& [id, n] : NodesAt(latest_)) ++s.nodes_by_kind[n.kind];
    for (const auto& [ref, e] : EdgesAt(latest_)) ++s.edges_by_kind[ref.kind];
    for (const auto& [id, versions] : node_versions_) s.node_versions += versions.size();
    for (const auto& [ref, versions] : edge_versions_) s.edge_versions += versions.size();
    return s;
  }

 private:
  template <typename T>
  static T* OpenVersion(std::vector<T>& versions) {
    for (T& v : versions) {
      if (v.validity.IsOpen()) return &v;
    }
    return nullptr;
  }
  template <typename T>
  static const T* OpenVersion(const std::vector<T>& versions) {
    for (const T& v : versions) {
      if (v.validity.IsOpen()) return &v;
    }
    return nullptr;
  }

  RevisionNumber latest_ = 0;
  std::map<NodeId, std::vector<Node>> node_versions_;
  std::map<EdgeRef, std::vector<Edge>> edge_versions_;
};

}  // namespace onyx::testing
