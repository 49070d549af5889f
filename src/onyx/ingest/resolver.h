// Turns a file's facts (imports and references) into edges to node ids.
//
// A reference is resolved, in order, through the local scope (definitions of the
// file that enclose or precede it; Go and Java also see their package), the
// file's imports (with per-language module rules and re-exports followed), and
// finally a name that is unique in the project. Every edge records how it was
// resolved and a confidence. What cannot be resolved is counted by reason, never
// guessed: precision matters more than recall, since a wrong calls-edge misleads
// an impact analysis.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "onyx/ingest/file_facts.h"
#include "onyx/ingest/symbol_table.h"
#include "onyx/types.h"

namespace onyx::ingest {

/// Where packages live: Cargo crates and Go modules, read from their manifests.
struct ProjectLayout {
  /// Rust crate name (with '-' as '_') → the crate's source root ("geo/src").
  std::map<std::string, std::string> rust_crates;
  /// Go module path → the folder of its go.mod ("" for the root).
  std::map<std::string, std::string> go_modules;
  /// When the ingested folder is itself a Python package (an __init__.py at the
  /// root), its name: `import numpy.core` inside numpy/ means core/.
  std::string python_root_package;

  /// Reads Cargo.toml and go.mod files (others are ignored).
  void AddManifest(std::string_view path, std::string_view text);
};

/// What resolving one file produced.
struct FileResolution {
  std::vector<Edge> edges;  ///< One per (src, kind, dst): the first site, best confidence.
  std::map<std::string, std::uint64_t> unresolved;  ///< reason → count
};

/// Not thread-safe: it memoizes lookups. The facts of a file by path, or nullptr when it has none
/// (e.g. not parsed).
using FactsLookup = std::function<const FileFacts*(std::string_view path)>;

class Resolver {
 public:
  Resolver(const SymbolTable& table, const ProjectLayout& layout, FactsLookup facts);

  /// Resolves every import and reference of the file at `path`. Unresolved
  /// reasons: "external" (an import from outside the project, or a name bound by
  /// one), "builtin" (the language's own), "not_found", "ambiguous",
  /// "unknown_receiver" (a member of an expression whose type is not known),
  /// "member_not_found", "import_not_found".
  FileResolution ResolveFile(std::string_view path) const;

 private:
  struct Scope;
  struct Module;
  struct Binding;
  struct Target;

  std::vector<Binding> Bindings(std::string_view path, const std::string& language) const;
  std::vector<std::size_t> ModuleFiles(std::string_view language, std::string_view from,
                                       std::string_view module) const;
  std::vector<std::size_t> FindModuleFiles(std::string_view language, std::string_view from,
                                           std::string_view module) const;
  std::vector<std::size_t> Member(const std::vector<std::size_t>& files, std::string_view name,
                                  int depth) const;
  /// Members of a type named `name`, its own or (up to a few levels) those of
  /// the bases it inherits from or implements.
  std::vector<std::size_t> TypeMember(std::size_t type, std::string_view name, int depth = 0) const;
  std::vector<std::size_t> Bases(std::size_t type) const;
  Target ResolveBare(const Scope& scope, ReferenceKind kind, std::string_view name) const;
  Target ResolveQualified(const Scope& scope, ReferenceKind kind, std::string_view qualifier,
                          std::string_view name) const;
  Target ResolveMention(std::string_view qualifier, std::string_view name) const;
  Target UnknownReceiver(const Scope& scope, std::string_view name) const;

  const SymbolTable& table_;
  const ProjectLayout& layout_;
  FactsLookup facts_;
  // Memos of the two lookups every reference repeats (one resolver, one thread).
  mutable std::unordered_map<std::string, std::vector<std::size_t>> module_memo_;
  mutable std::unordered_map<std::string, std::vector<std::size_t>> member_memo_;
};

/// Tests edges: from each test to what it calls, directly and through test
/// helpers (non-test functions of test files), up to `max_helper_depth` helpers
/// deep; confidences multiply along the path. `calls_of` gives a node's current
/// calls edges.
std::vector<Edge> TestEdges(const SymbolTable& table, std::size_t test,
                            const std::function<std::vector<Edge>(NodeId)>& calls_of,
                            int max_helper_depth = 3);

}  // namespace onyx::ingest
