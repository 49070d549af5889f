// Reads pinned to a snapshot: nodes, versions, adjacency, name and path lookups,
// revisions and stats.
#include "onyx/store/read_view.h"

#include "onyx/core/coding.h"
#include "onyx/store/edge_scan.h"
#include "onyx/store/keys.h"
#include "onyx/store/rocks.h"
#include "onyx/store/snapshot.h"
#include "onyx/store/values.h"

namespace onyx::store {

Result<RevisionNumber> LatestRevision(const RocksHandles& rocks, const rocksdb::Snapshot* snapshot,
                                      ProjectId project) {
  const std::string prefix = RevisionPrefix(project);
  std::string upper;
  rocksdb::Slice upper_slice;
  rocksdb::ReadOptions ro = PrefixReadOptions(snapshot, prefix, &upper, &upper_slice);
  ro.iterate_lower_bound = nullptr;
  std::unique_ptr<rocksdb::Iterator> it(rocks.db->NewIterator(ro, rocks.cf(Family::kMeta)));
  it->SeekToLast();  // bounded by iterate_upper_bound: the last key below the successor
  if (!it->Valid()) {
    ONYX_RETURN_IF_ERROR(FromRocks(it->status(), "store: finding latest revision"));
    return RevisionNumber{0};
  }
  const std::string_view key = ToView(it->key());
  if (key.substr(0, prefix.size()) != prefix) return RevisionNumber{0};
  ProjectId decoded = 0;
  return DecodeRevisionKey(key, &decoded);
}

namespace {

// Picks the closed version of one node valid at `rev` from a node_versions
// iterator (versions newest first). The open version lives in `nodes` and is
// the caller's to check first; a store written before schema 2 also keeps it
// here, open, and it is skipped (its `from` is after any `rev` that reaches
// this).
Result<std::optional<Node>> ClosedVersionAt(rocksdb::Iterator* it, ProjectId project, NodeId id,
                                            RevisionNumber rev) {
  // Keys are ~from: seeking to ~rev lands on the newest version with from <= rev.
  it->Seek(NodeVersionKey(project, id, rev));
  if (!it->Valid()) {
    ONYX_RETURN_IF_ERROR(FromRocks(it->status(), "node_versions: seek"));
    return std::optional<Node>();
  }
  ONYX_ASSIGN_OR_RETURN(const DecodedNodeVersionKey k, DecodeNodeVersionKey(ToView(it->key())));
  if (k.project != project || k.node != id) return std::optional<Node>();
  ONYX_ASSIGN_OR_RETURN(Node node, DecodeNodeVersion(ToView(it->value()), id, k.from));
  if (node.validity.IsOpen() || !node.validity.Contains(rev)) return std::optional<Node>();
  return std::optional<Node>(std::move(node));
}

// The open version when it is valid at `rev`.
std::optional<Node> OpenAt(std::optional<Node> current, RevisionNumber rev) {
  if (current && current->validity.from <= rev) return current;
  return std::nullopt;
}

// Every version of a project's nodes in node order, each node's newest first
// (its open version from `nodes`, then its closed ones), with `from` at most
// `max_from`.
Status ScanNodeVersions(const RocksHandles& rocks, const rocksdb::Snapshot* snapshot,
                        ProjectId project, RevisionNumber max_from,
                        const std::function<bool(Node&)>& fn) {
  const std::string prefix = ProjectPrefix(project);
  std::string upper;
  rocksdb::Slice upper_slice;
  const auto ro = PrefixReadOptions(snapshot, prefix, &upper, &upper_slice);
  std::unique_ptr<rocksdb::Iterator> open(rocks.db->NewIterator(ro, rocks.cf(Family::kNodes)));
  std::unique_ptr<rocksdb::Iterator> closed(
      rocks.db->NewIterator(ro, rocks.cf(Family::kNodeVersions)));
  open->Seek(prefix);
  closed->Seek(prefix);
  // The node each iterator is at, if any.
  const auto open_id = [&]() -> Result<std::optional<NodeId>> {
    if (!open->Valid()) return std::optional<NodeId>();
    ProjectId p = 0;
    ONYX_ASSIGN_OR_RETURN(const NodeId id, DecodeNodeKey(ToView(open->key()), &p));
    return std::optional<NodeId>(id);
  };
  const auto closed_id = [&]() -> Result<std::optional<NodeId>> {
    if (!closed->Valid()) return std::optional<NodeId>();
    ONYX_ASSIGN_OR_RETURN(const DecodedNodeVersionKey k,
                          DecodeNodeVersionKey(ToView(closed->key())));
    return std::optional<NodeId>(k.node);
  };
  for (;;) {
    ONYX_ASSIGN_OR_RETURN(const std::optional<NodeId> a, open_id());
    ONYX_ASSIGN_OR_RETURN(const std::optional<NodeId> b, closed_id());
    if (!a && !b) break;
    const NodeId id = a && (!b || *a <= *b) ? *a : *b;
    if (a && *a == id) {
      ONYX_ASSIGN_OR_RETURN(Node node, DecodeCurrentNode(ToView(open->value()), id));
      if (node.validity.from <= max_from && !fn(node)) return Status::Ok();
      open->Next();
    }
    for (; closed->Valid(); closed->Next()) {
      ONYX_ASSIGN_OR_RETURN(const DecodedNodeVersionKey k,
                            DecodeNodeVersionKey(ToView(closed->key())));
      if (k.node != id) break;
      if (k.from > max_from) continue;
      ONYX_ASSIGN_OR_RETURN(Node node, DecodeNodeVersion(ToView(closed->value()), id, k.from));
      if (node.validity.IsOpen()) continue;  // before schema 2: also in nodes
      if (!fn(node)) return Status::Ok();
    }
  }
  ONYX_RETURN_IF_ERROR(FromRocks(open->status(), "nodes: scan"));
  return FromRocks(closed->status(), "node versions: scan");
}

}  // namespace

Result<ReadView> ReadView::AsOf(RevisionNumber rev) const {
  if (rev > latest_) {
    return Status::InvalidArgument("revision " + std::to_string(rev) +
                                   " is after the latest revision " + std::to_string(latest_));
  }
  return ReadView(rocks_, snapshot_, project_, rev, latest_, max_blob_bytes_);
}

Result<Node> ReadView::GetNode(NodeId id) const {
  auto not_found = [&] {
    return Status::NotFound("node " + core::HexBytes(NodeKey(project_, id).substr(4)) +
                            " does not exist at revision " + std::to_string(revision_));
  };
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_->snapshot;
  if (IsCurrent()) {
    rocksdb::PinnableSlice value;  // decodes straight from the block cache
    const rocksdb::Status s =
        rocks_->db->Get(ro, rocks_->cf(Family::kNodes), NodeKey(project_, id), &value);
    if (s.IsNotFound()) return not_found();
    ONYX_RETURN_IF_ERROR(FromRocks(s, "nodes: get"));
    return DecodeCurrentNode(ToView(value), id);
  }
  // As of a past revision: the open version if it began by then, else the
  // closed one that holds the revision.
  ONYX_ASSIGN_OR_RETURN(std::vector<std::optional<Node>> found, GetNodes({id}));
  if (!found.front()) return not_found();
  return std::move(*found.front());
}

Result<std::vector<std::optional<Node>>> ReadView::GetNodes(const std::vector<NodeId>& ids) const {
  std::vector<std::optional<Node>> out(ids.size());
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_->snapshot;
  // The open versions first, in one MultiGet.
  std::vector<std::string> keys;
  keys.reserve(ids.size());
  for (const NodeId id : ids) keys.push_back(NodeKey(project_, id));
  std::vector<rocksdb::Slice> key_slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  rocks_->db->MultiGet(ro, rocks_->cf(Family::kNodes), keys.size(), key_slices.data(),
                       values.data(), statuses.data());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    ONYX_RETURN_IF_ERROR(FromRocks(statuses[i], "nodes: multiget"));
    ONYX_ASSIGN_OR_RETURN(Node current, DecodeCurrentNode(ToView(values[i]), ids[i]));
    out[i] = OpenAt(std::move(current), revision_);
  }
  if (IsCurrent()) return out;
  // As of a past revision, the others from their closed versions: one
  // iterator, each seek inside one node's prefix (a total-order iterator would
  // sort a copy of the unflushed keys first).
  ro.prefix_same_as_start = true;
  std::unique_ptr<rocksdb::Iterator> it(
      rocks_->db->NewIterator(ro, rocks_->cf(Family::kNodeVersions)));
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (out[i]) continue;
    ONYX_ASSIGN_OR_RETURN(out[i], ClosedVersionAt(it.get(), project_, ids[i], revision_));
  }
  return out;
}

