// The Onyx data model: ids, node and edge kinds, nodes, edges, revisions and the
// validity range every stored version carries. See docs/format/ for the bytes.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onyx {

/// A project's id: the first bytes of every key the project owns.
using ProjectId = std::uint32_t;
/// A revision number, strictly increasing per project, starting at 1.
using RevisionNumber = std::uint64_t;
/// A node id: xxh3-64 of the node's canonical symbol string (see NodeSymbol).
using NodeId = std::uint64_t;

/// The `to` of a version that is still current.
inline constexpr RevisionNumber kOpenRevision = std::numeric_limits<RevisionNumber>::max();

/// A 128-bit content hash (xxh3-128), used for source text and node content.
struct ContentHash {
  std::uint64_t high = 0;
  std::uint64_t low = 0;

  bool empty() const { return high == 0 && low == 0; }
  /// 32 lower-case hex digits.
  std::string ToHex() const;
  friend bool operator==(const ContentHash&, const ContentHash&) = default;
  friend auto operator<=>(const ContentHash&, const ContentHash&) = default;
};

/// Hashes bytes with xxh3-128.
ContentHash HashContent(std::string_view bytes);

/// A node id as users, files and attributes spell it: 16 lower-case hex digits.
std::string FormatNodeId(NodeId id);
/// The id `text` spells (exactly 16 hex digits), or nullopt.
std::optional<NodeId> ParseNodeId(std::string_view text);

/// Kinds of node. The numeric values are persisted and never change.
enum class NodeKind : std::uint8_t {
  kProject = 1,
  kDirectory = 2,
  kFile = 3,
  kModule = 4,
  kClass = 5,
  kStruct = 6,
  kInterface = 7,  ///< Also Rust traits.
  kEnum = 8,
  kFunction = 9,
  kMethod = 10,
  kConstant = 11,
  kTest = 12,
  kDocSection = 13,
  kNote = 14,  ///< Agent memory.
};

/// Kinds of edge. The numeric values are persisted and never change.
enum class EdgeKind : std::uint8_t {
  kContains = 1,
  kImports = 2,
  kCalls = 3,
  kReferences = 4,
  kInherits = 5,
  kImplements = 6,
  kTests = 7,
  kDocuments = 8,
  kAbout = 9,  ///< A note about code.
};

/// How an edge's destination was found. Persisted; values never change.
enum class Resolution : std::uint8_t {
  kExact = 1,       ///< Structural fact (e.g. contains) or a fully qualified reference.
  kImport = 2,      ///< Through the file's imports.
  kUniqueName = 3,  ///< The only symbol of that name in the project.
  kHeuristic = 4,   ///< A guess; confidence says how good.
};

/// Where a revision came from. Persisted; values never change.
enum class RevisionSource : std::uint8_t {
  kWorktree = 1,
  kGit = 2,
  kApi = 3,
  kImport = 4,
};

/// Stable lower-case names ("function", "calls", "unique_name", "git"), and the
/// reverse lookups, which return nullopt for an unknown name.
std::string_view NodeKindName(NodeKind kind);
std::string_view EdgeKindName(EdgeKind kind);
std::string_view ResolutionName(Resolution resolution);
std::string_view RevisionSourceName(RevisionSource source);
std::optional<NodeKind> ParseNodeKind(std::string_view name);
std::optional<EdgeKind> ParseEdgeKind(std::string_view name);
std::optional<Resolution> ParseResolution(std::string_view name);
std::optional<RevisionSource> ParseRevisionSource(std::string_view name);
/// True when the byte is a defined enumerator (used by decoders).
bool IsValidNodeKind(std::uint8_t value);
bool IsValidEdgeKind(std::uint8_t value);
bool IsValidResolution(std::uint8_t value);
bool IsValidRevisionSource(std::uint8_t value);

/// The canonical symbol string `language:path:qualified.name#kind`, in the spirit
/// of SCIP symbols. Its xxh3-64 is the node id, so ids are stable across ingests
/// and predictable by clients.
std::string NodeSymbol(std::string_view language, std::string_view path,
                       std::string_view qualified_name, NodeKind kind);
/// The id of the node with that symbol.
NodeId MakeNodeId(std::string_view language, std::string_view path, std::string_view qualified_name,
                  NodeKind kind);

