// The tree walker.
#include "onyx/ingest/tree_walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <memory>
#include <optional>

#include "onyx/ingest/ignore_rules.h"

namespace onyx::ingest {
namespace fs = std::filesystem;

namespace {

struct Extension {
  std::string_view ext;
  std::string_view language;
};

constexpr Extension kExtensions[] = {
    {".rs", "rust"},           {".py", "python"},
    {".pyi", "python"},        {".ts", "typescript"},
    {".mts", "typescript"},    {".cts", "typescript"},
    {".tsx", "tsx"},           {".js", "javascript"},
    {".mjs", "javascript"},    {".cjs", "javascript"},
    {".jsx", "javascript"},    {".go", "go"},
    {".java", "java"},         {".md", "markdown"},
    {".markdown", "markdown"}, {".cc", "cpp"},
    {".cpp", "cpp"},           {".h", "cpp"},
    {".hpp", "cpp"},           {".c", "c"},
    {".cmake", "cmake"},       {".json", "json"},
    {".toml", "toml"},         {".yaml", "yaml"},
    {".yml", "yaml"},          {".sh", "shell"},
};

// Reads the `size` bytes of the regular file `name` in the open folder `dir`
// (AT_FDCWD: a path), never through a symlink, with plain system calls: a
// stream per file costs more than the read itself.
bool ReadWhole(int dir, const char* name, std::size_t size, std::string* text) {
  const int fd = ::openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  text->resize(size);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, text->data() + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return done == size;
}

// The text of a regular file (not a symlink) of at most 1 MiB, e.g. an ignore
// file; nothing otherwise.
std::optional<std::string> ReadSmallFile(int dir, const char* name) {
  struct stat info;
  if (::fstatat(dir, name, &info, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(info.st_mode) ||
      info.st_size > (1 << 20)) {
    return std::nullopt;
  }
  std::string text;
  if (!ReadWhole(dir, name, static_cast<std::size_t>(info.st_size), &text)) return std::nullopt;
  return text;
}

}  // namespace

bool IsSkippedFolder(std::string_view name) {
  return std::find(std::begin(kSkippedFolders), std::end(kSkippedFolders), name) !=
         std::end(kSkippedFolders);
}

std::string_view LanguageForPath(std::string_view path) {
  const auto dot = path.rfind('.');
  const auto slash = path.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return "";
  const std::string ext = [&] {
    std::string e(path.substr(dot));
    for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return e;
  }();
  for (const auto& entry : kExtensions) {
    if (entry.ext == ext) return entry.language;
  }
  return "";
}

Result<std::vector<TreeEntry>> WalkTree(const std::string& root, const IngestOptions& options,
                                        IngestSummary* summary_out, bool read_content,
                                        std::vector<TreeEntry>* stats, const EarlierWalk* earlier) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return Status::NotFound("ingest: '" + root + "' is not a directory");
  }
  IngestSummary& summary = *summary_out;
  std::vector<TreeEntry> entries;
  entries.push_back({"", true, {}, {}, 0, 0});

  // .gitignore files apply below their folder; the project's own list (the
  // root's .onyxignore, then options.ignore) is consulted after them.
  IgnoreRules git_rules;
  IgnoreRules project_rules;
  if (auto text = ReadSmallFile(AT_FDCWD, (fs::path(root) / ".onyxignore").c_str())) {
    project_rules.AddFile("", *text);
  }
  for (const std::string& pattern : options.ignore) project_rules.AddPattern("", pattern);
  const auto ignored = [&](const std::string& path, bool is_dir) {
    return project_rules.Ignored(path, is_dir, git_rules.Ignored(path, is_dir));
  };