Result<std::vector<Node>> ReadView::NodeHistory(NodeId id) const {
  std::vector<Node> out;
  std::string upper;
  rocksdb::Slice upper_slice;
  const std::string prefix = NodePrefix(project_, id);
  auto ro = PrefixReadOptions(snapshot_->snapshot, prefix, &upper, &upper_slice);
  ro.prefix_same_as_start = true;
  // The open version (in nodes), then the closed ones, newest first.
  rocksdb::PinnableSlice value;
  const rocksdb::Status s =
      rocks_->db->Get(ro, rocks_->cf(Family::kNodes), NodeKey(project_, id), &value);
  if (!s.IsNotFound()) {
    ONYX_RETURN_IF_ERROR(FromRocks(s, "nodes: get"));
    ONYX_ASSIGN_OR_RETURN(Node current, DecodeCurrentNode(ToView(value), id));
    out.push_back(std::move(current));
  }
  std::unique_ptr<rocksdb::Iterator> it(
      rocks_->db->NewIterator(ro, rocks_->cf(Family::kNodeVersions)));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    ONYX_ASSIGN_OR_RETURN(const DecodedNodeVersionKey k, DecodeNodeVersionKey(ToView(it->key())));
    ONYX_ASSIGN_OR_RETURN(Node node, DecodeNodeVersion(ToView(it->value()), id, k.from));
    if (node.validity.IsOpen()) continue;  // before schema 2: also in nodes
    out.push_back(std::move(node));
  }
  ONYX_RETURN_IF_ERROR(FromRocks(it->status(), "node_versions: history"));
  return out;
}

