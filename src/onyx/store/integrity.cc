// Store::VerifyIntegrity: checks the store's invariants from raw keys, for tests,
// the crash torture and `onyx check`.
#include <map>
#include <set>

#include "onyx/core/coding.h"
#include "onyx/store/edge_scan.h"
#include "onyx/store/keys.h"
#include "onyx/store/rocks.h"
#include "onyx/store/store.h"
#include "onyx/store/values.h"

namespace onyx::store {
namespace {

struct RawEdge {
  std::string value;
  bool open = false;
};

// Reads every edge version of `project` from one edges family, keyed by the
// edges_out orientation (src, kind, dst, from).
Status ReadEdges(const RocksHandles& rocks, const rocksdb::Snapshot* snapshot, ProjectId project,
                 bool out,
                 std::map<std::tuple<NodeId, EdgeKind, NodeId, RevisionNumber>, RawEdge>* edges) {
  return ScanEdgeVersions(rocks, snapshot, out, ProjectPrefix(project), kOpenRevision,
                          [&](const Edge& edge, std::string_view value) {
                            const auto key =
                                std::make_tuple(edge.src, edge.kind, edge.dst, edge.validity.from);
                            (*edges)[key] = RawEdge{std::string(value), edge.validity.IsOpen()};
                            return true;
                          });
}

}  // namespace

Status Store::VerifyIntegrity(ProjectId project) const {
  const RocksHandles& rocks = *rocks_;
  const rocksdb::Snapshot* snapshot = rocks.db->GetSnapshot();
  struct Release {
    const RocksHandles& rocks;
    const rocksdb::Snapshot* snapshot;
    ~Release() { rocks.db->ReleaseSnapshot(snapshot); }
  } release{rocks, snapshot};
  const std::string prefix = ProjectPrefix(project);

  // node_versions holds closed versions; a store of schema 1 also holds each
  // open one there, which must then be the one in nodes.
  std::map<NodeId, std::string> open_versions;  // id → encoded version
  std::map<NodeId, RevisionNumber> open_from;
  std::map<NodeId, RevisionNumber> closed_until;  // the latest `to` of each node
  std::set<NodeId> open_nodes;
  {
    std::string upper;
    rocksdb::Slice upper_slice;
    auto ro = PrefixReadOptions(snapshot, prefix, &upper, &upper_slice);
    std::unique_ptr<rocksdb::Iterator> it(
        rocks.db->NewIterator(ro, rocks.cf(Family::kNodeVersions)));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      ONYX_ASSIGN_OR_RETURN(const DecodedNodeVersionKey k, DecodeNodeVersionKey(ToView(it->key())));
      ONYX_ASSIGN_OR_RETURN(const Node node,
                            DecodeNodeVersion(ToView(it->value()), k.node, k.from));
      if (!node.validity.IsOpen()) {
        RevisionNumber& until = closed_until[k.node];
        until = std::max(until, node.validity.to);
        continue;
      }
      if (!open_versions.emplace(k.node, std::string(ToView(it->value()))).second) {
        return Status::Corruption("integrity: node " + std::to_string(k.node) +
                                  " has more than one open version");
      }
      open_from[k.node] = k.from;
    }
    ONYX_RETURN_IF_ERROR(FromRocks(it->status(), "integrity: node_versions scan"));
  }
  // nodes holds the open versions, each begun after the node's closed ones.
  {
    std::string upper;
    rocksdb::Slice upper_slice;
    auto ro = PrefixReadOptions(snapshot, prefix, &upper, &upper_slice);
    std::unique_ptr<rocksdb::Iterator> it(rocks.db->NewIterator(ro, rocks.cf(Family::kNodes)));
    std::size_t copies = 0;
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      ProjectId p = 0;
      ONYX_ASSIGN_OR_RETURN(const NodeId id, DecodeNodeKey(ToView(it->key()), &p));
      ONYX_ASSIGN_OR_RETURN(const Node current, DecodeCurrentNode(ToView(it->value()), id));
      open_nodes.insert(id);
      auto until = closed_until.find(id);
      if (until != closed_until.end() && until->second > current.validity.from) {
        return Status::Corruption("integrity: node " + std::to_string(id) +
                                  " has a closed version overlapping its open one");
      }
      auto found = open_versions.find(id);
      if (found == open_versions.end()) continue;
      if (open_from[id] != current.validity.from ||
          EncodeNodeVersion(current, current.validity) != found->second) {
        return Status::Corruption("integrity: nodes entry for " + std::to_string(id) +
                                  " does not match its open version");
      }
      ++copies;
    }
    ONYX_RETURN_IF_ERROR(FromRocks(it->status(), "integrity: nodes scan"));
    if (copies != open_versions.size()) {
      return Status::Corruption("integrity: " + std::to_string(open_versions.size() - copies) +
                                " open node versions are missing from nodes");
    }
  }
  // edges_in mirrors edges_out; one open version per identity; open edges join
  // open nodes.
  std::map<std::tuple<NodeId, EdgeKind, NodeId, RevisionNumber>, RawEdge> out_edges;
  std::map<std::tuple<NodeId, EdgeKind, NodeId, RevisionNumber>, RawEdge> in_edges;
  ONYX_RETURN_IF_ERROR(ReadEdges(rocks, snapshot, project, true, &out_edges));
  ONYX_RETURN_IF_ERROR(ReadEdges(rocks, snapshot, project, false, &in_edges));
  if (out_edges.size() != in_edges.size()) {
    return Status::Corruption("integrity: edges_out has " + std::to_string(out_edges.size()) +
                              " versions, edges_in " + std::to_string(in_edges.size()));
  }
  std::set<std::tuple<NodeId, EdgeKind, NodeId>> open_identities;
  for (const auto& [key, raw] : out_edges) {
    auto mirror = in_edges.find(key);
    if (mirror == in_edges.end() || mirror->second.value != raw.value) {
      return Status::Corruption("integrity: edges_in does not mirror edge " +
                                std::to_string(std::get<0>(key)) + " -> " +
                                std::to_string(std::get<2>(key)));
    }
    if (!raw.open) continue;
    const auto& [src, kind, dst, from] = key;
    if (!open_identities.emplace(src, kind, dst).second) {
      return Status::Corruption("integrity: edge " + std::to_string(src) + " -> " +
                                std::to_string(dst) + " has more than one open version");
    }
    if (open_nodes.count(src) == 0 || open_nodes.count(dst) == 0) {
      return Status::Corruption("integrity: open edge " + std::to_string(src) + " -> " +
                                std::to_string(dst) + " has an endpoint that is not open");
    }
  }
  return Status::Ok();
}

}  // namespace onyx::store
