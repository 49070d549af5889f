// Java: classes, records, interfaces, enums, methods and constructors; Javadoc.
#include "onyx/ingest/languages/language_spec.h"

namespace onyx::ingest {

const LanguageSpec& JavaSpec() {
  static const LanguageSpec spec{"java", R"scm(
(
  [(block_comment) (line_comment)]* @doc
  .
  [
    (class_declaration name: (identifier) @name) @definition.class
    (record_declaration name: (identifier) @name) @definition.class
    (interface_declaration name: (identifier) @name) @definition.interface
    (enum_declaration name: (identifier) @name) @definition.enum
    (method_declaration name: (identifier) @name) @definition.method
    (constructor_declaration name: (identifier) @name) @definition.method
  ]
  (#strip! @doc "^\\s*/\\*\\*?\\s?|\\s*\\*/\\s*$|^\\s*\\*\\s?|^\\s*//\\s?")
  (#select-adjacent! @doc @name)
)
)scm"};
  return spec;
}

}  // namespace onyx::ingest