namespace {

// Reads one node's edge list from an edges_out or edges_in iterator positioned
// anywhere. Versions of one identity are adjacent and newest first; the one valid at
// `rev` (if any) is the first with from <= rev, so the older versions of an identity
// already decided are skipped.
Status ScanAdjacency(rocksdb::Iterator* it, ProjectId project, NodeId id,
                     std::optional<EdgeKind> kind, bool out, RevisionNumber rev, std::size_t limit,
                     std::vector<Edge>* edges) {
  const std::string prefix = kind ? EdgeKindPrefix(project, id, *kind) : NodePrefix(project, id);
  bool decided = false;
  EdgeKind decided_kind = EdgeKind::kContains;
  NodeId decided_far = 0;
  for (it->Seek(prefix); it->Valid() && edges->size() < limit; it->Next()) {
    const std::string_view key = ToView(it->key());
    if (key.substr(0, prefix.size()) != prefix) break;
    ONYX_ASSIGN_OR_RETURN(const DecodedEdgeKey k, DecodeEdgeKey(key));
    if (decided && k.kind == decided_kind && k.far == decided_far) continue;
    if (k.from > rev) continue;
    decided = true;
    decided_kind = k.kind;
    decided_far = k.far;
    ONYX_ASSIGN_OR_RETURN(Edge edge, DecodeEdgeEntry(k, ToView(it->value()), !out));
    if (edge.validity.Contains(rev)) edges->push_back(std::move(edge));
  }
  return FromRocks(it->status(), out ? "edges_out: scan" : "edges_in: scan");
}

std::unique_ptr<rocksdb::Iterator> NewAdjacencyIterator(const RocksHandles& rocks,
                                                        const rocksdb::Snapshot* snapshot,
                                                        bool out) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  ro.prefix_same_as_start = true;  // every seek stays inside one node's (P, N) prefix
  return std::unique_ptr<rocksdb::Iterator>(
      rocks.db->NewIterator(ro, rocks.cf(out ? Family::kEdgesOut : Family::kEdgesIn)));
}

}  // namespace

Result<std::vector<Edge>> ReadView::Adjacent(NodeId id, std::optional<EdgeKind> kind, bool out,
                                             std::size_t limit) const {
  std::vector<Edge> edges;
  auto it = NewAdjacencyIterator(*rocks_, snapshot_->snapshot, out);
  ONYX_RETURN_IF_ERROR(ScanAdjacency(it.get(), project_, id, kind, out, revision_, limit, &edges));
  return edges;
}

AdjacencyReader::AdjacencyReader(const ReadView& view) : view_(view) {}
AdjacencyReader::~AdjacencyReader() = default;

