// The graph's shape in memory: every edge version of a project (ends, kind,
// confidence, resolution, validity) in two compressed sparse rows, one per
// direction, so that walks read adjacency with no RocksDB seek. Derived data,
// built by one scan of the store; long-lived processes (repl, servers) keep
// one per project and walks answer as of any revision it covers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "onyx/core/huge_pages.h"
#include "onyx/query.h"
#include "onyx/status.h"
#include "onyx/store/read_view.h"
#include "onyx/types.h"

namespace onyx::query {

class Topology {
 public:
  /// Every edge version of the view's project up to view.latest().
  /// InvalidArgument when a revision number does not fit its 32-bit columns.
  static Result<std::shared_ptr<const Topology>> Build(const store::ReadView& view);

  /// The latest revision it holds: it answers as of any revision up to this.
  RevisionNumber revision() const { return revision_; }
  std::size_t edge_versions() const { return out_.entries.size(); }
  std::size_t memory_bytes() const;

  std::size_t node_versions() const { return versions_.size(); }

  /// The version of `id` valid at `rev` with its identity and location (id,
  /// kind, names, language, path, span, signature, content hash, validity);
  /// without doc or attributes. nullopt when none is.
  std::optional<Node> NodeAt(NodeId id, RevisionNumber rev) const;
  /// Whether a version of `id` is valid at `rev`.
  bool Has(NodeId id, RevisionNumber rev) const;

  /// Appends the edges of `id` valid at `rev` leaving it (out) or entering it,
  /// optionally of one kind, ordered by (kind, other end), at most `limit`:
  /// what store::AdjacencyReader returns, without call sites or attributes.
  void Edges(NodeId id, bool out, RevisionNumber rev, std::optional<EdgeKind> kind,
             std::size_t limit, std::vector<Edge>* edges) const;

  // A reverse walk in dense terms, for impact: no Edge or Node until the
  // answer is built from the steps that survive ranking.

  /// How a walk first reached a node.
  struct ReachStep {
    std::uint32_t index;   ///< The node (dense index; IdOf gives its id).
    std::uint32_t toward;  ///< The step of the node one edge nearer a start.
    std::uint32_t via;     ///< The in-row entry of the edge taken (StepEdge).
    std::uint32_t depth;
    float confidence;  ///< Product of the edges' confidences.
  };
  struct Reach {
    std::vector<ReachStep> steps;  ///< Starts first (depth 0), then by depth.
    bool partial = false;          ///< A limit cut the walk short.
    std::size_t expanded = 0;      ///< Nodes whose in-edges were read (explain).
    std::size_t edges_read = 0;    ///< In-row entries those reads went over.
  };
  /// Breadth-first over in-edges valid at `rev` whose kind `follow` accepts,
  /// from `starts`; each node at its first depth, over its most confident
  /// edge at that depth (ties: toward the node of smaller id, then row
  /// order). The same walk, limits and answer as WalkBack over Edges(), with
  /// no allocation per node.
  /// Fills `reach` (cleared first; its capacity is reused: walks that run
  /// often keep one per thread).
  void WalkIn(const std::vector<NodeId>& starts, RevisionNumber rev, bool (*follow)(EdgeKind),
              const WalkLimits& limits, Reach* reach) const;
  NodeId IdOf(std::uint32_t index) const { return ids_[index]; }
  /// The edge a (non-start) step came over: from its node to the node of `toward`.
  Edge StepEdge(const Reach& reach, const ReachStep& step) const;

  /// Node versions by position: VersionAt finds one, NameRank orders it, NodeOf builds it.
  static constexpr std::uint32_t kNoVersion = UINT32_MAX;
  /// The position of the version of `index` valid at `rev`; kNoVersion when none is.
  std::uint32_t VersionAt(std::uint32_t index, RevisionNumber rev) const;
  /// Where the version's qualified name sorts among all versions' (equal names, equal ranks).
  std::uint32_t NameRank(std::uint32_t version) const { return keys_[version].name_rank; }
  /// The kind of node `index` (ids name their kind: it never changes).
  NodeKind KindOf(std::uint32_t index) const { return kinds_[index]; }
  /// Hints that NodeOf will soon read the version (its record; its text).
  void PrefetchVersion(std::uint32_t version) const;
  void PrefetchText(std::uint32_t version) const;
  /// The Node of node `index`'s version at position `version`: identity and
  /// location, no doc or attributes.
  Node NodeOf(std::uint32_t index, std::uint32_t version) const;
  /// Dense indices of the sources of `index`'s in-edges of `kind` valid at `rev`, in row order.
  void SourcesInto(std::uint32_t index, RevisionNumber rev, EdgeKind kind,
                   std::vector<std::uint32_t>* sources) const;

