// Per-language extraction rules: the tree-sitter query that finds definitions.
//
// Capture conventions every language's query follows:
//   @definition.KIND  the definition's node; KIND is function, method, class,
//                     struct, interface, enum, constant or module
//   @name             its name
//   @doc              the comment right before it, or a Python docstring (zero
//                     or one; #strip! and #select-adjacent! @doc @name clean
//                     it and drop it when a blank line parts them)
//   @doc.start        the same comment, left alone by #select-adjacent!: when it
//                     sits on the definition's own line, the run above it is
//                     still the doc
//   @doc.earlier @doc.later  two comments right after one another (#strip!
//                     cleans the earlier): a doc extends up through such pairs
//                     while each ends on the line before the next. Not
//                     `(comment)* @doc`: tree-sitter takes quadratic time in
//                     the length of a quantified capture run.
//   @receiver         the receiver type of a Go method (joins the qualified name)
//   @scope, @scope.name  a container that is not itself a node but names its
//                     members (a Rust impl block: `impl Parser` → Parser.parse)
//   @definition.test  a test (a function, or a JS `it(…)` call named by its
//                     string); wins over another kind captured on the same node
//   @definition.test_suite  a test class whose functions are methods
//
// and its facts query (fact_extractor.h):
//   @import           an import statement; its bindings come from
//   @import.module @import.name @import.alias @import.wildcard @import.default
//                     (one binding per match), or @import.path (Java: the last
//                     segment is the name) or @import.tree (a Rust use tree);
//                     @import.reexport marks `export … from`
//   @call.name @call.qualifier           a call (qualifier: what precedes a '.')
//   @type.name @type.qualifier           a type named in a signature or body
//   @inherit.name @implement.name (+ .qualifier, and @subject for the type
//                     that implements when it is not the enclosing definition)
//   @macro_call.name @macro_call.args    an identifier followed by a token tree
//                     inside a Rust macro (a call when the tree is `( … )`)
#pragma once

#include <cstdint>
#include <string_view>

#include "onyx/status.h"

namespace onyx::ingest {

class SourceQuery;

struct LanguageSpec {
  std::string_view language;
  std::string_view definitions_query;
  std::string_view facts_query;
  /// Where the language keeps its tests by convention (Python's test_*.py, Go's
  /// _test.go, JS's *.test.js …). When set, a @definition.test outside such a
  /// path is kept as the plain function or class it also is.
  bool (*is_test_path)(std::string_view path) = nullptr;
};

/// The spec for `language`, or nullptr when Onyx extracts nothing from it.
const LanguageSpec* SpecFor(std::string_view language);
/// The same, as NotFound naming the language when there is none.
Result<const LanguageSpec*> RulesFor(std::string_view language);

/// The spec's queries, compiled once per process and shared between threads.
Result<const SourceQuery*> DefinitionsQuery(const LanguageSpec& spec);
Result<const SourceQuery*> FactsQuery(const LanguageSpec& spec);

/// Both queries as one (the definitions patterns, then the facts patterns), so
/// that one walk of a tree finds both: tree-sitter's query cursor costs about
/// as much for the union as for either alone. Patterns below
/// `first_fact_pattern` are the definitions query's.
struct FileQuery {
  const SourceQuery* query = nullptr;
  std::uint32_t first_fact_pattern = 0;
};
Result<FileQuery> FileQueryFor(const LanguageSpec& spec);

/// True for paths under a tests/, test/, __tests__/ or spec/ folder.
bool InTestFolder(std::string_view path);
/// *.test.* and *.spec.* files, and test folders (Jest's and Mocha's defaults).
bool IsJsTestPath(std::string_view path);

// One per file in languages/.
const LanguageSpec& RustSpec();
const LanguageSpec& PythonSpec();
const LanguageSpec& JavaScriptSpec();
const LanguageSpec& TypeScriptSpec();
const LanguageSpec& TsxSpec();
const LanguageSpec& GoSpec();
const LanguageSpec& JavaSpec();

}  // namespace onyx::ingest
