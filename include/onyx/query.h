// What the graph's questions return: nodes reached by walking edges back from
// a node (impact, tests_for), with their distance, confidence and path.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "onyx/types.h"

namespace onyx {

/// How long a question may run: once the time is spent, or a client
/// cancelled it, the question stops where it is and returns what it has,
/// marked partial.
struct TimeLimit {
  std::chrono::milliseconds limit{2000};
  const std::atomic<bool>* cancelled = nullptr;  ///< Set from another thread to stop early.
};

/// A running question's clock: the deadline of its TimeLimit.
class Deadline {
 public:
  explicit Deadline(const TimeLimit& time)
      : at_(std::chrono::steady_clock::now() + time.limit), cancelled_(time.cancelled) {}
  /// True once the question must stop: past the deadline, or cancelled.
  bool Expired() const {
    return std::chrono::steady_clock::now() > at_ ||
           (cancelled_ != nullptr && cancelled_->load(std::memory_order_relaxed));
  }

 private:
  std::chrono::steady_clock::time_point at_;
  const std::atomic<bool>* cancelled_;
};

/// Bounds of a walk; past them it stops and says the result is partial.
struct WalkLimits {
  int max_depth = 3;
  std::size_t max_results = 200;
  std::chrono::milliseconds time_limit{2000};
  /// The page of the ranked answer to return: answers [offset, offset +
  /// page) of the (at most max_results) ranked. Every page of one query
  /// walks and ranks alike (impact over a topology builds only the page's
  /// nodes; other walks cut the answer they built).
  std::size_t offset = 0;
  std::size_t page = SIZE_MAX;
  /// Set from another thread to stop early (a client cancelled the question):
  /// the walk returns what it has, marked partial, as on a timeout.
  const std::atomic<bool>* cancelled = nullptr;

  TimeLimit time() const { return {time_limit, cancelled}; }
};

/// A node reached by walking back from the start, with how.
struct Reached {
  /// The node as of the walk's revision. Walks answered from an in-memory
  /// topology (EngineOptions::cache_topology) leave its doc and attributes
  /// empty: `show` has them.
  Node node;
  int depth = 0;         ///< Edges from the start.
  float confidence = 1;  ///< Product of the edges' confidences on the path.
  /// The edges that connect this node and the start, each in its own
  /// direction (src → dst): for impact, from this node to the start.
  std::vector<Edge> path;
  /// Tests that reach this node (impact only): its tests edges (direct, or
  /// through test helpers), then tests the walk reached whose path passes
  /// through it (by id), then itself if it is a test.
  std::vector<Node> tests;
};

/// How a walk ran (`explain`): where adjacency came from, how much it read,
/// and the time of each step.
/// How a question ran (explain): where it read from, what it read, and the
/// time each step took.
struct QueryPlan {
  /// "topology" (the in-memory adjacency), "store" (RocksDB) or "index"
  /// (the search index).
  std::string source;
  /// What it read, in order: for walks nodes_expanded (nodes whose edges were
  /// read), edges_read and nodes_loaded (node records read for the answer).
  std::vector<std::pair<std::string, std::uint64_t>> counts;
  std::vector<std::pair<std::string, double>> steps;  ///< (step, milliseconds), in order.

