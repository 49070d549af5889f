// Staging and committing one revision.
#include "onyx/store/revision_writer.h"

#include <algorithm>
#include <cmath>
#include <thread>
#include <utility>
#include <vector>

#include "onyx/core/clock.h"
#include "onyx/core/coding.h"
#include "onyx/store/edge_scan.h"
#include "onyx/store/keys.h"
#include "onyx/store/rocks.h"
#include "onyx/store/store.h"
#include "onyx/store/values.h"

namespace onyx::store {

struct RevisionWriter::Batch {
  rocksdb::WriteBatch wb;
  RevisionChanges changes;
  GraphStats stats;
  // Whether each node touched so far was open before this revision and is open
  // after it. An edge can only be open if both its endpoints were open before, so
  // edges of new nodes need no lookup.
  struct NodeState {
    bool open_before = false;
    bool open_after = false;
  };
  std::map<NodeId, NodeState> node_states;
};

namespace {

Status CheckAttributes(const std::map<std::string, std::string>& attrs, std::string_view what) {
  if (attrs.size() > StoreLimits::kMaxAttributes) {
    return Status::InvalidArgument(std::string(what) + ": " + std::to_string(attrs.size()) +
                                   " attributes exceed the limit of " +
                                   std::to_string(StoreLimits::kMaxAttributes));
  }
  for (const auto& [k, v] : attrs) {
    if (k.empty() || k.size() + v.size() > StoreLimits::kMaxAttributeBytes) {
      return Status::InvalidArgument(std::string(what) + ": attribute '" + k.substr(0, 64) +
                                     "' is empty or too large");
    }
  }
  return Status::Ok();
}

Status CheckField(std::string_view field, std::string_view value, std::size_t max,
                  std::string_view what) {
  if (value.size() > max) {
    return Status::InvalidArgument(std::string(what) + ": " + std::string(field) + " is " +
                                   std::to_string(value.size()) + " bytes, over the limit of " +
                                   std::to_string(max));
  }
  return Status::Ok();
}

std::string NodeLabel(NodeId id) {
  std::string raw;
  core::PutBigEndian64(&raw, id);
  return core::HexBytes(raw);
}

std::string EdgeLabel(const EdgeRef& ref) {
  return "edge " + NodeLabel(ref.src) + " -" + std::string(EdgeKindName(ref.kind)) + "-> " +
         NodeLabel(ref.dst);
}

void Decrement(std::uint64_t& counter) {
  if (counter > 0) --counter;
}

template <typename K>
void DecrementKind(std::map<K, std::uint64_t>& counts, K kind) {
  auto it = counts.find(kind);
  if (it == counts.end()) return;
  Decrement(it->second);
  if (it->second == 0) counts.erase(it);
}

}  // namespace

RevisionWriter::RevisionWriter(Store* store, ProjectId project, RevisionNumber number,
                               RevisionNumber parent, RevisionInfo info)
    : store_(store), project_(project), number_(number), parent_(parent), info_(std::move(info)) {}

RevisionWriter::~RevisionWriter() {
  if (!spent_) store_->ReleaseWriter(project_);
}

Status RevisionWriter::CheckOpen() const {
  if (spent_) return Status::FailedPrecondition("revision writer was already committed");
  if (staged_operations() >= StoreLimits::kMaxOpsPerRevision) {
    return Status::ResourceExhausted("revision " + std::to_string(number_) + ": more than " +
                                     std::to_string(StoreLimits::kMaxOpsPerRevision) +
                                     " staged operations");
  }
  return Status::Ok();
}

Status RevisionWriter::UpsertNode(Node node) {
  ONYX_RETURN_IF_ERROR(CheckOpen());
  const std::string what = "node '" + node.qualified_name.substr(0, 200) + "'";
  if (!IsValidNodeKind(static_cast<std::uint8_t>(node.kind))) {
    return Status::InvalidArgument(what + ": kind is not defined");
  }
  ONYX_RETURN_IF_ERROR(CheckField("name", node.name, StoreLimits::kMaxNameBytes, what));
  ONYX_RETURN_IF_ERROR(
      CheckField("qualified name", node.qualified_name, StoreLimits::kMaxNameBytes, what));
  ONYX_RETURN_IF_ERROR(CheckField("language", node.language, 64, what));
  ONYX_RETURN_IF_ERROR(CheckField("path", node.path, StoreLimits::kMaxPathBytes, what));
  ONYX_RETURN_IF_ERROR(
      CheckField("signature", node.signature, StoreLimits::kMaxSignatureBytes, what));
  ONYX_RETURN_IF_ERROR(CheckField("doc", node.doc, StoreLimits::kMaxDocBytes, what));
  ONYX_RETURN_IF_ERROR(CheckAttributes(node.attributes, what));
  if (node.name.find('\0') != std::string::npos || node.path.find('\0') != std::string::npos) {
    return Status::InvalidArgument(what + ": name and path must not contain NUL");
  }
  const NodeId expected = MakeNodeId(node.language, node.path, node.qualified_name, node.kind);
  if (node.id != expected) {
    return Status::InvalidArgument(
        what + ": id " + NodeLabel(node.id) + " does not match its symbol '" +
        NodeSymbol(node.language, node.path, node.qualified_name, node.kind).substr(0, 300) +
        "' (expected " + NodeLabel(expected) + ")");
  }
  node.validity = Validity{};
  const NodeId id = node.id;
  nodes_[id] = std::move(node);
  return Status::Ok();
}

Status RevisionWriter::RemoveNode(NodeId id) {
  ONYX_RETURN_IF_ERROR(CheckOpen());
  nodes_[id] = std::nullopt;
  return Status::Ok();
}

Status RevisionWriter::UpsertEdge(Edge edge) {
  ONYX_RETURN_IF_ERROR(CheckOpen());
  const EdgeRef ref{edge.src, edge.kind, edge.dst};
  if (!IsValidEdgeKind(static_cast<std::uint8_t>(edge.kind))) {
    return Status::InvalidArgument("edge: kind is not defined");
  }
  if (!IsValidResolution(static_cast<std::uint8_t>(edge.resolution))) {
    return Status::InvalidArgument(EdgeLabel(ref) + ": resolution is not defined");
  }
  if (!(edge.confidence >= 0.0F && edge.confidence <= 1.0F)) {
    return Status::InvalidArgument(EdgeLabel(ref) + ": confidence must be in [0, 1]");
  }
  ONYX_RETURN_IF_ERROR(CheckAttributes(edge.attributes, EdgeLabel(ref)));
  edge.validity = Validity{};
  edges_[ref] = std::move(edge);
  return Status::Ok();
}

Status RevisionWriter::RemoveEdge(const EdgeRef& ref) {
  ONYX_RETURN_IF_ERROR(CheckOpen());
  edges_[ref] = std::nullopt;
  return Status::Ok();
}

ContentHash RevisionWriter::PutBlob(std::string_view text) {
  const ContentHash hash = HashContent(text);
  if (!spent_ && blobs_.try_emplace(hash, text).second) blob_bytes_ += text.size();
  return hash;
}

void RevisionWriter::PutDerivedBlob(const ContentHash& key, std::string_view bytes) {
  if (!spent_ && blobs_.try_emplace(key, bytes).second) blob_bytes_ += bytes.size();
}

Status RevisionWriter::ApplyNodes(Batch& batch) {
  RocksHandles& rocks = *store_->rocks_;
  auto* nodes_cf = rocks.cf(Family::kNodes);
  auto* versions_cf = rocks.cf(Family::kNodeVersions);
  // Current versions of every staged node in one MultiGet (keys are sorted:
  // big-endian ids in map order).
  std::vector<std::string> keys;
  keys.reserve(nodes_.size());
  for (const auto& entry : nodes_) keys.push_back(NodeKey(project_, entry.first));
  std::vector<rocksdb::Slice> key_slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  rocks.db->MultiGet(rocksdb::ReadOptions(), nodes_cf, keys.size(), key_slices.data(),
                     values.data(), statuses.data(), /*sorted_input=*/true);

  // Cascaded edge removals are collected first so that staged edges keep priority.
  std::vector<EdgeRef> cascade;
  // Text index keys go in sorted: RocksDB's skiplist memtable inserts keys
  // that follow the previous one faster (a first ingest of NumPy writes 35,000
  // of them; in node order they cost 30 ms more).
  std::vector<std::string> name_keys;
  std::vector<std::string> path_keys;
  std::size_t index = 0;
  for (const auto& [id, op] : nodes_) {
    const std::string& key = keys[index];
    const rocksdb::Status& s = statuses[index];
    const rocksdb::PinnableSlice& value = values[index];
    ++index;
    std::optional<Node> current;
    if (s.ok()) {
      ONYX_ASSIGN_OR_RETURN(current, DecodeCurrentNode(ToView(value), id));
    } else if (!s.IsNotFound()) {
      return FromRocks(s, "nodes: get");
    }
    auto& state = batch.node_states[id];
    state.open_before = current.has_value();
    state.open_after = op.has_value();

    if (op.has_value()) {
      if (current && current->SameContent(*op)) continue;
      if (current) {
        batch.wb.Put(versions_cf, NodeVersionKey(project_, id, current->validity.from),
                     EncodeNodeVersion(*current, {current->validity.from, number_}));
        ++batch.changes.nodes_changed;
      } else {
        ++batch.changes.nodes_added;
        ++batch.stats.nodes_by_kind[op->kind];
      }
      ++batch.stats.node_versions;
      // The open version lives in nodes only; node_versions gets it when it
      // closes (schema 2).
      batch.wb.Put(nodes_cf, key, EncodeCurrentNode(*op, number_));
      // The text indexes keep every node that ever had the text: a key the
      // current version made already stays.
      const std::string name = LowerAscii(op->name);
      if (!current || LowerAscii(current->name) != name) {
        name_keys.push_back(TextIndexKey(project_, name, id));
      }
      if (!op->path.empty() && (!current || current->path != op->path)) {
        path_keys.push_back(TextIndexKey(project_, op->path, id));
      }
      continue;
    }

    if (!current) continue;
    batch.wb.Put(versions_cf, NodeVersionKey(project_, id, current->validity.from),
                 EncodeNodeVersion(*current, {current->validity.from, number_}));
    batch.wb.Delete(nodes_cf, key);
    ++batch.changes.nodes_removed;
    DecrementKind(batch.stats.nodes_by_kind, current->kind);

    // Every open edge touching a removed node closes with it.
    for (const bool out : {true, false}) {
      ONYX_RETURN_IF_ERROR(
          ScanEdgeVersions(rocks, nullptr, out, NodePrefix(project_, id), kOpenRevision,
                           [&](const Edge& edge, std::string_view) {
                             if (edge.validity.IsOpen())
                               cascade.push_back(EdgeRef{edge.src, edge.kind, edge.dst});
                             return true;
                           }));
    }
  }
  for (auto [family, text_keys] :
       {std::pair{Family::kNames, &name_keys}, std::pair{Family::kPaths, &path_keys}}) {
    std::sort(text_keys->begin(), text_keys->end());
    for (const std::string& k : *text_keys) batch.wb.Put(rocks.cf(family), k, rocksdb::Slice());
  }
  for (const EdgeRef& ref : cascade) edges_.try_emplace(ref, std::nullopt);
  return Status::Ok();
}

Status RevisionWriter::ApplyEdges(Batch& batch) {
  RocksHandles& rocks = *store_->rocks_;
  auto* out_cf = rocks.cf(Family::kEdgesOut);
  auto* in_cf = rocks.cf(Family::kEdgesIn);
  auto* nodes_cf = rocks.cf(Family::kNodes);
  rocksdb::ReadOptions ro;
  ro.prefix_same_as_start = true;
  std::unique_ptr<rocksdb::Iterator> it(rocks.db->NewIterator(ro, out_cf));
  std::string value;

  // Nodes not staged in this revision keep their state: look it up once.
  auto state_of = [&](NodeId id) -> Result<Batch::NodeState> {
    auto found = batch.node_states.find(id);
    if (found != batch.node_states.end()) return found->second;
    const rocksdb::Status s =
        rocks.db->Get(rocksdb::ReadOptions(), nodes_cf, NodeKey(project_, id), &value);
    if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "nodes: get");
    const Batch::NodeState state{s.ok(), s.ok()};
    batch.node_states[id] = state;
    return state;
  };

