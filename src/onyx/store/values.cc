// Value codecs; the layout is documented in docs/format/values.md.
#include "onyx/store/values.h"

#include <zstd.h>

#include <cmath>
#include <memory>

#include "onyx/core/coding.h"

namespace onyx::store {

using core::ByteReader;
using core::PutBigEndian64;
using core::PutFloat32;
using core::PutLengthPrefixed;
using core::PutVarint64;
using core::PutVarintSigned64;

namespace {

// Attribute maps are small by construction; a decoder refuses absurd counts before
// allocating anything.
constexpr std::uint64_t kMaxAttributes = 4096;

// `to` is stored as 0 when open: no version can end at revision 0.
std::uint64_t EncodeTo(RevisionNumber to) { return to == kOpenRevision ? 0 : to; }

bool ReadFormat(ByteReader& r) {
  std::uint8_t format = 0;
  if (!r.ReadByte(&format)) return false;
  if (format != kValueFormat) {
    return r.Fail("format version " + std::to_string(format) + ", expected " +
                  std::to_string(kValueFormat));
  }
  return true;
}

bool ReadTo(ByteReader& r, RevisionNumber from, RevisionNumber* to) {
  std::uint64_t raw = 0;
  if (!r.ReadVarint64(&raw)) return false;
  *to = raw == 0 ? kOpenRevision : raw;
  if (*to <= from) {
    return r.Fail("to-revision " + std::to_string(*to) + " is not after from-revision " +
                  std::to_string(from));
  }
  return true;
}

void PutAttributes(std::string* dst, const std::map<std::string, std::string>& attrs) {
  PutVarint64(dst, attrs.size());
  for (const auto& [k, v] : attrs) {
    PutLengthPrefixed(dst, k);
    PutLengthPrefixed(dst, v);
  }
}

bool ReadAttributes(ByteReader& r, std::map<std::string, std::string>* attrs) {
  std::uint64_t n = 0;
  if (!r.ReadVarint64(&n)) return false;
  if (n > kMaxAttributes) return r.Fail("attribute count " + std::to_string(n) + " too large");
  std::string previous;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string k;
    std::string v;
    if (!r.ReadLengthPrefixed(&k) || !r.ReadLengthPrefixed(&v)) return false;
    // Sorted and unique, as the encoder writes them: keeps encode(decode(x)) == x.
    if (i > 0 && k <= previous) return r.Fail("attribute keys are not sorted and unique");
    previous = k;
    attrs->emplace(std::move(k), std::move(v));
  }
  return true;
}

template <typename T>
Result<T> Finish(ByteReader& r, T value, std::string_view context) {
  if (r.failed() || !r.AtEnd()) return r.Error(context);
  return value;
}

}  // namespace

std::string EncodeNodeVersion(const Node& node, const Validity& validity) {
  std::string out;
  out.reserve(64 + node.name.size() + node.qualified_name.size() + node.path.size() +
              node.signature.size() + node.doc.size());
  out.push_back(static_cast<char>(kValueFormat));
  PutVarint64(&out, EncodeTo(validity.to));
  out.push_back(static_cast<char>(node.kind));
  PutLengthPrefixed(&out, node.name);
  PutLengthPrefixed(&out, node.qualified_name);
  PutLengthPrefixed(&out, node.language);
  PutLengthPrefixed(&out, node.path);
  core::PutSpan(&out, node.span);
  PutLengthPrefixed(&out, node.signature);
  PutLengthPrefixed(&out, node.doc);
  PutBigEndian64(&out, node.content_hash.high);
  PutBigEndian64(&out, node.content_hash.low);
  PutAttributes(&out, node.attributes);
  return out;
}

