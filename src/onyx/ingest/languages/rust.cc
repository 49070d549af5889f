// Rust: functions, structs, enums, traits, modules, constants; methods through
// impl blocks (scopes) and trait bodies; `///` and `//!` doc comments.
#include "onyx/ingest/languages/language_spec.h"

namespace onyx::ingest {

const LanguageSpec& RustSpec() {
  static const LanguageSpec spec{"rust", R"scm(
(
  (line_comment)* @doc
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

(impl_item type: [
  (type_identifier) @scope.name
  (generic_type type: (type_identifier) @scope.name)
  (scoped_type_identifier name: (type_identifier) @scope.name)
]) @scope
)scm"};
  return spec;
}

}  // namespace onyx::ingest
