// A consistent, read-only view of one project at one revision.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "onyx/status.h"
#include "onyx/types.h"

namespace rocksdb {
class Iterator;
}

namespace onyx::store {

class AdjacencyReader;
struct RocksHandles;
struct PinnedSnapshot;

/// Reads of one project pinned to one RocksDB snapshot, so every multi-key read is
/// consistent while writers commit. `revision()` is the revision the view answers
/// for: reads return the versions valid at it (`from <= revision < to`).
///
/// Cheap to copy (copies share the snapshot). Safe to use from several threads.
/// Must not outlive the Store that made it.
class ReadView {
 public:
  ProjectId project() const { return project_; }
  /// The revision reads answer for (0 when the project has no revision yet).
  RevisionNumber revision() const { return revision_; }
  /// The project's latest revision when the view was pinned.
  RevisionNumber latest() const { return latest_; }
  bool IsCurrent() const { return revision_ == latest_; }

  /// A view of the same snapshot answering as of `rev` (≤ latest()).
  Result<ReadView> AsOf(RevisionNumber rev) const;

  /// The version of `id` valid at revision(); NotFound when none is.
  Result<Node> GetNode(NodeId id) const;
  /// The versions of many nodes valid at revision(), in the order of `ids`
  /// (nullopt where none is): one batched read, much cheaper than GetNode each.
  Result<std::vector<std::optional<Node>>> GetNodes(const std::vector<NodeId>& ids) const;
  /// Every version of `id` up to latest(), newest first; empty when it never existed.
  Result<std::vector<Node>> NodeHistory(NodeId id) const;

  /// Edges leaving (Out) or entering (In) `id` valid at revision(), optionally of one
  /// kind, ordered by (kind, other end). At most `limit` edges.
  Result<std::vector<Edge>> OutEdges(NodeId id, std::optional<EdgeKind> kind = std::nullopt,
                                     std::size_t limit = SIZE_MAX) const;
  Result<std::vector<Edge>> InEdges(NodeId id, std::optional<EdgeKind> kind = std::nullopt,
                                    std::size_t limit = SIZE_MAX) const;
  /// Every version of the edge identity, newest first.
  Result<std::vector<Edge>> EdgeHistory(const EdgeRef& ref) const;

  /// Nodes valid at revision() whose name equals `name` (ASCII case-insensitive), or
  /// starts with it when `prefix`. Ordered by lower-cased name, then id.
  Result<std::vector<Node>> FindByName(std::string_view name, bool prefix = false,
                                       std::size_t limit = 100) const;
  /// Nodes valid at revision() in file `path` (exact, repository-relative).
  Result<std::vector<Node>> FindByPath(std::string_view path, std::size_t limit = 10'000) const;

  /// Calls `fn` for every node (resp. edge) valid at revision(), in key order;
  /// stops early when `fn` returns false. `fn` may move from the node it gets.
  Status ForEachNode(const std::function<bool(Node&)>& fn) const;
  /// Calls `fn` for every version of every node that began at or before
  /// revision() (with its validity as of latest()), in key order.
  Status ForEachNodeVersion(const std::function<bool(Node&)>& fn) const;
  Status ForEachEdge(const std::function<bool(const Edge&)>& fn) const;
  /// Calls `fn` for every version of every edge that began at or before
  /// revision() (with its validity as of latest()), in key order.
  Status ForEachEdgeVersion(const std::function<bool(const Edge&)>& fn) const;

  /// A revision record; NotFound when `rev` is not a committed revision.
  Result<Revision> GetRevision(RevisionNumber rev) const;
  /// Revisions in (after, latest()], oldest first, at most `limit`.
  Result<std::vector<Revision>> Revisions(RevisionNumber after = 0,
                                          std::size_t limit = SIZE_MAX) const;

  /// Counts as of latest() (maintained on commit, so O(1)).
  Result<GraphStats> Stats() const;

  /// The raw bytes of a content blob; NotFound when absent.
  Result<std::string> GetBlob(const ContentHash& hash) const;
  /// The bytes of a derived blob (RevisionWriter::PutDerivedBlob); NotFound when
  /// absent.
  Result<std::string> GetDerivedBlob(const ContentHash& key) const;

 private:
  friend class Store;
  friend class AdjacencyReader;
  ReadView(const RocksHandles* rocks, std::shared_ptr<const PinnedSnapshot> snapshot,
           ProjectId project, RevisionNumber revision, RevisionNumber latest,
           std::size_t max_blob_bytes)
      : rocks_(rocks),
        snapshot_(std::move(snapshot)),
        project_(project),
        revision_(revision),
        latest_(latest),
        max_blob_bytes_(max_blob_bytes) {}

  Result<std::string> ReadBlob(const ContentHash& key, bool verify_hash) const;
  Result<std::vector<Edge>> Adjacent(NodeId id, std::optional<EdgeKind> kind, bool out,
                                     std::size_t limit) const;
  Result<std::vector<Node>> TextIndexLookup(int family, std::string_view text, bool prefix,
                                            bool lower, std::size_t limit) const;

  const RocksHandles* rocks_;
  std::shared_ptr<const PinnedSnapshot> snapshot_;
  ProjectId project_;
  RevisionNumber revision_;
  RevisionNumber latest_;
  std::size_t max_blob_bytes_;
};

/// Reads many nodes' edge lists through one view, reusing its RocksDB iterators
/// between calls (creating an iterator costs about as much as the read itself), for
/// traversals that expand node after node. Same results as ReadView::OutEdges and
/// InEdges. Not thread-safe; must not outlive the view's Store.
class AdjacencyReader {
 public:
  explicit AdjacencyReader(const ReadView& view);
  ~AdjacencyReader();
  AdjacencyReader(const AdjacencyReader&) = delete;
  AdjacencyReader& operator=(const AdjacencyReader&) = delete;

  Result<std::vector<Edge>> Out(NodeId id, std::optional<EdgeKind> kind = std::nullopt,
                                std::size_t limit = SIZE_MAX) {
    return Read(id, kind, /*out=*/true, limit);
  }
  Result<std::vector<Edge>> In(NodeId id, std::optional<EdgeKind> kind = std::nullopt,
                               std::size_t limit = SIZE_MAX) {
    return Read(id, kind, /*out=*/false, limit);
  }

 private:
  Result<std::vector<Edge>> Read(NodeId id, std::optional<EdgeKind> kind, bool out,
                                 std::size_t limit);

  ReadView view_;
  std::unique_ptr<rocksdb::Iterator> out_;
  std::unique_ptr<rocksdb::Iterator> in_;
};

}  // namespace onyx::store
