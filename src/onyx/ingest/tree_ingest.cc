// The tree ingest pipeline: walk → compare with the store → parse what changed
// (in parallel) → symbol table → resolve references → stage → commit.
#include "onyx/ingest/tree_ingest.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "onyx/core/clock.h"
#include "onyx/ingest/definition_extractor.h"
#include "onyx/ingest/file_extractor.h"
#include "onyx/ingest/file_facts.h"
#include "onyx/ingest/graph_state.h"
#include "onyx/ingest/languages/grammars.h"
#include "onyx/ingest/languages/language_spec.h"
#include "onyx/ingest/lineage.h"
#include "onyx/ingest/markdown_sections.h"
#include "onyx/ingest/reference_linker.h"
#include "onyx/ingest/resolver.h"
#include "onyx/ingest/symbol_table.h"
#include "onyx/store/read_view.h"
#include "onyx/store/revision_writer.h"

namespace onyx::ingest {
namespace fs = std::filesystem;

namespace {

// File node attributes.
constexpr std::string_view kFactsAttribute = "facts";                 // extractor version
constexpr std::string_view kParseAttribute = "parse";                 // "time_limit" when skipped
constexpr std::string_view kUnresolvedPrefix = "unresolved.";         // + reason → count
constexpr std::string_view kPreviousPathAttribute = "previous_path";  // after a rename

Node DirectoryNode(const std::string& path, std::string_view project_name) {
  Node node;
  node.kind = path.empty() ? NodeKind::kProject : NodeKind::kDirectory;
  node.path = path;
  node.qualified_name = path;
  node.name = path.empty() ? std::string(project_name) : fs::path(path).filename().string();
  node.id = MakeNodeId(node.language, node.path, node.qualified_name, node.kind);
  return node;
}

// `same` is the file's node from the last revision when its content is the same
// (its span, which costs a scan of the text, is reused).
Node FileNode(const TreeEntry& e, const Node* same = nullptr) {
  Node node;
  node.kind = NodeKind::kFile;
  node.path = e.path;
  node.qualified_name = e.path;
  node.name = fs::path(e.path).filename().string();
  node.language = std::string(LanguageForPath(e.path));
  node.content_hash = e.hash;
  node.id = MakeNodeId(node.language, node.path, node.qualified_name, node.kind);
  if (same != nullptr) {
    node.span = same->span;
    return node;
  }
  std::uint32_t lines = 0;  // memchr: several times faster than a byte loop
  const std::string_view text = e.text();
  for (const char *p = text.data(), *end = p + text.size();
       (p = static_cast<const char*>(std::memchr(p, '\n', end - p))) != nullptr; ++p) {
    ++lines;
  }
  node.span = Span{0, static_cast<std::uint32_t>(text.size()), 1,
                   lines + (text.empty() || text.back() == '\n' ? 0u : 1u)};
  return node;
}

std::string ParentPath(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

// Files Onyx extracts definitions and facts from.
bool IsExtractable(std::string_view language) {
  return language == "markdown" ||
         (SpecFor(language) != nullptr && GrammarFor(language) != nullptr);
}

// The name a module is imported by: the file's stem, or its folder's name for
// package entry files (__init__.py, index.ts, mod.rs, lib.rs).
std::string ModuleName(std::string_view path) {
  const std::string stem = fs::path(std::string(path)).stem().string();
  if (stem == "__init__" || stem == "index" || stem == "mod" || stem == "lib" || stem == "main") {
    return fs::path(std::string(path)).parent_path().filename().string();
  }
  return stem;
}

bool IsIdentByte(char byte) {
  static const auto table = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c) {
      t[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '$' || c >= 0x80;
    }
    return t;
  }();
  return table[static_cast<unsigned char>(byte)];
}

// True when `text` holds one of `names` as a whole identifier. A few names are
// searched for directly (memchr-fast); many, by one pass over the identifiers.
bool MentionsAny(std::string_view text, const std::unordered_set<std::string>& names) {
  const auto whole = [&](std::size_t at, std::size_t len) {
    return (at == 0 || !IsIdentByte(text[at - 1])) &&
           (at + len == text.size() || !IsIdentByte(text[at + len]));
  };
  if (names.size() <= 16) {
    // glibc's memmem (two-way search) beats find's first-byte memchr on code,
    // where a name's first letter is everywhere.
    for (const std::string& name : names) {
      if (name.empty()) continue;
      std::size_t at = 0;
      while (at + name.size() <= text.size()) {
        const void* hit = ::memmem(text.data() + at, text.size() - at, name.data(), name.size());
        if (hit == nullptr) break;
        at = static_cast<std::size_t>(static_cast<const char*>(hit) - text.data());
        if (whole(at, name.size())) return true;
        ++at;
      }
    }
    return false;
  }
  std::size_t i = 0;
  std::string token;
  while (i < text.size()) {
    while (i < text.size() && !IsIdentByte(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && IsIdentByte(text[i])) ++i;
    if (i == start) continue;
    token.assign(text.substr(start, i - start));
    if (names.count(token) != 0) return true;
  }
  return false;
}

// Lineage across a rename: the file node names its previous path, and each
// definition the node it continues (same kind, same name inside the module).
void MarkLineage(const std::string& old_path, const std::vector<Node>& old_definitions,
                 Node& file_node, std::vector<Definition>& definitions) {
  file_node.attributes[std::string(kPreviousPathAttribute)] = old_path;
  const std::string old_module = ModulePathFor(old_path, file_node.language);
  const std::string new_module = ModulePathFor(file_node.path, file_node.language);
  std::map<std::pair<NodeKind, std::string>, NodeId> before;
  for (const Node& n : old_definitions) {
    if (n.qualified_name.starts_with(old_module)) {
      before[{n.kind, n.qualified_name.substr(old_module.size())}] = n.id;
    }
  }
  for (Definition& d : definitions) {
    if (!d.node.qualified_name.starts_with(new_module)) continue;
    auto it = before.find({d.node.kind, d.node.qualified_name.substr(new_module.size())});
    if (it == before.end()) continue;
    d.node.attributes[std::string(kPreviousIdAttribute)] = FormatNodeId(it->second);
  }
}

struct Parsed {
  bool needed = false;
  Status status;
  std::vector<Definition> definitions;
  std::vector<bool> accepted;  ///< Per definition: staged (the store took it).
  FileFacts facts;
  std::string facts_blob;  ///< EncodeFileFacts(facts), made by the parse pool.
  bool syntax_errors = false;
  std::shared_ptr<const SyntaxTree> tree;  ///< When asked to keep it.
  // Read below for every parsed file; files not parsed, or an early return,
  // leave it unread on purpose.
  ~Parsed() { status.IgnoreError(); }
};

// Parses one file and extracts its definitions and facts (one query run).
// With `previous` (a tree of the file's earlier text) the parse is incremental;
// `keep_tree` hands the new tree back in `out.tree`.
void ParseEntry(const TreeEntry& e, const IngestOptions& options, Parsed& out,
                const SyntaxTree* previous = nullptr, bool keep_tree = false) {
  const std::string_view language = LanguageForPath(e.path);
  if (language == "markdown") {
    out.definitions = ExtractMarkdownSections(e.path, e.text());
    out.facts = ExtractMarkdownMentions(e.text());
    return;
  }
  ParseLimits limits;
  limits.time_limit = options.parse_time_limit;
  limits.max_bytes = options.max_file_bytes;
  auto tree = ParseSource(language, std::string(e.text()), limits, previous);
  if (!tree.ok()) {
    out.status = tree.status();
    return;
  }
  out.syntax_errors = tree->has_errors();
  QueryLimits query_limits;
  query_limits.time_limit = options.parse_time_limit;
  auto extracted = ExtractFile(e.path, *tree, query_limits);
  if (!extracted.ok()) {
    out.status = extracted.status();
    return;
  }
  out.definitions = std::move(extracted->definitions);
  out.facts = std::move(extracted->facts);
  if (keep_tree) out.tree = std::make_shared<const SyntaxTree>(std::move(tree).value());
}

// What a file defines, by (kind, name inside its module): what lineage
// matches across a move.
using RelativeNames = std::set<std::pair<NodeKind, std::string>>;
template <typename Nodes, typename NodeOf>
RelativeNames RelativeNamesOf(const std::string& module, const Nodes& nodes, NodeOf node_of) {
  RelativeNames names;
  for (const auto& item : nodes) {
    const Node& n = node_of(item);
    if (n.qualified_name.starts_with(module)) {
      names.emplace(n.kind, n.qualified_name.substr(module.size()));
    }
  }
  return names;
}

// The imports recorded for a file's stored content, or nullopt when its facts
// are missing or unreadable.
std::optional<std::vector<ImportFact>> StoredImports(const store::ReadView& before,
                                                     const Node& file) {
  auto bytes = before.GetDerivedBlob(FactsKey(file.content_hash));
  if (!bytes.ok()) {
    bytes.status().IgnoreError();
    return std::nullopt;
  }
  auto facts = DecodeFileFacts(*bytes);
  if (!facts.ok()) {
    facts.status().IgnoreError();
    return std::nullopt;
  }
  return std::move(facts->imports);
}

// The names an edit of a file's imports may re-resolve elsewhere (the file
// re-exports what it imports): those of imports added or removed, by module,
// name, alias and re-export, wherever they sit in the file. A changed wildcard
// import changes what the whole module exports, so files naming the module
// count too. Without the old imports, every import counts.
void InsertChangedImports(const std::vector<ImportFact>& now,
                          const std::optional<std::vector<ImportFact>>& then,
                          const std::string& module_name,
                          std::unordered_set<std::string>& changed_names) {
  using Key = std::tuple<std::string_view, std::string_view, std::string_view, bool>;
  const auto key = [](const ImportFact& f) { return Key{f.module, f.name, f.alias, f.reexport}; };
  std::set<Key> before_keys;
  if (then) {
    for (const ImportFact& f : *then) before_keys.insert(key(f));
  }
  std::set<Key> now_keys;
  for (const ImportFact& f : now) now_keys.insert(key(f));
  const auto insert = [&](const ImportFact& f) {
    changed_names.insert(f.alias.empty() ? f.name : f.alias);
    if (f.name == "*") changed_names.insert(module_name);
  };
  for (const ImportFact& f : now) {
    if (!then || before_keys.count(key(f)) == 0) insert(f);
  }
  if (then) {
    for (const ImportFact& f : *then) {
      if (now_keys.count(key(f)) == 0) insert(f);
    }
  }
}

// Moves with edits: a new file whose definitions mostly continue those of a
// file gone in the same revision (at least half of the larger set, by kind and
// name inside the module, same language) continues it, best pairs first. Git
// calls a rename what keeps half its content; this asks the same of the
// definitions. Large reshuffles compare only files of the same name.
void PairMovedFiles(const std::vector<TreeEntry>& entries, const std::vector<Parsed>& parsed,
                    const std::vector<std::size_t>& added, const std::vector<std::string>& gone,
                    const std::unordered_map<std::string, Node>& old_files,
                    const std::unordered_map<std::string, std::vector<Node>>& old_definitions,
                    std::unordered_map<std::string, std::string>* renamed_from) {
  if (added.empty() || gone.empty()) return;
  const bool all_pairs = added.size() * gone.size() <= 250'000;
  struct Pair {
    double score;
    std::size_t added;
    std::size_t gone;
  };
  std::vector<RelativeNames> gone_names;
  for (const std::string& path : gone) {
    const auto defined = old_definitions.find(path);
    gone_names.push_back(defined == old_definitions.end()
                             ? RelativeNames()
                             : RelativeNamesOf(ModulePathFor(path, old_files.at(path).language),
                                               defined->second,
                                               [](const Node& n) -> const Node& { return n; }));
  }
  std::vector<Pair> pairs;
  for (std::size_t a = 0; a < added.size(); ++a) {
    const TreeEntry& e = entries[added[a]];
    const std::string language(LanguageForPath(e.path));
    const RelativeNames names =
        RelativeNamesOf(ModulePathFor(e.path, language), parsed[added[a]].definitions,
                        [](const Definition& d) -> const Node& { return d.node; });
    if (names.empty()) continue;
    const std::string base = fs::path(e.path).filename().string();
    for (std::size_t g = 0; g < gone.size(); ++g) {
      if (old_files.at(gone[g]).language != language || gone_names[g].empty()) continue;
      if (!all_pairs && fs::path(gone[g]).filename().string() != base) continue;
      std::size_t common = 0;
      for (const auto& name : names) common += gone_names[g].count(name);
      const double score = static_cast<double>(common) /
                           static_cast<double>(std::max(names.size(), gone_names[g].size()));
      if (common > 0 && score >= 0.5) pairs.push_back({score, a, g});
    }
  }
  std::sort(pairs.begin(), pairs.end(), [&](const Pair& x, const Pair& y) {
    if (x.score != y.score) return x.score > y.score;
    return std::tie(entries[added[x.added]].path, gone[x.gone]) <
           std::tie(entries[added[y.added]].path, gone[y.gone]);
  });
  std::vector<bool> added_taken(added.size()), gone_taken(gone.size());
  for (const Pair& p : pairs) {
    if (added_taken[p.added] || gone_taken[p.gone]) continue;
    added_taken[p.added] = gone_taken[p.gone] = true;
    (*renamed_from)[entries[added[p.added]].path] = gone[p.gone];
  }
}

}  // namespace

Result<std::vector<Definition>> FileDefinitions(const TreeEntry& entry,
                                                const IngestOptions& options) {
  if (LanguageForPath(entry.path).empty()) return std::vector<Definition>();
  Parsed parsed;
  ParseEntry(entry, options, parsed);
  if (!parsed.status.ok()) return parsed.status;
  return std::move(parsed.definitions);
}

Result<IngestSummary> IngestTree(store::Store& store, const Project& project,
                                 const std::string& root, const IngestOptions& options,
                                 WorktreeStat* stat, GraphState* state) {
  const auto started = std::chrono::steady_clock::now();
  const std::int64_t stat_taken_ns = core::NowMicros() * 1000;
  IngestSummary summary;
  std::vector<TreeEntry> stats;
  // (An earlier walk's contents stay true whatever the store did since.)
  const EarlierWalk* earlier = state != nullptr && state->root == root ? &state->walk : nullptr;
  ONYX_ASSIGN_OR_RETURN(std::vector<TreeEntry> entries,
                        WalkTree(root, options, &summary, /*read_content=*/true,
                                 stat != nullptr ? &stats : nullptr, earlier));
  if (stat != nullptr) *stat = WorktreeStatOf(root, options, stat_taken_ns, stats);
  summary.phase_seconds["walk"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  RevisionInfo info;
  info.source = RevisionSource::kWorktree;
  info.message = "ingest of " + root;
  const fs::path normal = fs::path(root).lexically_normal();
  const std::string root_name =
      (normal.has_filename() ? normal : normal.parent_path()).filename().string();
  EarlierWalk walk;
  walk.began_ns = stat_taken_ns;
  if (state != nullptr) {
    for (const TreeEntry& e : entries) {
      if (!e.is_dir) walk.files.emplace(e.path, e);
    }
  }
  ONYX_ASSIGN_OR_RETURN(
      summary, IngestSnapshot(store, project, entries, root_name, std::move(info),
                              /*keep_if_empty=*/false, options, std::move(summary), state));
  if (state != nullptr) {
    state->root = root;
    state->walk = std::move(walk);
  }
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

Result<IngestSummary> IngestSnapshot(store::Store& store, const Project& project,
                                     const std::vector<TreeEntry>& entries,
                                     std::string_view root_name, RevisionInfo info,
                                     bool keep_if_empty, const IngestOptions& options,
                                     IngestSummary summary, GraphState* state) {
  const auto started = std::chrono::steady_clock::now();
  auto phase_start = started;
  const auto phase_done = [&](const char* phase) {
    const auto now = std::chrono::steady_clock::now();
    summary.phase_seconds[phase] += std::chrono::duration<double>(now - phase_start).count();
    phase_start = now;
  };

  // The graph as the last revision left it: kept by the caller, or one pass
  // over the current nodes.
  ONYX_ASSIGN_OR_RETURN(const store::ReadView before, store.View(project.id));
  GraphState read;
  GraphState& graph = state != nullptr ? *state : read;
  if (!graph.DescribesLatest(project.id, before.latest())) {
    RecentTrees trees = std::move(graph.trees);  // true of the files whatever the store holds
    ONYX_ASSIGN_OR_RETURN(graph, ReadGraphState(project.id, before));
    graph.trees = std::move(trees);
  }
  graph.valid = false;  // until the commit below brings it up to date
  std::unordered_map<std::string, std::vector<Node>>& old_definitions = graph.definitions;
  std::unordered_map<std::string, Node>& old_files = graph.files;
  const std::unordered_set<NodeId>& old_folders = graph.folders;
  phase_done("read_graph");

  // Files whose content (and extractor) is what the store already has keep their
  // symbols: no parse. The others are parsed in parallel; the commit stays on
  // this thread.
  std::vector<Parsed> parsed(entries.size());
  std::vector<bool> unchanged(entries.size(), false);
  std::vector<std::size_t> to_parse;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const TreeEntry& e = entries[i];
    if (e.is_dir || !IsExtractable(LanguageForPath(e.path))) continue;
    auto known = old_files.find(e.path);
    if (known != old_files.end() && known->second.content_hash == e.hash) {
      auto facts = known->second.attributes.find(std::string(kFactsAttribute));
      unchanged[i] =
          facts != known->second.attributes.end() && facts->second == std::to_string(kFactsVersion);
    }
    if (unchanged[i]) {
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
  std::atomic<std::size_t> done{0};
  // A small ingest (an edit) keeps its trees for the next one; any ingest
  // reuses those it finds.
  const bool keep_trees = state != nullptr && to_parse.size() <= RecentTrees::kMaxKeptPerIngest;
  // Biggest files first, so that no thread is left parsing a big one while
  // the others idle at the end.
  std::vector<std::size_t> order = to_parse;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return entries[a].text().size() > entries[b].text().size();
  });
  auto work = [&] {
    for (std::size_t k = next++; k < order.size(); k = next++) {
      const TreeEntry& e = entries[order[k]];
      const std::shared_ptr<const SyntaxTree> previous = graph.trees.Find(e.path);
      Parsed& p = parsed[order[k]];
      ParseEntry(e, options, p, previous.get(), keep_trees);
      if (p.status.ok()) p.facts_blob = EncodeFileFacts(p.facts);  // stored below
      const std::size_t finished = ++done;
      if (options.progress) options.progress(finished, to_parse.size());
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads && static_cast<std::size_t>(t) < to_parse.size(); ++t) {
    pool.emplace_back(work);
  }
  work();
  for (std::thread& t : pool) t.join();
  if (keep_trees) {
    for (const std::size_t i : to_parse) {
      if (parsed[i].tree) graph.trees.Keep(entries[i].path, std::move(parsed[i].tree));
    }
  }
  phase_done("parse");

  // Names whose resolution may have changed: definitions and files added or
  // removed, and what changed files import. Unchanged files that use one are
  // linked again (computed before the definitions move into the writer).
  std::unordered_set<std::string> changed_names;
  std::unordered_set<std::string> walked;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const TreeEntry& e = entries[i];
    if (e.is_dir) continue;
    walked.insert(e.path);
    if (!parsed[i].needed || !parsed[i].status.ok()) continue;
    std::unordered_set<NodeId> now;
    for (const Definition& d : parsed[i].definitions) now.insert(d.node.id);
    std::unordered_set<NodeId> then;
    for (const Node& n : old_definitions[e.path]) {
      then.insert(n.id);
      if (now.count(n.id) == 0) changed_names.insert(n.name);
    }
    for (const Definition& d : parsed[i].definitions) {
      if (then.count(d.node.id) == 0) changed_names.insert(d.node.name);
    }
    const std::string module = ModuleName(e.path);
    const auto old_file = old_files.find(e.path);
    if (old_file == old_files.end()) changed_names.insert(module);
    const auto old_imports = old_file == old_files.end()
                                 ? std::optional<std::vector<ImportFact>>(std::vector<ImportFact>())
                                 : StoredImports(before, old_file->second);
    InsertChangedImports(parsed[i].facts.imports, old_imports, module, changed_names);
  }
  for (const auto& [path, node] : old_files) {
    if (walked.count(path) == 0) {
      changed_names.insert(ModuleName(path));
      for (const Node& n : old_definitions[path]) changed_names.insert(n.name);
    }
  }
  changed_names.erase("");
  changed_names.erase("*");

  // Renames: a file gone from its old path whose content appears at a new one
  // keeps its lineage (the new nodes name the old ones they continue).
  std::unordered_map<std::string, std::string> renamed_from;
  {
    std::multimap<ContentHash, std::string> gone;
    for (const auto& [path, node] : old_files) {
      if (walked.count(path) == 0) gone.emplace(node.content_hash, path);
    }
    std::vector<std::size_t> added;  // new files no gone one matched exactly
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const TreeEntry& e = entries[i];
      if (e.is_dir || old_files.count(e.path) != 0) continue;
      auto it = gone.find(e.hash);
      if (it == gone.end()) {
        if (parsed[i].needed && parsed[i].status.ok()) added.push_back(i);
        continue;
      }
      renamed_from[e.path] = it->second;
      gone.erase(it);
    }
    std::vector<std::string> unmatched;
    for (const auto& [hash, path] : gone) unmatched.push_back(path);
    PairMovedFiles(entries, parsed, added, unmatched, old_files, old_definitions, &renamed_from);
  }

  // Stage the nodes; what the store accepts makes the symbol table.
  ONYX_ASSIGN_OR_RETURN(auto writer, store.BeginRevision(project.id, std::move(info)));
  if (keep_if_empty) writer->KeepIfEmpty();
  // The definitions index is the kept one (filled on first use, then changed
  // only for the files parsed now), the table of files and folders is new.
  DefinitionIndex& symbols = graph.symbols;
  SymbolTable table(symbols);
  ProjectLayout layout;
  std::unordered_set<NodeId> seen;
  std::map<std::string, NodeId> dir_ids;
  std::vector<Node> file_nodes(entries.size());  // restaged with their link results
  std::deque<Node> dir_nodes;
  std::unordered_map<std::string, std::size_t> entry_of;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const TreeEntry& e = entries[i];
    const Node* same_file = nullptr;
    if (!e.is_dir) {
      auto old = old_files.find(e.path);
      if (old != old_files.end() && old->second.content_hash == e.hash) same_file = &old->second;
    }
    Node node = e.is_dir ? DirectoryNode(e.path, project.name) : FileNode(e, same_file);
    // A folder or file the store already has with this content: its node and
    // its contains edge are unchanged, so they are not staged (a file node is
    // restaged below if linking changes its attributes).
    bool known = e.is_dir && old_folders.count(node.id) != 0;
    if (!e.is_dir) {
      entry_of[e.path] = i;
      layout.AddManifest(e.path, e.text());
      auto old = old_files.find(e.path);
      known = old != old_files.end() && old->second.content_hash == e.hash &&
              old->second.language == node.language;
      if (known) {
        node.attributes = old->second.attributes;
      } else {
        writer->PutBlob(e.text());  // else stored already
      }
    }
    if (e.is_dir) dir_ids[e.path] = node.id;
    seen.insert(node.id);
    const NodeId id = node.id;
    // The table points into these nodes: they stay put until the commit.
    const Node& kept =
        e.is_dir ? dir_nodes.emplace_back(std::move(node)) : (file_nodes[i] = std::move(node));
    table.AddFile(kept);
    if (!known) ONYX_RETURN_IF_ERROR(writer->UpsertNode(kept));
    if (!known && !e.path.empty()) {
      Edge contains;
      contains.src = dir_ids.at(ParentPath(e.path));
      contains.kind = EdgeKind::kContains;
      contains.dst = id;
      ONYX_RETURN_IF_ERROR(writer->UpsertEdge(std::move(contains)));
    }
    if (unchanged[i]) {
      // All of them stay (removals below skip unchanged files).
      if (!symbols.Has(e.path)) {
        std::vector<const Node*> nodes;
        for (const Node& n : old_definitions[e.path]) nodes.push_back(&n);
        symbols.Replace(e.path, nodes);
      }
      continue;
    }
    symbols.Remove(e.path);  // until the definitions accepted below
    Parsed& p = parsed[i];
    if (!p.needed) continue;
    Node& file_node = file_nodes[i];
    file_node.attributes.clear();
    file_node.attributes[std::string(kFactsAttribute)] = std::to_string(kFactsVersion);
    if (!p.status.ok()) {
      if (p.status.code() != StatusCode::kDeadlineExceeded) {
        return p.status.WithContext("ingest: " + e.path);
      }
      ++summary.skipped_by_reason["parse_time_limit"];
      file_node.attributes[std::string(kParseAttribute)] = "time_limit";
      continue;
    }
    ++summary.files_parsed;
    if (p.syntax_errors) ++summary.files_with_syntax_errors;
    // Lineage: definitions of a moved file by name, then renamed ones by text.
    std::string old_path = e.path;
    if (auto renamed = renamed_from.find(e.path); renamed != renamed_from.end()) {
      old_path = renamed->second;
      MarkLineage(old_path, old_definitions[old_path], file_node, p.definitions);
    }
    if (const auto old_file = old_files.find(old_path); old_file != old_files.end()) {
      ONYX_RETURN_IF_ERROR(MarkRenamedDefinitions(
          old_definitions[old_path], [&] { return before.GetBlob(old_file->second.content_hash); },
          e.text(), p.definitions));
    }
    writer->PutDerivedBlob(FactsKey(e.hash), p.facts_blob);
    // A definition the store refuses (a hostile file's 10 KB identifier, a NUL in
    // a title) is skipped and counted; its children then hang under the file.
    std::vector<std::optional<NodeId>> ids;
    std::vector<const Node*> accepted;
    for (Definition& d : p.definitions) {
      const NodeId def_id = d.node.id;
      const std::string kind(NodeKindName(d.node.kind));
      Edge contains;
      contains.src = d.parent && ids[*d.parent] ? *ids[*d.parent] : id;
      contains.kind = EdgeKind::kContains;
      contains.dst = def_id;
      const Status staged = writer->UpsertNode(d.node);
      p.accepted.push_back(staged.ok());
      if (!staged.ok()) {
        if (!staged.IsInvalidArgument()) return staged;
        ++summary.skipped_by_reason["invalid_symbol"];
        ids.emplace_back();
        continue;
      }
      accepted.push_back(&d.node);
      ids.emplace_back(def_id);
      seen.insert(def_id);
      ++summary.definitions_by_kind[kind];
      ONYX_RETURN_IF_ERROR(writer->UpsertEdge(std::move(contains)));
    }
    symbols.Replace(e.path, accepted);
  }
  for (const std::string_view path : symbols.Paths()) {
    std::string gone(path);  // a copy: Remove frees the index's
    if (entry_of.count(gone) == 0) symbols.Remove(gone);
  }
  table.Finish();
  if (entry_of.count("__init__.py") != 0) layout.python_root_package = std::string(root_name);

