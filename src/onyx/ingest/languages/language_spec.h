// Per-language extraction rules: the tree-sitter query that finds definitions.
//
// Capture conventions every language's query follows:
//   @definition.KIND  the definition's node; KIND is function, method, class,
//                     struct, interface, enum, constant or module
//   @name             its name
//   @doc              comments that document it (zero or more; #strip! and
//                     #select-adjacent! @doc @name clean and select them)
//   @receiver         the receiver type of a Go method (joins the qualified name)
//   @scope, @scope.name  a container that is not itself a node but names its
//                     members (a Rust impl block: `impl Parser` → Parser.parse)
#pragma once

#include <string_view>

namespace onyx::ingest {

struct LanguageSpec {
  std::string_view language;
  std::string_view definitions_query;
};

/// The spec for `language`, or nullptr when Onyx extracts nothing from it.
const LanguageSpec* SpecFor(std::string_view language);

// One per file in languages/.
const LanguageSpec& RustSpec();
const LanguageSpec& PythonSpec();
const LanguageSpec& JavaScriptSpec();
const LanguageSpec& TypeScriptSpec();
const LanguageSpec& TsxSpec();
const LanguageSpec& GoSpec();
const LanguageSpec& JavaSpec();

}  // namespace onyx::ingest
