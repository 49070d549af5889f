// Fact extraction: run the language's facts query and turn its captures into
// imports and references (see languages/language_spec.h for the captures).
#include "onyx/ingest/fact_extractor.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include "onyx/ingest/languages/language_spec.h"

namespace onyx::ingest {
namespace {

std::string_view TrimView(std::string_view s) {
  const auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  const auto end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

// "a.b", "self", "crate::x::y" stay; anything else (calls, indexing, literals,
// line breaks) is an expression whose type Onyx does not know: "?".
std::string PlainQualifier(std::string_view text) {
  if (text.empty() || text.size() > kMaxFactNameBytes) return "?";
  bool expect_ident = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (IsIdentChar(c)) {
      expect_ident = false;
    } else if (c == '.' && !expect_ident) {
      expect_ident = true;
    } else if (c == ':' && !expect_ident && i + 1 < text.size() && text[i + 1] == ':') {
      ++i;
      expect_ident = true;
    } else {
      return "?";
    }
  }
  return expect_ident ? "?" : std::string(text);
}

std::string StripQuotes(std::string_view s) {
  s = TrimView(s);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'' || s.front() == '`') &&
      s.back() == s.front()) {
    s = s.substr(1, s.size() - 2);
  }
  return std::string(s);
}

// Splits a use tree's items at top-level commas.
std::vector<std::string_view> SplitItems(std::string_view list) {
  std::vector<std::string_view> items;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i] == '{') ++depth;
    if (list[i] == '}') --depth;
    if (list[i] == ',' && depth == 0) {
      items.push_back(TrimView(list.substr(start, i - start)));
      start = i + 1;
    }
  }
  items.push_back(TrimView(list.substr(start)));
  return items;
}

std::string JoinPath(std::string_view prefix, std::string_view rest) {
  if (prefix.empty()) return std::string(rest);
  if (rest.empty()) return std::string(prefix);
  return std::string(prefix) + "::" + std::string(rest);
}

void ParseUseItem(std::string_view prefix, std::string_view item, int depth,
                  std::vector<ImportFact>& out) {
  item = TrimView(item);
  if (item.empty() || depth > 16 || out.size() >= kMaxFactsPerFile) return;
  if (item.back() == '}') {
    const auto open = item.find('{');
    if (open == std::string_view::npos) return;
    std::string_view head = TrimView(item.substr(0, open));
    if (head.size() >= 2 && head.substr(head.size() - 2) == "::") head.remove_suffix(2);
    const std::string next = JoinPath(prefix, head);
    for (std::string_view sub : SplitItems(item.substr(open + 1, item.size() - open - 2))) {
      ParseUseItem(next, sub, depth + 1, out);
    }
    return;
  }
  ImportFact fact;
  std::string_view path = item;
  if (const auto as = item.find(" as "); as != std::string_view::npos) {
    path = TrimView(item.substr(0, as));
    fact.alias = std::string(TrimView(item.substr(as + 4)));
  }
  const std::string full = JoinPath(prefix, path);
  const auto sep = full.rfind("::");
  const std::string last = sep == std::string::npos ? full : full.substr(sep + 2);
  const std::string module = sep == std::string::npos ? "" : full.substr(0, sep);
  if (last == "self") {
    // `use a::b::{self}` imports the module b itself.
    const auto msep = module.rfind("::");
    fact.module = msep == std::string::npos ? "" : module.substr(0, msep);
    fact.name = msep == std::string::npos ? module : module.substr(msep + 2);
  } else {
    fact.module = module;
    fact.name = last;
  }
  if (fact.name.empty() || fact.name.size() > kMaxFactNameBytes ||
      fact.module.size() > kMaxFactNameBytes || fact.alias.size() > kMaxFactNameBytes) {
    return;
  }
  out.push_back(std::move(fact));
}

struct ReferenceCaptures {
  std::string_view name;
  std::string_view qualifier;
  ReferenceKind kind;
};

constexpr ReferenceCaptures kReferenceCaptures[] = {
    {"call.name", "call.qualifier", ReferenceKind::kCall},
    {"type.name", "type.qualifier", ReferenceKind::kType},
    {"inherit.name", "inherit.qualifier", ReferenceKind::kInherit},
    {"implement.name", "implement.qualifier", ReferenceKind::kImplement},
};

// A call written inside a Rust macro's token tree: `unit().diameter()` gives
// `unit` (bare) and `diameter` (after '.', so on an unknown receiver), and
// `Circle::new(1.0)` gives `new` qualified by `Circle`. The query only pairs an
// identifier with the token tree after it; the text decides the rest.
std::optional<ReferenceFact> MacroCall(std::string_view text, const CapturedNode& name,
                                       const CapturedNode& args) {
  if (args.text.empty() || args.text.front() != '(') return std::nullopt;
  if (TrimView(text.substr(name.span.end_byte, args.span.start_byte - name.span.end_byte)).size() !=
      0) {
    return std::nullopt;
  }
  ReferenceFact ref;
  ref.kind = ReferenceKind::kCall;
  ref.name = name.text;
  ref.span = name.span;
  std::size_t i = name.span.start_byte;
  while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t')) --i;
  if (i > 0 && text[i - 1] == '.') {
    ref.qualifier = "?";
  } else if (i > 1 && text[i - 1] == ':' && text[i - 2] == ':') {
    std::size_t end = i;
    std::size_t start = i - 2;
    while (start > 0 && (IsIdentChar(text[start - 1]) || text[start - 1] == ':')) --start;
    ref.qualifier = PlainQualifier(text.substr(start, end - 2 - start));
  }
  return ref;
}

