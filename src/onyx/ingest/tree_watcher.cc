// inotify-based tree watching.
#include "onyx/ingest/tree_watcher.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <unordered_map>

#include "onyx/ingest/tree_walk.h"

namespace onyx::ingest {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::uint32_t kMask = IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MODIFY | IN_MOVED_FROM |
                                IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF;
constexpr std::size_t kMaxFolders = 100'000;

bool Skipped(const std::string& name) {
  return name.empty() || name.front() == '.' || IsSkippedFolder(name);
}

}  // namespace

struct TreeWatcher::Folders {
  std::unordered_map<int, std::string> by_watch;  // watch descriptor → folder
};

Result<std::unique_ptr<TreeWatcher>> TreeWatcher::Open(const std::string& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return Status::NotFound("watch: " + root + " is not a folder");
  std::unique_ptr<TreeWatcher> watcher(new TreeWatcher());
  watcher->root_ = root;
  watcher->folders_ = std::make_unique<Folders>();
  watcher->fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (watcher->fd_ < 0) {
    return Status::IOError(std::string("watch: inotify_init1: ") + std::strerror(errno));
  }
  ONYX_RETURN_IF_ERROR(watcher->AddTree(root));
  return watcher;
}

TreeWatcher::~TreeWatcher() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t TreeWatcher::watched_folders() const { return folders_->by_watch.size(); }

Status TreeWatcher::AddTree(const std::string& folder) {
  std::vector<std::string> pending = {folder};
  while (!pending.empty()) {
    const std::string dir = std::move(pending.back());
    pending.pop_back();
    if (folders_->by_watch.size() >= kMaxFolders) {
      return Status::ResourceExhausted("watch: more than " + std::to_string(kMaxFolders) +
                                       " folders");
    }
    const int wd = ::inotify_add_watch(fd_, dir.c_str(), kMask | IN_ONLYDIR | IN_DONT_FOLLOW);
    if (wd < 0) {
      if (errno == ENOSPC) {
        return Status::ResourceExhausted(
            "watch: the kernel's inotify watch limit is reached (raise "
            "fs.inotify.max_user_watches)");
      }
      if (errno == ENOENT || errno == ENOTDIR || errno == EACCES) continue;  // gone or closed
      return Status::IOError("watch: " + dir + ": " + std::strerror(errno));
    }
    folders_->by_watch[wd] = dir;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (!it->is_directory(ec) || it->is_symlink(ec)) continue;
      if (Skipped(it->path().filename().string())) continue;
      pending.push_back(it->path().string());
    }
  }
  return Status::Ok();
}

Result<std::size_t> TreeWatcher::Drain() {
  alignas(inotify_event) char buf[64 * 1024];
  std::size_t events = 0;
  while (true) {
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return events;
      return Status::IOError(std::string("watch: read: ") + std::strerror(errno));
    }
    if (n == 0) return events;
    for (ssize_t at = 0; at < n;) {
      const auto* e = reinterpret_cast<const inotify_event*>(buf + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
      if (e->mask & IN_Q_OVERFLOW) {
        ++events;
        continue;
      }
      if (e->mask & IN_IGNORED) {
        folders_->by_watch.erase(e->wd);
        continue;
      }
      const std::string name = e->len > 0 ? std::string(e->name) : std::string();
      const auto folder = folders_->by_watch.find(e->wd);
      // New folders are watched too (and what they already hold).
      if ((e->mask & IN_ISDIR) && (e->mask & (IN_CREATE | IN_MOVED_TO)) &&
          folder != folders_->by_watch.end() && !Skipped(name)) {
        ONYX_RETURN_IF_ERROR(AddTree(folder->second + "/" + name));
      }
      if (!name.empty() && name.front() == '.' && !(e->mask & IN_ISDIR) && name != ".gitignore" &&
          name != ".onyxignore") {
        continue;  // editors' swap and lock files
      }
      ++events;
    }
  }
}

Result<std::size_t> TreeWatcher::WaitForChanges(std::chrono::milliseconds quiet,
                                                std::chrono::milliseconds max_wait,
                                                const std::atomic<bool>& stop) {
  std::size_t events = 0;
  Clock::time_point first{};
  Clock::time_point last{};
  while (!stop.load()) {
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, 100);
    if (ready < 0 && errno != EINTR) {
      return Status::IOError(std::string("watch: poll: ") + std::strerror(errno));
    }
    if (ready > 0) {
      ONYX_ASSIGN_OR_RETURN(const std::size_t n, Drain());
      if (n > 0) {
        const auto now = Clock::now();
        if (events == 0) first = now;
        last = now;
        events += n;
      }
    }
    if (events > 0) {
      const auto now = Clock::now();
      if (now - last >= quiet || now - first >= max_wait) return events;
    }
  }
  return std::size_t{0};
}

}  // namespace onyx::ingest
