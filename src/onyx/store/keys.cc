// Key codecs; the layout is documented in docs/format/keys.md.
#include "onyx/store/keys.h"

#include "onyx/core/coding.h"

namespace onyx::store {

using core::DecodeBigEndian32;
using core::DecodeBigEndian64;
using core::PutBigEndian32;
using core::PutBigEndian64;

namespace {

constexpr std::size_t kProjectBytes = 4;
constexpr std::size_t kNodeKeyBytes = kProjectBytes + 8;
constexpr std::size_t kNodeVersionKeyBytes = kNodeKeyBytes + 8;
constexpr std::size_t kEdgeKeyBytes = kProjectBytes + 8 + 1 + 8 + 8;

Status BadKey(std::string_view family, std::string_view key, std::string_view problem) {
  return Status::Corruption(std::string(family) + ": key " + core::HexBytes(key) + " " +
                            std::string(problem));
}

}  // namespace

std::string_view FamilyName(Family family) {
  switch (family) {
    case Family::kMeta: return "meta";
    case Family::kNodes: return "nodes";
    case Family::kNodeVersions: return "node_versions";
    case Family::kEdgesOut: return "edges_out";
    case Family::kEdgesIn: return "edges_in";
    case Family::kNames: return "names";
    case Family::kPaths: return "paths";
    case Family::kVectors: return "vectors";
    case Family::kBlobs: return "blobs";
  }
  return "unknown";
}

std::string MetaKey(MetaTag tag) { return std::string(1, static_cast<char>(tag)); }

std::string ProjectByNameKey(std::string_view name) {
  std::string key = MetaKey(MetaTag::kProjectByName);
  key.append(name);
  return key;
}

std::string ProjectKey(MetaTag tag, ProjectId project) {
  std::string key = MetaKey(tag);
  PutBigEndian32(&key, project);
  return key;
}

std::string RevisionKey(ProjectId project, RevisionNumber rev) {
  std::string key = RevisionPrefix(project);
  PutBigEndian64(&key, rev);
  return key;
}

std::string RevisionPrefix(ProjectId project) { return ProjectKey(MetaTag::kRevision, project); }

std::string ProjectPrefix(ProjectId project) {
  std::string key;
  PutBigEndian32(&key, project);
  return key;
}

std::string NodeKey(ProjectId project, NodeId node) { return NodePrefix(project, node); }

std::string NodeVersionKey(ProjectId project, NodeId node, RevisionNumber from) {
  std::string key = NodePrefix(project, node);
  PutBigEndian64(&key, ~from);
  return key;
}

std::string NodePrefix(ProjectId project, NodeId node) {
  std::string key;
  key.reserve(kNodeVersionKeyBytes);
  PutBigEndian32(&key, project);
  PutBigEndian64(&key, node);
  return key;
}

std::string EdgeKey(ProjectId project, NodeId near, EdgeKind kind, NodeId far,
                    RevisionNumber from) {
  std::string key = EdgeIdentityPrefix(project, near, kind, far);
  PutBigEndian64(&key, ~from);
  return key;
}

std::string EdgeKindPrefix(ProjectId project, NodeId near, EdgeKind kind) {
  std::string key;
  key.reserve(kEdgeKeyBytes);
  PutBigEndian32(&key, project);
  PutBigEndian64(&key, near);
  key.push_back(static_cast<char>(kind));
  return key;
}

std::string EdgeIdentityPrefix(ProjectId project, NodeId near, EdgeKind kind, NodeId far) {
  std::string key = EdgeKindPrefix(project, near, kind);
  PutBigEndian64(&key, far);
  return key;
}

std::string TextIndexKey(ProjectId project, std::string_view text, NodeId node) {
  std::string key = TextIndexPrefix(project, text, /*exact=*/true);
  PutBigEndian64(&key, node);
  return key;
}

std::string TextIndexPrefix(ProjectId project, std::string_view text, bool exact) {
  std::string key;
  key.reserve(kProjectBytes + text.size() + 9);
  PutBigEndian32(&key, project);
  key.append(text);
  if (exact) key.push_back('\0');
  return key;
}

std::string BlobKey(const ContentHash& hash) {
  std::string key;
  PutBigEndian64(&key, hash.high);
  PutBigEndian64(&key, hash.low);
  return key;
}

Result<NodeId> DecodeNodeKey(std::string_view key, ProjectId* project) {
  if (key.size() != kNodeKeyBytes) return BadKey("nodes", key, "has the wrong length");
  *project = DecodeBigEndian32(key.data());
  return DecodeBigEndian64(key.data() + kProjectBytes);
}

Result<DecodedNodeVersionKey> DecodeNodeVersionKey(std::string_view key) {
  if (key.size() != kNodeVersionKeyBytes) {
    return BadKey("node_versions", key, "has the wrong length");
  }
  DecodedNodeVersionKey out;
  out.project = DecodeBigEndian32(key.data());
  out.node = DecodeBigEndian64(key.data() + 4);
  out.from = ~DecodeBigEndian64(key.data() + 12);
  if (out.from == 0 || out.from == kOpenRevision) {
    return BadKey("node_versions", key, "has an impossible from-revision");
  }
  return out;
}

Result<DecodedEdgeKey> DecodeEdgeKey(std::string_view key) {
  if (key.size() != kEdgeKeyBytes) return BadKey("edges", key, "has the wrong length");
  DecodedEdgeKey out;
  out.project = DecodeBigEndian32(key.data());
  out.near = DecodeBigEndian64(key.data() + 4);
  const auto kind = static_cast<std::uint8_t>(key[12]);
  if (!IsValidEdgeKind(kind)) {
    return BadKey("edges", key, "has undefined edge kind " + std::to_string(kind));
  }
  out.kind = static_cast<EdgeKind>(kind);
  out.far = DecodeBigEndian64(key.data() + 13);
  out.from = ~DecodeBigEndian64(key.data() + 21);
  if (out.from == 0 || out.from == kOpenRevision) {
    return BadKey("edges", key, "has an impossible from-revision");
  }
  return out;
}

Result<DecodedTextIndexKey> DecodeTextIndexKey(std::string_view key) {
  if (key.size() < kProjectBytes + 1 + 8) return BadKey("names/paths", key, "is too short");
  if (key[key.size() - 9] != '\0') {
    return BadKey("names/paths", key, "lacks the NUL separator");
  }
  DecodedTextIndexKey out;
  out.project = DecodeBigEndian32(key.data());
  out.text = key.substr(kProjectBytes, key.size() - kProjectBytes - 9);
  if (out.text.find('\0') != std::string_view::npos) {
    return BadKey("names/paths", key, "has a NUL inside its text");
  }
  out.node = DecodeBigEndian64(key.data() + key.size() - 8);
  return out;
}

Result<RevisionNumber> DecodeRevisionKey(std::string_view key, ProjectId* project) {
  if (key.size() != 1 + 4 + 8 || key[0] != static_cast<char>(MetaTag::kRevision)) {
    return BadKey("meta", key, "is not a revision key");
  }
  *project = DecodeBigEndian32(key.data() + 1);
  const RevisionNumber rev = DecodeBigEndian64(key.data() + 5);
  if (rev == 0) return BadKey("meta", key, "has revision 0");
  return rev;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string out(prefix);
  while (!out.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(out.back());
    if (last != 0xFF) {
      ++last;
      return out;
    }
    out.pop_back();
  }
  return out;
}

std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace onyx::store
