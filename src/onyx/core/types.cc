// Names of kinds, canonical symbols, ids and content hashes.
#include "onyx/types.h"

#include <xxhash.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <utility>

#include "onyx/search.h"

namespace onyx {
namespace {

template <typename E, std::size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

constexpr NameTable<NodeKind, 14> kNodeKindNames = {{
    {NodeKind::kProject, "project"},
    {NodeKind::kDirectory, "directory"},
    {NodeKind::kFile, "file"},
    {NodeKind::kModule, "module"},
    {NodeKind::kClass, "class"},
    {NodeKind::kStruct, "struct"},
    {NodeKind::kInterface, "interface"},
    {NodeKind::kEnum, "enum"},
    {NodeKind::kFunction, "function"},
    {NodeKind::kMethod, "method"},
    {NodeKind::kConstant, "constant"},
    {NodeKind::kTest, "test"},
    {NodeKind::kDocSection, "doc_section"},
    {NodeKind::kNote, "note"},
}};

constexpr NameTable<EdgeKind, 9> kEdgeKindNames = {{
    {EdgeKind::kContains, "contains"},
    {EdgeKind::kImports, "imports"},
    {EdgeKind::kCalls, "calls"},
    {EdgeKind::kReferences, "references"},
    {EdgeKind::kInherits, "inherits"},
    {EdgeKind::kImplements, "implements"},
    {EdgeKind::kTests, "tests"},
    {EdgeKind::kDocuments, "documents"},
    {EdgeKind::kAbout, "about"},
}};

constexpr NameTable<Resolution, 4> kResolutionNames = {{
    {Resolution::kExact, "exact"},
    {Resolution::kImport, "import"},
    {Resolution::kUniqueName, "unique_name"},
    {Resolution::kHeuristic, "heuristic"},
}};

constexpr NameTable<RevisionSource, 4> kRevisionSourceNames = {{
    {RevisionSource::kWorktree, "worktree"},
    {RevisionSource::kGit, "git"},
    {RevisionSource::kApi, "api"},
    {RevisionSource::kImport, "import"},
}};

template <typename E, std::size_t N>
std::string_view NameOf(const NameTable<E, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "unknown";
}

template <typename E, std::size_t N>
std::optional<E> Parse(const NameTable<E, N>& table, std::string_view name) {
  for (const auto& [v, n] : table) {
    if (n == name) return v;
  }
  return std::nullopt;
}

template <typename E, std::size_t N>
bool IsValid(const NameTable<E, N>& table, std::uint8_t value) {
  for (const auto& entry : table) {
    if (static_cast<std::uint8_t>(entry.first) == value) return true;
  }
  return false;
}

}  // namespace

std::string ContentHash::ToHex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[15 - i] = kDigits[(high >> (4 * i)) & 0xF];
    out[31 - i] = kDigits[(low >> (4 * i)) & 0xF];
  }
  return out;
}

ContentHash HashContent(std::string_view bytes) {
  const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return ContentHash{h.high64, h.low64};
}

std::string_view NodeKindName(NodeKind kind) { return NameOf(kNodeKindNames, kind); }
std::string_view EdgeKindName(EdgeKind kind) { return NameOf(kEdgeKindNames, kind); }
std::string_view ResolutionName(Resolution r) { return NameOf(kResolutionNames, r); }
std::string_view RevisionSourceName(RevisionSource s) { return NameOf(kRevisionSourceNames, s); }
std::optional<NodeKind> ParseNodeKind(std::string_view name) { return Parse(kNodeKindNames, name); }
std::optional<EdgeKind> ParseEdgeKind(std::string_view name) { return Parse(kEdgeKindNames, name); }
std::optional<Resolution> ParseResolution(std::string_view name) {
  return Parse(kResolutionNames, name);
}
std::optional<RevisionSource> ParseRevisionSource(std::string_view name) {
  return Parse(kRevisionSourceNames, name);
}
bool IsValidNodeKind(std::uint8_t v) { return IsValid(kNodeKindNames, v); }
bool IsValidEdgeKind(std::uint8_t v) { return IsValid(kEdgeKindNames, v); }
bool IsValidResolution(std::uint8_t v) { return IsValid(kResolutionNames, v); }
bool IsValidRevisionSource(std::uint8_t v) { return IsValid(kRevisionSourceNames, v); }

std::string NodeSymbol(std::string_view language, std::string_view path,
                       std::string_view qualified_name, NodeKind kind) {
  std::string out;
  out.reserve(language.size() + path.size() + qualified_name.size() + 16);
  out.append(language).append(":").append(path).append(":").append(qualified_name);
  out.append("#").append(NodeKindName(kind));
  return out;
}

std::string FormatNodeId(NodeId id) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(id));
  return buf;
}

std::optional<NodeId> ParseNodeId(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  NodeId id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id, 16);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return id;
}

NodeId MakeNodeId(std::string_view language, std::string_view path, std::string_view qualified_name,
                  NodeKind kind) {
  const std::string symbol = NodeSymbol(language, path, qualified_name, kind);
  return XXH3_64bits(symbol.data(), symbol.size());
}

bool Node::SameContent(const Node& other) const {
  return id == other.id && kind == other.kind && name == other.name &&
         qualified_name == other.qualified_name && language == other.language &&
         path == other.path && span == other.span && signature == other.signature &&
         doc == other.doc && content_hash == other.content_hash && attributes == other.attributes;
}

std::uint64_t GraphStats::nodes() const {
  std::uint64_t total = 0;
  for (const auto& [kind, n] : nodes_by_kind) total += n;
  return total;
}

std::uint64_t GraphStats::edges() const {
  std::uint64_t total = 0;
  for (const auto& [kind, n] : edges_by_kind) total += n;
  return total;
}

bool Edge::SameContent(const Edge& other) const {
  return src == other.src && kind == other.kind && dst == other.dst &&
         confidence == other.confidence && resolution == other.resolution && site == other.site &&
         attributes == other.attributes;
}

std::optional<SearchMode> ParseSearchMode(std::string_view name) {
  if (name == "hybrid") return SearchMode::kHybrid;
  if (name == "vector") return SearchMode::kVector;
  if (name == "lexical") return SearchMode::kLexical;
  return std::nullopt;
}

std::string_view SearchModeName(SearchMode mode) {
  switch (mode) {
    case SearchMode::kHybrid: return "hybrid";
    case SearchMode::kVector: return "vector";
    case SearchMode::kLexical: return "lexical";
  }
  return "hybrid";
}

std::optional<SearchPrior> ParseSearchPrior(std::string_view name) {
  if (name == "none") return SearchPrior::kNone;
  if (name == "centrality") return SearchPrior::kCentrality;
  return std::nullopt;
}

}  // namespace onyx
