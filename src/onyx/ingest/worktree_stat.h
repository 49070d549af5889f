// A cheap answer to "is the graph stale?": the size and modification time of
// every file a tree ingest would read, saved when the tree was known to match
// a revision. While every file's stat is what was saved, the tree still
// matches; anything else means reading and hashing (CompareWorktree).
// A file modified within two seconds before the stat was taken is never
// trusted on its stat alone (a same-size edit in the same clock tick).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "onyx/engine.h"
#include "onyx/ingest/tree_walk.h"
#include "onyx/status.h"

namespace onyx::ingest {

struct WorktreeStat {
  std::string root;             ///< Absolute path of the tree.
  RevisionNumber revision = 0;  ///< The revision the tree matched.
  std::int64_t taken_ns = 0;    ///< When the stat walk began (Unix epoch ns).
  struct File {
    std::string path;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    friend bool operator==(const File&, const File&) = default;
  };
  std::vector<File> files;  ///< In walk order.
  /// What the walk honoured (the ingest's options): a check must walk alike.
  std::vector<std::string> ignore;
  std::uint64_t max_file_bytes = 0;
  int max_depth = 0;
  /// The options to walk with again.
  IngestOptions Options() const;
};

/// `root` as the stats name it: absolute, normalised.
std::string AbsoluteRoot(const std::string& root);

/// Stats the files under `root` that a tree ingest with `options` would
/// consider (same ignore rules and limits; no content is read).
Result<WorktreeStat> StatWorktree(const std::string& root, const IngestOptions& options);

/// The stat of `root` from a walk that listed `files` (WalkTree's `stats`),
/// begun at `taken_ns`: what StatWorktree would have returned then.
WorktreeStat WorktreeStatOf(const std::string& root, const IngestOptions& options,
                            std::int64_t taken_ns, const std::vector<TreeEntry>& files);

/// Whether `now` (just taken) shows the same files as `saved`, with no file
/// recent enough to distrust.
bool SameStat(const WorktreeStat& saved, const WorktreeStat& now);

Status SaveWorktreeStat(const WorktreeStat& stat, const std::string& file);
/// The saved stat; nullopt when the file is missing or not one we wrote.
std::optional<WorktreeStat> LoadWorktreeStat(const std::string& file);

}  // namespace onyx::ingest