  // Breadth-first walk that never follows a symlink, so nothing outside `root` is
  // opened.
  std::vector<std::pair<std::string, std::string>> pending = {{root, ""}};
  int depth = 0;
  while (!pending.empty()) {
    std::vector<std::pair<std::string, std::string>> next;
    for (const auto& [dir, rel] : pending) {
      // Entries are listed, stat'ed and read relative to the open folder: no
      // path lookups, and a folder swapped for a symlink since it was seen is
      // not entered (the root itself may be one).
      const int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (rel.empty() ? 0 : O_NOFOLLOW);
      const int fd = ::open(dir.c_str(), flags);
      std::unique_ptr<DIR, int (*)(DIR*)> listing(fd < 0 ? nullptr : ::fdopendir(fd), &::closedir);
      if (listing == nullptr) {
        const int error = errno;
        if (fd >= 0) ::close(fd);
        if (error != EACCES) ++summary.skipped_by_reason["unreadable"];
        continue;
      }
      std::vector<std::string> names;
      bool has_gitignore = false;
      errno = 0;
      while (const dirent* ent = ::readdir(listing.get())) {
        const std::string_view name = ent->d_name;
        has_gitignore = has_gitignore || name == ".gitignore";
        if (!name.empty() && name[0] != '.') names.emplace_back(name);  // hidden: .git, .cache, …
      }
      if (errno != 0) {
        ++summary.skipped_by_reason["unreadable"];
        continue;
      }
      if (has_gitignore) {
        if (auto text = ReadSmallFile(::dirfd(listing.get()), ".gitignore")) {
          git_rules.AddFile(rel, *text);
        }
      }
      std::sort(names.begin(), names.end());
      for (const std::string& name : names) {
        const std::string path = rel.empty() ? name : rel + "/" + name;
        // One stat per entry: its kind (never following a link), size, times.
        struct stat info;
        if (::fstatat(::dirfd(listing.get()), name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
          ++summary.skipped_by_reason["unreadable"];
          continue;
        }
        const bool is_directory = S_ISDIR(info.st_mode);
        const bool is_regular = S_ISREG(info.st_mode);
        if (S_ISLNK(info.st_mode)) {
          ++summary.skipped_by_reason["symlink"];
          continue;
        }
        if ((is_directory || is_regular) && ignored(path, is_directory)) {
          ++summary.skipped_by_reason["ignored"];
          continue;
        }
        if (is_directory) {
          if (IsSkippedFolder(name)) {
            ++summary.skipped_by_reason["generated_folder"];
            continue;
          }
          if (depth + 1 >= options.max_depth) {
            ++summary.skipped_by_reason["too_deep"];
            continue;
          }
          entries.push_back({path, true, {}, {}, 0, 0});
          next.emplace_back(dir + "/" + name, path);
          continue;
        }
        if (!is_regular) {
          ++summary.skipped_by_reason["special_file"];
          continue;
        }
        const auto size = static_cast<std::uintmax_t>(info.st_size);
        if (size > options.max_file_bytes) {
          ++summary.skipped_by_reason["too_large"];
          continue;
        }
        const std::int64_t mtime_ns =
            std::int64_t{info.st_mtim.tv_sec} * 1'000'000'000 + info.st_mtim.tv_nsec;
        const std::int64_t ctime_ns =
            std::int64_t{info.st_ctim.tv_sec} * 1'000'000'000 + info.st_ctim.tv_nsec;
        const auto inode = static_cast<std::uint64_t>(info.st_ino);
        const auto too_many = [&] {
          return Status::ResourceExhausted(
              "ingest: more than " + std::to_string(options.max_files) + " files under " + root);
        };
        if (stats != nullptr) stats->push_back({path, false, {}, {}, size, mtime_ns});
        if (!read_content) {
          if (summary.files >= options.max_files) return too_many();
          ++summary.files;
          summary.bytes += size;
          entries.push_back({path, false, {}, {}, size, mtime_ns});
          continue;
        }
        if (earlier != nullptr) {
          // File system clocks are coarse: only a file untouched for a second
          // before that walk began is surely what it read.
          constexpr std::int64_t kSettledNs = 1'000'000'000;
          const auto known = earlier->files.find(path);
          if (known != earlier->files.end() && known->second.content &&
              known->second.size == size && known->second.mtime_ns == mtime_ns &&
              known->second.ctime_ns == ctime_ns && known->second.inode == inode &&
              ctime_ns + kSettledNs < earlier->began_ns &&
              mtime_ns + kSettledNs < earlier->began_ns) {
            if (summary.files >= options.max_files) return too_many();
            ++summary.files;
            summary.bytes += size;
            ++summary.files_by_language[std::string(LanguageForPath(path))];
            entries.push_back(known->second);
            continue;
          }
        }
        std::string text;
        if (!ReadWhole(::dirfd(listing.get()), name.c_str(), static_cast<std::size_t>(size),
                       &text)) {
          ++summary.skipped_by_reason["unreadable"];
          continue;
        }
        if (std::string_view(text).substr(0, 8000).find('\0') != std::string_view::npos) {
          ++summary.skipped_by_reason["binary"];
          continue;
        }
        if (summary.files >= options.max_files) return too_many();
        ++summary.files;
        summary.bytes += size;
        ++summary.files_by_language[std::string(LanguageForPath(path))];
        const ContentHash hash = HashContent(text);
        entries.push_back({path, false, std::make_shared<const std::string>(std::move(text)), hash,
                           size, mtime_ns, ctime_ns, inode});
      }
    }
    pending = std::move(next);
    ++depth;
  }
  summary.directories =
      std::count_if(entries.begin(), entries.end(), [](const TreeEntry& e) { return e.is_dir; }) -
      1;

  return entries;
}

}  // namespace onyx::ingest
