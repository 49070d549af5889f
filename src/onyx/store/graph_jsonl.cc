// JSON Lines export and import (nlohmann/json stays in this file).
#include "onyx/store/graph_jsonl.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <istream>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <unordered_map>

#include "onyx/core/base64.h"
#include "onyx/core/float_text.h"
#include "onyx/core/json_depth.h"
#include "onyx/store/revision_writer.h"

namespace onyx::store {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr int kFormatVersion = 1;
constexpr std::string_view kFormatName = "onyx-graph";

ordered_json Until(const Validity& v) {
  return v.IsOpen() ? ordered_json(nullptr) : ordered_json(v.to);
}

// Text as JSON: valid UTF-8 (no overlong forms, surrogates or code points
// past U+10FFFF, as JSON requires) goes in "text"; anything else in "base64".
bool IsUtf8(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  for (std::size_t i = 0; i < s.size();) {
    const unsigned c = byte(i);
    std::size_t extra = 0;
    unsigned low = 0x80;
    unsigned high = 0xBF;  // the range of the second byte
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    if (byte(i + 1) < low || byte(i + 1) > high) return false;
    for (std::size_t k = 2; k <= extra; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return false;
    }
    i += extra + 1;
  }
  return true;
}

// A string field: itself when it is valid UTF-8 (as JSON needs), else
// {"base64": …} so that every byte survives.
ordered_json Str(std::string_view text) {
  if (IsUtf8(text)) return ordered_json(text);
  return ordered_json{{"base64", core::Base64(text)}};
}

ordered_json SpanJson(const Span& s) {
  return {{"start_byte", s.start_byte},
          {"end_byte", s.end_byte},
          {"start_line", s.start_line},
          {"end_line", s.end_line}};
}

ordered_json NodeLine(const Node& n, const Validity& v) {
  ordered_json attributes = ordered_json::object();
  for (const auto& [k, value] : n.attributes) attributes[k] = Str(value);
  return {{"type", "node"},
          {"id", FormatNodeId(n.id)},
          {"kind", NodeKindName(n.kind)},
          {"name", Str(n.name)},
          {"qualified_name", Str(n.qualified_name)},
          {"language", Str(n.language)},
          {"path", Str(n.path)},
          {"start_line", n.span.start_line},
          {"end_line", n.span.end_line},
          {"span", SpanJson(n.span)},
          {"signature", Str(n.signature)},
          {"doc", Str(n.doc)},
          {"content_hash", n.content_hash.ToHex()},
          {"attributes", attributes},
          {"valid_from", v.from},
          {"valid_to", Until(v)}};
}

ordered_json EdgeLine(const Edge& e, const Validity& v) {
  ordered_json attributes = ordered_json::object();
  for (const auto& [k, value] : e.attributes) attributes[k] = Str(value);
  return {{"type", "edge"},
          {"src", FormatNodeId(e.src)},
          {"kind", EdgeKindName(e.kind)},
          {"dst", FormatNodeId(e.dst)},
          {"confidence", core::ShortestDouble(e.confidence)},
          {"resolution", ResolutionName(e.resolution)},
          {"site", e.site ? SpanJson(*e.site) : ordered_json(nullptr)},
          {"attributes", attributes},
          {"valid_from", v.from},
          {"valid_to", Until(v)}};
}

// Lines hold only valid UTF-8 (see Str); an attribute key that is not would
// be replaced rather than throw.
void WriteLine(std::ostream& out, const ordered_json& line) {
  out << line.dump(-1, ' ', false, ordered_json::error_handler_t::replace) << '\n';
}

}  // namespace

