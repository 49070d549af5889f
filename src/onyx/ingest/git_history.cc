// libgit2: first-parent commits and trees read from objects.
#include "onyx/ingest/git_history.h"

#include <git2.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <unordered_map>

#include "onyx/ingest/ignore_rules.h"

namespace onyx::ingest {
namespace {

constexpr std::size_t kMaxMessageBytes = 64 * 1024;
constexpr std::size_t kBinaryProbeBytes = 8000;

Status GitError(std::string_view what) {
  const git_error* e = git_error_last();
  return Status::IOError("git: " + std::string(what) + ": " +
                         (e != nullptr && e->message != nullptr ? e->message : "unknown error"));
}

void InitOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    // Onyx only reads objects; a repository owned by another user is safe to read.
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
  });
}

template <typename T, void (*Free)(T*)>
struct GitPtr {
  T* p = nullptr;
  ~GitPtr() {
    if (p != nullptr) Free(p);
  }
};

std::string OidHex(const git_oid* oid) {
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, oid);
  return hex;
}

}  // namespace

struct GitRepository::Impl {
  git_repository* repo = nullptr;
  // What the previous ReadTree read: path → (blob id, entry).
  std::unordered_map<std::string, std::pair<git_oid, TreeEntry>> cache;
  ~Impl() {
    if (repo != nullptr) git_repository_free(repo);
  }
};