Result<Node> DecodeNodeVersion(std::string_view value, NodeId id, RevisionNumber from) {
  ByteReader r(value);
  Node node;
  node.id = id;
  node.validity.from = from;
  std::uint8_t kind = 0;
  if (ReadFormat(r) && ReadTo(r, from, &node.validity.to) && r.ReadByte(&kind)) {
    if (!IsValidNodeKind(kind)) {
      r.Fail("node kind " + std::to_string(kind) + " is not defined");
    }
    node.kind = static_cast<NodeKind>(kind);
  }
  r.ReadLengthPrefixed(&node.name) && r.ReadLengthPrefixed(&node.qualified_name) &&
      r.ReadLengthPrefixed(&node.language) && r.ReadLengthPrefixed(&node.path) &&
      r.ReadSpan(&node.span) && r.ReadLengthPrefixed(&node.signature) &&
      r.ReadLengthPrefixed(&node.doc) && r.ReadBigEndian64(&node.content_hash.high) &&
      r.ReadBigEndian64(&node.content_hash.low) && ReadAttributes(r, &node.attributes);
  return Finish(r, std::move(node), "node version");
}

std::string EncodeCurrentNode(const Node& node, RevisionNumber from) {
  std::string out;
  out.push_back(static_cast<char>(kValueFormat));
  PutVarint64(&out, from);
  out += EncodeNodeVersion(node, Validity{from, kOpenRevision});
  return out;
}

Result<Node> DecodeCurrentNode(std::string_view value, NodeId id) {
  ByteReader r(value);
  std::uint64_t from = 0;
  if (ReadFormat(r) && r.ReadVarint64(&from) && (from == 0 || from == kOpenRevision)) {
    r.Fail("impossible from-revision " + std::to_string(from));
  }
  if (r.failed()) return r.Error("current node");
  ONYX_ASSIGN_OR_RETURN(Node node, DecodeNodeVersion(r.Rest(), id, from));
  if (!node.validity.IsOpen()) {
    return Status::Corruption("current node: version is closed at " +
                              std::to_string(node.validity.to));
  }
  return node;
}

std::string EncodeEdgeValue(const Edge& edge, RevisionNumber to) {
  std::string out;
  out.push_back(static_cast<char>(kValueFormat));
  PutVarint64(&out, EncodeTo(to));
  PutFloat32(&out, edge.confidence);
  out.push_back(static_cast<char>(edge.resolution));
  out.push_back(edge.site ? 1 : 0);
  if (edge.site) core::PutSpan(&out, *edge.site);
  PutAttributes(&out, edge.attributes);
  return out;
}

Status DecodeEdgeValue(std::string_view value, Edge* edge) {
  ByteReader r(value);
  std::uint8_t resolution = 0;
  std::uint8_t has_site = 0;
  if (ReadFormat(r) && ReadTo(r, edge->validity.from, &edge->validity.to) &&
      r.ReadFloat32(&edge->confidence) && r.ReadByte(&resolution) && r.ReadByte(&has_site)) {
    if (!(edge->confidence >= 0.0F && edge->confidence <= 1.0F)) {
      r.Fail("confidence is outside [0, 1]");
    } else if (!IsValidResolution(resolution)) {
      r.Fail("resolution " + std::to_string(resolution) + " is not defined");
    } else if (has_site > 1) {
      r.Fail("site flag " + std::to_string(has_site) + " is not 0 or 1");
    }
    edge->resolution = static_cast<Resolution>(resolution);
  }
  edge->site.reset();
  if (!r.failed() && has_site == 1) {
    Span site;
    if (r.ReadSpan(&site)) edge->site = site;
  }
  edge->attributes.clear();
  ReadAttributes(r, &edge->attributes);
  if (r.failed() || !r.AtEnd()) return r.Error("edge value");
  return Status::Ok();
}

Result<Edge> DecodeEdgeEntry(const DecodedEdgeKey& key, std::string_view value, bool mirrored) {
  Edge edge;
  edge.src = mirrored ? key.far : key.near;
  edge.dst = mirrored ? key.near : key.far;
  edge.kind = key.kind;
  edge.validity.from = key.from;
  ONYX_RETURN_IF_ERROR(DecodeEdgeValue(value, &edge));
  return edge;
}

