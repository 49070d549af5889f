// Java: classes, records, interfaces, enums, methods and constructors; Javadoc;
// @Test methods; imports, method calls, `new`, extends / implements and types.
#include "onyx/ingest/languages/language_spec.h"

namespace onyx::ingest {

const LanguageSpec& JavaSpec() {
  static const LanguageSpec spec{"java", R"scm(
(
  [(block_comment) (line_comment)]? @doc @doc.start
  .
  [
    (class_declaration name: (identifier) @name) @definition.class @doc.anchor
    (record_declaration name: (identifier) @name) @definition.class @doc.anchor
    (interface_declaration name: (identifier) @name) @definition.interface @doc.anchor
    (enum_declaration name: (identifier) @name) @definition.enum @doc.anchor
    (method_declaration name: (identifier) @name) @definition.method @doc.anchor
    (constructor_declaration name: (identifier) @name) @definition.method @doc.anchor
  ]
  (#strip! @doc "^\\s*/\\*\\*?\\s?|\\s*\\*/\\s*$|^\\s*\\*\\s?|^\\s*//\\s?")
  ; Adjacent to the declaration, which starts at its annotations.
  (#select-adjacent! @doc @doc.anchor)
)

; Comments right after one another: a doc extends up through them.
([(block_comment) (line_comment)] @doc.earlier . [(block_comment) (line_comment)] @doc.later
  (#strip! @doc.earlier "^\\s*/\\*\\*?\\s?|\\s*\\*/\\s*$|^\\s*\\*\\s?|^\\s*//\\s?"))

((method_declaration
  (modifiers [
    (marker_annotation name: (identifier) @test.annotation)
    (annotation name: (identifier) @test.annotation)
  ])
  name: (identifier) @name) @definition.test
  (#any-of? @test.annotation "Test" "ParameterizedTest" "RepeatedTest" "TestFactory" "TestTemplate"))
)scm",
                                 R"scm(
(import_declaration [(scoped_identifier) (identifier)] @import.path) @import

(method_invocation !object name: (identifier) @call.name)
(method_invocation object: (_) @call.qualifier name: (identifier) @call.name)
(object_creation_expression type: (type_identifier) @call.name)
(object_creation_expression type: (generic_type (type_identifier) @call.name))
(object_creation_expression
  type: (scoped_type_identifier (type_identifier) @call.qualifier . (type_identifier) @call.name))

(superclass (type_identifier) @inherit.name)
(superclass (generic_type (type_identifier) @inherit.name))
(super_interfaces (type_list (type_identifier) @implement.name))
(super_interfaces (type_list (generic_type (type_identifier) @implement.name)))
(extends_interfaces (type_list (type_identifier) @inherit.name))

(formal_parameter type: (type_identifier) @type.name)
(spread_parameter (type_identifier) @type.name)
(field_declaration type: (type_identifier) @type.name)
(method_declaration type: (type_identifier) @type.name)
(local_variable_declaration type: (type_identifier) @type.name)
(type_arguments (type_identifier) @type.name)
)scm"};
  return spec;
}

}  // namespace onyx::ingest
