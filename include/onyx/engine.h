// onyx::Engine: the public facade over the store and ingestion. Open a data folder,
// ingest a tree into a project, and ask what is there.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "onyx/query.h"
#include "onyx/search.h"
#include "onyx/status.h"
#include "onyx/transfer.h"
#include "onyx/types.h"

namespace onyx {

namespace store {
class Store;
class ReadView;
}  // namespace store
namespace index {
class CodeSearch;
}  // namespace index
namespace query {
class Topology;
}  // namespace query

struct EngineOptions {
  /// fsync every revision commit (see docs/config.md).
  bool sync = true;
  /// The embedder search uses: "hash" (default, needs nothing), "bert:FOLDER"
  /// (a sentence-transformers BERT model downloaded to FOLDER), or
  /// "openai:MODEL@URL" (an OpenAI-compatible /v1/embeddings endpoint; the key,
  /// if any, from $OPENAI_API_KEY).
  /// Loaded on the first search; each model keeps its own index.
  std::string embedder = "hash";
  /// Keep each project's edges in memory (built by one scan on the first
  /// walk, rebuilt when the project moves on) so that neighbors, impact and
  /// tests walk without RocksDB seeks. For long-lived processes (repl,
  /// servers); one-shot commands are faster without it. Memory: about 40
  /// bytes per edge version.
  bool cache_topology = false;
  /// The HNSW vector index of search: neighbours per node (M), candidates
  /// while inserting (ef_construction) and while searching (ef_search). A
  /// snapshot built with another M is rebuilt on the next search;
  /// ef_construction applies to vectors added from then on.
  std::size_t hnsw_m = 16;
  std::size_t hnsw_ef_construction = 200;
  std::size_t hnsw_ef_search = 100;
};

/// What one ingest of a tree did.
struct IngestSummary {
  std::optional<Revision> revision;  ///< nullopt when nothing changed.
  std::uint64_t files = 0;           ///< Files taken into the graph.
  std::uint64_t directories = 0;
  std::uint64_t bytes = 0;
  std::map<std::string, std::uint64_t> files_by_language;
  std::map<std::string, std::uint64_t> skipped_by_reason;  ///< "binary", "too_large", …
  std::uint64_t files_parsed = 0;                          ///< Parsed with tree-sitter this time.
  std::uint64_t files_unchanged = 0;  ///< Same content as the last ingest: not re-parsed.
  std::uint64_t files_with_syntax_errors = 0;
  std::map<std::string, std::uint64_t> definitions_by_kind;  ///< In files parsed this time.
  /// Files whose references were resolved this time: those parsed, and unchanged
  /// files that name something added, removed or re-imported.
  std::uint64_t files_linked = 0;
  /// Reference edges (imports, calls, …, tests, documents) of the linked files.
  std::map<std::string, std::uint64_t> edges_by_kind;
  /// References of the linked files that resolved to nothing, by reason
  /// ("not_found", "ambiguous", "external", "unknown_receiver", …).
  std::map<std::string, std::uint64_t> unresolved_by_reason;
  /// The same per file, most first.
  std::vector<std::pair<std::string, std::uint64_t>> unresolved_by_file;
  double seconds = 0;
  /// Where the time went: "walk", "read_graph", "parse", "stage", "link", "commit".
  std::map<std::string, double> phase_seconds;
};

/// Limits of a tree ingest.
struct IngestOptions {
  std::uint64_t max_file_bytes = 1u << 20;  ///< Larger files are skipped ("too_large").
  std::uint64_t max_files = 1'000'000;      ///< Beyond this the ingest fails.
  int max_depth = 64;                       ///< Deeper directories are skipped.
  /// A file whose parse takes longer keeps its file node but gets no symbols, and
  /// is counted under skipped_by_reason["parse_time_limit"].
  std::chrono::milliseconds parse_time_limit{5000};
  int threads = 0;  ///< Parser threads; 0 means one per core.
  /// The project's ignore list, in .gitignore syntax, on top of the tree's
  /// .gitignore files and its root .onyxignore (skipped as "ignored").
  std::vector<std::string> ignore;
  /// Called with (files parsed, files to parse) as parsing goes, from parser
  /// threads: it must be thread-safe.
  std::function<void(std::uint64_t, std::uint64_t)> progress;
};

/// Which commits of a git history to ingest.
struct HistoryOptions {
  std::string ref = "HEAD";       ///< Where the first-parent walk starts.
  std::int64_t since_micros = 0;  ///< Skip commits made before this time.
  std::size_t max_commits = 0;    ///< Only the newest N commits; 0 for all.
  IngestOptions ingest;           ///< Limits for each commit's tree.
  /// Called after each commit with (commits done, commits to do).
  std::function<void(std::uint64_t, std::uint64_t)> progress;
};

/// What a history ingest did.
struct HistorySummary {
  std::uint64_t commits = 0;        ///< Commits ingested (one revision each).
  std::uint64_t commits_total = 0;  ///< Commits the walk selected.
  RevisionNumber first_revision = 0;
  RevisionNumber last_revision = 0;
  std::uint64_t files_parsed = 0;  ///< Over all commits.
  IngestSummary last;              ///< The newest commit's ingest.
  double seconds = 0;
};

/// The entry point of libonyx. Thread-safe; one Engine per data folder per process
/// (RocksDB locks the folder, so a second process gets IOError).
class Engine {
 public:
  /// Opens or creates the store under `data_dir`.
  static Result<std::unique_ptr<Engine>> Open(const std::string& data_dir,
                                              const EngineOptions& options = {});
  ~Engine();