  for (const auto& entry : edges_) {
    const EdgeRef& ref = entry.first;  // named, not a structured binding: lambdas capture it
    const std::optional<Edge>& op = entry.second;
    const std::string identity = EdgeIdentityPrefix(project_, ref.src, ref.kind, ref.dst);
    ONYX_ASSIGN_OR_RETURN(const Batch::NodeState src_state, state_of(ref.src));
    ONYX_ASSIGN_OR_RETURN(const Batch::NodeState dst_state, state_of(ref.dst));
    std::optional<Edge> current;
    const bool may_exist = src_state.open_before && dst_state.open_before;
    if (may_exist) it->Seek(identity);
    if (may_exist && it->Valid() && ToView(it->key()).substr(0, identity.size()) == identity) {
      ONYX_ASSIGN_OR_RETURN(const DecodedEdgeKey k, DecodeEdgeKey(ToView(it->key())));
      ONYX_ASSIGN_OR_RETURN(Edge edge, DecodeEdgeEntry(k, ToView(it->value()), false));
      if (edge.validity.IsOpen()) current = std::move(edge);
    }
    if (may_exist) ONYX_RETURN_IF_ERROR(FromRocks(it->status(), "edges_out: seek"));

    auto close_current = [&] {
      const std::string closed = EncodeEdgeValue(*current, number_);
      const RevisionNumber from = current->validity.from;
      batch.wb.Put(out_cf, EdgeKey(project_, ref.src, ref.kind, ref.dst, from), closed);
      batch.wb.Put(in_cf, EdgeKey(project_, ref.dst, ref.kind, ref.src, from), closed);
    };

    if (op.has_value()) {
      for (const NodeId end : {ref.src, ref.dst}) {
        const bool open = end == ref.src ? src_state.open_after : dst_state.open_after;
        if (!open) {
          return Status::InvalidArgument(
              EdgeLabel(ref) + ": " + (end == ref.src ? "source " : "destination ") +
              NodeLabel(end) + " is not a node at revision " + std::to_string(number_));
        }
      }
      if (current && current->SameContent(*op)) continue;
      if (current) {
        close_current();
        ++batch.changes.edges_changed;
      } else {
        ++batch.changes.edges_added;
        ++batch.stats.edges_by_kind[ref.kind];
      }
      ++batch.stats.edge_versions;
      const std::string open = EncodeEdgeValue(*op, kOpenRevision);
      batch.wb.Put(out_cf, EdgeKey(project_, ref.src, ref.kind, ref.dst, number_), open);
      batch.wb.Put(in_cf, EdgeKey(project_, ref.dst, ref.kind, ref.src, number_), open);
      continue;
    }
    if (!current) continue;
    close_current();
    ++batch.changes.edges_removed;
    DecrementKind(batch.stats.edges_by_kind, ref.kind);
  }
  return Status::Ok();
}

