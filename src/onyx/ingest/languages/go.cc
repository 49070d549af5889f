// Go: functions, methods (qualified by their receiver type), struct and
// interface types, constants; `//` doc comments.
#include "onyx/ingest/languages/language_spec.h"

namespace onyx::ingest {

const LanguageSpec& GoSpec() {
  static const LanguageSpec spec{"go", R"scm(
(
  (comment)* @doc
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

(const_declaration (const_spec name: (identifier) @name) @definition.constant)
)scm"};
  return spec;
}

}  // namespace onyx::ingest