std::string EncodeRevision(const Revision& rev) {
  std::string out;
  out.push_back(static_cast<char>(kValueFormat));
  PutVarint64(&out, rev.parent);
  out.push_back(static_cast<char>(rev.info.source));
  PutLengthPrefixed(&out, rev.info.commit);
  PutLengthPrefixed(&out, rev.info.author);
  PutLengthPrefixed(&out, rev.info.message);
  PutVarintSigned64(&out, rev.info.time_micros);
  PutVarintSigned64(&out, rev.committed_micros);
  const RevisionChanges& c = rev.changes;
  for (std::uint64_t n : {c.nodes_added, c.nodes_changed, c.nodes_removed, c.edges_added,
                          c.edges_changed, c.edges_removed}) {
    PutVarint64(&out, n);
  }
  return out;
}

Result<Revision> DecodeRevision(std::string_view value, RevisionNumber number) {
  ByteReader r(value);
  Revision rev;
  rev.number = number;
  std::uint8_t source = 0;
  if (ReadFormat(r) && r.ReadVarint64(&rev.parent) && r.ReadByte(&source)) {
    if (rev.parent >= number) r.Fail("parent revision is not before the revision");
    if (!IsValidRevisionSource(source)) {
      r.Fail("revision source " + std::to_string(source) + " is not defined");
    }
    rev.info.source = static_cast<RevisionSource>(source);
  }
  RevisionChanges& c = rev.changes;
  r.ReadLengthPrefixed(&rev.info.commit) && r.ReadLengthPrefixed(&rev.info.author) &&
      r.ReadLengthPrefixed(&rev.info.message) && r.ReadVarintSigned64(&rev.info.time_micros) &&
      r.ReadVarintSigned64(&rev.committed_micros) && r.ReadVarint64(&c.nodes_added) &&
      r.ReadVarint64(&c.nodes_changed) && r.ReadVarint64(&c.nodes_removed) &&
      r.ReadVarint64(&c.edges_added) && r.ReadVarint64(&c.edges_changed) &&
      r.ReadVarint64(&c.edges_removed);
  return Finish(r, std::move(rev), "revision record");
}

std::string EncodeProject(const Project& project) {
  std::string out;
  out.push_back(static_cast<char>(kValueFormat));
  PutLengthPrefixed(&out, project.name);
  PutVarintSigned64(&out, project.created_micros);
  return out;
}

Result<Project> DecodeProject(std::string_view value, ProjectId id) {
  ByteReader r(value);
  Project project;
  project.id = id;
  ReadFormat(r) && r.ReadLengthPrefixed(&project.name, 1024) &&
      r.ReadVarintSigned64(&project.created_micros);
  return Finish(r, std::move(project), "project record");
}

std::string EncodeGraphStats(const GraphStats& stats) {
  std::string out;
  out.push_back(static_cast<char>(kValueFormat));
  PutVarint64(&out, stats.latest_revision);
  PutVarint64(&out, stats.revisions);
  PutVarint64(&out, stats.node_versions);
  PutVarint64(&out, stats.edge_versions);
  PutVarint64(&out, stats.nodes_by_kind.size());
  for (const auto& [kind, n] : stats.nodes_by_kind) {
    out.push_back(static_cast<char>(kind));
    PutVarint64(&out, n);
  }
  PutVarint64(&out, stats.edges_by_kind.size());
  for (const auto& [kind, n] : stats.edges_by_kind) {
    out.push_back(static_cast<char>(kind));
    PutVarint64(&out, n);
  }
  return out;
}