Result<std::optional<Revision>> RevisionWriter::Commit() {
  if (spent_) return Status::FailedPrecondition("revision writer was already committed");
  spent_ = true;
  // The writer slot is released however Commit leaves.
  struct Release {
    Store* store;
    ProjectId project;
    ~Release() { store->ReleaseWriter(project); }
  } release{store_, project_};

  RocksHandles& rocks = *store_->rocks_;
  auto* meta = rocks.cf(Family::kMeta);
  Batch batch;
  std::string value;
  const std::string stats_key = ProjectKey(MetaTag::kProjectStats, project_);
  rocksdb::Status s = rocks.db->Get(rocksdb::ReadOptions(), meta, stats_key, &value);
  ONYX_RETURN_IF_ERROR(
      FromRocks(s, "meta: project stats for project #" + std::to_string(project_)));
  ONYX_ASSIGN_OR_RETURN(batch.stats, DecodeGraphStats(value));

  const std::string context = "revision " + std::to_string(number_);
  // New blobs are looked up and compressed beside the staging of nodes and
  // edges, on a second thread when they are big (a first ingest compresses
  // megabytes of source).
  std::vector<std::pair<std::string, std::string>> new_blobs;
  Status blobs_status;
  const auto encode_blobs = [&] {
    std::string found;
    for (const auto& [hash, text] : blobs_) {
      std::string key = BlobKey(hash);
      const rocksdb::Status got =
          rocks.db->Get(rocksdb::ReadOptions(), rocks.cf(Family::kBlobs), key, &found);
      if (got.ok()) continue;
      if (!got.IsNotFound()) {
        blobs_status = FromRocks(got, "blobs: get");
        return;
      }
      new_blobs.emplace_back(std::move(key), EncodeBlob(text));
    }
  };
  const bool threaded = blob_bytes_ >= kBlobBytesForThread;
  std::jthread blob_thread;
  if (threaded) blob_thread = std::jthread(encode_blobs);
  Status applied = ApplyNodes(batch).WithContext(context);
  if (applied.ok()) applied = ApplyEdges(batch).WithContext(context);
  if (threaded) blob_thread.join();
  if (!applied.ok()) {
    blobs_status.IgnoreError();  // the first error is the commit's
    return applied;
  }
  const RevisionChanges& c = batch.changes;
  const bool empty = c == RevisionChanges{};
  if (empty && !keep_if_empty_) {
    blobs_status.IgnoreError();  // nothing is written
    return std::optional<Revision>();
  }
  if (!threaded) encode_blobs();
  ONYX_RETURN_IF_ERROR(blobs_status);
  for (const auto& [key, blob] : new_blobs) batch.wb.Put(rocks.cf(Family::kBlobs), key, blob);

  Revision rev;
  rev.number = number_;
  rev.parent = parent_;
  rev.info = std::move(info_);
  rev.committed_micros = core::NowMicros();
  if (rev.info.time_micros == 0) rev.info.time_micros = rev.committed_micros;
  rev.changes = c;
  batch.wb.Put(meta, RevisionKey(project_, number_), EncodeRevision(rev));
  batch.stats.latest_revision = number_;
  ++batch.stats.revisions;
  batch.wb.Put(meta, stats_key, EncodeGraphStats(batch.stats));

  rocksdb::WriteOptions wo;
  wo.sync = rocks.sync;
  ONYX_RETURN_IF_ERROR(FromRocks(rocks.db->Write(wo, &batch.wb), context + ": commit"));
  return std::optional<Revision>(std::move(rev));
}

}  // namespace onyx::store
