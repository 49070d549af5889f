// Key codecs for every RocksDB column family (docs/format/keys.md). Integers are
// big-endian so byte order is numeric order; `~rev` (bitwise complement) makes the
// newest version of a thing sort first.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "onyx/status.h"
#include "onyx/types.h"

namespace onyx::store {

/// The column families of DESIGN.md. Values are indexes into the handle table.
enum class Family : std::uint8_t {
  kMeta = 0,
  kNodes,
  kNodeVersions,
  kEdgesOut,
  kEdgesIn,
  kNames,
  kPaths,
  kVectors,
  kBlobs,
};
inline constexpr int kFamilyCount = 9;
/// The RocksDB name of a family ("node_versions").
std::string_view FamilyName(Family family);

/// Tags of the `meta` family: the first byte of every meta key.
enum class MetaTag : std::uint8_t {
  kSchema = 0x01,         ///< () → schema record
  kNextProjectId = 0x02,  ///< () → counter record
  kProjectByName = 0x10,  ///< name → project id
  kProject = 0x11,        ///< project → project record
  kProjectStats = 0x12,   ///< project → stats record
  kRevision = 0x13,       ///< project, rev → revision record
};

std::string MetaKey(MetaTag tag);
std::string ProjectByNameKey(std::string_view name);
std::string ProjectKey(MetaTag tag, ProjectId project);  // kProject or kProjectStats
std::string RevisionKey(ProjectId project, RevisionNumber rev);
/// Prefix of every revision key of `project`.
std::string RevisionPrefix(ProjectId project);

/// Prefix of every key a project owns in a per-project family.
std::string ProjectPrefix(ProjectId project);

/// nodes: project, node id.
std::string NodeKey(ProjectId project, NodeId node);
/// node_versions: project, node id, ~from.
std::string NodeVersionKey(ProjectId project, NodeId node, RevisionNumber from);
/// Prefix of every version of one node (and of its adjacency in edges_*).
std::string NodePrefix(ProjectId project, NodeId node);

/// edges_out: project, src, kind, dst, ~from. edges_in mirrors it with src and dst
/// swapped; `near` is the node the family is keyed by, `far` the other end.
std::string EdgeKey(ProjectId project, NodeId near, EdgeKind kind, NodeId far, RevisionNumber from);
/// project, near, kind.
std::string EdgeKindPrefix(ProjectId project, NodeId near, EdgeKind kind);
/// project, near, kind, far: every version of one edge.
std::string EdgeIdentityPrefix(ProjectId project, NodeId near, EdgeKind kind, NodeId far);

/// names and paths: project, text, 0x00, node id. `text` must not contain NUL.
std::string TextIndexKey(ProjectId project, std::string_view text, NodeId node);
/// project, text, 0x00 (exact) or project, text (prefix).
std::string TextIndexPrefix(ProjectId project, std::string_view text, bool exact);

/// blobs: xxh3-128 of the raw bytes.
std::string BlobKey(const ContentHash& hash);

/// Decoded keys. Every Decode* rejects a key of the wrong length or shape with a
/// Corruption status naming the family and the key bytes.
struct DecodedNodeVersionKey {
  ProjectId project = 0;
  NodeId node = 0;
  RevisionNumber from = 0;
};
struct DecodedEdgeKey {
  ProjectId project = 0;
  NodeId near = 0;
  EdgeKind kind = EdgeKind::kContains;
  NodeId far = 0;
  RevisionNumber from = 0;
};
struct DecodedTextIndexKey {
  ProjectId project = 0;
  std::string_view text;  ///< Points into the key passed in.
  NodeId node = 0;
};

Result<NodeId> DecodeNodeKey(std::string_view key, ProjectId* project);
Result<DecodedNodeVersionKey> DecodeNodeVersionKey(std::string_view key);
Result<DecodedEdgeKey> DecodeEdgeKey(std::string_view key);
Result<DecodedTextIndexKey> DecodeTextIndexKey(std::string_view key);
Result<RevisionNumber> DecodeRevisionKey(std::string_view key, ProjectId* project);

/// The smallest key greater than every key that starts with `prefix`, or empty when
/// there is none (prefix of all 0xFF).
std::string PrefixSuccessor(std::string_view prefix);

/// ASCII lower-casing used by the names family (bytes ≥ 0x80 are kept as they are,
/// so UTF-8 stays valid).
std::string LowerAscii(std::string_view text);

}  // namespace onyx::store
