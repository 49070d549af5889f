// Rust: functions, structs, enums, traits, modules, constants; methods through
// impl blocks (scopes) and trait bodies; `///` and `//!` doc comments; #[test]
// functions; use trees, calls (also inside macros), trait impls and types.
#include "onyx/ingest/languages/language_spec.h"

namespace onyx::ingest {

const LanguageSpec& RustSpec() {
  static const LanguageSpec spec{"rust", R"scm(
(
  (line_comment)? @doc
  .
  [
    (function_item name: (identifier) @name) @definition.function
    (function_signature_item name: (identifier) @name) @definition.function
    (struct_item name: (type_identifier) @name) @definition.struct
    (union_item name: (type_identifier) @name) @definition.struct
    (enum_item name: (type_identifier) @name) @definition.enum
    (trait_item name: (type_identifier) @name) @definition.interface
    (mod_item name: (identifier) @name) @definition.module
    (const_item name: (identifier) @name) @definition.constant
    (static_item name: (identifier) @name) @definition.constant
  ]
  (#strip! @doc "^\\s*//[/!]?\\s?")
  (#select-adjacent! @doc @name)
)

; Comments right after one another: a doc extends up through them.
((line_comment) @doc.earlier . (line_comment) @doc.later
  (#strip! @doc.earlier "^\\s*//[/!]?\\s?"))

(impl_item type: [
  (type_identifier) @scope.name
  (generic_type type: (type_identifier) @scope.name)
  (scoped_type_identifier name: (type_identifier) @scope.name)
]) @scope

(
  (attribute_item (attribute [(identifier) (scoped_identifier)] @test.attribute))
  .
  [(attribute_item) (line_comment) (block_comment)]*
  .
  (function_item name: (identifier) @name) @definition.test
  (#match? @test.attribute "^((tokio|async_std|actix_rt|actix_web)::)?test$|^rstest$")
)
)scm",
                                 R"scm(
(use_declaration argument: (_) @import.tree) @import

(call_expression function: (identifier) @call.name)
(call_expression function: (scoped_identifier path: (_) @call.qualifier name: (identifier) @call.name))
(call_expression
  function: (field_expression value: (_) @call.qualifier field: (field_identifier) @call.name))
(call_expression function: (generic_function function: (identifier) @call.name))
(call_expression
  function: (generic_function
    function: (scoped_identifier path: (_) @call.qualifier name: (identifier) @call.name)))
(token_tree (identifier) @macro_call.name . (token_tree) @macro_call.args)

(struct_expression name: (type_identifier) @type.name)
(struct_expression
  name: (scoped_type_identifier path: (_) @type.qualifier name: (type_identifier) @type.name))
(parameter type: [
  (type_identifier) @type.name
  (reference_type type: (type_identifier) @type.name)
  (generic_type type: (type_identifier) @type.name)
])
(function_item return_type: [
  (type_identifier) @type.name
  (generic_type type: (type_identifier) @type.name)
])
(field_declaration type: [
  (type_identifier) @type.name
  (generic_type type: (type_identifier) @type.name)
])
(let_declaration type: (type_identifier) @type.name)
(type_arguments (type_identifier) @type.name)

(impl_item
  trait: [
    (type_identifier) @implement.name
    (scoped_type_identifier path: (_) @implement.qualifier name: (type_identifier) @implement.name)
    (generic_type type: (type_identifier) @implement.name)
  ]
  type: [(type_identifier) @subject (generic_type type: (type_identifier) @subject)])
(trait_item bounds: (trait_bounds (type_identifier) @inherit.name))
)scm"};
  return spec;
}

}  // namespace onyx::ingest
