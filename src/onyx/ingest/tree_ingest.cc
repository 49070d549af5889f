// Directory walk → directory and file nodes with contains edges and text blobs.
#include "onyx/ingest/tree_ingest.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "onyx/ingest/definition_extractor.h"
#include "onyx/ingest/languages/grammars.h"
#include "onyx/ingest/markdown_sections.h"
#include "onyx/store/read_view.h"
#include "onyx/store/revision_writer.h"

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

// Folders that hold generated or third-party files, never the project's own code.
bool IsSkippedFolder(std::string_view name) {
  return name == "node_modules" || name == "build" || name == "target" || name == "__pycache__" ||
         name == "dist";
}

struct Entry {
  std::string path;  // repository-relative, '/'-separated; "" for the root
  bool is_dir = false;
  std::string text;
  ContentHash hash;        // of `text`, hashed once when read
  bool unchanged = false;  // a file whose content the store already has
};

Node DirectoryNode(const std::string& path, std::string_view project_name) {
  Node node;
  node.kind = path.empty() ? NodeKind::kProject : NodeKind::kDirectory;
  node.path = path;
  node.qualified_name = path;
  node.name = path.empty() ? std::string(project_name) : fs::path(path).filename().string();
  node.id = MakeNodeId(node.language, node.path, node.qualified_name, node.kind);
  return node;
}

Node FileNode(const std::string& path, std::string_view text, const ContentHash& hash) {
  Node node;
  node.kind = NodeKind::kFile;
  node.path = path;
  node.qualified_name = path;
  node.name = fs::path(path).filename().string();
  node.language = std::string(LanguageForPath(path));
  node.content_hash = hash;
  const auto lines = static_cast<std::uint32_t>(std::count(text.begin(), text.end(), '\n'));
  node.span = Span{0, static_cast<std::uint32_t>(text.size()), 1,
                   lines + (text.empty() || text.back() == '\n' ? 0u : 1u)};
  node.id = MakeNodeId(node.language, node.path, node.qualified_name, node.kind);
  return node;
}

std::string ParentPath(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

}  // namespace

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

