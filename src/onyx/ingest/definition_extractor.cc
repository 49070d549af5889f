// Definition extraction: run the language's query, then nest what it found by
// span to derive kinds, qualified names and parents.
#include "onyx/ingest/definition_extractor.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

#include "onyx/ingest/languages/language_spec.h"

namespace onyx::ingest {
namespace {

constexpr std::size_t kMaxSignatureBytes = 300;

struct Found {
  bool is_scope = false;
  NodeKind kind = NodeKind::kFunction;
  std::string name;
  std::string receiver;
  std::string doc;
  std::string text;
  Span span;
};

std::optional<NodeKind> KindFromCapture(std::string_view capture) {
  static const std::map<std::string_view, NodeKind> kinds = {
      {"function", NodeKind::kFunction},   {"method", NodeKind::kMethod},
      {"class", NodeKind::kClass},         {"struct", NodeKind::kStruct},
      {"interface", NodeKind::kInterface}, {"enum", NodeKind::kEnum},
      {"constant", NodeKind::kConstant},   {"module", NodeKind::kModule},
  };
  auto it = kinds.find(capture);
  if (it == kinds.end()) return std::nullopt;
  return it->second;
}

bool IsTypeLike(NodeKind k) {
  return k == NodeKind::kClass || k == NodeKind::kStruct || k == NodeKind::kInterface ||
         k == NodeKind::kEnum;
}

std::string Trim(std::string_view s) {
  const auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  const auto end = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(begin, end - begin + 1));
}

std::string SignatureOf(std::string_view text) {
  std::string first = Trim(text.substr(0, text.find('\n')));
  if (first.size() > kMaxSignatureBytes) first.resize(kMaxSignatureBytes);
  return first;
}

// Compiled queries are built once per language and shared (SourceQuery is safe
// to run from several threads).
Result<const SourceQuery*> QueryFor(const LanguageSpec& spec) {
  static std::mutex mu;
  static std::map<std::string_view, std::unique_ptr<SourceQuery>> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(spec.language);
  if (it != cache.end()) return it->second.get();
  ONYX_ASSIGN_OR_RETURN(SourceQuery query,
                        SourceQuery::Compile(spec.language, spec.definitions_query));
  auto owned = std::make_unique<SourceQuery>(std::move(query));
  const SourceQuery* raw = owned.get();
  cache.emplace(spec.language, std::move(owned));
  return raw;
}

}  // namespace

std::string ModulePathFor(std::string_view path, std::string_view language) {
  std::string out(path);
  const auto slash = out.rfind('/');
  const auto dot = out.rfind('.');
  if (language == "java") {
    // A Java file holds a class of its own name: the package is the folder.
    out.resize(slash == std::string::npos ? 0 : slash);
  } else if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) {
    out.resize(dot);
  }
  std::replace(out.begin(), out.end(), '/', '.');
  return out;
}

Result<std::vector<Definition>> ExtractDefinitions(std::string_view path, const SyntaxTree& tree,
                                                   const QueryLimits& limits) {
  const LanguageSpec* spec = SpecFor(tree.language());
  if (spec == nullptr) {
    return Status::NotFound("no extraction rules for language '" + std::string(tree.language()) +
                            "'");
  }
  ONYX_ASSIGN_OR_RETURN(const SourceQuery* query, QueryFor(*spec));

  // Several matches can describe one definition (a quantified @doc prefix matches
  // more than one way); keep one per (span, kind), with the longest doc.
  std::map<std::pair<std::uint32_t, std::uint32_t>, Found> by_span;
  ONYX_RETURN_IF_ERROR(RunQuery(*query, tree, limits, [&](const QueryMatch& m) {
    const CapturedNode* name = m.First("name");
    for (const CapturedNode& c : m.captures) {
      Found f;
      if (c.name == "scope") {
        const CapturedNode* scope_name = m.First("scope.name");
        if (scope_name == nullptr) continue;
        f.is_scope = true;
        f.name = scope_name->text;
      } else if (c.name.rfind("definition.", 0) == 0 && name != nullptr) {
        auto kind = KindFromCapture(c.name.substr(11));
        if (!kind) continue;
        f.kind = *kind;
        f.name = name->text;
        if (const CapturedNode* receiver = m.First("receiver")) f.receiver = receiver->text;
        for (const CapturedNode* doc : m.All("doc")) {
          if (!f.doc.empty()) f.doc += "\n";
          f.doc += doc->text;
        }
        f.doc = Trim(f.doc);
        f.text = c.text;
      } else {
        continue;
      }
      f.span = c.span;
      auto [it, inserted] = by_span.emplace(std::make_pair(c.span.start_byte, c.span.end_byte), f);
      if (!inserted && it->second.doc.size() < f.doc.size()) it->second = std::move(f);
    }
    return true;
  }));

  // Outer before inner: by start ascending, then end descending (the map's key
  // order gives start ascending, end ascending; fix ties).
  std::vector<Found> items;
  items.reserve(by_span.size());
  for (auto& [key, f] : by_span) items.push_back(std::move(f));
  std::stable_sort(items.begin(), items.end(), [](const Found& a, const Found& b) {
    if (a.span.start_byte != b.span.start_byte) return a.span.start_byte < b.span.start_byte;
    return a.span.end_byte > b.span.end_byte;
  });

  const std::string module = ModulePathFor(path, tree.language());
  std::vector<Definition> out;
  struct Open {
    std::size_t item;
    std::optional<std::size_t> definition;  // index into `out` when a definition
  };
  std::vector<Open> stack;
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Found& f = items[i];
    while (!stack.empty() && items[stack.back().item].span.end_byte <= f.span.start_byte) {
      stack.pop_back();
    }
    if (f.is_scope) {
      stack.push_back({i, std::nullopt});
      continue;
    }
    std::string qualified = module;
    const auto join = [&qualified](const std::string& part) {
      if (!qualified.empty()) qualified += ".";
      qualified += part;
    };
    bool in_type = false;
    std::optional<std::size_t> parent;
    for (const Open& open : stack) {
      join(items[open.item].name);
      if (open.definition) {
        parent = open.definition;
        in_type = IsTypeLike(out[*open.definition].node.kind);
      } else {
        in_type = true;  // a scope (impl block) holds methods
      }
    }
    if (!f.receiver.empty()) {
      join(f.receiver);
      in_type = true;
    }
    join(f.name);
    NodeKind kind = f.kind;
    if (kind == NodeKind::kFunction && in_type) kind = NodeKind::kMethod;
    const std::string dedupe_key = qualified + "#" + std::string(NodeKindName(kind));
    if (const int n = ++seen[dedupe_key]; n > 1) qualified += "~" + std::to_string(n);

    Definition d;
    Node& node = d.node;
    node.kind = kind;
    node.name = f.name;
    node.qualified_name = qualified;
    node.language = std::string(tree.language());
    node.path = std::string(path);
    node.span = f.span;
    node.signature = SignatureOf(f.text);
    node.doc = f.doc;
    node.content_hash = HashContent(f.text);
    node.id = MakeNodeId(node.language, node.path, node.qualified_name, node.kind);
    d.parent = parent;
    out.push_back(std::move(d));
    stack.push_back({i, out.size() - 1});
  }
  return out;
}

}  // namespace onyx::ingest