  phase_done("stage");

  // Facts: those just extracted, else the stored ones of unchanged files (parsed
  // again if missing or unreadable).
  // Two resolvers may ask at once (the link below): loading takes a lock.
  std::unordered_map<std::string, std::optional<FileFacts>> loaded;
  std::mutex loaded_mu;
  const FactsLookup facts_of = [&](std::string_view path) -> const FileFacts* {
    auto at = entry_of.find(std::string(path));
    if (at == entry_of.end()) return nullptr;
    const std::size_t i = at->second;
    if (parsed[i].needed) return parsed[i].status.ok() ? &parsed[i].facts : nullptr;
    if (!unchanged[i]) return nullptr;
    std::lock_guard<std::mutex> lock(loaded_mu);
    auto [it, inserted] = loaded.try_emplace(std::string(path));
    if (inserted) {
      const TreeEntry& e = entries[i];
      if (file_nodes[i].attributes.count(std::string(kParseAttribute)) != 0) return nullptr;
      auto bytes = before.GetDerivedBlob(FactsKey(e.hash));
      auto decoded = bytes.ok() ? DecodeFileFacts(*bytes) : Result<FileFacts>(bytes.status());
      if (decoded.ok()) {
        it->second = std::move(decoded).value();
      } else {
        Parsed again;
        ParseEntry(e, options, again);
        if (again.status.ok()) it->second = std::move(again.facts);
      }
    }
    return it->second ? &*it->second : nullptr;
  };