 private:
  struct Entry {
    std::uint32_t other;  // dense index of the other end
    EdgeKind kind;
    Resolution resolution;
    float confidence;
    std::uint32_t from;
    std::uint32_t to;  // UINT32_MAX: open
  };
  // Arrays a walk reads at random, on huge pages when large.
  template <typename T>
  using Array = std::vector<T, core::RandomAccessAllocator<T>>;
  struct Rows {
    Array<std::uint32_t> offsets;  // per dense index, into entries; one extra at the end
    Array<Entry> entries;
  };
  // A node version's validity and name rank: what walks and rankings read,
  // apart from the strings.
  struct VersionKey {
    std::uint32_t from;
    std::uint32_t to;  // UINT32_MAX: open
    std::uint32_t name_rank;
  };
  struct Version {
    NodeKind kind = NodeKind::kFile;
    std::uint32_t path = 0;      // into strings_
    std::uint32_t language = 0;  // into strings_
    Span span;
    ContentHash content_hash;
    std::uint64_t text = 0;  // into text_: name, qualified name, signature, back to back
    std::uint32_t name_size = 0;
    std::uint32_t qualified_name_size = 0;
    std::uint32_t signature_size = 0;
  };
  std::string_view NameOf(const Version& v) const { return {text_.data() + v.text, v.name_size}; }
  std::string_view QualifiedNameOf(const Version& v) const {
    return {text_.data() + v.text + v.name_size, v.qualified_name_size};
  }
  std::string_view SignatureOf(const Version& v) const {
    return {text_.data() + v.text + v.name_size + v.qualified_name_size, v.signature_size};
  }
  // Dense index of a node id (open addressing: ids are hashes already).
  std::optional<std::uint32_t> Index(NodeId id) const;

  RevisionNumber revision_ = 0;
  // Dense indices follow the code's layout (by path, then position), so that
  // a walk's neighbours, mostly in the same or nearby files, sit in nearby
  // rows; nodes with no version come last, by id.
  Array<NodeId> ids_;                              // dense index → id
  Array<std::pair<NodeId, std::uint32_t>> slots_;  // hash table, id 0 = empty
  std::uint64_t mask_ = 0;
  Rows out_;
  Rows in_;
  // Node versions: keys_[i] and versions_[i] are node i's latest (a key that
  // is never valid when the node has none); its older ones, oldest first, lie
  // at [older_offsets_[i], older_offsets_[i + 1]), past every node's latest.
  Array<std::uint32_t> older_offsets_;
  Array<VersionKey> keys_;
  Array<Version> versions_;
  std::string text_;
  Array<NodeKind> kinds_;             // per dense index
  std::vector<std::string> strings_;  // interned paths and languages
};

/// Adjacency for walks: from a Topology when one covers the view's revision,
/// else from the store. Not thread-safe (like store::AdjacencyReader).
class Adjacency {
 public:
  Adjacency(const store::ReadView& view, const Topology* topology);
  ~Adjacency();
  Adjacency(const Adjacency&) = delete;
  Adjacency& operator=(const Adjacency&) = delete;

  Result<std::vector<Edge>> Out(NodeId id, std::optional<EdgeKind> kind = std::nullopt,
                                std::size_t limit = SIZE_MAX) {
    return Read(id, kind, /*out=*/true, limit);
  }
  Result<std::vector<Edge>> In(NodeId id, std::optional<EdgeKind> kind = std::nullopt,
                               std::size_t limit = SIZE_MAX) {
    return Read(id, kind, /*out=*/false, limit);
  }
  /// The nodes of `ids` valid at the view's revision, in order: from the
  /// topology (identity and location, no doc or attributes) or one batched
  /// store read (whole nodes). The ids are edges' ends, so a missing one is
  /// Corruption.
  Result<std::vector<Node>> Nodes(const std::vector<NodeId>& ids);

  bool in_memory() const { return topology_ != nullptr; }
  /// The topology it reads (null: the store), for walks with a dense fast path.
  const Topology* topology() const { return topology_; }
  /// Counts work a fast path did on the topology directly (for explain).
  void Record(std::size_t expanded, std::size_t edges, std::size_t nodes) {
    reads_ += expanded;
    edges_read_ += edges;
    nodes_read_ += nodes;
  }
  /// Reads so far (for explain).
  std::size_t reads() const { return reads_; }
  std::size_t edges_read() const { return edges_read_; }
  std::size_t nodes_read() const { return nodes_read_; }

 private:
  Result<std::vector<Edge>> Read(NodeId id, std::optional<EdgeKind> kind, bool out,
                                 std::size_t limit);
  store::ReadView view_;
  RevisionNumber revision_;
  const Topology* topology_;  // null: the store
  std::unique_ptr<store::AdjacencyReader> reader_;
  std::size_t reads_ = 0;
  std::size_t edges_read_ = 0;
  std::size_t nodes_read_ = 0;
};

}  // namespace onyx::query