void AddImports(const QueryMatch& m, std::string_view language, std::vector<ImportFact>& out) {
  const CapturedNode* statement = m.First("import");
  const Span span = statement != nullptr ? statement->span : m.captures.front().span;
  const std::string_view statement_text =
      statement != nullptr ? std::string_view(statement->text) : std::string_view();
  const bool reexport = m.First("import.reexport") != nullptr || language == "python" ||
                        statement_text.starts_with("pub") || statement_text.starts_with("export");
  std::vector<ImportFact> facts;
  if (const CapturedNode* tree = m.First("import.tree")) {
    ParseUseItem("", tree->text, 0, facts);
  } else if (const CapturedNode* path = m.First("import.path")) {
    // Java: `import a.b.C;` or `import a.b.*;` (the path then names the package).
    ImportFact fact;
    const bool wildcard = TrimView(statement_text).ends_with("*;");
    const auto dot = path->text.rfind('.');
    if (wildcard || dot == std::string::npos) {
      fact.module = path->text;
      fact.name = wildcard ? "*" : "";
    } else {
      fact.module = path->text.substr(0, dot);
      fact.name = path->text.substr(dot + 1);
    }
    facts.push_back(std::move(fact));
  } else {
    ImportFact fact;
    if (const CapturedNode* module = m.First("import.module"))
      fact.module = StripQuotes(module->text);
    if (const CapturedNode* name = m.First("import.name")) fact.name = name->text;
    if (m.First("import.wildcard") != nullptr) fact.name = "*";
    if (const CapturedNode* alias = m.First("import.alias")) fact.alias = alias->text;
    if (const CapturedNode* dflt = m.First("import.default")) {
      fact.name = "default";
      fact.alias = dflt->text;
    }
    if (fact.module.empty() && fact.name.empty()) return;
    facts.push_back(std::move(fact));
  }
  for (ImportFact& fact : facts) {
    if (fact.module.size() > kMaxFactNameBytes || fact.name.size() > kMaxFactNameBytes ||
        fact.alias.size() > kMaxFactNameBytes) {
      continue;
    }
    if (fact.alias == fact.name) fact.alias.clear();
    fact.reexport = reexport;
    fact.span = span;
    out.push_back(std::move(fact));
  }
}

}  // namespace

std::vector<ImportFact> ParseRustUseTree(std::string_view tree) {
  std::vector<ImportFact> out;
  ParseUseItem("", tree, 0, out);
  return out;
}

struct FactCollector::State {
  const SyntaxTree* tree = nullptr;
  FileFacts facts;
  using Key = std::tuple<std::uint32_t, std::uint8_t, std::string, std::string>;
  std::set<Key> seen;

  void AddReference(ReferenceFact ref) {
    if (ref.name.empty() || ref.name.size() > kMaxFactNameBytes) return;
    if (facts.references.size() >= kMaxFactsPerFile) return;
    if (!seen.emplace(ref.span.start_byte, static_cast<std::uint8_t>(ref.kind), ref.name,
                      ref.qualifier)
             .second) {
      return;
    }
    facts.references.push_back(std::move(ref));
  }
};

FactCollector::FactCollector(const SyntaxTree& tree) : state_(std::make_unique<State>()) {
  state_->tree = &tree;
}

FactCollector::~FactCollector() = default;

void FactCollector::Add(const QueryMatch& m) {
  if (m.captures.empty()) return;
  const SyntaxTree& tree = *state_->tree;
  const bool is_import = std::any_of(m.captures.begin(), m.captures.end(), [](const auto& c) {
    return c.name == "import" || c.name.starts_with("import.");
  });
  if (is_import) {
    if (state_->facts.imports.size() < kMaxFactsPerFile) {
      AddImports(m, tree.language(), state_->facts.imports);
    }
    return;
  }
  if (const CapturedNode* name = m.First("macro_call.name")) {
    if (const CapturedNode* args = m.First("macro_call.args")) {
      if (auto ref = MacroCall(tree.text(), *name, *args)) state_->AddReference(std::move(*ref));
    }
    return;
  }
  for (const ReferenceCaptures& rc : kReferenceCaptures) {
    const CapturedNode* name = m.First(rc.name);
    if (name == nullptr) continue;
    ReferenceFact ref;
    ref.kind = rc.kind;
    ref.name = name->text;
    ref.span = name->span;
    if (const CapturedNode* qualifier = m.First(rc.qualifier)) {
      ref.qualifier = PlainQualifier(qualifier->text);
    }
    if (const CapturedNode* subject = m.First("subject")) ref.subject = subject->text;
    state_->AddReference(std::move(ref));
  }
}

FileFacts FactCollector::Finish() { return std::move(state_->facts); }

Result<FileFacts> ExtractFacts(const SyntaxTree& tree, const QueryLimits& limits) {
  ONYX_ASSIGN_OR_RETURN(const LanguageSpec* spec, RulesFor(tree.language()));
  ONYX_ASSIGN_OR_RETURN(const SourceQuery* query, FactsQuery(*spec));
  FactCollector collector(tree);
  ONYX_RETURN_IF_ERROR(RunQuery(*query, tree, limits, [&](const QueryMatch& m) {
    collector.Add(m);
    return true;
  }));
  return collector.Finish();
}

}  // namespace onyx::ingest