Result<std::vector<Edge>> AdjacencyReader::Read(NodeId id, std::optional<EdgeKind> kind, bool out,
                                                std::size_t limit) {
  auto& it = out ? out_ : in_;
  if (!it) it = NewAdjacencyIterator(*view_.rocks_, view_.snapshot_->snapshot, out);
  std::vector<Edge> edges;
  ONYX_RETURN_IF_ERROR(
      ScanAdjacency(it.get(), view_.project_, id, kind, out, view_.revision_, limit, &edges));
  return edges;
}

Result<std::vector<Edge>> ReadView::OutEdges(NodeId id, std::optional<EdgeKind> kind,
                                             std::size_t limit) const {
  return Adjacent(id, kind, /*out=*/true, limit);
}

Result<std::vector<Edge>> ReadView::InEdges(NodeId id, std::optional<EdgeKind> kind,
                                            std::size_t limit) const {
  return Adjacent(id, kind, /*out=*/false, limit);
}

Result<std::vector<Edge>> ReadView::EdgeHistory(const EdgeRef& ref) const {
  std::vector<Edge> edges;
  ONYX_RETURN_IF_ERROR(ScanEdgeVersions(*rocks_, snapshot_->snapshot, /*out=*/true,
                                        EdgeIdentityPrefix(project_, ref.src, ref.kind, ref.dst),
                                        latest_, [&](const Edge& edge, std::string_view) {
                                          edges.push_back(edge);
                                          return true;
                                        }));
  return edges;
}

Result<std::vector<Node>> ReadView::TextIndexLookup(int family_index, std::string_view text,
                                                    bool prefix, bool lower,
                                                    std::size_t limit) const {
  std::vector<Node> out;
  if (text.find('\0') != std::string_view::npos) return out;
  const std::string needle = lower ? LowerAscii(text) : std::string(text);
  const std::string seek = TextIndexPrefix(project_, needle, /*exact=*/!prefix);
  std::string upper;
  rocksdb::Slice upper_slice;
  auto ro = PrefixReadOptions(snapshot_->snapshot, seek, &upper, &upper_slice);
  const auto family = static_cast<Family>(family_index);
  std::unique_ptr<rocksdb::Iterator> it(rocks_->db->NewIterator(ro, rocks_->cf(family)));
  for (it->Seek(seek); it->Valid() && out.size() < limit; it->Next()) {
    ONYX_ASSIGN_OR_RETURN(const DecodedTextIndexKey k, DecodeTextIndexKey(ToView(it->key())));
    // The index keeps every node that ever had the text; validity decides.
    auto node = GetNode(k.node);
    if (node.status().IsNotFound()) continue;
    ONYX_RETURN_IF_ERROR(node.status());
    const std::string indexed = lower ? LowerAscii(node->name) : node->path;
    if (indexed != k.text) continue;  // renamed since; its newer key is elsewhere
    out.push_back(std::move(node).value());
  }
  ONYX_RETURN_IF_ERROR(FromRocks(it->status(), "names/paths: scan"));
  return out;
}

Result<std::vector<Node>> ReadView::FindByName(std::string_view name, bool prefix,
                                               std::size_t limit) const {
  return TextIndexLookup(static_cast<int>(Family::kNames), name, prefix, /*lower=*/true, limit);
}

Result<std::vector<Node>> ReadView::FindByPath(std::string_view path, std::size_t limit) const {
  return TextIndexLookup(static_cast<int>(Family::kPaths), path, /*prefix=*/false,
                         /*lower=*/false, limit);
}

Status ReadView::ForEachNode(const std::function<bool(Node&)>& fn) const {
  if (!IsCurrent()) {
    // The version of each node valid at the revision, if any.
    return ScanNodeVersions(*rocks_, snapshot_->snapshot, project_, revision_, [&](Node& node) {
      return !node.validity.Contains(revision_) || fn(node);
    });
  }
  const std::string prefix = ProjectPrefix(project_);
  std::string upper;
  rocksdb::Slice upper_slice;
  auto ro = PrefixReadOptions(snapshot_->snapshot, prefix, &upper, &upper_slice);
  std::unique_ptr<rocksdb::Iterator> it(rocks_->db->NewIterator(ro, rocks_->cf(Family::kNodes)));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    ProjectId p = 0;
    ONYX_ASSIGN_OR_RETURN(const NodeId id, DecodeNodeKey(ToView(it->key()), &p));
    ONYX_ASSIGN_OR_RETURN(Node node, DecodeCurrentNode(ToView(it->value()), id));
    if (!fn(node)) break;
  }
  return FromRocks(it->status(), "nodes: scan");
}

