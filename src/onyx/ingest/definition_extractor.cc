// Definition extraction: run the language's query, then nest what it found by
// span to derive kinds, qualified names and parents.
#include "onyx/ingest/definition_extractor.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "onyx/ingest/languages/language_spec.h"

namespace onyx::ingest {
namespace {

constexpr std::size_t kMaxSignatureBytes = 300;
// A doc longer than this keeps its last comments only.
constexpr std::size_t kMaxDocBytes = 64u << 10;

struct Found {
  bool is_scope = false;
  NodeKind kind = NodeKind::kFunction;
  // A test also matched as a plain definition (kept when the path is not a test
  // path), and whether it holds methods (a Python Test* class).
  std::optional<NodeKind> plain_kind;
  bool test_suite = false;
  std::string name;
  std::string receiver;
  std::string doc;
  std::optional<Span> doc_start;  // the first comment of the doc, extended in Finish
  std::string_view text;          // into the tree's source
  Span span;
};

std::optional<NodeKind> KindFromCapture(std::string_view capture) {
  static const std::map<std::string_view, NodeKind> kinds = {
      {"function", NodeKind::kFunction},   {"method", NodeKind::kMethod},
      {"class", NodeKind::kClass},         {"struct", NodeKind::kStruct},
      {"interface", NodeKind::kInterface}, {"enum", NodeKind::kEnum},
      {"constant", NodeKind::kConstant},   {"module", NodeKind::kModule},
      {"test", NodeKind::kTest},           {"test_suite", NodeKind::kTest},
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

// A line comment's node may hold its newline (Rust's does).
std::string_view WithoutTrailingNewline(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string SignatureOf(std::string_view text) {
  std::string first = Trim(text.substr(0, text.find('\n')));
  if (first.size() > kMaxSignatureBytes) first.resize(kMaxSignatureBytes);
  return first;
}

// Two captures of one node: a test wins over the plain kind it also is, and the
// longest doc stays.
void Merge(Found& into, Found from) {
  if (from.kind == NodeKind::kTest && into.kind != NodeKind::kTest) std::swap(into, from);
  if (from.kind != NodeKind::kTest && !into.plain_kind) into.plain_kind = from.kind;
  into.test_suite = into.test_suite || from.test_suite;
  // A doc that strips to nothing still starts the run above it.
  if (into.doc.size() < from.doc.size() || (!into.doc_start && from.doc_start)) {
    into.doc = std::move(from.doc);
    into.doc_start = from.doc_start;
  }
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

struct DefinitionCollector::State {
  std::string path;
  const SyntaxTree* tree = nullptr;
  const LanguageSpec* spec = nullptr;
  // Several matches can describe one definition (with and without its
  // optional @doc); one per (span, kind), with the longest doc.
  std::map<std::pair<std::uint32_t, std::uint32_t>, Found> by_span;
  // Adjacent comments (@doc.earlier right before @doc.later), by the later
  // one's start: the run a doc extends through.
  struct Earlier {
    std::string text;
    Span span;
  };
  std::unordered_map<std::uint32_t, Earlier> earlier_of;
};

DefinitionCollector::DefinitionCollector(std::string_view path, const SyntaxTree& tree,
                                         const LanguageSpec& spec)
    : state_(std::make_unique<State>()) {
  state_->path = std::string(path);
  state_->tree = &tree;
  state_->spec = &spec;
}

DefinitionCollector::~DefinitionCollector() = default;

void DefinitionCollector::Add(const QueryMatch& m) {
  if (const CapturedNode* later = m.First("doc.later")) {
    if (const CapturedNode* earlier = m.First("doc.earlier")) {
      state_->earlier_of.try_emplace(
          later->span.start_byte,
          State::Earlier{std::string(WithoutTrailingNewline(earlier->text)), earlier->span});
    }
    return;
  }
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
      f.test_suite = c.name == "definition.test_suite";
      f.name = name->text;
      if (const CapturedNode* receiver = m.First("receiver")) f.receiver = receiver->text;
      for (const CapturedNode* doc : m.All("doc")) {
        if (!f.doc_start) f.doc_start = doc->span;
        if (!f.doc.empty()) f.doc += "\n";
        f.doc += WithoutTrailingNewline(doc->text);
      }
      // A comment on the definition's own line (`/* x */ function f`) is
      // not its doc (#select-adjacent! dropped it), but the run above it is.
      if (const CapturedNode* start = m.First("doc.start");
          !f.doc_start && start != nullptr && start->span.start_line == c.span.start_line) {
        f.doc_start = start->span;
      }
      f.text = c.text;
    } else {
      continue;
    }
    f.span = c.span;
    auto [it, inserted] =
        state_->by_span.emplace(std::make_pair(c.span.start_byte, c.span.end_byte), f);
    if (!inserted) Merge(it->second, std::move(f));
  }
}

std::vector<Definition> DefinitionCollector::Finish() {
  const std::string_view path = state_->path;
  const SyntaxTree& tree = *state_->tree;
  const LanguageSpec* spec = state_->spec;
  auto& by_span = state_->by_span;
  // A doc is the comment right before its definition, extended up through
  // the comments adjacent to it (each ends on the line before the next one
  // starts, or on its line). Found this way, a run of n comments costs O(n);
  // a quantified `(comment)* @doc` costs tree-sitter O(n^2) (20,000 comment
  // lines took it past 5 s).
  // Definitions that share their doc comment (`const a = …, b = …`) share its
  // run, built once.
  std::unordered_map<std::uint32_t, std::string> built;
  for (auto& [key, f] : by_span) {
    if (f.doc_start) {
      if (const auto it = built.find(f.doc_start->start_byte); it != built.end()) {
        f.doc = it->second;
        continue;
      }
    }
    std::vector<const State::Earlier*> run;
    std::size_t bytes = f.doc.size();
    for (std::optional<Span> at = f.doc_start; at;) {
      const auto it = state_->earlier_of.find(at->start_byte);
      if (it == state_->earlier_of.end()) break;
      const State::Earlier& earlier = it->second;
      if (earlier.span.end_line + 1 < at->start_line) break;
      bytes += earlier.text.size() + 1;
      if (bytes > kMaxDocBytes) break;
      run.push_back(&earlier);
      at = earlier.span;
    }
    if (run.empty()) {
      f.doc = Trim(f.doc);
    } else {
      std::string doc;
      for (auto it = run.rbegin(); it != run.rend(); ++it) {
        doc += (*it)->text;
        doc += '\n';
      }
      doc += f.doc;
      f.doc = Trim(doc);
    }
    if (f.doc_start) built.emplace(f.doc_start->start_byte, f.doc);
  }
  // Outer before inner: by start ascending, then end descending (the map's key
  // order gives start ascending, end ascending; fix ties).
  // A test outside the language's test paths is the plain definition it also is
  // (a production function named test_connection is not a test).
  const bool test_path = spec->is_test_path == nullptr || spec->is_test_path(path);
  std::vector<Found> items;
  items.reserve(by_span.size());
  for (auto& [key, f] : by_span) {
    if (f.kind == NodeKind::kTest && !test_path) {
      if (!f.plain_kind) continue;
      f.kind = *f.plain_kind;
      f.test_suite = false;
    }
    items.push_back(std::move(f));
  }
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
  std::vector<bool> holds_methods;  // per entry of `out`
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
        in_type = holds_methods[*open.definition];
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
    holds_methods.push_back(IsTypeLike(kind) || f.test_suite);
    stack.push_back({i, out.size() - 1});
  }
  return out;
}

Result<std::vector<Definition>> ExtractDefinitions(std::string_view path, const SyntaxTree& tree,
                                                   const QueryLimits& limits) {
  ONYX_ASSIGN_OR_RETURN(const LanguageSpec* spec, RulesFor(tree.language()));
  ONYX_ASSIGN_OR_RETURN(const SourceQuery* query, DefinitionsQuery(*spec));
  DefinitionCollector collector(path, tree, *spec);
  ONYX_RETURN_IF_ERROR(RunQuery(*query, tree, limits, [&](const QueryMatch& m) {
    collector.Add(m);
    return true;
  }));
  return collector.Finish();
}

}  // namespace onyx::ingest
