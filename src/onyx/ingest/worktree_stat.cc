#include "onyx/ingest/worktree_stat.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "onyx/core/clock.h"
#include "onyx/ingest/tree_walk.h"

namespace onyx::ingest {
namespace {

constexpr const char* kMagic = "onyx-worktree-stat 3";
constexpr std::int64_t kRacyNs = 2'000'000'000;

}  // namespace

std::string AbsoluteRoot(const std::string& root) {
  std::error_code ec;
  std::string absolute = std::filesystem::absolute(root, ec).lexically_normal().string();
  if (ec) return root;
  while (absolute.size() > 1 && absolute.back() == '/') absolute.pop_back();
  return absolute;
}

WorktreeStat WorktreeStatOf(const std::string& root, const IngestOptions& options,
                            std::int64_t taken_ns, const std::vector<TreeEntry>& files) {
  WorktreeStat stat;
  stat.root = AbsoluteRoot(root);
  stat.taken_ns = taken_ns;
  stat.ignore = options.ignore;
  stat.max_file_bytes = options.max_file_bytes;
  stat.max_depth = options.max_depth;
  stat.files.reserve(files.size());
  for (const TreeEntry& e : files) {
    if (!e.is_dir) stat.files.push_back({e.path, e.size, e.mtime_ns});
  }
  return stat;
}

Result<WorktreeStat> StatWorktree(const std::string& root, const IngestOptions& options) {
  const std::int64_t taken_ns = core::NowMicros() * 1000;
  IngestSummary summary;
  ONYX_ASSIGN_OR_RETURN(const std::vector<TreeEntry> entries,
                        WalkTree(root, options, &summary, /*read_content=*/false));
  return WorktreeStatOf(root, options, taken_ns, entries);
}

IngestOptions WorktreeStat::Options() const {
  IngestOptions options;
  options.ignore = ignore;
  options.max_file_bytes = max_file_bytes;
  options.max_depth = max_depth;
  return options;
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
  out << stat.max_file_bytes << ' ' << stat.max_depth << ' ' << stat.ignore.size() << '\n';
  for (const std::string& pattern : stat.ignore) {
    if (pattern.find('\n') != std::string::npos) {
      return Status::InvalidArgument("worktree stat: an ignore pattern holds a newline");
    }
    out << pattern << '\n';
  }
  for (const WorktreeStat::File& f : stat.files) {
    if (f.path.find('\n') != std::string::npos) {
      return Status::InvalidArgument("worktree stat: a path holds a newline");
    }
    out << f.size << ' ' << f.mtime_ns << ' ' << f.path << '\n';
  }
  if (stat.root.find('\n') != std::string::npos) {
    return Status::InvalidArgument("worktree stat: the root holds a newline");
  }
  out << "end " << stat.files.size() << '\n';
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(file).parent_path(), ec);
  // Rewritten in place (a new file per ingest costs an inode allocation,
  // which is slow on ext4): a reader that meets a half-written file finds no
  // "end" line with the right count and ignores it, as it ignores a damaged one.
  std::ofstream f(file, std::ios::binary | std::ios::trunc);
  f << out.str();
  if (!f.flush()) return Status::IOError("worktree stat: cannot write " + file);
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
  std::size_t patterns = 0;
  if (!std::getline(in, line)) return std::nullopt;
  {
    std::istringstream limits(line);
    if (!(limits >> stat.max_file_bytes >> stat.max_depth >> patterns) || patterns > 100'000) {
      return std::nullopt;
    }
  }
  for (std::size_t i = 0; i < patterns; ++i) {
    if (!std::getline(in, line)) return std::nullopt;
    stat.ignore.push_back(line);
  }
  while (std::getline(in, line)) {
    if (line.starts_with("end ")) {
      // The trailer: the file is whole when it counts the rows read.
      if (line != "end " + std::to_string(stat.files.size())) return std::nullopt;
      if (std::getline(in, line)) return std::nullopt;  // nothing after it
      return stat;
    }
    std::istringstream row(line);
    WorktreeStat::File f;
    if (!(row >> f.size >> f.mtime_ns) || row.get() != ' ') return std::nullopt;
    std::getline(row, f.path);
    if (f.path.empty()) return std::nullopt;
    stat.files.push_back(std::move(f));
  }
  return std::nullopt;  // no trailer: cut short
}

}  // namespace onyx::ingest
