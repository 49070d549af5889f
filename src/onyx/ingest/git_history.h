// Reads a git repository's first-parent history with libgit2: the commits to
// ingest, and each commit's tree as a snapshot read from git objects (never
// checked out; no hooks, filters or attributes run).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "onyx/engine.h"
#include "onyx/ingest/tree_walk.h"
#include "onyx/status.h"
#include "onyx/types.h"

namespace onyx::ingest {

struct GitCommit {
  std::string id;  ///< 40 hex digits.
  std::string author;
  std::string message;
  std::int64_t time_micros = 0;  ///< Commit time.
};

class GitRepository {
 public:
  /// Opens the repository at or above `path`. NotFound when there is none.
  static Result<std::unique_ptr<GitRepository>> Open(const std::string& path);
  ~GitRepository();
  GitRepository(const GitRepository&) = delete;
  GitRepository& operator=(const GitRepository&) = delete;

  /// The folder the repository's files live in (its name names a root package).
  std::string WorkdirName() const;

  /// First-parent commits reachable from `ref`, oldest first: those after
  /// `after` (a commit id already ingested; FailedPrecondition when it is not in
  /// that history), committed at or after `since_micros`, and at most the
  /// `max_commits` newest of them (0: all).
  Result<std::vector<GitCommit>> FirstParentCommits(const std::string& ref,
                                                    const std::string& after,
                                                    std::int64_t since_micros,
                                                    std::size_t max_commits);

  /// The files of commit `id` as tree entries, with the walker's rules (hidden
  /// and generated folders, symlinks, submodules, binary and oversized files,
  /// options.ignore and the tree's .onyxignore, depth and count limits). A blob
  /// the previous call already read (same path, same object id) is shared, not
  /// read again. Fills the summary's walk counts. Tracked files are taken even
  /// when a .gitignore matches them (git itself keeps them).
  Result<std::vector<TreeEntry>> ReadTree(const std::string& id, const IngestOptions& options,
                                          IngestSummary* summary);

 private:
  struct Impl;
  explicit GitRepository(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace onyx::ingest