  /// Creates a project; AlreadyExists when the name is taken.
  Result<Project> CreateProject(std::string_view name);
  /// The project of that name, created when missing.
  Result<Project> OpenOrCreateProject(std::string_view name);
  Result<std::vector<Project>> ListProjects() const;
  Status DeleteProject(std::string_view name);

  /// Walks `root` and records its directories and files (with their text as
  /// blobs), and the definitions tree-sitter finds in files of the six parsed
  /// languages, as one revision of `project`. Skips hidden entries, build and
  /// node_modules folders, symlinks, binary files and files over the size limit,
  /// and counts each skip by reason. Files whose content is unchanged are not
  /// re-parsed; unchanged nodes write nothing; an unchanged tree commits no
  /// revision. NotFound when `root` is not a directory.
  Result<IngestSummary> IngestTree(std::string_view project, const std::string& root,
                                   const IngestOptions& options = {});

  /// Ingests `root`, then watches it (inotify) and ingests it again after each
  /// burst of changes has been quiet for `quiet` (at most 2 s after its first
  /// event), until `stop` becomes true. `on_ingest` gets each ingest's result
  /// (an error does not end the watch; returning false from it does).
  Status WatchTree(std::string_view project, const std::string& root, const IngestOptions& options,
                   std::chrono::milliseconds quiet,
                   const std::function<bool(const Result<IngestSummary>&)>& on_ingest,
                   const std::atomic<bool>& stop);

  /// Ingests the first-parent git history of the repository at or above
  /// `repo_path` into `project`, oldest commit first, one revision per commit
  /// (carrying its id, author, time and message) even when it changes nothing
  /// Onyx sees. Continues after the newest commit the project already holds.
  /// Trees are read from git objects, never checked out: no hooks or filters
  /// run. A file whose content moves to a new path keeps its lineage (attribute
  /// previous_path on the file, previous_id on each definition it continues).
  Result<HistorySummary> IngestHistory(std::string_view project, const std::string& repo_path,
                                       const HistoryOptions& options = {});

  /// Searches the project's definitions and doc sections by meaning (the hash
  /// embedder's vectors in an HNSW index) and by words (BM25), as of a revision
  /// (a version is a hit only at revisions it was valid at). The indexes are
  /// derived data kept as a snapshot file under the data folder
  /// (search/<project id>-<model>.snapshot): loaded, brought up to the latest
  /// revision from the store, and saved again when it moved; a missing or
  /// damaged snapshot is rebuilt from the store (with a warning on stderr).
  /// InvalidArgument for an empty query, k outside 1..1000, or an as_of after
  /// the latest revision.
  Result<SearchResults> Search(std::string_view project, std::string_view text,
                               const SearchOptions& options = {});