Status ReadView::ForEachNodeVersion(const std::function<bool(Node&)>& fn) const {
  return ScanNodeVersions(*rocks_, snapshot_->snapshot, project_, revision_, fn);
}

Status ReadView::ForEachEdge(const std::function<bool(const Edge&)>& fn) const {
  return ScanEdgeVersions(*rocks_, snapshot_->snapshot, /*out=*/true, ProjectPrefix(project_),
                          revision_, [&](const Edge& edge, std::string_view) {
                            return !edge.validity.Contains(revision_) || fn(edge);
                          });
}

Status ReadView::ForEachEdgeVersion(const std::function<bool(const Edge&)>& fn) const {
  return ScanEdgeVersions(*rocks_, snapshot_->snapshot, /*out=*/true, ProjectPrefix(project_),
                          revision_, [&](const Edge& edge, std::string_view) { return fn(edge); });
}

Result<Revision> ReadView::GetRevision(RevisionNumber rev) const {
  if (rev == 0 || rev > latest_) {
    return Status::NotFound("revision " + std::to_string(rev) + " does not exist (latest is " +
                            std::to_string(latest_) + ")");
  }
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_->snapshot;
  std::string value;
  const rocksdb::Status s =
      rocks_->db->Get(ro, rocks_->cf(Family::kMeta), RevisionKey(project_, rev), &value);
  if (s.IsNotFound())
    return Status::NotFound("revision " + std::to_string(rev) + " does not exist");
  ONYX_RETURN_IF_ERROR(FromRocks(s, "meta: revision"));
  return DecodeRevision(value, rev);
}

Result<std::vector<Revision>> ReadView::Revisions(RevisionNumber after, std::size_t limit) const {
  std::vector<Revision> out;
  const std::string prefix = RevisionPrefix(project_);
  std::string upper;
  rocksdb::Slice upper_slice;
  auto ro = PrefixReadOptions(snapshot_->snapshot, prefix, &upper, &upper_slice);
  std::unique_ptr<rocksdb::Iterator> it(rocks_->db->NewIterator(ro, rocks_->cf(Family::kMeta)));
  for (it->Seek(RevisionKey(project_, after + 1)); it->Valid() && out.size() < limit; it->Next()) {
    ProjectId p = 0;
    ONYX_ASSIGN_OR_RETURN(const RevisionNumber rev, DecodeRevisionKey(ToView(it->key()), &p));
    if (rev > latest_) break;
    ONYX_ASSIGN_OR_RETURN(Revision r, DecodeRevision(ToView(it->value()), rev));
    out.push_back(std::move(r));
  }
  ONYX_RETURN_IF_ERROR(FromRocks(it->status(), "meta: revisions"));
  return out;
}

Result<GraphStats> ReadView::Stats() const {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_->snapshot;
  std::string value;
  const rocksdb::Status s = rocks_->db->Get(ro, rocks_->cf(Family::kMeta),
                                            ProjectKey(MetaTag::kProjectStats, project_), &value);
  ONYX_RETURN_IF_ERROR(FromRocks(s, "meta: project stats"));
  return DecodeGraphStats(value);
}

Result<std::string> ReadView::GetBlob(const ContentHash& hash) const {
  return ReadBlob(hash, /*verify_hash=*/true);
}

Result<std::string> ReadView::GetDerivedBlob(const ContentHash& key) const {
  return ReadBlob(key, /*verify_hash=*/false);
}

Result<std::string> ReadView::ReadBlob(const ContentHash& hash, bool verify_hash) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_->snapshot;
  std::string value;
  const rocksdb::Status s = rocks_->db->Get(ro, rocks_->cf(Family::kBlobs), BlobKey(hash), &value);
  if (s.IsNotFound()) return Status::NotFound("blob " + hash.ToHex() + " does not exist");
  ONYX_RETURN_IF_ERROR(FromRocks(s, "blobs: get"));
  return DecodeBlob(value, hash, max_blob_bytes_, verify_hash);
}

}  // namespace onyx::store
