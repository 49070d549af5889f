#include "onyx/ingest/worktree_stat.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "onyx/ingest/tree_walk.h"

namespace onyx::ingest {
namespace {

constexpr const char* kMagic = "onyx-worktree-stat 1";
constexpr std::int64_t kRacyNs = 2'000'000'000;

std::int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<WorktreeStat> StatWorktree(const std::string& root, const IngestOptions& options) {
  WorktreeStat stat;
  std::error_code ec;
  stat.root = std::filesystem::absolute(root, ec).lexically_normal().string();
  if (ec) stat.root = root;
  stat.taken_ns = NowNs();
  IngestSummary summary;
  ONYX_ASSIGN_OR_RETURN(const std::vector<TreeEntry> entries,
                        WalkTree(root, options, &summary, /*read_content=*/false));
  for (const TreeEntry& e : entries) {
    if (!e.is_dir) stat.files.push_back({e.path, e.size, e.mtime_ns});
  }
  return stat;
}

bool SameStat(const WorktreeStat& saved, const WorktreeStat& now) {
  if (saved.root != now.root || saved.files != now.files) return false;
  for (const WorktreeStat::File& f : saved.files) {
    if (f.mtime_ns >= saved.taken_ns - kRacyNs) return false;
  }
  return true;
}

Status SaveWorktreeStat(const WorktreeStat& stat, const std::string& file) {
  std::ostringstream out;
  out << kMagic << '\n' << stat.root << '\n' << stat.revision << ' ' << stat.taken_ns << '\n';
  for (const WorktreeStat::File& f : stat.files) {
    if (f.path.find('\n') != std::string::npos) {
      return Status::InvalidArgument("worktree stat: a path holds a newline");
    }
    out << f.size << ' ' << f.mtime_ns << ' ' << f.path << '\n';
  }
  if (stat.root.find('\n') != std::string::npos) {
    return Status::InvalidArgument("worktree stat: the root holds a newline");
  }
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(file).parent_path(), ec);
  // Write then rename: a reader never sees half a file.
  const std::string temp = file + ".tmp";
  {
    std::ofstream f(temp, std::ios::binary | std::ios::trunc);
    f << out.str();
    if (!f.flush()) return Status::IOError("worktree stat: cannot write " + temp);
  }
  std::filesystem::rename(temp, file, ec);
  if (ec) return Status::IOError("worktree stat: cannot rename " + temp + ": " + ec.message());
  return Status::Ok();
}

std::optional<WorktreeStat> LoadWorktreeStat(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::string line;
  if (!in || !std::getline(in, line) || line != kMagic) return std::nullopt;
  WorktreeStat stat;
  if (!std::getline(in, stat.root) || !std::getline(in, line)) return std::nullopt;
  {
    std::istringstream header(line);
    if (!(header >> stat.revision >> stat.taken_ns)) return std::nullopt;
  }
  while (std::getline(in, line)) {
    std::istringstream row(line);
    WorktreeStat::File f;
    if (!(row >> f.size >> f.mtime_ns) || row.get() != ' ') return std::nullopt;
    std::getline(row, f.path);
    if (f.path.empty()) return std::nullopt;
    stat.files.push_back(std::move(f));
  }
  return stat;
}

}  // namespace onyx::ingest