  /// Nodes a user names (16-hex-digit id, qualified name, or name), as of
  /// `as_of` or the latest revision. Several may match.
  Result<std::vector<Node>> FindNodes(std::string_view project, std::string_view spec,
                                      std::optional<RevisionNumber> as_of = std::nullopt) const;
  /// The node's source text as of `as_of` (its span in its file), at most 64 KiB.
  Result<std::string> SourceOf(std::string_view project, const Node& node,
                               std::optional<RevisionNumber> as_of = std::nullopt) const;
  /// What may break if the node changes (see query/impact.h), as of a revision.
  Result<WalkResult> Impact(std::string_view project, NodeId node, const WalkLimits& limits = {},
                            std::optional<RevisionNumber> as_of = std::nullopt) const;
  /// The tests that exercise the node, as of a revision.
  Result<WalkResult> TestsFor(std::string_view project, NodeId node, const WalkLimits& limits = {},
                              std::optional<RevisionNumber> as_of = std::nullopt) const;

  /// Every version of the node, oldest first, across renames, with the
  /// revision (commit, author, time, message) that made it and what changed.
  /// Past `time` it returns the newest versions it read, marked partial.
  Result<NodeHistory> History(std::string_view project, NodeId node,
                              std::optional<RevisionNumber> as_of = std::nullopt,
                              const TimeLimit& time = {}) const;

  /// Whether the project's latest revision still matches the working tree
  /// `root` (empty: the tree of its last worktree ingest). Cheap while nothing
  /// changed: one stat per file against the stats saved when the tree last
  /// matched; otherwise files are read and hashed (CompareWorktree).
  Result<Freshness> CheckFreshness(std::string_view project, const std::string& root = {}) const;

  /// Keeps a note about code nodes as a new revision (a `note` node with
  /// `about` edges). InvalidArgument for a bad note, NotFound for a node or
  /// replaced note that does not exist now.
  Result<NoteWritten> Remember(std::string_view project, const NoteRequest& request);
  /// Notes that use the words of `query` (all, newest first, when empty),
  /// only those about `about` when given, each flagged stale when its code
  /// changed after it was written.
  Result<std::vector<RecalledNote>> Recall(
      std::string_view project, std::string_view query, std::optional<NodeId> about, std::size_t k,
      std::optional<RevisionNumber> as_of = std::nullopt) const;

  /// What the working tree at `root` changed since the project's latest
  /// revision: files modified, added and removed (walked with the ingest's
  /// rules and `options`), and with `symbols` the definitions whose text
  /// changed. The index is stale when any file differs.
  Result<WorktreeChanges> CompareWorktree(std::string_view project, const std::string& root,
                                          const IngestOptions& options = {},
                                          bool symbols = true) const;
  /// What may break because of the working tree's changes: the changed
  /// symbols and everything that reaches them in the latest revision.
  Result<ChangeImpact> ImpactOfWorktree(std::string_view project, const std::string& root,
                                        const WalkLimits& limits = {},
                                        const IngestOptions& options = {}) const;
  /// What may break because of the changes revision `rev` (≥ 2) made: the
  /// symbols it changed or removed, walked in the revision before it.
  Result<ChangeImpact> ImpactOfRevision(std::string_view project, RevisionNumber rev,
                                        const WalkLimits& limits = {}) const;

  /// Nodes reachable from `spec.starts` over the chosen edges and direction
  /// (neighbors are a traversal of depth 1), as of a revision.
  Result<WalkResult> Traverse(std::string_view project, const TraverseSpec& spec,
                              std::optional<RevisionNumber> as_of = std::nullopt) const;

