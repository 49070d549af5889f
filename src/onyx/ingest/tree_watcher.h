// Watching a tree for changes with inotify, for `onyx ingest --watch`: every
// folder the ingest would read is watched (new folders as they appear), and a
// burst of events is reported once, after it has been quiet for a while.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "onyx/engine.h"
#include "onyx/status.h"

namespace onyx::ingest {

class TreeWatcher {
 public:
  /// Watches `root` and its folders (not hidden, ignored-by-name or generated
  /// ones). ResourceExhausted when the kernel's watch limit is reached
  /// (fs.inotify.max_user_watches).
  static Result<std::unique_ptr<TreeWatcher>> Open(const std::string& root);
  ~TreeWatcher();
  TreeWatcher(const TreeWatcher&) = delete;
  TreeWatcher& operator=(const TreeWatcher&) = delete;

  /// Waits for changes, then until `quiet` passes without more (at most
  /// `max_wait` after the first): the number of events seen. Returns 0 when
  /// `stop` became true first. The queue overflowing counts as a change.
  Result<std::size_t> WaitForChanges(std::chrono::milliseconds quiet,
                                     std::chrono::milliseconds max_wait,
                                     const std::atomic<bool>& stop);

  std::size_t watched_folders() const;

 private:
  TreeWatcher() = default;
  Status AddTree(const std::string& folder);
  Result<std::size_t> Drain();

  int fd_ = -1;
  std::string root_;
  struct Folders;
  std::unique_ptr<Folders> folders_;
};

}  // namespace onyx::ingest
