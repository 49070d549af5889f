// Stages the changes of one revision and commits them as one atomic WriteBatch.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "onyx/status.h"
#include "onyx/types.h"

namespace onyx::store {

class Store;

/// The writer of revision `number()` of one project. Stage upserts and removals,
/// then Commit(). Staging only validates and records; Commit() reads the current
/// state, computes which versions change, and writes them, the index entries, the
/// blobs, the stats and the revision record in one synced WriteBatch.
///
/// Semantics (the reference model in tests/testing/temporal_model.h is the spec):
///  - The last staged operation on a node id or edge identity wins.
///  - Upserting a node or edge equal in content to its open version writes nothing.
///    Otherwise the open version is closed at number() and a new one opened.
///  - Removing a node closes it and every open edge into or out of it. Removing
///    something that is not open is a no-op.
///  - Commit fails with InvalidArgument, writing nothing, when an upserted edge
///    would have an endpoint that is not an open node after the revision.
///  - When nothing changes, Commit writes nothing and returns nullopt, unless
///    KeepIfEmpty() was called (git history keeps one revision per commit).
///
/// Destroying a writer without committing discards it. Not thread-safe: one thread
/// stages and commits.
class RevisionWriter {
 public:
  ~RevisionWriter();
  RevisionWriter(const RevisionWriter&) = delete;
  RevisionWriter& operator=(const RevisionWriter&) = delete;

  RevisionNumber number() const { return number_; }
  ProjectId project() const { return project_; }

  /// Validates and stages a node. InvalidArgument when its id does not match its
  /// symbol (MakeNodeId), a field is over its limit, or name/path contain NUL.
  Status UpsertNode(Node node);
  Status RemoveNode(NodeId id);
  /// Validates and stages an edge. InvalidArgument when confidence is not in [0,1].
  Status UpsertEdge(Edge edge);
  Status RemoveEdge(const EdgeRef& ref);
  /// Stages source text under its content hash (written once per hash) and returns
  /// the hash.
  ContentHash PutBlob(std::string_view text);
  /// Stages data derived from content (e.g. extracted facts) under `key`, a hash
  /// of what it was derived from; written once per key like PutBlob.
  void PutDerivedBlob(const ContentHash& key, std::string_view bytes);
  /// Commit a revision record even when no node or edge changes.
  void KeepIfEmpty() { keep_if_empty_ = true; }

  std::size_t staged_operations() const { return nodes_.size() + edges_.size(); }

  /// Writes the revision. Returns the committed revision, or nullopt when nothing
  /// changed (and KeepIfEmpty() was not called). After Commit, whatever it
  /// returned, the writer is spent: further calls fail with FailedPrecondition.
  Result<std::optional<Revision>> Commit();

 private:
  friend class Store;
  struct Batch;
  RevisionWriter(Store* store, ProjectId project, RevisionNumber number, RevisionNumber parent,
                 RevisionInfo info);
  Status CheckOpen() const;
  Status ApplyNodes(Batch& batch);
  Status ApplyEdges(Batch& batch);

  Store* store_;
  const ProjectId project_;
  const RevisionNumber number_;
  const RevisionNumber parent_;
  RevisionInfo info_;
  bool keep_if_empty_ = false;
  bool spent_ = false;

  std::map<NodeId, std::optional<Node>> nodes_;   // nullopt: remove
  std::map<EdgeRef, std::optional<Edge>> edges_;  // nullopt: remove
  std::map<ContentHash, std::string> blobs_;      // key → raw bytes
  std::size_t blob_bytes_ = 0;                    // raw bytes in blobs_
  // Past this many raw blob bytes, Commit compresses them on a second thread.
  static constexpr std::size_t kBlobBytesForThread = 1u << 20;
};

}  // namespace onyx::store