  /// The count named so (0 when it was not counted).
  std::uint64_t Count(std::string_view name) const {
    for (const auto& [n, v] : counts) {
      if (n == name) return v;
    }
    return 0;
  }
};

struct WalkResult {
  RevisionNumber revision = 0;
  std::vector<Reached> nodes;  ///< By depth, then confidence (highest first): the page asked for.
  std::size_t total = 0;       ///< Answers in the whole ranking, this page's and all others.
  bool partial = false;        ///< A limit cut the walk short.
  QueryPlan plan;
};

/// Which way a traversal follows edges: from src to dst (out), dst to src
/// (in), or both.
enum class Direction : std::uint8_t { kOut, kIn, kBoth };

/// A general walk: from `starts`, over edges of `edge_kinds` (all when empty)
/// in `direction`, breadth-first up to `limits.max_depth`. The walk passes
/// through every node; only nodes that pass the node filters are reported.
struct TraverseSpec {
  std::vector<NodeId> starts;
  std::vector<EdgeKind> edge_kinds;
  Direction direction = Direction::kOut;
  std::vector<NodeKind> node_kinds;  ///< Report only these kinds (all when empty).
  std::string path_prefix;           ///< Report only nodes whose path starts so.
  WalkLimits limits{.max_depth = 1};
};

/// One version of a node in its history, and what it changed.
struct NodeVersionChange {
  Node node;          ///< The version (with its validity).
  Revision revision;  ///< The revision it began at: commit, author, time, message.
  /// What differs from the version before: "added", "renamed" (it continues a
  /// node of another path), "signature", "body", "doc", "location"; a last
  /// entry "removed" when the node no longer exists (its node is the last
  /// version, its revision the one that removed it).
  std::vector<std::string> changes;
};

struct NodeHistory {
  std::vector<NodeVersionChange> versions;  ///< Oldest first, across renames.
  /// The time ran out (or the question was cancelled) while the lineage was
  /// read: the versions are the newest ones read, the oldest may be missing.
  bool partial = false;
  QueryPlan plan;
};

/// A node that exists at both ends of a diff (or continues one that did).
struct NodeChange {
  Node before;  ///< As of the older revision.
  Node after;   ///< As of the newer revision.
  /// What differs: "renamed" (another path or id, by lineage), "signature",
  /// "body", "doc", "location".
  std::vector<std::string> changes;
};

/// An edge with the qualified names of its ends, for display.
struct NamedEdge {
  Edge edge;
  std::string src;
  std::string dst;
};

/// diff(from, to): what the graph gained and lost between two revisions.
/// Directories are left out. Each list holds at most `limit` entries; the
/// counts are the full sizes.
struct GraphDiff {
  RevisionNumber from = 0;
  RevisionNumber to = 0;
  std::vector<Node> added;          ///< Valid at `to`, not at `from` (nor continuing one).
  std::vector<Node> removed;        ///< Valid at `from`, not at `to` (nor continued).
  std::vector<NodeChange> changed;  ///< Signature, body or doc changed.
  std::vector<NodeChange> moved;    ///< Only where it is changed: renamed or location.
  /// Edge identities valid at `to`, not at `from` (contains edges left out:
  /// they follow from the nodes).
  std::vector<NamedEdge> edges_added;
  std::vector<NamedEdge> edges_removed;  ///< … and the other way round.
  struct Counts {
    std::size_t added = 0, removed = 0, changed = 0, moved = 0;
    std::size_t edges_added = 0, edges_removed = 0;
  } counts;
  bool partial = false;  ///< A list was cut at the limit, or the time ran out.
  /// The time ran out (or the question was cancelled) before the scan of the
  /// versions ended: the lists and counts cover only part of the graph.
  bool out_of_time = false;
  QueryPlan plan;
};

/// A symbol a change touched: its node (the stored version; the new one for
/// "added") and how: "body", "signature", "added", "removed".
struct SymbolChange {
  Node node;
  std::string change;
};

/// A working tree against the graph's latest revision.
struct WorktreeChanges {
  RevisionNumber revision = 0;  ///< The revision compared against.
  std::vector<std::string> modified_files;
  std::vector<std::string> added_files;
  std::vector<std::string> removed_files;
  std::vector<SymbolChange> symbols;  ///< Empty when only files were compared.
  bool stale() const {
    return !modified_files.empty() || !added_files.empty() || !removed_files.empty();
  }
};

/// Whether the graph still describes the working tree it was ingested from
/// (every answer says so).
struct Freshness {
  std::optional<bool> stale;      ///< nullopt: unknown (no tree ingested, or unreadable).
  std::string tree;               ///< The working tree compared (absolute).
  RevisionNumber revision = 0;    ///< The latest revision it was compared with.
  std::size_t changed_files = 0;  ///< Modified, added and removed files.
};

/// impact of a change (a commit, or the working tree): the symbols it touched,
/// everything that may break because of them, and the tests to run.
struct ChangeImpact {
  RevisionNumber revision = 0;  ///< The graph the walk ran on (before the change).
  std::vector<SymbolChange> changed;
  WalkResult impact;        ///< Reached from the changed symbols (not themselves).
  std::vector<Node> tests;  ///< Tests among or reaching the changed and impacted nodes.
};

/// Agent memory: a note to keep, about some code nodes (`remember`).
struct NoteRequest {
  std::string text;              ///< The note itself (at most 16 KiB).
  std::string title;             ///< Default: the text's first line (80 characters).
  std::vector<NodeId> about;     ///< The code it is about (at most 32 nodes).
  std::string author = "agent";  ///< Who wrote it (the revision's author).
  /// A note to replace: it gets a new version (same id), with this text and links.
  std::optional<NodeId> replaces;
};

/// A code node a note is about, and what became of it since the note.
struct NoteLink {
  /// The node now (as of the question's revision); as the note saw it when removed.
  Node node;
  enum class State : std::uint8_t { kUnchanged, kChanged, kRemoved } state = State::kUnchanged;
  /// The revision that changed or removed it (0 when unchanged).
  RevisionNumber changed_in = 0;
};

std::string_view NoteLinkStateName(NoteLink::State state);

/// What `remember` wrote.
struct NoteWritten {
  Node note;
  RevisionNumber revision = 0;
};

/// A note found by `recall`. Its text is `note.doc`; it was written in
/// revision `note.validity.from`.
struct RecalledNote {
  Node note;
  std::vector<NoteLink> about;
  /// Some code it is about changed or went away after it was written: it may
  /// no longer be true.
  bool stale = false;
  double score = 0;  ///< Relevance to the words asked (0 when none were).
};

}  // namespace onyx
