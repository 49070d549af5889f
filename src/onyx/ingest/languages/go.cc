// Go: functions, methods (qualified by their receiver type), struct and
// interface types, constants; `//` doc comments; TestXxx(t *testing.T) in
// _test.go files; imports, calls, composite literals and types.
#include "onyx/ingest/languages/language_spec.h"

namespace onyx::ingest {
namespace {

bool IsGoTestPath(std::string_view path) { return path.ends_with("_test.go"); }

}  // namespace

const LanguageSpec& GoSpec() {
  static const LanguageSpec spec{"go", R"scm(
(
  (comment)? @doc @doc.start
  .
  [
    (function_declaration name: (identifier) @name) @definition.function
    (method_declaration
      receiver: (parameter_list
        (parameter_declaration
          type: [
            (type_identifier) @receiver
            (pointer_type (type_identifier) @receiver)
            (generic_type type: (type_identifier) @receiver)
            (pointer_type (generic_type type: (type_identifier) @receiver))
          ]))
      name: (field_identifier) @name) @definition.method
    (type_declaration (type_spec name: (type_identifier) @name type: (struct_type)) @definition.struct)
    (type_declaration (type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface)
  ]
  (#strip! @doc "^//\\s?")
  (#select-adjacent! @doc @name)
)

; Comments right after one another: a doc extends up through them.
((comment) @doc.earlier . (comment) @doc.later (#strip! @doc.earlier "^//\\s?"))

(const_declaration (const_spec name: (identifier) @name) @definition.constant)

((function_declaration
  name: (identifier) @name
  parameters: (parameter_list
    .
    (parameter_declaration
      type: (pointer_type
        (qualified_type package: (package_identifier) @test.package name: (type_identifier) @test.type))))) @definition.test
  (#match? @name "^Test([^a-z]|$)")
  (#eq? @test.package "testing")
  (#eq? @test.type "T"))
)scm",
                                 R"scm(
(import_spec name: (package_identifier) @import.alias path: (_) @import.module) @import
(import_spec !name path: (_) @import.module) @import

(call_expression function: (identifier) @call.name)
(call_expression
  function: (selector_expression operand: (_) @call.qualifier field: (field_identifier) @call.name))

(composite_literal type: (type_identifier) @type.name)
(composite_literal
  type: (qualified_type package: (package_identifier) @type.qualifier name: (type_identifier) @type.name))
(parameter_declaration type: [
  (type_identifier) @type.name
  (pointer_type (type_identifier) @type.name)
  (slice_type element: (type_identifier) @type.name)
])
(parameter_declaration type: [
  (qualified_type package: (package_identifier) @type.qualifier name: (type_identifier) @type.name)
  (pointer_type
    (qualified_type package: (package_identifier) @type.qualifier name: (type_identifier) @type.name))
])
(variadic_parameter_declaration type: (type_identifier) @type.name)
(function_declaration result: [(type_identifier) @type.name (pointer_type (type_identifier) @type.name)])
(method_declaration result: [(type_identifier) @type.name (pointer_type (type_identifier) @type.name)])
(field_declaration type: [(type_identifier) @type.name (pointer_type (type_identifier) @type.name)])
)scm",
                                 IsGoTestPath};
  return spec;
}

}  // namespace onyx::ingest