  // Files to link: every file parsed now, and unchanged files that use a
  // changed name.
  std::vector<std::string> to_link;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (parsed[i].needed && parsed[i].status.ok()) to_link.push_back(entries[i].path);
  }
  if (!changed_names.empty()) {
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (unchanged[i] && MentionsAny(entries[i].text(), changed_names)) {
        to_link.push_back(entries[i].path);
      }
    }
  }

  const Resolver resolver(table, layout, facts_of);
  const Resolver second(table, layout, facts_of);
  ONYX_ASSIGN_OR_RETURN(LinkResult link, LinkReferences(table, resolver, to_link, before,
                                                        threads > 1 ? &second : nullptr));
  for (Edge& e : link.upserts) ONYX_RETURN_IF_ERROR(writer->UpsertEdge(std::move(e)));
  for (const EdgeRef& ref : link.removals) ONYX_RETURN_IF_ERROR(writer->RemoveEdge(ref));
  summary.files_linked = to_link.size();
  summary.edges_by_kind = std::move(link.edges_by_kind);
  // Unresolved references, per file (as file attributes) and per reason.
  for (const std::string& path : to_link) {
    Node& node = file_nodes[entry_of.at(path)];
    for (auto it = node.attributes.begin(); it != node.attributes.end();) {
      it = it->first.starts_with(kUnresolvedPrefix) ? node.attributes.erase(it) : std::next(it);
    }
    auto counts = link.unresolved_by_file.find(path);
    if (counts != link.unresolved_by_file.end()) {
      std::uint64_t total = 0;
      for (const auto& [reason, n] : counts->second) {
        node.attributes[std::string(kUnresolvedPrefix) + reason] = std::to_string(n);
        summary.unresolved_by_reason[reason] += n;
        total += n;
      }
      summary.unresolved_by_file.emplace_back(path, total);
    }
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].is_dir) continue;
    auto old = old_files.find(entries[i].path);
    if (old != old_files.end() && old->second.SameContent(file_nodes[i])) continue;
    ONYX_RETURN_IF_ERROR(writer->UpsertNode(file_nodes[i]));
  }
  std::sort(summary.unresolved_by_file.begin(), summary.unresolved_by_file.end(),
            [](const auto& a, const auto& b) {
              return a.second != b.second ? a.second > b.second : a.first < b.first;
            });

  phase_done("link");

  // Everything the tree no longer has closes (with its edges).
  const auto remove_unseen = [&](NodeId id) -> Status {
    return seen.count(id) == 0 ? writer->RemoveNode(id) : Status::Ok();
  };
  for (const NodeId id : old_folders) ONYX_RETURN_IF_ERROR(remove_unseen(id));
  for (const auto& [path, node] : old_files) ONYX_RETURN_IF_ERROR(remove_unseen(node.id));
  for (const auto& [path, nodes] : old_definitions) {
    const auto at = entry_of.find(path);
    if (at != entry_of.end() && unchanged[at->second]) continue;  // kept whole
    for (const Node& n : nodes) ONYX_RETURN_IF_ERROR(remove_unseen(n.id));
  }
  ONYX_ASSIGN_OR_RETURN(summary.revision, writer->Commit());
  phase_done("commit");

  // The state of the revision just committed, for the next ingest: what the
  // store now holds for every path (the symbol table, which points into the
  // file nodes, is no longer used; the definitions index already matches).
  for (auto it = old_files.begin(); it != old_files.end();) {
    it = walked.count(it->first) == 0 ? old_files.erase(it) : std::next(it);
  }
  for (auto it = old_definitions.begin(); it != old_definitions.end();) {
    it = walked.count(it->first) == 0 ? old_definitions.erase(it) : std::next(it);
  }
  graph.folders.clear();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const TreeEntry& e = entries[i];
    if (e.is_dir) {
      graph.folders.insert(dir_ids.at(e.path));
      continue;
    }
    auto old = old_files.find(e.path);
    if (old == old_files.end() || !old->second.SameContent(file_nodes[i])) {
      old_files[e.path] = std::move(file_nodes[i]);
    }
    if (unchanged[i]) continue;
    std::vector<Node>& kept = old_definitions[e.path];
    kept.clear();
    Parsed& p = parsed[i];
    if (!p.needed || !p.status.ok()) continue;
    for (std::size_t k = 0; k < p.definitions.size(); ++k) {
      if (p.accepted[k]) kept.push_back(std::move(p.definitions[k].node));
    }
  }
  graph.revision = summary.revision ? summary.revision->number : before.latest();
  graph.valid = true;
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace onyx::ingest
