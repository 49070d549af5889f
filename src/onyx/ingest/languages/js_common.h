// Query text that JavaScript and TypeScript (and TSX) share.
#pragma once

#include <string_view>

namespace onyx::ingest {

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
