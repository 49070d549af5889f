// Walks a directory tree and reads the files Onyx takes in, never leaving the
// root: symlinks are not followed, hidden and generated folders are skipped, and
// binary, oversized and unreadable files are counted by reason.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "onyx/engine.h"
#include "onyx/status.h"
#include "onyx/types.h"

namespace onyx::ingest {

/// The language a file's extension names ("rust", "python", "markdown", …), or ""
/// when Onyx does not know it.
std::string_view LanguageForPath(std::string_view path);

/// A directory or a file read from the tree (or from a git commit).
struct TreeEntry {
  std::string path;  ///< Repository-relative, '/'-separated; "" for the root.
  bool is_dir = false;
  /// A file's bytes, shared between snapshots that hold the same blob.
  std::shared_ptr<const std::string> content;
  ContentHash hash;           ///< Of the content, hashed once when read.
  std::uint64_t size = 0;     ///< Of a file, in bytes.
  std::int64_t mtime_ns = 0;  ///< A file's modification time, ns since the Unix epoch.
  std::int64_t ctime_ns = 0;  ///< Its status change time (any write moves it; 0 from git).
  std::uint64_t inode = 0;

  std::string_view text() const {
    return content ? std::string_view(*content) : std::string_view();
  }
};

/// Folders that hold generated or third-party files, never the project's own
/// code.
inline constexpr std::string_view kSkippedFolders[] = {"node_modules", "build", "target",
                                                       "__pycache__", "dist"};
/// True for a name in kSkippedFolders.
bool IsSkippedFolder(std::string_view name);

/// Reads `root` breadth-first, in path order, honouring .gitignore files, the
/// root's .onyxignore and options.ignore (later lists win, as in git). Fills summary->files, bytes,
/// directories, files_by_language and skipped_by_reason. NotFound when `root` is
/// not a directory; ResourceExhausted past options.max_files.
/// With `read_content` false it only stats files (no content, no hash, and no
/// binary check): what a staleness check needs.
/// With `stats`, every file a stat-only walk would list (before the binary
/// check and the read) is appended to it, path, size and mtime only: the same
/// list, in the same order, without a second walk.
/// With `earlier` (the files of an earlier walk of the same root, by path,
/// and when it began), a file whose size, times and inode are what that walk
/// found, and that last changed at least a second before it began, keeps the
/// content and hash read then instead of being read again.
struct EarlierWalk {
  std::unordered_map<std::string, TreeEntry> files;
  std::int64_t began_ns = 0;
};
Result<std::vector<TreeEntry>> WalkTree(const std::string& root, const IngestOptions& options,
                                        IngestSummary* summary, bool read_content = true,
                                        std::vector<TreeEntry>* stats = nullptr,
                                        const EarlierWalk* earlier = nullptr);

}  // namespace onyx::ingest