/// A region of a source file. Lines are 1-based; bytes are [start, end).
struct Span {
  std::uint32_t start_byte = 0;
  std::uint32_t end_byte = 0;
  std::uint32_t start_line = 0;
  std::uint32_t end_line = 0;
  friend bool operator==(const Span&, const Span&) = default;
};

/// `[from, to)`: the revisions in which a version was true. `to == kOpenRevision`
/// means it is still true.
struct Validity {
  RevisionNumber from = 0;
  RevisionNumber to = kOpenRevision;

  bool IsOpen() const { return to == kOpenRevision; }
  bool Contains(RevisionNumber rev) const { return from <= rev && rev < to; }
  friend bool operator==(const Validity&, const Validity&) = default;
};

/// A code entity. Everything but `validity` is content: upserting a node whose
/// content equals the current version writes nothing.
struct Node {
  NodeId id = 0;
  NodeKind kind = NodeKind::kFile;
  std::string name;            ///< Short name, e.g. "parse".
  std::string qualified_name;  ///< e.g. "onyx.store.KeyCodec.parse".
  std::string language;        ///< e.g. "rust"; empty for directories.
  std::string path;            ///< Repository-relative, '/'-separated.
  Span span;
  std::string signature;
  std::string doc;
  ContentHash content_hash;  ///< Hash of the entity's source text (see blobs).
  std::map<std::string, std::string> attributes;
  Validity validity;  ///< Filled in by the store on reads; ignored on writes.

  /// True when everything but `validity` is equal.
  bool SameContent(const Node& other) const;
  friend bool operator==(const Node&, const Node&) = default;
};

/// A relation `src -kind-> dst` with how much to trust it.
struct Edge {
  NodeId src = 0;
  EdgeKind kind = EdgeKind::kContains;
  NodeId dst = 0;
  float confidence = 1.0F;  ///< In [0, 1].
  Resolution resolution = Resolution::kExact;
  std::optional<Span> site;  ///< Call site or reference site, when there is one.
  std::map<std::string, std::string> attributes;
  Validity validity;  ///< Filled in by the store on reads; ignored on writes.

  bool SameContent(const Edge& other) const;
  friend bool operator==(const Edge&, const Edge&) = default;
};

/// The identity of an edge: at most one version of it is current at a time.
struct EdgeRef {
  NodeId src = 0;
  EdgeKind kind = EdgeKind::kContains;
  NodeId dst = 0;
  friend auto operator<=>(const EdgeRef&, const EdgeRef&) = default;
};

/// What a revision was and where it came from.
struct RevisionInfo {
  RevisionSource source = RevisionSource::kApi;
  std::string commit;  ///< Git commit id (hex) for git revisions, else empty.
  std::string author;
  std::string message;
  std::int64_t time_micros = 0;  ///< Author/commit time; the store fills "now" if 0.
  friend bool operator==(const RevisionInfo&, const RevisionInfo&) = default;
};

/// Counts of what a committed revision changed.
struct RevisionChanges {
  std::uint64_t nodes_added = 0;
  std::uint64_t nodes_changed = 0;
  std::uint64_t nodes_removed = 0;
  std::uint64_t edges_added = 0;
  std::uint64_t edges_changed = 0;
  std::uint64_t edges_removed = 0;
  friend bool operator==(const RevisionChanges&, const RevisionChanges&) = default;
};

/// A committed revision.
struct Revision {
  RevisionNumber number = 0;
  RevisionNumber parent = 0;  ///< 0 for the first revision.
  RevisionInfo info;
  std::int64_t committed_micros = 0;  ///< Wall time of the commit.
  RevisionChanges changes;
  friend bool operator==(const Revision&, const Revision&) = default;
};

/// Counts of a project's graph as of its latest revision.
struct GraphStats {
  RevisionNumber latest_revision = 0;
  std::uint64_t revisions = 0;
  std::map<NodeKind, std::uint64_t> nodes_by_kind;  ///< Current nodes.
  std::map<EdgeKind, std::uint64_t> edges_by_kind;  ///< Current edges.
  std::uint64_t node_versions = 0;                  ///< All versions, current or closed.
  std::uint64_t edge_versions = 0;

  std::uint64_t nodes() const;
  std::uint64_t edges() const;
  friend bool operator==(const GraphStats&, const GraphStats&) = default;
};

/// A named tenant of the store.
struct Project {
  ProjectId id = 0;
  std::string name;
  std::int64_t created_micros = 0;
  friend bool operator==(const Project&, const Project&) = default;
};

}  // namespace onyx
