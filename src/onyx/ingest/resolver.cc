// Reference resolution: module rules per language, scopes, bindings, and the
// order local → imports → unique name.
#include "onyx/ingest/resolver.h"

#include <algorithm>
#include <array>
#include <optional>
#include <set>

#include "onyx/ingest/definition_extractor.h"

namespace onyx::ingest {
namespace {

constexpr std::size_t kNone = SymbolTable::kNone;
constexpr int kMaxChase = 4;  // re-export hops followed for one name

std::string_view DirOf(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

std::string_view FileOf(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string JoinPath(std::string_view dir, std::string_view rest) {
  if (dir.empty()) return std::string(rest);
  if (rest.empty()) return std::string(dir);
  return std::string(dir) + "/" + std::string(rest);
}

// "a/./b/../c" → "a/c"; nullopt when it climbs above the root.
std::optional<std::string> NormalizePath(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view part = path.substr(start, end - start);
    if (part == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out;
  for (const std::string_view part : parts) {
    if (!out.empty()) out += "/";
    out += part;
  }
  return out;
}

std::vector<std::string_view> SplitQualifier(std::string_view q) {
  std::vector<std::string_view> segs;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= q.size(); ++i) {
    if (i == q.size() || q[i] == '.' || q[i] == ':') {
      if (i > start) segs.push_back(q.substr(start, i - start));
      start = i + 1;
    }
  }
  return segs;
}

bool IsTypeKind(NodeKind k) {
  return k == NodeKind::kClass || k == NodeKind::kStruct || k == NodeKind::kInterface ||
         k == NodeKind::kEnum;
}

bool IsCallable(NodeKind k) {
  return k == NodeKind::kFunction || k == NodeKind::kClass || k == NodeKind::kStruct ||
         k == NodeKind::kMethod;
}

bool Allowed(ReferenceKind kind, NodeKind k) {
  return kind == ReferenceKind::kCall ? IsCallable(k) : IsTypeKind(k);
}

EdgeKind EdgeKindFor(ReferenceKind kind) {
  switch (kind) {
    case ReferenceKind::kCall: return EdgeKind::kCalls;
    case ReferenceKind::kType: return EdgeKind::kReferences;
    case ReferenceKind::kInherit: return EdgeKind::kInherits;
    case ReferenceKind::kImplement: return EdgeKind::kImplements;
    case ReferenceKind::kMention: return EdgeKind::kDocuments;
  }
  return EdgeKind::kReferences;
}

// Method names so common (containers, streams, promises, builders) that a unique
// definition in the project says nothing about which one a call on an unknown
// receiver reaches.
bool IsCommonMethodName(std::string_view name) {
  static const std::set<std::string_view> names = {
      "add",    "append",   "apply",    "build",    "call",      "catch",    "clear",  "clone",
      "close",  "collect",  "contains", "count",    "default",   "delete",   "emit",   "equals",
      "filter", "find",     "flush",    "for_each", "forEach",   "format",   "from",   "get",
      "has",    "hashCode", "init",     "insert",   "into",      "is_empty", "items",  "iter",
      "join",   "keys",     "len",      "length",   "log",       "map",      "new",    "next",
      "of",     "open",     "parse",    "pop",      "push",      "put",      "read",   "reduce",
      "remove", "reset",    "run",      "send",     "set",       "size",     "sort",   "split",
      "start",  "stop",     "then",     "toString", "to_string", "unwrap",   "update", "values",
      "write",  "String",   "Error",    "Close",    "Read",      "Write",    "Len",    "Get",
      "Set",    "Add",      "Run",      "Start",    "Stop",
  };
  return names.count(name) != 0;
}

// Names the language (or its standard test tools) defines: counted as
// "builtin" rather than "not_found".
bool IsBuiltin(std::string_view language, std::string_view name) {
  static const std::map<std::string_view, std::set<std::string_view>> builtins = {
      {"python",
       {"print",
        "len",
        "range",
        "str",
        "int",
        "float",
        "bool",
        "list",
        "dict",
        "set",
        "tuple",
        "sum",
        "min",
        "max",
        "abs",
        "isinstance",
        "issubclass",
        "open",
        "enumerate",
        "zip",
        "map",
        "filter",
        "sorted",
        "reversed",
        "any",
        "all",
        "super",
        "type",
        "object",
        "repr",
        "hash",
        "iter",
        "next",
        "getattr",
        "setattr",
        "hasattr",
        "property",
        "staticmethod",
        "classmethod",
        "format",
        "round",
        "bytes",
        "Exception",
        "ValueError",
        "TypeError",
        "KeyError",
        "IndexError",
        "RuntimeError",
        "NotImplementedError",
        "AttributeError"}},
      {"go",
       {"len",        "cap",    "make",    "new",    "append",  "copy",    "delete",  "panic",
        "recover",    "print",  "println", "close",  "min",     "max",     "clear",   "bool",
        "byte",       "rune",   "int",     "int8",   "int16",   "int32",   "int64",   "uint",
        "uint8",      "uint16", "uint32",  "uint64", "uintptr", "float32", "float64", "complex64",
        "complex128", "string", "error",   "any"}},
      {"rust",
       {"Some", "None", "Ok", "Err", "Box", "Vec", "String", "Option", "Result", "drop", "Default",
        "HashMap", "HashSet", "BTreeMap", "Rc", "Arc", "RefCell", "Cell", "str"}},
      {"java", {"String",        "Object",           "Integer",      "Long",       "Double",
                "Float",         "Boolean",          "Character",    "Byte",       "Short",
                "Exception",     "RuntimeException", "Override",     "List",       "Map",
                "Set",           "Optional",         "assertEquals", "assertTrue", "assertFalse",
                "assertNotNull", "assertNull",       "assertThrows"}},
  };
  static const std::set<std::string_view> js = {
      "parseInt",   "parseFloat", "setTimeout", "setInterval", "clearTimeout", "clearInterval",
      "require",    "Number",     "String",     "Boolean",     "Array",        "Object",
      "Promise",    "Error",      "Map",        "Set",         "Date",         "JSON",
      "Symbol",     "RegExp",     "describe",   "it",          "test",         "expect",
      "beforeEach", "afterEach",  "beforeAll",  "afterAll",    "string",       "number",
      "boolean",    "unknown",    "void",       "never",       "Record",       "Partial",
      "Readonly",   "Pick",       "Omit"};
  if (language == "javascript" || language == "typescript" || language == "tsx") {
    return js.count(name) != 0;
  }
  auto it = builtins.find(language);
  return it != builtins.end() && it->second.count(name) != 0;
}

}  // namespace

void ProjectLayout::AddManifest(std::string_view path, std::string_view text) {
  const std::string_view file = FileOf(path);
  const std::string dir(DirOf(path));
  if (file == "Cargo.toml") {
    // The first `name = "…"` after [package].
    const auto package = text.find("[package]");
    if (package == std::string_view::npos) return;
    const auto key = text.find("\nname", package);
    if (key == std::string_view::npos) return;
    const auto open = text.find('"', key);
    const auto close = open == std::string_view::npos ? open : text.find('"', open + 1);
    if (close == std::string_view::npos || close - open > 200) return;
    std::string name(text.substr(open + 1, close - open - 1));
    std::replace(name.begin(), name.end(), '-', '_');
    rust_crates[name] = JoinPath(dir, "src");
  } else if (file == "go.mod") {
    const auto key = text.starts_with("module") ? 0 : text.find("\nmodule");
    if (key == std::string_view::npos) return;
    auto start = text.find_first_not_of(" \t", text.find("module", key) + 6);
    if (start == std::string_view::npos) return;
    const auto end = text.find_first_of(" \t\r\n", start);
    const std::string module(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (!module.empty() && module.size() < 300) go_modules[module] = dir;
  }
}

// What one import binds in the file being resolved.
struct Resolver::Binding {
  std::string local;
  const ImportFact* fact = nullptr;
  std::vector<std::size_t> symbols;  // a name imported from a module
  std::vector<std::size_t> files;    // a module (several files for a Go/Java package)
  std::string module;                // the module path the files came from
  bool wildcard = false;
  const char* unresolved = nullptr;  // "external" or "import_not_found"
};

struct Resolver::Scope {
  std::string path;
  std::string language;
  std::size_t source = kNone;
  const std::vector<Binding>* bindings = nullptr;
};

struct Resolver::Target {
  std::vector<std::size_t> symbols;
  Resolution resolution = Resolution::kExact;
  float confidence = 0;
  const char* unresolved = nullptr;  // when symbols is empty
  static Target Fail(const char* reason) {
    Target t;
    t.unresolved = reason;
    return t;
  }
  static Target Found(std::vector<std::size_t> symbols, Resolution r, float confidence) {
    Target t;
    t.symbols = std::move(symbols);
    t.resolution = r;
    t.confidence = confidence;
    return t;
  }
};

Resolver::Resolver(const SymbolTable& table, const ProjectLayout& layout, FactsLookup facts)
    : table_(table), layout_(layout), facts_(std::move(facts)) {}

namespace {

// Module path joins as each language spells them.
std::string JoinModule(std::string_view language, std::string_view module, std::string_view name) {
  if (language == "python") {
    if (module.empty() || module.back() == '.') return std::string(module) + std::string(name);
    return std::string(module) + "." + std::string(name);
  }
  if (language == "rust") {
    return module.empty() ? std::string(name) : std::string(module) + "::" + std::string(name);
  }
  if (language == "java") return std::string(module) + "." + std::string(name);
  return "";
}

bool AncestorOrSelf(const SymbolTable& table, std::size_t ancestor, std::size_t node) {
  for (std::size_t i = node; i != kNone; i = table.at(i).parent) {
    if (i == ancestor) return true;
    if (table.at(i).kind == NodeKind::kFile) return false;
  }
  return false;
}

}  // namespace

std::vector<std::size_t> Resolver::ModuleFiles(std::string_view language, std::string_view from,
                                               std::string_view module) const {
  // Only Rust paths depend on the file itself (inline modules aside, its module
  // folder); the others on its folder.
  std::string key(language);
  key += '\0';
  key += language == "rust" ? from : DirOf(from);
  key += '\0';
  key += module;
  auto it = module_memo_.find(key);
  if (it != module_memo_.end()) return it->second;
  std::vector<std::size_t> files = FindModuleFiles(language, from, module);
  module_memo_.emplace(std::move(key), files);
  return files;
}

std::vector<std::size_t> Resolver::FindModuleFiles(std::string_view language, std::string_view from,
                                                   std::string_view module) const {
  std::vector<std::size_t> out;
  const auto file_at = [&](const std::string& path) {
    const std::size_t f = table_.File(path);
    return f != kNone && table_.at(f).language == language ? f : kNone;
  };
  if (language == "python") {
    std::size_t dots = 0;
    while (dots < module.size() && module[dots] == '.') ++dots;
    std::string rel(module.substr(dots));
    std::replace(rel.begin(), rel.end(), '.', '/');
    if (dots > 0) {
      std::string base(DirOf(from));
      for (std::size_t i = 1; i < dots; ++i) base = std::string(DirOf(base));
      const std::string candidate = JoinPath(base, rel);
      for (const std::string& path :
           {candidate + ".py", candidate + "/__init__.py", candidate + ".pyi"}) {
        if (const std::size_t f = file_at(path); f != kNone) return {f};
      }
      return {};
    }
    if (rel.empty()) return {};
    const std::string& root = layout_.python_root_package;
    if (!root.empty() && (rel == root || rel.starts_with(root + "/"))) {
      const std::string inside = rel == root ? "" : rel.substr(root.size() + 1);
      for (const std::string& path : {inside + ".py", JoinPath(inside, "__init__.py"),
                                      inside + ".pyi", JoinPath(inside, "__init__.pyi")}) {
        if (const std::size_t f = file_at(path); f != kNone) return {f};
      }
    }
    // Absolute: any file whose path ends with the module path (packages may sit
    // under src/ or elsewhere); it must be unique.
    const std::string_view stem = FileOf(rel);
    std::vector<std::size_t> found;
    const auto consider = [&](std::size_t f, const std::string& tail) {
      const std::string_view path = table_.at(f).path;
      if (path == tail || (path.size() > tail.size() && path.ends_with(tail) &&
                           path[path.size() - tail.size() - 1] == '/')) {
        found.push_back(f);
      }
    };
    for (const std::size_t f : table_.FilesByStem("python", stem)) consider(f, rel + ".py");
    for (const std::size_t f : table_.FilesByStem("python", "__init__")) {
      consider(f, rel + "/__init__.py");
    }
    if (found.size() == 1) return found;
    // Several: the one at the project's root is what Python finds when the
    // root is on sys.path (`import pricing` is pricing.py, not shop/pricing.py).
    for (const std::size_t f : found) {
      const std::string_view path = table_.at(f).path;
      if (path == rel + ".py" || path == rel + "/__init__.py") return {f};
    }
    return {};
  }
  if (language == "javascript" || language == "typescript" || language == "tsx") {
    if (!module.starts_with(".")) return {};
    auto base = NormalizePath(JoinPath(DirOf(from), module));
    if (!base) return {};
    std::vector<std::string> candidates = {*base};
    std::string stripped = *base;
    for (std::string_view ext : {".js", ".jsx", ".mjs", ".cjs"}) {
      if (stripped.ends_with(ext)) {
        stripped.resize(stripped.size() - ext.size());
        break;
      }
    }
    for (std::string_view ext :
         {".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts"}) {
      candidates.push_back(stripped + std::string(ext));
    }
    for (std::string_view ext : {".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs"}) {
      candidates.push_back(*base + "/index" + std::string(ext));
    }
    for (const std::string& path : candidates) {
      const std::size_t f = table_.File(path);
      if (f == kNone) continue;
      const std::string_view lang = table_.at(f).language;
      if (lang == "javascript" || lang == "typescript" || lang == "tsx") return {f};
    }
    return {};
  }
  if (language == "go") {
    for (const auto& [mod, dir] : layout_.go_modules) {
      std::string pkg_dir;
      if (module == mod) {
        pkg_dir = dir;
      } else if (module.size() > mod.size() && module.starts_with(mod) &&
                 module[mod.size()] == '/') {
        pkg_dir = JoinPath(dir, module.substr(mod.size() + 1));
      } else {
        continue;
      }
      for (const std::size_t f : table_.FilesIn(pkg_dir)) {
        const Symbol& s = table_.at(f);
        if (s.language == "go" && !s.path.ends_with("_test.go")) out.push_back(f);
      }
      if (!out.empty()) return out;
    }
    return {};
  }
  if (language == "java") {
    std::string rel(module);
    std::replace(rel.begin(), rel.end(), '.', '/');
    for (const std::size_t d : table_.DirectoriesNamed(FileOf(rel))) {
      const std::string_view dir = table_.at(d).path;
      if (dir != rel && !(dir.ends_with("/" + rel))) continue;
      for (const std::size_t f : table_.FilesIn(dir)) {
        if (table_.at(f).language == "java") out.push_back(f);
      }
    }
    return out;
  }
  if (language == "rust") {
    const std::vector<std::string_view> segs = [&] {
      std::vector<std::string_view> s;
      std::size_t start = 0;
      while (start <= module.size()) {
        auto end = module.find("::", start);
        if (end == std::string_view::npos) end = module.size();
        if (end > start) s.push_back(module.substr(start, end - start));
        start = end + 2;
      }
      return s;
    }();
    // The folder holding a module file's children, and the file of a folder's
    // module.
    const auto children_dir = [](std::string_view file) {
      const std::string_view name = FileOf(file);
      if (name == "lib.rs" || name == "main.rs" || name == "mod.rs")
        return std::string(DirOf(file));
      return std::string(file.substr(0, file.size() - 3));  // drop ".rs"
    };
    const auto module_file = [&](const std::string& dir) {
      for (const std::string& path :
           {dir + "/mod.rs", dir + ".rs", dir + "/lib.rs", dir + "/main.rs"}) {
        if (const std::size_t f = file_at(path); f != kNone) return f;
      }
      return kNone;
    };
    const auto crate_root = [&]() -> std::string {
      std::string best;
      for (const auto& [name, root] : layout_.rust_crates) {
        if ((from.starts_with(root + "/")) && root.size() > best.size()) best = root;
      }
      if (!best.empty()) return best;
      for (std::string dir(DirOf(from));; dir = std::string(DirOf(dir))) {
        if (file_at(JoinPath(dir, "lib.rs")) != kNone ||
            file_at(JoinPath(dir, "main.rs")) != kNone) {
          return dir;
        }
        if (dir.empty()) return "src";
      }
    };
    std::size_t file = table_.File(from);
    std::string dir = children_dir(from);
    std::size_t i = 0;
    if (segs.empty()) return file == kNone ? out : std::vector<std::size_t>{file};
    if (segs[0] == "crate") {
      dir = crate_root();
      file = module_file(dir);
      i = 1;
    } else if (segs[0] == "self") {
      i = 1;
    } else if (segs[0] == "super") {
      while (i < segs.size() && segs[i] == "super") {
        dir = std::string(DirOf(dir));
        file = module_file(dir);
        ++i;
      }
    } else if (auto crate = layout_.rust_crates.find(std::string(segs[0]));
               crate != layout_.rust_crates.end()) {
      dir = crate->second;
      file = module_file(dir);
      i = 1;
    } else if (file_at(JoinPath(dir, std::string(segs[0]) + ".rs")) == kNone &&
               file_at(JoinPath(dir, std::string(segs[0]) + "/mod.rs")) == kNone) {
      return {};  // another crate (std, serde, …)
    }
    for (; i < segs.size(); ++i) {
      const std::string next = JoinPath(dir, segs[i]);
      std::size_t f = file_at(next + ".rs");
      if (f == kNone) f = file_at(next + "/mod.rs");
      if (f == kNone) return {};
      file = f;
      dir = next;
    }
    if (file != kNone) out.push_back(file);
    return out;
  }
  return out;
}

std::vector<std::size_t> Resolver::Member(const std::vector<std::size_t>& files,
                                          std::string_view name, int depth) const {
  std::string key;
  if (depth == 0) {
    for (const std::size_t f : files) key += std::to_string(f) + ",";
    key += name;
    auto it = member_memo_.find(key);
    if (it != member_memo_.end()) return it->second;
  }
  std::vector<std::size_t> found;
  for (const std::size_t f : files) {
    for (const std::size_t i : table_.InFile(table_.at(f).path)) {
      const Symbol& s = table_.at(i);
      if (s.parent == kNone && s.name == name && s.kind != NodeKind::kMethod &&
          s.kind != NodeKind::kDocSection) {
        found.push_back(i);
      }
    }
  }
  if (!found.empty() || depth >= kMaxChase) {
    if (depth == 0) member_memo_.emplace(std::move(key), found);
    return found;
  }
  // Not defined there: follow what the module imports under that name (index.ts
  // re-exports, a package's __init__.py, `pub use`), then its wildcards.
  for (const std::size_t f : files) {
    const Symbol& file = table_.at(f);
    const FileFacts* facts = facts_(file.path);
    if (facts == nullptr) continue;
    for (const ImportFact& fact : facts->imports) {
      const std::string& local = fact.alias.empty() ? fact.name : fact.alias;
      if (fact.name == "*") {
        if (!fact.reexport) continue;
        const auto sub =
            Member(ModuleFiles(file.language, file.path, fact.module), name, depth + 1);
        found.insert(found.end(), sub.begin(), sub.end());
      } else if (local == name) {
        const auto sub =
            Member(ModuleFiles(file.language, file.path, fact.module), fact.name, depth + 1);
        found.insert(found.end(), sub.begin(), sub.end());
      }
    }
    if (!found.empty()) break;
  }
  if (depth == 0) member_memo_.emplace(std::move(key), found);
  return found;
}

std::vector<std::size_t> Resolver::Bases(std::size_t type) const {
  const Symbol& t = table_.at(type);
  std::vector<std::size_t> bases;
  const FileFacts* facts = facts_(t.path);
  if (facts == nullptr) return bases;
  std::optional<std::vector<Binding>> bindings;
  for (const ReferenceFact& ref : facts->references) {
    if (ref.kind != ReferenceKind::kInherit && ref.kind != ReferenceKind::kImplement) continue;
    if (ref.span.start_byte < t.span.start_byte || ref.span.start_byte >= t.span.end_byte) continue;
    if (!ref.subject.empty() || table_.Enclosing(t.path, ref.span.start_byte) != type) continue;
    if (!bindings) bindings = Bindings(t.path, std::string(t.language));
    Scope scope;
    scope.path = t.path;
    scope.language = t.language;
    scope.source = type;
    scope.bindings = &*bindings;
    const Target base = ref.qualifier.empty() ? ResolveBare(scope, ReferenceKind::kType, ref.name)
                                              : ResolveQualified(scope, ReferenceKind::kType,
                                                                 ref.qualifier, ref.name);
    if (!base.symbols.empty() && base.symbols.front() != type)
      bases.push_back(base.symbols.front());
  }
  return bases;
}

std::vector<std::size_t> Resolver::TypeMember(std::size_t type, std::string_view name,
                                              int depth) const {
  const Symbol& t = table_.at(type);
  std::vector<std::size_t> found;
  for (const std::size_t i :
       table_.ByQualified(t.language, std::string(t.qualified) + "." + std::string(name))) {
    if (table_.at(i).kind != NodeKind::kDocSection) found.push_back(i);
  }
  // Overloads carry "~2", "~3" … after the first.
  for (int n = 2; n < 64 && !found.empty(); ++n) {
    const auto& more = table_.ByQualified(
        t.language, std::string(t.qualified) + "." + std::string(name) + "~" + std::to_string(n));
    if (more.empty()) break;
    found.insert(found.end(), more.begin(), more.end());
  }
  if (found.empty() && depth < kMaxChase) {
    for (const std::size_t base : Bases(type)) {
      found = TypeMember(base, name, depth + 1);
      if (!found.empty()) break;
    }
  }
  return found;
}

std::vector<Resolver::Binding> Resolver::Bindings(std::string_view path,
                                                  const std::string& language) const {
  std::vector<Binding> out;
  const FileFacts* facts = facts_(path);
  if (facts == nullptr) return out;
  for (const ImportFact& fact : facts->imports) {
    Binding b;
    b.fact = &fact;
    b.module = fact.module;
    if (fact.name == "*") {
      b.wildcard = true;
      b.files = ModuleFiles(language, path, fact.module);
      if (b.files.empty()) b.unresolved = "external";
      out.push_back(std::move(b));
      continue;
    }
    if (!fact.alias.empty()) {
      b.local = fact.alias;
    } else if (!fact.name.empty() && fact.name != "default") {
      b.local = fact.name;
    } else {
      // The module's own name: Python binds the first segment of `import a.b`;
      // Go and JS the last segment of the path.
      const auto segs = SplitQualifier(fact.module);
      if (language == "python" && !segs.empty() && !fact.module.starts_with(".")) {
        b.local = std::string(segs.front());
      } else {
        const auto slash = fact.module.find_last_of("/.:");
        b.local = slash == std::string::npos ? fact.module : fact.module.substr(slash + 1);
      }
    }
    if (fact.name.empty() || fact.name == "default") {
      b.files = ModuleFiles(language, path, fact.module);
      if (language == "python" && !fact.module.starts_with(".") && fact.alias.empty()) {
        // `import a.b` binds `a`; the imports edge still goes to a/b.
        const auto segs = SplitQualifier(fact.module);
        if (segs.size() > 1) b.module = std::string(segs.front());
      }
      if (b.files.empty()) b.unresolved = "external";
      out.push_back(std::move(b));
      continue;
    }
    const std::string sub = JoinModule(language, fact.module, fact.name);
    if (!sub.empty()) {
      b.files = ModuleFiles(language, path, sub);
      if (!b.files.empty()) {
        b.module = sub;
        out.push_back(std::move(b));
        continue;
      }
    }
    const std::vector<std::size_t> module = ModuleFiles(language, path, fact.module);
    if (module.empty()) {
      b.unresolved = "external";
    } else {
      b.symbols = Member(module, fact.name, 0);
      if (b.symbols.empty()) b.unresolved = "import_not_found";
    }
    out.push_back(std::move(b));
  }
  return out;
}

Resolver::Target Resolver::UnknownReceiver(const Scope& scope, std::string_view name) const {
  if (IsCommonMethodName(name)) return Target::Fail("unknown_receiver");
  std::vector<std::size_t> methods;
  for (const std::size_t i : table_.ByName(scope.language, name)) {
    if (table_.at(i).kind == NodeKind::kMethod) methods.push_back(i);
  }
  if (methods.size() != 1) return Target::Fail("unknown_receiver");
  return Target::Found(std::move(methods), Resolution::kHeuristic, 0.5F);
}

Resolver::Target Resolver::ResolveBare(const Scope& scope, ReferenceKind kind,
                                       std::string_view name) const {
  // 1. The file's own definitions that are in scope here.
  std::vector<std::size_t> local;
  for (const std::size_t i : table_.InFile(scope.path)) {
    const Symbol& s = table_.at(i);
    if (s.name != name || !Allowed(kind, s.kind)) continue;
    // A constructor stands for its class, which is a candidate of its own.
    if (s.kind == NodeKind::kMethod && s.parent != kNone && table_.at(s.parent).name == s.name) {
      continue;
    }
    const bool visible = s.kind == NodeKind::kMethod
                             ? scope.language == "java" && s.parent != kNone &&
                                   AncestorOrSelf(table_, s.parent, scope.source)
                             : s.parent == kNone || AncestorOrSelf(table_, s.parent, scope.source);
    if (visible) local.push_back(i);
  }
  if (!local.empty()) {
    const float confidence = local.size() == 1 ? 1.0F : 0.8F;
    return Target::Found(std::move(local), Resolution::kExact, confidence);
  }
  // 2. The package: other files of a Go package; a Java package's classes.
  if (scope.language == "go" || scope.language == "java") {
    std::vector<std::string> dirs = {std::string(DirOf(scope.path))};
    if (scope.language == "java") {
      for (const auto& [a, b] : {std::pair{"/src/test/java/", "/src/main/java/"},
                                 std::pair{"/src/main/java/", "/src/test/java/"}}) {
        const std::string padded = "/" + dirs[0] + "/";
        if (const auto at = padded.find(a); at != std::string::npos) {
          std::string other = padded;
          other.replace(at, std::string_view(a).size(), b);
          dirs.push_back(other.substr(1, other.size() - 2));
        }
      }
    }
    const bool in_test = scope.path.ends_with("_test.go");
    std::vector<std::size_t> package;
    for (const std::string& dir : dirs) {
      for (const std::size_t f : table_.FilesIn(dir)) {
        const Symbol& file = table_.at(f);
        if (file.path == scope.path || file.language != scope.language) continue;
        if (file.path.ends_with("_test.go") && !in_test) continue;
        for (const std::size_t i : Member({f}, name, kMaxChase)) {
          if (Allowed(kind, table_.at(i).kind)) package.push_back(i);
        }
      }
    }
    if (!package.empty()) {
      const float confidence = package.size() == 1 ? 1.0F : 0.8F;
      return Target::Found(std::move(package), Resolution::kExact, confidence);
    }
  }
  // 3. Imports.
  for (const Binding& b : *scope.bindings) {
    if (b.wildcard || b.local != name) continue;
    if (b.unresolved != nullptr) return Target::Fail(b.unresolved);
    std::vector<std::size_t> symbols;
    for (const std::size_t i : b.symbols) {
      if (Allowed(kind, table_.at(i).kind)) symbols.push_back(i);
    }
    if (symbols.empty()) return Target::Fail("not_found");
    return Target::Found(std::move(symbols), Resolution::kImport, 0.95F);
  }
  for (const Binding& b : *scope.bindings) {
    if (!b.wildcard || b.files.empty()) continue;
    std::vector<std::size_t> symbols;
    for (const std::size_t i : Member(b.files, name, 0)) {
      if (Allowed(kind, table_.at(i).kind)) symbols.push_back(i);
    }
    if (!symbols.empty()) return Target::Found(std::move(symbols), Resolution::kImport, 0.85F);
  }
  // 4. A name unique in the project.
  std::vector<std::size_t> unique;
  for (const std::size_t i : table_.ByName(scope.language, name)) {
    const Symbol& s = table_.at(i);
    if (Allowed(kind, s.kind) && s.kind != NodeKind::kMethod) unique.push_back(i);
  }
  if (unique.size() == 1) return Target::Found(std::move(unique), Resolution::kUniqueName, 0.7F);
  if (unique.empty() && IsBuiltin(scope.language, name)) return Target::Fail("builtin");
  return Target::Fail(unique.empty() ? "not_found" : "ambiguous");
}

Resolver::Target Resolver::ResolveQualified(const Scope& scope, ReferenceKind kind,
                                            std::string_view qualifier,
                                            std::string_view name) const {
  if (qualifier == "?") {
    return kind == ReferenceKind::kCall ? UnknownReceiver(scope, name)
                                        : Target::Fail("unknown_receiver");
  }
  const std::vector<std::string_view> segs = SplitQualifier(qualifier);
  if (segs.empty()) return Target::Fail("not_found");
  const std::string_view first = segs.front();
  const auto keep = [&](std::vector<std::size_t> found, Resolution r, float confidence) {
    std::vector<std::size_t> allowed;
    for (const std::size_t i : found) {
      if (Allowed(kind, table_.at(i).kind)) allowed.push_back(i);
    }
    if (allowed.empty()) return Target::Fail("member_not_found");
    return Target::Found(std::move(allowed), r, confidence);
  };
  if (first == "self" || first == "this" || first == "Self" || first == "cls") {
    if (segs.size() > 1) return UnknownReceiver(scope, name);
    // The type that owns the enclosing method: its qualified name without the
    // method's own name (Rust impl methods sit outside the struct's span).
    for (std::size_t at = scope.source; at != kNone; at = table_.at(at).parent) {
      const Symbol& s = table_.at(at);
      if (IsTypeKind(s.kind) || s.kind == NodeKind::kTest)
        return keep(TypeMember(at, name), Resolution::kExact, 0.95F);
      if (s.kind == NodeKind::kFile) break;
      const auto cut = s.qualified.rfind("." + std::string(s.name));
      if (cut == std::string::npos) continue;
      for (const std::size_t owner : table_.ByQualified(s.language, s.qualified.substr(0, cut))) {
        if (IsTypeKind(table_.at(owner).kind)) {
          return keep(TypeMember(owner, name), Resolution::kExact, 0.95F);
        }
      }
    }
    return Target::Fail("member_not_found");
  }
  if (first == "super") return Target::Fail("unknown_receiver");

  // An import binding: a module (walk further segments as submodules or types)
  // or an imported type.
  for (const Binding& b : *scope.bindings) {
    if (b.wildcard || b.local != first) continue;
    if (b.unresolved != nullptr) return Target::Fail(b.unresolved);
    std::vector<std::size_t> files = b.files;
    std::string module = b.module;
    std::optional<std::size_t> type;
    if (!b.symbols.empty()) {
      if (!IsTypeKind(table_.at(b.symbols.front()).kind)) return Target::Fail("unknown_receiver");
      type = b.symbols.front();
    }
    for (std::size_t i = 1; i < segs.size(); ++i) {
      if (type) {
        const auto inner = TypeMember(*type, segs[i]);
        if (inner.empty() || !IsTypeKind(table_.at(inner.front()).kind)) {
          return Target::Fail("member_not_found");
        }
        type = inner.front();
        continue;
      }
      const std::string sub = JoinModule(scope.language, module, segs[i]);
      auto sub_files =
          sub.empty() ? std::vector<std::size_t>{} : ModuleFiles(scope.language, scope.path, sub);
      if (!sub_files.empty()) {
        files = std::move(sub_files);
        module = sub;
        continue;
      }
      const auto inner = Member(files, segs[i], 0);
      if (inner.empty() || !IsTypeKind(table_.at(inner.front()).kind)) {
        return Target::Fail("member_not_found");
      }
      type = inner.front();
    }
    if (type) return keep(TypeMember(*type, name), Resolution::kImport, 0.9F);
    return keep(Member(files, name, 0), Resolution::kImport, 0.95F);
  }
  // A type in scope: `Circle::new`, `Geometry.clamp`, `Foo.Bar.baz`.
  Target owner = ResolveBare(scope, ReferenceKind::kType, first);
  if (!owner.symbols.empty() && owner.resolution != Resolution::kUniqueName) {
    std::size_t type = owner.symbols.front();
    for (std::size_t i = 1; i < segs.size(); ++i) {
      const auto inner = TypeMember(type, segs[i]);
      if (inner.empty()) return Target::Fail("member_not_found");
      type = inner.front();
    }
    return keep(TypeMember(type, name), owner.resolution, owner.confidence * 0.95F);
  }
  // A Rust module path: `util::round`, `crate::a::b`, `super::x`.
  if (scope.language == "rust") {
    const auto files = ModuleFiles("rust", scope.path, qualifier);
    if (!files.empty()) return keep(Member(files, name, 0), Resolution::kExact, 0.95F);
  }
  // A type named only once in the project.
  if (!owner.symbols.empty() && segs.size() == 1) {
    return keep(TypeMember(owner.symbols.front(), name), Resolution::kUniqueName, 0.7F);
  }
  // Otherwise the qualifier is a variable or an expression.
  return kind == ReferenceKind::kCall ? UnknownReceiver(scope, name)
                                      : Target::Fail("unknown_receiver");
}

Resolver::Target Resolver::ResolveMention(std::string_view qualifier, std::string_view name) const {
  std::string suffix;
  for (const std::string_view seg : SplitQualifier(qualifier)) {
    suffix += std::string(seg) + ".";
  }
  suffix += std::string(name);
  std::vector<std::size_t> found;
  for (const std::size_t i : table_.ByNameAnyLanguage(name)) {
    const Symbol& s = table_.at(i);
    if (s.kind == NodeKind::kDocSection) continue;
    if (!qualifier.empty() && s.qualified != suffix && !s.qualified.ends_with("." + suffix))
      continue;
    found.push_back(i);
  }
  if (found.size() == 1) {
    return Target::Found(std::move(found), Resolution::kUniqueName,
                         qualifier.empty() ? 0.8F : 0.9F);
  }
  return Target::Fail(found.empty() ? "not_found" : "ambiguous");
}

FileResolution Resolver::ResolveFile(std::string_view path) const {
  FileResolution out;
  const std::size_t file = table_.File(path);
  const FileFacts* facts = facts_(path);
  if (file == kNone || facts == nullptr) return out;
  const Symbol& file_symbol = table_.at(file);
  const std::vector<Binding> bindings = Bindings(path, std::string(file_symbol.language));
  Scope scope;
  scope.path = std::string(path);
  scope.language = file_symbol.language;
  scope.bindings = &bindings;

  std::map<EdgeRef, std::size_t> index;  // into out.edges
  const auto add = [&](NodeId src, EdgeKind kind, NodeId dst, Resolution r, float confidence,
                       const Span& site) {
    if (src == dst && kind != EdgeKind::kCalls) return;
    const EdgeRef ref{src, kind, dst};
    auto it = index.find(ref);
    if (it != index.end()) {
      Edge& e = out.edges[it->second];
      if (confidence > e.confidence) {
        e.confidence = confidence;
        e.resolution = r;
      }
      return;
    }
    Edge e;
    e.src = src;
    e.kind = kind;
    e.dst = dst;
    e.resolution = r;
    e.confidence = confidence;
    e.site = site;
    index.emplace(ref, out.edges.size());
    out.edges.push_back(std::move(e));
  };

  for (const Binding& b : bindings) {
    if (b.unresolved != nullptr) {
      ++out.unresolved[b.unresolved];
      continue;
    }
    if (!b.symbols.empty()) {
      for (const std::size_t i : b.symbols) {
        add(file_symbol.id, EdgeKind::kImports, table_.at(i).id, Resolution::kExact, 1.0F,
            b.fact->span);
      }
      continue;
    }
    // A module: its file, or the folder of a package that spans several files.
    if (b.files.size() == 1 && scope.language != "go") {
      add(file_symbol.id, EdgeKind::kImports, table_.at(b.files.front()).id, Resolution::kExact,
          1.0F, b.fact->span);
    } else if (!b.files.empty()) {
      const std::size_t dir = table_.Directory(DirOf(table_.at(b.files.front()).path));
      if (dir != kNone) {
        add(file_symbol.id, EdgeKind::kImports, table_.at(dir).id, Resolution::kExact, 1.0F,
            b.fact->span);
      }
    }
  }

  for (const ReferenceFact& ref : facts->references) {
    if (ref.name == "self" || ref.name == "Self" || ref.name == "this" || ref.name == "super") {
      continue;
    }
    std::size_t source = table_.Enclosing(path, ref.span.start_byte);
    if (source == kNone) continue;
    if (!ref.subject.empty()) {
      // Rust `impl Trait for Type`: the type implements, wherever it is defined.
      scope.source = source;
      const Target subject = ResolveBare(scope, ReferenceKind::kType, ref.subject);
      if (subject.symbols.empty()) {
        ++out.unresolved[subject.unresolved];
        continue;
      }
      source = subject.symbols.front();
    }
    scope.source = source;
    Target target;
    if (ref.kind == ReferenceKind::kMention) {
      target = ResolveMention(ref.qualifier, ref.name);
    } else if (ref.qualifier.empty()) {
      target = ResolveBare(scope, ref.kind, ref.name);
    } else {
      target = ResolveQualified(scope, ref.kind, ref.qualifier, ref.name);
    }
    if (target.symbols.empty()) {
      ++out.unresolved[target.unresolved != nullptr ? target.unresolved : "not_found"];
      continue;
    }
    // Overloads: the first in document order stands for them all.
    const Symbol& dst = table_.at(target.symbols.front());
    if (ref.kind == ReferenceKind::kType && dst.id == table_.at(source).id) continue;
    add(table_.at(source).id, EdgeKindFor(ref.kind), dst.id, target.resolution, target.confidence,
        ref.span);
  }
  return out;
}

std::vector<Edge> TestEdges(const SymbolTable& table, std::size_t test,
                            const std::function<std::vector<Edge>(NodeId)>& calls_of,
                            int max_helper_depth) {
  struct Step {
    NodeId node;
    float confidence;
    Resolution resolution;
    int depth;
  };
  std::map<NodeId, Edge> found;
  std::set<NodeId> visited = {table.at(test).id};
  std::vector<Step> frontier = {{table.at(test).id, 1.0F, Resolution::kExact, 0}};
  while (!frontier.empty()) {
    const Step step = frontier.back();
    frontier.pop_back();
    for (const Edge& call : calls_of(step.node)) {
      const std::size_t callee = table.Find(call.dst);
      if (callee == kNone) continue;
      const Symbol& s = table.at(callee);
      if (s.kind == NodeKind::kTest) continue;
      const float confidence = step.confidence * call.confidence;
      const Resolution resolution = std::max(step.resolution, call.resolution);
      if (table.IsTestHelper(callee)) {
        if (step.depth < max_helper_depth && visited.insert(call.dst).second) {
          frontier.push_back({call.dst, confidence, resolution, step.depth + 1});
        }
        continue;
      }
      auto [it, inserted] = found.try_emplace(call.dst);
      Edge& e = it->second;
      if (inserted || confidence > e.confidence) {
        e.src = table.at(test).id;
        e.kind = EdgeKind::kTests;
        e.dst = call.dst;
        e.confidence = confidence;
        e.resolution = resolution;
        e.site = call.site;
      }
    }
  }
  std::vector<Edge> out;
  for (auto& [id, e] : found) out.push_back(std::move(e));
  return out;
}

}  // namespace onyx::ingest
