// Query text that JavaScript and TypeScript (and TSX) share.
#pragma once

#include <string>
#include <string_view>

namespace onyx::ingest {

// Comments that document a declaration: JSDoc blocks and line comments.
inline constexpr std::string_view kJsDocPredicates = R"scm(
  (#strip! @doc "^\\s*/\\*\\*?\\s?|\\s*\\*/\\s*$|^\\s*\\*\\s?|^\\s*//\\s?")
  (#select-adjacent! @doc @name))scm";

// Comments right after one another: a doc extends up through them.
inline constexpr std::string_view kJsDocRuns = R"scm(
((comment) @doc.earlier . (comment) @doc.later
  (#strip! @doc.earlier "^\\s*/\\*\\*?\\s?|\\s*\\*/\\s*$|^\\s*\\*\\s?|^\\s*//\\s?"))
)scm";

// Declarations both languages share, bare or under `export`.
inline constexpr std::string_view kJsDeclarations = R"scm(
    (function_declaration name: (identifier) @name) @definition.function
    (generator_function_declaration name: (identifier) @name) @definition.function
    (lexical_declaration
      (variable_declarator
        name: (identifier) @name
        value: [(arrow_function) (function_expression)]) @definition.function)
    (variable_declaration
      (variable_declarator
        name: (identifier) @name
        value: [(arrow_function) (function_expression)]) @definition.function))scm";

/// The definitions query of JavaScript or TypeScript: the shared declarations
/// plus the language's own (`declarations`), each with the comments before it
/// as doc — also when `export` wraps it — plus methods and test blocks.
inline std::string JsDefinitionsQuery(std::string_view declarations) {
  const std::string all = std::string(kJsDeclarations) + std::string(declarations);
  return "(\n  (comment)? @doc @doc.start\n  .\n  [" + all +
         "\n    (method_definition name: (property_identifier) @name) @definition.method\n  ]" +
         std::string(kJsDocPredicates) + "\n)\n" +
         "(\n  (comment)? @doc @doc.start\n  .\n  (export_statement declaration: [" + all +
         "\n  ])" + std::string(kJsDocPredicates) + "\n)\n" + std::string(kJsDocRuns);
}

// describe("…", …), it("…", …), test.only("…", …) blocks, named by their title.
inline constexpr std::string_view kJsTestBlocks = R"scm(
(call_expression
  function: [
    (identifier) @test.function
    (member_expression object: (identifier) @test.function property: (property_identifier))
  ]
  arguments: (arguments . [(string (string_fragment) @name) (template_string) @name])
  (#any-of? @test.function "describe" "it" "test" "suite" "context")) @definition.test
)scm";

// Imports (ES modules, re-exports, require) and calls.
inline constexpr std::string_view kJsCommonFacts = R"scm(
(import_statement
  (import_clause (identifier) @import.default)
  source: (string (string_fragment) @import.module)) @import
(import_statement
  (import_clause (named_imports (import_specifier name: (_) @import.name alias: (_)? @import.alias)))
  source: (string (string_fragment) @import.module)) @import
(import_statement
  (import_clause (namespace_import (identifier) @import.alias))
  source: (string (string_fragment) @import.module)) @import
(export_statement
  (export_clause (export_specifier name: (_) @import.name alias: (_)? @import.alias))
  source: (string (string_fragment) @import.module) @import.reexport) @import
(export_statement "*" source: (string (string_fragment) @import.module) @import.wildcard) @import
(variable_declarator
  name: (identifier) @import.alias
  value: (call_expression
    function: (identifier) @import.function
    arguments: (arguments . (string (string_fragment) @import.module)))
  (#eq? @import.function "require")) @import
(variable_declarator
  name: (object_pattern [
    (shorthand_property_identifier_pattern) @import.name
    (pair_pattern key: (property_identifier) @import.name value: (identifier) @import.alias)
  ])
  value: (call_expression
    function: (identifier) @import.function
    arguments: (arguments . (string (string_fragment) @import.module)))
  (#eq? @import.function "require")) @import

(call_expression function: (identifier) @call.name)
(call_expression
  function: (member_expression object: (_) @call.qualifier property: (property_identifier) @call.name))
(new_expression constructor: (identifier) @call.name)
(new_expression
  constructor: (member_expression object: (_) @call.qualifier property: (property_identifier) @call.name))
)scm";

}  // namespace onyx::ingest
