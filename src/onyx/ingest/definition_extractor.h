// Finds the definitions in a parsed file (functions, methods, classes, …) with
// their qualified names, spans, signatures and docs, and which contains which.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "onyx/ingest/source_parser.h"
#include "onyx/status.h"
#include "onyx/types.h"

namespace onyx::ingest {

/// One definition. `node` is ready to upsert (id, kind, names, path, span,
/// signature, doc, content hash); `parent` indexes the enclosing definition in the
/// same result, or is nullopt when the file itself contains it.
struct Definition {
  Node node;
  std::optional<std::size_t> parent;
};

/// The module part of qualified names: the path without its extension, '/'
/// replaced by '.' ("src/util/helpers.rs" → "src.util.helpers"); for Java the
/// folder ("java/com/example/App.java" → "java.com.example").
std::string ModulePathFor(std::string_view path, std::string_view language);

struct LanguageSpec;

/// Gathers the matches of a language's definitions patterns over one tree and
/// builds its definitions (the rules of ExtractDefinitions). ExtractFile feeds
/// it from the one query that also finds the file's facts.
class DefinitionCollector {
 public:
  /// `tree` must outlive the collector.
  DefinitionCollector(std::string_view path, const SyntaxTree& tree, const LanguageSpec& spec);
  DefinitionCollector(const DefinitionCollector&) = delete;
  DefinitionCollector& operator=(const DefinitionCollector&) = delete;
  ~DefinitionCollector();

  /// One match of a definitions pattern, in the order the query gives them.
  void Add(const QueryMatch& match);
  /// The definitions, in document order; call once.
  std::vector<Definition> Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Extracts the definitions of `tree` (a file at `path`) using the language's
/// spec (languages/). Rules: a function nested in a class, struct, interface,
/// enum or scope is a method; qualified names are the module path, the names of
/// the enclosing definitions and scopes (or a Go method's receiver), and the
/// name, joined by '.'; a repeated qualified name of the same kind in one file
/// (overloads, redefinitions) gets a "~2", "~3" … suffix in document order.
/// Returns definitions in document order. NotFound when the language has no spec.
Result<std::vector<Definition>> ExtractDefinitions(std::string_view path, const SyntaxTree& tree,
                                                   const QueryLimits& limits = {});

}  // namespace onyx::ingest