Result<ExportSummary> ExportJsonl(const ReadView& view, const ExportOptions& options,
                                  std::ostream& out) {
  ExportSummary summary;
  const RevisionNumber at = view.revision();
  WriteLine(out, ordered_json{{"format", kFormatName},
                              {"version", kFormatVersion},
                              {"revision", at},
                              {"with_history", options.with_history}});
  ONYX_ASSIGN_OR_RETURN(const std::vector<Revision> revisions, view.Revisions());
  for (const Revision& r : revisions) {
    if (r.number > at) break;
    WriteLine(out, ordered_json{{"type", "revision"},
                                {"number", r.number},
                                {"source", RevisionSourceName(r.info.source)},
                                {"commit", Str(r.info.commit)},
                                {"author", Str(r.info.author)},
                                {"message", Str(r.info.message)},
                                {"time_micros", r.info.time_micros}});
    ++summary.revisions;
  }

  // Node versions, by id then from (the store's key order is ~from).
  std::vector<Node> nodes;
  Status scan = options.with_history ? view.ForEachNodeVersion([&](Node& n) {
    nodes.push_back(std::move(n));
    return true;
  })
                                     : view.ForEachNode([&](Node& n) {
                                         nodes.push_back(std::move(n));
                                         return true;
                                       });
  ONYX_RETURN_IF_ERROR(scan);
  std::stable_sort(nodes.begin(), nodes.end(), [](const Node& a, const Node& b) {
    return a.id != b.id ? a.id < b.id : a.validity.from < b.validity.from;
  });
  // Validity as of `at`: what ended later was still open then.
  const auto as_of = [&](Validity v) {
    if (!v.IsOpen() && v.to > at) v.to = kOpenRevision;
    return v;
  };
  std::unordered_map<NodeId, RevisionNumber> snapshot_from;
  if (!options.with_history) {
    for (const Node& n : nodes) snapshot_from[n.id] = n.validity.from;
  }
  if (options.with_text) {
    std::set<ContentHash> hashes;
    for (const Node& n : nodes) {
      if (n.kind == NodeKind::kFile && !n.content_hash.empty()) hashes.insert(n.content_hash);
    }
    for (const ContentHash& h : hashes) {
      auto text = view.GetBlob(h);
      if (!text.ok()) {
        if (text.status().code() == StatusCode::kNotFound) continue;  // e.g. skipped content
        return text.status();
      }
      ordered_json line{{"type", "blob"}, {"hash", h.ToHex()}};
      if (IsUtf8(*text)) {
        line["text"] = *text;
      } else {
        line["base64"] = core::Base64(*text);
      }
      WriteLine(out, line);
      ++summary.blobs;
    }
  }
  for (const Node& n : nodes) {
    WriteLine(out, NodeLine(n, as_of(n.validity)));
    ++summary.nodes;
  }
  nodes.clear();

  std::vector<Edge> edges;
  ONYX_RETURN_IF_ERROR(view.ForEachEdgeVersion([&](const Edge& e) {
    if (options.with_history || e.validity.Contains(at)) edges.push_back(e);
    return true;
  }));
  std::stable_sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) {
    const auto ka = std::tie(a.src, a.kind, a.dst, a.validity.from);
    const auto kb = std::tie(b.src, b.kind, b.dst, b.validity.from);
    return ka < kb;
  });
  for (const Edge& e : edges) {
    Validity v = as_of(e.validity);
    if (!options.with_history) {
      v.from = std::max({v.from, snapshot_from[e.src], snapshot_from[e.dst]});
    }
    WriteLine(out, EdgeLine(e, v));
    ++summary.edges;
  }
  if (!out) return Status::IOError("export: writing failed");
  return summary;
}

namespace {

// A line's fields, read with checks; the first problem is kept.
class Fields {
 public:
  Fields(const json& j, std::uint64_t line) : j_(j), line_(line) {}

  const Status& status() const { return status_; }