Result<GraphStats> DecodeGraphStats(std::string_view value) {
  ByteReader r(value);
  GraphStats stats;
  ReadFormat(r) && r.ReadVarint64(&stats.latest_revision) && r.ReadVarint64(&stats.revisions) &&
      r.ReadVarint64(&stats.node_versions) && r.ReadVarint64(&stats.edge_versions);
  std::uint64_t n = 0;
  if (r.ReadVarint64(&n) && n > 255) r.Fail("node kind count too large");
  for (std::uint64_t i = 0; i < n && !r.failed(); ++i) {
    std::uint8_t kind = 0;
    std::uint64_t count = 0;
    if (!r.ReadByte(&kind) || !r.ReadVarint64(&count)) break;
    if (!IsValidNodeKind(kind)) r.Fail("node kind " + std::to_string(kind) + " is not defined");
    if (!stats.nodes_by_kind.emplace(static_cast<NodeKind>(kind), count).second) {
      r.Fail("node kind repeated");
    }
  }
  if (r.ReadVarint64(&n) && n > 255) r.Fail("edge kind count too large");
  for (std::uint64_t i = 0; i < n && !r.failed(); ++i) {
    std::uint8_t kind = 0;
    std::uint64_t count = 0;
    if (!r.ReadByte(&kind) || !r.ReadVarint64(&count)) break;
    if (!IsValidEdgeKind(kind)) r.Fail("edge kind " + std::to_string(kind) + " is not defined");
    if (!stats.edges_by_kind.emplace(static_cast<EdgeKind>(kind), count).second) {
      r.Fail("edge kind repeated");
    }
  }
  return Finish(r, std::move(stats), "graph stats record");
}

std::string EncodeCounter(std::uint64_t value) {
  std::string out;
  out.push_back(static_cast<char>(kValueFormat));
  PutVarint64(&out, value);
  return out;
}

Result<std::uint64_t> DecodeCounter(std::string_view value, std::string_view what) {
  ByteReader r(value);
  std::uint64_t n = 0;
  ReadFormat(r) && r.ReadVarint64(&n);
  return Finish(r, n, what);
}

std::string EncodeBlob(std::string_view raw) {
  constexpr int kBlobLevel = 3;
  std::string out;
  out.push_back(static_cast<char>(kValueFormat));
  PutVarint64(&out, raw.size());
  const std::size_t header = out.size();
  const std::size_t bound = ZSTD_compressBound(raw.size());
  out.resize(header + bound);
  // One compression context per thread: ZSTD_compress would make (and free)
  // one per blob, which costs as much as compressing a small file.
  thread_local const std::unique_ptr<ZSTD_CCtx, std::size_t (*)(ZSTD_CCtx*)> context(
      ZSTD_createCCtx(), ZSTD_freeCCtx);
  const std::size_t n =
      context == nullptr
          ? ZSTD_compress(out.data() + header, bound, raw.data(), raw.size(), kBlobLevel)
          : ZSTD_compressCCtx(context.get(), out.data() + header, bound, raw.data(), raw.size(),
                              kBlobLevel);
  // Compression into a buffer of ZSTD_compressBound bytes cannot fail.
  out.resize(header + (ZSTD_isError(n) ? 0 : n));
  return out;
}

Result<std::string> DecodeBlob(std::string_view value, const ContentHash& expected,
                               std::size_t max_bytes, bool verify_hash) {
  ByteReader r(value);
  std::uint64_t raw_size = 0;
  if (!ReadFormat(r) || !r.ReadVarint64(&raw_size)) return r.Error("blob " + expected.ToHex());
  if (raw_size > max_bytes) {
    return Status::ResourceExhausted("blob " + expected.ToHex() + ": raw size " +
                                     std::to_string(raw_size) + " exceeds the limit of " +
                                     std::to_string(max_bytes) + " bytes");
  }
  const std::string_view frame = r.Rest();
  const unsigned long long content_size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (content_size == ZSTD_CONTENTSIZE_ERROR || content_size == ZSTD_CONTENTSIZE_UNKNOWN ||
      content_size != raw_size) {
    return Status::Corruption("blob " + expected.ToHex() +
                              ": zstd frame header does not match the recorded size");
  }
  std::string raw(static_cast<std::size_t>(raw_size), '\0');
  const std::size_t n = ZSTD_decompress(raw.data(), raw.size(), frame.data(), frame.size());
  if (ZSTD_isError(n) || n != raw_size) {
    return Status::Corruption("blob " + expected.ToHex() + ": zstd: " +
                              (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short output"));
  }
  if (verify_hash && HashContent(raw) != expected) {
    return Status::Corruption("blob " + expected.ToHex() + ": content does not match its hash");
  }
  return raw;
}

}  // namespace onyx::store