  /// What changed from revision `from` to `to` (default: the latest): nodes
  /// added, removed, changed and moved, edges added and removed; at most
  /// `limit` of each. Past `time` the scan stops: partial and out_of_time.
  Result<GraphDiff> Diff(std::string_view project, RevisionNumber from,
                         std::optional<RevisionNumber> to = std::nullopt, std::size_t limit = 1000,
                         const TimeLimit& time = {}) const;

  /// The revision a user names: a number, "HEAD" or "HEAD~N", a git commit id
  /// (prefix of at least 4 hex digits), or a date ("2026-11-24", the newest
  /// revision at or before the end of that day, or "2026-11-24T12:00:00").
  Result<RevisionNumber> ResolveRevision(std::string_view project, std::string_view spec) const;

  /// Rebuilds the project's search index from the store with the configured
  /// embedder (after changing models, or to start afresh); returns how many
  /// documents it holds.
  Result<std::size_t> Reembed(std::string_view project);

  /// Writes the project as JSON Lines (docs/format/jsonl.md) as of a
  /// revision: the revisions up to it, the files' text, and the nodes and edges
  /// valid then (every version with `with_history`).
  Result<TransferSummary> Export(std::string_view project, std::ostream& out,
                                 const ExportOptions& options = {},
                                 std::optional<RevisionNumber> as_of = std::nullopt) const;
  /// Reads an export into a new project `project` (AlreadyExists when it has
  /// revisions), replaying its revisions so that exporting it again gives the
  /// same bytes. On error the project is left as it was (a project this call
  /// created is deleted).
  Result<TransferSummary> Import(std::string_view project, std::istream& in);

  /// Writes a consistent checkpoint of the whole store (every project) to
  /// `backup_dir`, which must not exist, while ingests and queries go on.
  Status Backup(const std::string& backup_dir) const;
  /// The same, of the store in `data_dir` that another process has open
  /// (`onyx serve`, `onyx mcp`, `ingest --watch`): a full copy as of one
  /// moment, holding every revision that process committed before the call.
  static Status BackupInUse(const std::string& data_dir, const std::string& backup_dir);
  /// Replaces the store in `data_dir` (not open anywhere) with the backup in
  /// `backup_dir`, after checking the backup; the old store is kept beside it.
  static Result<RestoreSummary> Restore(const std::string& backup_dir, const std::string& data_dir);

  /// Counts of nodes and edges, as of `as_of` (a scan) or the latest revision (kept counts).
  Result<GraphStats> Stats(std::string_view project,
                           std::optional<RevisionNumber> as_of = std::nullopt) const;
  /// Nodes whose name matches (ASCII case-insensitively; prefix match when
  /// `prefix`), as of `as_of` or the latest revision.
  Result<std::vector<Node>> FindByName(std::string_view project, std::string_view name, bool prefix,
                                       std::size_t limit,
                                       std::optional<RevisionNumber> as_of = std::nullopt) const;
  /// The project's latest revision (nullopt before the first), without
  /// reading the others.
  Result<std::optional<Revision>> LatestRevision(std::string_view project) const;
  /// Revisions of the project, oldest first.
  Result<std::vector<Revision>> Revisions(std::string_view project) const;

  /// The store, for layers and tools built on the engine.
  store::Store& store() { return *store_; }

 private:
  struct Caches;
  Result<std::shared_ptr<index::CodeSearch>> LoadSearchIndex(const Project& project,
                                                             const store::ReadView& view);
  Engine(std::string data_dir, const EngineOptions& options, std::unique_ptr<store::Store> store);
  Status LoadEmbedder();
  /// A view of the project as of `as_of` (InvalidArgument outside 1..latest),
  /// or as of its latest revision.
  Result<store::ReadView> ViewOf(std::string_view project,
                                 std::optional<RevisionNumber> as_of = std::nullopt) const;
  Result<std::shared_ptr<const query::Topology>> TopologyFor(const store::ReadView& view) const;
  std::string SnapshotPath(const Project& project) const;
  std::string WorktreeStatPath(ProjectId project) const;
  std::string data_dir_;
  EngineOptions options_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Caches> caches_;  // search indexes, topologies, staleness checks, ingest states
};

}  // namespace onyx