  std::string Text(const char* key) {
    const json* v = Find(key);
    return v == nullptr ? std::string() : TextOf(*v, key);
  }
  // A string, or {"base64": …} for bytes that are not UTF-8.
  std::string TextOf(const json& v, std::string_view key) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_object() && v.size() == 1 && v.contains("base64") && v["base64"].is_string()) {
      auto bytes = core::FromBase64(v["base64"].get<std::string>());
      if (bytes) return *bytes;
    }
    Bad(key, "is not a string");
    return {};
  }
  std::uint64_t Unsigned(const char* key) {
    const json* v = Find(key);
    if (v == nullptr) return 0;
    if (!v->is_number_unsigned()) return Bad(key, "is not a non-negative integer"), 0;
    return v->get<std::uint64_t>();
  }
  std::uint32_t U32(const json& parent, const char* key) {
    const auto it = parent.find(key);
    if (it == parent.end() || !it->is_number_unsigned() || it->get<std::uint64_t>() > UINT32_MAX) {
      return Bad(key, "is missing or not a 32-bit unsigned integer"), 0;
    }
    return static_cast<std::uint32_t>(it->get<std::uint64_t>());
  }
  NodeId Id(const char* key) {
    const auto id = ParseNodeId(Text(key));
    if (!id && status_.ok()) Bad(key, "is not 16 hex digits");
    return id.value_or(0);
  }
  Span SpanAt(const json& v, const char* key) {
    if (!v.is_object()) return Bad(key, "is not an object"), Span{};
    return Span{U32(v, "start_byte"), U32(v, "end_byte"), U32(v, "start_line"), U32(v, "end_line")};
  }
  Span SpanOf(const char* key) {
    const json* v = Find(key);
    return v == nullptr ? Span{} : SpanAt(*v, key);
  }
  std::map<std::string, std::string> Attributes() {
    std::map<std::string, std::string> out;
    const json* v = Find("attributes");
    if (v == nullptr) return out;
    if (!v->is_object()) return Bad("attributes", "is not an object"), out;
    for (const auto& [k, value] : v->items()) out.emplace(k, TextOf(value, "attributes"));
    return out;
  }
  Validity ValidityOf() {
    Validity v;
    v.from = Unsigned("valid_from");
    const json* to = Find("valid_to");
    if (to != nullptr && !to->is_null()) {
      if (!to->is_number_unsigned()) return Bad("valid_to", "is not null or an integer"), v;
      v.to = to->get<std::uint64_t>();
    }
    if (status_.ok() && (v.from == 0 || v.to <= v.from))
      Bad("valid_from", "is not before valid_to");
    return v;
  }
  void Bad(std::string_view key, std::string_view problem) {
    if (status_.ok()) {
      status_ = Status::InvalidArgument("import: line " + std::to_string(line_) + ": \"" +
                                        std::string(key) + "\" " + std::string(problem));
    }
  }
  const json* Find(const char* key) {
    const auto it = j_.find(key);
    if (it == j_.end()) {
      Bad(key, "is missing");
      return nullptr;
    }
    return &*it;
  }

 private:
  const json& j_;
  std::uint64_t line_;
  Status status_;
};

ContentHash ParseHash(Fields& f, const char* key) {
  const std::string hex = f.Text(key);
  ContentHash h;
  if (hex.size() != 32) {
    f.Bad(key, "is not 32 hex digits");
    return h;
  }
  const auto half = [&](std::size_t at, std::uint64_t* out) {
    const auto [end, ec] = std::from_chars(hex.data() + at, hex.data() + at + 16, *out, 16);
    if (ec != std::errc() || end != hex.data() + at + 16) f.Bad(key, "is not 32 hex digits");
  };
  half(0, &h.high);
  half(16, &h.low);
  return h;
}

struct Parsed {
  std::map<RevisionNumber, RevisionInfo> revisions;
  std::vector<std::string> blobs;
  std::vector<Node> nodes;  // with validity
  std::vector<Edge> edges;
};