GitRepository::GitRepository(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GitRepository::~GitRepository() = default;

Result<std::unique_ptr<GitRepository>> GitRepository::Open(const std::string& path) {
  InitOnce();
  auto impl = std::make_unique<Impl>();
  const int rc = git_repository_open_ext(&impl->repo, path.c_str(), 0, nullptr);
  if (rc == GIT_ENOTFOUND) return Status::NotFound("git: no repository at or above '" + path + "'");
  if (rc != 0) return GitError("opening " + path);
  return std::unique_ptr<GitRepository>(new GitRepository(std::move(impl)));
}

std::string GitRepository::WorkdirName() const {
  const char* workdir = git_repository_workdir(impl_->repo);
  const std::filesystem::path dir =
      std::filesystem::path(workdir != nullptr ? workdir : git_repository_path(impl_->repo))
          .lexically_normal();
  return (dir.has_filename() ? dir : dir.parent_path()).filename().string();
}

Result<std::vector<GitCommit>> GitRepository::FirstParentCommits(const std::string& ref,
                                                                 const std::string& after,
                                                                 std::int64_t since_micros,
                                                                 std::size_t max_commits) {
  GitPtr<git_object, git_object_free> target;
  if (git_revparse_single(&target.p, impl_->repo, ref.c_str()) != 0) {
    return Status::NotFound("git: '" + ref + "' names no commit");
  }
  GitPtr<git_object, git_object_free> commit;
  if (git_object_peel(&commit.p, target.p, GIT_OBJECT_COMMIT) != 0) {
    return Status::InvalidArgument("git: '" + ref + "' is not a commit");
  }
  GitPtr<git_revwalk, git_revwalk_free> walk;
  if (git_revwalk_new(&walk.p, impl_->repo) != 0) return GitError("revwalk");
  git_revwalk_sorting(walk.p, GIT_SORT_TOPOLOGICAL);
  if (git_revwalk_push(walk.p, git_object_id(commit.p)) != 0) return GitError("revwalk push");
  git_revwalk_simplify_first_parent(walk.p);

  std::vector<GitCommit> newest_first;
  bool met_after = after.empty();
  git_oid oid;
  while (git_revwalk_next(&oid, walk.p) == 0) {
    const std::string id = OidHex(&oid);
    if (!after.empty() && id == after) {
      met_after = true;
      break;
    }
    GitPtr<git_commit, git_commit_free> c;
    if (git_commit_lookup(&c.p, impl_->repo, &oid) != 0) return GitError("reading commit " + id);
    GitCommit out;
    out.id = id;
    out.time_micros = static_cast<std::int64_t>(git_commit_time(c.p)) * 1'000'000;
    if (out.time_micros < since_micros) continue;
    if (const git_signature* a = git_commit_author(c.p)) {
      out.author = std::string(a->name != nullptr ? a->name : "") + " <" +
                   (a->email != nullptr ? a->email : "") + ">";
    }
    const char* message = git_commit_message(c.p);
    out.message = message != nullptr ? message : "";
    if (out.message.size() > kMaxMessageBytes) out.message.resize(kMaxMessageBytes);
    newest_first.push_back(std::move(out));
  }
  if (!met_after) {
    return Status::FailedPrecondition("git: the last ingested commit " + after +
                                      " is not in the first-parent history of " + ref);
  }
  if (max_commits > 0 && newest_first.size() > max_commits) newest_first.resize(max_commits);
  std::reverse(newest_first.begin(), newest_first.end());
  return newest_first;
}

namespace {

struct WalkState {
  git_repository* repo = nullptr;
  git_odb* odb = nullptr;
  const IngestOptions* options = nullptr;
  IngestSummary* summary = nullptr;
  IgnoreRules rules;
  std::unordered_map<std::string, std::pair<git_oid, TreeEntry>>* previous = nullptr;
  std::unordered_map<std::string, std::pair<git_oid, TreeEntry>> next;
  std::vector<TreeEntry> entries;
  Status error;
  ~WalkState() { error.IgnoreError(); }
};

int VisitEntry(const char* root, const git_tree_entry* entry, void* payload) {
  auto& s = *static_cast<WalkState*>(payload);
  IngestSummary& summary = *s.summary;
  const std::string name = git_tree_entry_name(entry);
  const std::string path = std::string(root) + name;
  const git_object_t type = git_tree_entry_type(entry);
  const bool is_tree = type == GIT_OBJECT_TREE;
  if (name.empty() || name[0] == '.') return is_tree ? 1 : 0;  // hidden
  if (type == GIT_OBJECT_COMMIT) {
    ++summary.skipped_by_reason["submodule"];
    return 0;
  }
  if (s.rules.Ignored(path, is_tree)) {
    ++summary.skipped_by_reason["ignored"];
    return is_tree ? 1 : 0;
  }
  if (is_tree) {
    if (IsSkippedFolder(name)) {
      ++summary.skipped_by_reason["generated_folder"];
      return 1;
    }
    const int depth = static_cast<int>(std::count(path.begin(), path.end(), '/')) + 1;
    if (depth >= s.options->max_depth) {
      ++summary.skipped_by_reason["too_deep"];
      return 1;
    }
    s.entries.push_back({path, true, nullptr, {}});
    ++summary.directories;
    return 0;
  }
  if (type != GIT_OBJECT_BLOB) return 0;
  if (git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK) {
    ++summary.skipped_by_reason["symlink"];
    return 0;
  }
  const git_oid* oid = git_tree_entry_id(entry);
  TreeEntry file;
  if (auto it = s.previous->find(path);
      it != s.previous->end() && git_oid_equal(&it->second.first, oid)) {
    file = it->second.second;
  } else {
    std::size_t size = 0;
    git_object_t object_type = GIT_OBJECT_INVALID;
    if (git_odb_read_header(&size, &object_type, s.odb, oid) != 0) {
      ++summary.skipped_by_reason["unreadable"];
      return 0;
    }
    if (size > s.options->max_file_bytes) {
      ++summary.skipped_by_reason["too_large"];
      return 0;
    }
    GitPtr<git_blob, git_blob_free> blob;
    if (git_blob_lookup(&blob.p, s.repo, oid) != 0) {
      ++summary.skipped_by_reason["unreadable"];
      return 0;
    }
    const auto* bytes = static_cast<const char*>(git_blob_rawcontent(blob.p));
    const auto raw = static_cast<std::size_t>(git_blob_rawsize(blob.p));
    const std::string_view text(bytes, raw);
    if (text.substr(0, kBinaryProbeBytes).find('\0') != std::string_view::npos) {
      ++summary.skipped_by_reason["binary"];
      return 0;
    }
    file.path = path;
    file.content = std::make_shared<const std::string>(text);
    file.hash = HashContent(text);
  }
  if (summary.files >= s.options->max_files) {
    s.error = Status::ResourceExhausted("ingest: more than " +
                                        std::to_string(s.options->max_files) + " files");
    return -1;
  }
  ++summary.files;
  summary.bytes += file.content->size();
  ++summary.files_by_language[std::string(LanguageForPath(path))];
  s.next.emplace(path, std::make_pair(*oid, file));
  s.entries.push_back(std::move(file));
  return 0;
}

}  // namespace

Result<std::vector<TreeEntry>> GitRepository::ReadTree(const std::string& id,
                                                       const IngestOptions& options,
                                                       IngestSummary* summary) {
  git_oid oid;
  if (git_oid_fromstr(&oid, id.c_str()) != 0) {
    return Status::InvalidArgument("git: '" + id + "' is not a commit id");
  }
  GitPtr<git_commit, git_commit_free> commit;
  if (git_commit_lookup(&commit.p, impl_->repo, &oid) != 0) return GitError("reading commit " + id);
  GitPtr<git_tree, git_tree_free> tree;
  if (git_commit_tree(&tree.p, commit.p) != 0) return GitError("reading the tree of " + id);
  GitPtr<git_odb, git_odb_free> odb;
  if (git_repository_odb(&odb.p, impl_->repo) != 0) return GitError("opening objects");

  WalkState state;
  state.repo = impl_->repo;
  state.odb = odb.p;
  state.options = &options;
  state.summary = summary;
  state.previous = &impl_->cache;
  if (const git_tree_entry* e = git_tree_entry_byname(tree.p, ".onyxignore")) {
    GitPtr<git_blob, git_blob_free> blob;
    if (git_tree_entry_type(e) == GIT_OBJECT_BLOB &&
        git_blob_lookup(&blob.p, impl_->repo, git_tree_entry_id(e)) == 0 &&
        git_blob_rawsize(blob.p) <= (1 << 20)) {
      state.rules.AddFile("",
                          std::string_view(static_cast<const char*>(git_blob_rawcontent(blob.p)),
                                           static_cast<std::size_t>(git_blob_rawsize(blob.p))));
    }
  }
  for (const std::string& pattern : options.ignore) state.rules.AddPattern("", pattern);
  state.entries.push_back({"", true, nullptr, {}});
  const int rc = git_tree_walk(tree.p, GIT_TREEWALK_PRE, VisitEntry, &state);
  if (!state.error.ok()) return state.error;
  if (rc != 0) return GitError("walking the tree of " + id);
  impl_->cache = std::move(state.next);
  return std::move(state.entries);
}

}  // namespace onyx::ingest