Result<IngestSummary> IngestTree(store::Store& store, const Project& project,
                                 const std::string& root, const IngestOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return Status::NotFound("ingest: '" + root + "' is not a directory");
  }
  IngestSummary summary;
  std::vector<Entry> entries;
  entries.push_back({"", true, {}});

  // Breadth-first walk that never follows a symlink, so nothing outside `root` is
  // opened.
  std::vector<std::pair<fs::path, std::string>> pending = {{fs::path(root), ""}};
  int depth = 0;
  while (!pending.empty()) {
    std::vector<std::pair<fs::path, std::string>> next;
    for (const auto& [dir, rel] : pending) {
      std::vector<fs::directory_entry> children;
      for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
           !ec && it != end; it.increment(ec)) {
        children.push_back(*it);
      }
      if (ec) {
        ++summary.skipped_by_reason["unreadable"];
        ec.clear();
        continue;
      }
      std::sort(children.begin(), children.end(),
                [](const auto& a, const auto& b) { return a.path() < b.path(); });
      for (const fs::directory_entry& child : children) {
        const std::string name = child.path().filename().string();
        const std::string path = rel.empty() ? name : rel + "/" + name;
        if (name.empty() || name[0] == '.') continue;  // hidden: .git, .cache, …
        const fs::file_status st = child.symlink_status(ec);
        if (ec) {
          ++summary.skipped_by_reason["unreadable"];
          ec.clear();
          continue;
        }
        if (fs::is_symlink(st)) {
          ++summary.skipped_by_reason["symlink"];
          continue;
        }
        if (fs::is_directory(st)) {
          if (IsSkippedFolder(name)) {
            ++summary.skipped_by_reason["generated_folder"];
            continue;
          }
          if (depth + 1 >= options.max_depth) {
            ++summary.skipped_by_reason["too_deep"];
            continue;
          }
          entries.push_back({path, true, {}});
          next.emplace_back(child.path(), path);
          continue;
        }
        if (!fs::is_regular_file(st)) {
          ++summary.skipped_by_reason["special_file"];
          continue;
        }
        const std::uintmax_t size = child.file_size(ec);
        if (ec || size > options.max_file_bytes) {
          ++summary.skipped_by_reason[ec ? "unreadable" : "too_large"];
          ec.clear();
          continue;
        }
        std::ifstream in(child.path(), std::ios::binary);
        std::string text(static_cast<std::size_t>(size), '\0');
        if (!in.read(text.data(), static_cast<std::streamsize>(size))) {
          ++summary.skipped_by_reason["unreadable"];
          continue;
        }
        if (text.substr(0, 8000).find('\0') != std::string::npos) {
          ++summary.skipped_by_reason["binary"];
          continue;
        }
        if (summary.files >= options.max_files) {
          return Status::ResourceExhausted(
              "ingest: more than " + std::to_string(options.max_files) + " files under " + root);
        }
        ++summary.files;
        summary.bytes += size;
        ++summary.files_by_language[std::string(LanguageForPath(path))];
        const ContentHash hash = HashContent(text);
        entries.push_back({path, false, std::move(text), hash});
      }
    }
    pending = std::move(next);
    ++depth;
  }
  summary.directories =
      std::count_if(entries.begin(), entries.end(), [](const Entry& e) { return e.is_dir; }) - 1;

  // Files whose content is what the store already has keep their symbols: no
  // parse. The others are parsed in parallel; commit stays on this thread.
  ONYX_ASSIGN_OR_RETURN(const store::ReadView before, store.View(project.id));
  // One pass over the current graph: which nodes each path holds, each file's
  // content hash, and everything that may have to close.
  std::unordered_map<std::string, std::vector<NodeId>> nodes_by_path;
  std::unordered_map<std::string, ContentHash> file_hashes;
  std::vector<NodeId> current;
  ONYX_RETURN_IF_ERROR(before.ForEachNode([&](const Node& n) {
    if (n.kind == NodeKind::kNote) return true;  // agent memory is not part of the tree
    current.push_back(n.id);
    nodes_by_path[n.path].push_back(n.id);
    if (n.kind == NodeKind::kFile) file_hashes[n.path] = n.content_hash;
    return true;
  }));
  std::unordered_set<NodeId> seen;
  struct Parsed {
    bool needed = false;
    Status status;
    std::vector<Definition> definitions;
    bool syntax_errors = false;
    // Read below for every parsed file; files not parsed, or an early return,
    // leave it unread on purpose.
    ~Parsed() { status.IgnoreError(); }
  };
  std::vector<Parsed> parsed(entries.size());
  std::vector<std::size_t> to_parse;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    Entry& e = entries[i];
    if (e.is_dir) continue;
    auto known = file_hashes.find(e.path);
    e.unchanged = known != file_hashes.end() && known->second == e.hash;
    const std::string language(LanguageForPath(e.path));
    if (GrammarFor(language) == nullptr && language != "markdown") continue;
    if (e.unchanged) {
      for (const NodeId id : nodes_by_path[e.path]) seen.insert(id);
      ++summary.files_unchanged;
      continue;
    }
    parsed[i].needed = true;
    to_parse.push_back(i);
  }
  const int threads = options.threads > 0
                          ? options.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t k = next++; k < to_parse.size(); k = next++) {
      const Entry& e = entries[to_parse[k]];
      Parsed& out = parsed[to_parse[k]];
      if (LanguageForPath(e.path) == "markdown") {
        out.definitions = ExtractMarkdownSections(e.path, e.text);
        continue;
      }
      ParseLimits limits;
      limits.time_limit = options.parse_time_limit;
      limits.max_bytes = options.max_file_bytes;
      auto tree = ParseSource(LanguageForPath(e.path), e.text, limits);
      if (!tree.ok()) {
        out.status = tree.status();
        continue;
      }
      out.syntax_errors = tree->has_errors();
      QueryLimits query_limits;
      query_limits.time_limit = options.parse_time_limit;
      auto defs = ExtractDefinitions(e.path, *tree, query_limits);
      if (!defs.ok()) {
        out.status = defs.status();
        continue;
      }
      out.definitions = std::move(defs).value();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads && static_cast<std::size_t>(t) < to_parse.size(); ++t) {
    pool.emplace_back(work);
  }
  work();
  for (std::thread& t : pool) t.join();

  RevisionInfo info;
  info.source = RevisionSource::kWorktree;
  info.message = "ingest of " + root;
  ONYX_ASSIGN_OR_RETURN(auto writer, store.BeginRevision(project.id, info));
  std::map<std::string, NodeId> dir_ids;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    Node node = e.is_dir ? DirectoryNode(e.path, project.name) : FileNode(e.path, e.text, e.hash);
    if (!e.is_dir && !e.unchanged) writer->PutBlob(e.text);  // else stored already
    if (e.is_dir) dir_ids[e.path] = node.id;
    seen.insert(node.id);
    const NodeId id = node.id;
    ONYX_RETURN_IF_ERROR(writer->UpsertNode(std::move(node)));
    if (!e.path.empty()) {
      Edge contains;
      contains.src = dir_ids.at(ParentPath(e.path));
      contains.kind = EdgeKind::kContains;
      contains.dst = id;
      ONYX_RETURN_IF_ERROR(writer->UpsertEdge(std::move(contains)));
    }
    Parsed& p = parsed[i];
    if (!p.needed) continue;
    if (!p.status.ok()) {
      if (p.status.code() != StatusCode::kDeadlineExceeded) {
        return p.status.WithContext("ingest: " + e.path);
      }
      ++summary.skipped_by_reason["parse_time_limit"];
      continue;
    }
    ++summary.files_parsed;
    if (p.syntax_errors) ++summary.files_with_syntax_errors;
    // A definition the store refuses (a hostile file's 10 KB identifier, a NUL in
    // a title) is skipped and counted; its children then hang under the file.
    std::vector<std::optional<NodeId>> ids;
    for (Definition& d : p.definitions) {
      const NodeId def_id = d.node.id;
      const std::string kind(NodeKindName(d.node.kind));
      Edge contains;
      contains.src = d.parent && ids[*d.parent] ? *ids[*d.parent] : id;
      contains.kind = EdgeKind::kContains;
      contains.dst = def_id;
      const Status staged = writer->UpsertNode(std::move(d.node));
      if (!staged.ok()) {
        if (!staged.IsInvalidArgument()) return staged;
        ++summary.skipped_by_reason["invalid_symbol"];
        ids.emplace_back();
        continue;
      }
      ids.emplace_back(def_id);
      seen.insert(def_id);
      ++summary.definitions_by_kind[kind];
      ONYX_RETURN_IF_ERROR(writer->UpsertEdge(std::move(contains)));
    }
  }
  // Everything the tree no longer has closes (with its edges).
  for (const NodeId id : current) {
    if (seen.count(id) == 0) ONYX_RETURN_IF_ERROR(writer->RemoveNode(id));
  }
  ONYX_ASSIGN_OR_RETURN(summary.revision, writer->Commit());
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace onyx::ingest