Status ParseLine(const json& j, std::uint64_t line, Parsed& parsed) {
  if (!j.is_object()) {
    return Status::InvalidArgument("import: line " + std::to_string(line) +
                                   " is not a JSON object");
  }
  Fields f(j, line);
  const std::string type = f.Text("type");
  if (type == "revision") {
    const RevisionNumber number = f.Unsigned("number");
    RevisionInfo info;
    const std::string source = f.Text("source");
    info.commit = f.Text("commit");
    info.author = f.Text("author");
    info.message = f.Text("message");
    const json* time = f.Find("time_micros");
    if (time != nullptr && !time->is_number_integer()) f.Bad("time_micros", "is not an integer");
    ONYX_RETURN_IF_ERROR(f.status());
    const auto parsed_source = ParseRevisionSource(source);
    if (!parsed_source) f.Bad("source", "is not worktree, git or api");
    if (number != parsed.revisions.size() + 1) f.Bad("number", "is not the next revision");
    ONYX_RETURN_IF_ERROR(f.status());
    info.source = *parsed_source;
    info.time_micros = time->get<std::int64_t>();
    parsed.revisions.emplace(number, std::move(info));
    return Status::Ok();
  }
  if (type == "blob") {
    const ContentHash hash = ParseHash(f, "hash");
    std::string text;
    if (j.contains("base64")) {
      auto decoded = core::FromBase64(f.Text("base64"));
      if (!decoded) f.Bad("base64", "is not base64");
      text = decoded.value_or("");
    } else {
      text = f.Text("text");
    }
    ONYX_RETURN_IF_ERROR(f.status());
    if (HashContent(text) != hash) f.Bad("hash", "does not match the text");
    ONYX_RETURN_IF_ERROR(f.status());
    parsed.blobs.push_back(std::move(text));
    return Status::Ok();
  }
  if (type == "node") {
    Node n;
    n.id = f.Id("id");
    const std::string kind = f.Text("kind");
    n.name = f.Text("name");
    n.qualified_name = f.Text("qualified_name");
    n.language = f.Text("language");
    n.path = f.Text("path");
    n.span = f.SpanOf("span");
    n.signature = f.Text("signature");
    n.doc = f.Text("doc");
    n.content_hash = ParseHash(f, "content_hash");
    n.attributes = f.Attributes();
    n.validity = f.ValidityOf();
    ONYX_RETURN_IF_ERROR(f.status());
    const auto parsed_kind = ParseNodeKind(kind);
    if (!parsed_kind) f.Bad("kind", "is not a node kind");
    if (f.Unsigned("start_line") != n.span.start_line ||
        f.Unsigned("end_line") != n.span.end_line) {
      f.Bad("start_line", "disagrees with span");
    }
    ONYX_RETURN_IF_ERROR(f.status());
    n.kind = *parsed_kind;
    parsed.nodes.push_back(std::move(n));
    return Status::Ok();
  }
  if (type == "edge") {
    Edge e;
    e.src = f.Id("src");
    const std::string kind = f.Text("kind");
    e.dst = f.Id("dst");
    const json* confidence = f.Find("confidence");
    const std::string resolution = f.Text("resolution");
    const json* site = f.Find("site");
    e.attributes = f.Attributes();
    e.validity = f.ValidityOf();
    ONYX_RETURN_IF_ERROR(f.status());
    if (!confidence->is_number()) f.Bad("confidence", "is not a number");
    if (!site->is_null()) e.site = f.SpanAt(*site, "site");
    const auto parsed_kind = ParseEdgeKind(kind);
    const auto parsed_resolution = ParseResolution(resolution);
    if (!parsed_kind) f.Bad("kind", "is not an edge kind");
    if (!parsed_resolution) f.Bad("resolution", "is not exact, import, unique_name or heuristic");
    ONYX_RETURN_IF_ERROR(f.status());
    e.confidence = confidence->get<float>();
    e.kind = *parsed_kind;
    e.resolution = *parsed_resolution;
    parsed.edges.push_back(std::move(e));
    return Status::Ok();
  }
  f.Bad("type", "is not revision, blob, node or edge");
  return f.status();
}

}  // namespace

