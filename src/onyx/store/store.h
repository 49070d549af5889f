// The durable temporal graph store: projects, revisions, node and edge versions,
// name and path indexes and content blobs, in one RocksDB database.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "onyx/status.h"
#include "onyx/types.h"

namespace onyx::store {

class ReadView;
class RevisionWriter;
struct RocksHandles;

struct StoreOptions {
  /// Create the database when the folder holds none.
  bool create_if_missing = true;
  /// fsync the WAL on every revision commit. Off trades the last commits before a
  /// power loss for speed; a process crash (kill -9) loses nothing either way.
  bool sync = true;
  /// Shared block cache for all families.
  std::size_t block_cache_bytes = 64u << 20;
  /// Debug switch: tiny memtables so flushes and compactions happen constantly.
  bool tiny_write_buffers = false;
  /// Largest blob GetBlob will decompress.
  std::size_t max_blob_bytes = 64u << 20;
};

/// Limits on what a revision may stage; beyond them staging fails with
/// InvalidArgument (one field too big) or ResourceExhausted (too many operations).
struct StoreLimits {
  static constexpr std::size_t kMaxNameBytes = 4096;
  static constexpr std::size_t kMaxPathBytes = 4096;
  static constexpr std::size_t kMaxSignatureBytes = 64u << 10;
  static constexpr std::size_t kMaxDocBytes = 1u << 20;
  static constexpr std::size_t kMaxAttributes = 256;
  static constexpr std::size_t kMaxAttributeBytes = 64u << 10;
  static constexpr std::size_t kMaxOpsPerRevision = 10'000'000;
  static constexpr std::size_t kMaxProjectNameBytes = 128;
  static constexpr std::size_t kMaxRevisionTextBytes = 1u << 20;
};

/// One RocksDB database holding any number of isolated projects.
///
/// Invariants:
///  1. Every key of a project's data starts with its 4-byte id; meta keys name it
///     right after their tag. Deleting a project deletes exactly those keys.
///  2. A revision is one WriteBatch holding its node and edge versions, index
///     entries, blobs, stats and revision record: visible whole or not at all.
///  3. For every node, at most one version is open (`to == open`); `nodes`
///     holds exactly the open versions and `node_versions` the closed ones (a
///     schema 1 store also keeps a copy of each open one there); likewise at
///     most one version of each edge identity (src, kind, dst) is open.
///  4. edges_in holds, for every edges_out entry, the mirrored key with an
///     identical value.
///  5. An open edge's endpoints are open nodes.
///
/// Thread-safety: all methods are safe to call concurrently. At most one
/// RevisionWriter per project exists at a time. ReadViews and RevisionWriters must
/// not outlive the Store.
class Store {
 public:
  /// Opens (or creates) the store in folder `path`. Fails with FailedPrecondition
  /// when the store was written by a newer schema, Aborted when another process
  /// (or another Store in this one) has it open, IOError when RocksDB cannot open
  /// it otherwise, Corruption on bad meta.
  static Result<std::unique_ptr<Store>> Open(const std::string& path,
                                             const StoreOptions& options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  /// The schema version recorded in `meta`.
  std::uint32_t schema_version() const { return schema_version_; }
  const std::string& path() const { return path_; }
  const StoreOptions& options() const { return options_; }

  /// Creates a project. Names are 1..128 bytes of [A-Za-z0-9._-] and do not start
  /// with '.' or '-'. AlreadyExists when the name is taken.
  Result<Project> CreateProject(std::string_view name);
  /// The project of that name; NotFound when there is none.
  Result<Project> GetProject(std::string_view name) const;
  Result<Project> GetProjectById(ProjectId id) const;
  /// Every project, ordered by id.
  Result<std::vector<Project>> ListProjects() const;
  /// Deletes every key of the project and nothing else. Content blobs are shared
  /// between projects and stay. Aborted while a writer is open on the project.
  Status DeleteProject(std::string_view name);

  /// Starts revision latest+1 of `project`. Aborted when another writer is open on
  /// it; NotFound when the project does not exist.
  Result<std::unique_ptr<RevisionWriter>> BeginRevision(ProjectId project, RevisionInfo info);

  /// A consistent view of `project` pinned to a RocksDB snapshot, answering as of
  /// `as_of` (default: the latest revision at the time of the call). NotFound when
  /// the project does not exist; InvalidArgument when `as_of` is after the latest
  /// revision.
  Result<ReadView> View(ProjectId project,
                        std::optional<RevisionNumber> as_of = std::nullopt) const;

  /// The raw bytes of a blob; NotFound when absent.
  Result<std::string> GetBlob(const ContentHash& hash) const;

  /// Checks invariants 3 to 5 of this class for `project` by scanning its raw
  /// keys: Ok, or Corruption naming the first violation. O(size of the project).
  Status VerifyIntegrity(ProjectId project) const;

 private:
  friend class RevisionWriter;
  friend Status Backup(const Store& store, const std::string& backup_dir);
  Store(std::string path, StoreOptions options, std::unique_ptr<RocksHandles> rocks);
  Status InitSchema();
  // Writes this build's schema version (synced) under `key`.
  Status WriteSchemaVersion(const std::string& key);
  void ReleaseWriter(ProjectId project);

  const std::string path_;
  const StoreOptions options_;
  std::unique_ptr<RocksHandles> rocks_;
  std::uint32_t schema_version_ = 0;

  mutable std::mutex mu_;  // guards writers_ and serialises project create/delete
  std::set<ProjectId> writers_;
};

}  // namespace onyx::store