Result<ExportSummary> ImportJsonl(Store& store, const Project& project, std::istream& in,
                                  const ImportLimits& limits) {
  {
    ONYX_ASSIGN_OR_RETURN(const ReadView view, store.View(project.id));
    if (view.latest() != 0) {
      return Status::InvalidArgument("import: project " + project.name +
                                     " already has revisions; import into a new project");
    }
  }
  // Read and check everything first: a bad line leaves the project empty.
  Parsed parsed;
  std::string text;
  std::uint64_t line = 0;
  bool header = false;
  while (std::getline(in, text)) {
    ++line;
    if (line > limits.max_lines) return Status::InvalidArgument("import: too many lines");
    if (text.size() > limits.max_line_bytes) {
      return Status::InvalidArgument("import: line " + std::to_string(line) + " is longer than " +
                                     std::to_string(limits.max_line_bytes) + " bytes");
    }
    if (core::JsonDepth(text) > limits.max_json_depth) {
      return Status::InvalidArgument("import: line " + std::to_string(line) + " nests too deep");
    }
    const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      return Status::InvalidArgument("import: line " + std::to_string(line) + " is not JSON");
    }
    if (!header) {
      // (value() would throw on a field of the wrong type: check types first.)
      const auto format = j.is_object() ? j.find("format") : j.end();
      if (!j.is_object() || format == j.end() || !format->is_string() ||
          format->get<std::string>() != kFormatName) {
        return Status::InvalidArgument("import: line 1 is not an onyx-graph header");
      }
      const auto version = j.find("version");
      if (version == j.end() || !version->is_number_integer() ||
          version->get<std::int64_t>() != kFormatVersion) {
        return Status::InvalidArgument(
            "import: format version " +
            (version == j.end() ? std::string("(none)") : version->dump()) + " is not supported (" +
            std::to_string(kFormatVersion) + " is)");
      }
      header = true;
      continue;
    }
    ONYX_RETURN_IF_ERROR(ParseLine(j, line, parsed));
  }
  if (in.bad()) return Status::IOError("import: reading failed");
  if (!header) return Status::InvalidArgument("import: the input is empty");
  const RevisionNumber last = parsed.revisions.size();
  for (const Node& n : parsed.nodes) {
    if (n.validity.from > last || (!n.validity.IsOpen() && n.validity.to > last)) {
      return Status::InvalidArgument("import: node " + FormatNodeId(n.id) +
                                     " is valid at a revision the input does not have");
    }
  }
  for (const Edge& e : parsed.edges) {
    if (e.validity.from > last || (!e.validity.IsOpen() && e.validity.to > last)) {
      return Status::InvalidArgument("import: an edge of " + FormatNodeId(e.src) +
                                     " is valid at a revision the input does not have");
    }
  }

  // Replay: at each revision, the versions that begin there are upserted and
  // those that end there without a successor are removed.
  std::map<RevisionNumber, std::vector<const Node*>> node_begins;
  std::map<RevisionNumber, std::vector<const Node*>> node_ends;
  for (const Node& n : parsed.nodes) {
    node_begins[n.validity.from].push_back(&n);
    if (!n.validity.IsOpen()) node_ends[n.validity.to].push_back(&n);
  }
  std::map<RevisionNumber, std::vector<const Edge*>> edge_begins;
  std::map<RevisionNumber, std::vector<const Edge*>> edge_ends;
  for (const Edge& e : parsed.edges) {
    edge_begins[e.validity.from].push_back(&e);
    if (!e.validity.IsOpen()) edge_ends[e.validity.to].push_back(&e);
  }
  ExportSummary summary;
  for (auto& [number, info] : parsed.revisions) {
    ONYX_ASSIGN_OR_RETURN(auto writer, store.BeginRevision(project.id, info));
    if (writer->number() != number) {
      return Status::Internal("import: revision " + std::to_string(number) + " became " +
                              std::to_string(writer->number()));
    }
    writer->KeepIfEmpty();
    if (number == 1) {
      for (const std::string& blob : parsed.blobs) writer->PutBlob(blob);
      summary.blobs = parsed.blobs.size();
    }
    std::set<NodeId> upserted;
    for (const Node* n : node_begins[number]) {
      ONYX_RETURN_IF_ERROR(writer->UpsertNode(*n));
      upserted.insert(n->id);
    }
    for (const Node* n : node_ends[number]) {
      if (upserted.count(n->id) == 0) ONYX_RETURN_IF_ERROR(writer->RemoveNode(n->id));
    }
    std::set<EdgeRef> edges_upserted;
    for (const Edge* e : edge_begins[number]) {
      ONYX_RETURN_IF_ERROR(writer->UpsertEdge(*e));
      edges_upserted.insert(EdgeRef{e->src, e->kind, e->dst});
    }
    for (const Edge* e : edge_ends[number]) {
      const EdgeRef ref{e->src, e->kind, e->dst};
      if (edges_upserted.count(ref) == 0) ONYX_RETURN_IF_ERROR(writer->RemoveEdge(ref));
    }
    ONYX_RETURN_IF_ERROR(writer->Commit().status());
    ++summary.revisions;
  }
  summary.nodes = parsed.nodes.size();
  summary.edges = parsed.edges.size();
  return summary;
}

}  // namespace onyx::store
