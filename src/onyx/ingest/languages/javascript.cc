// JavaScript (and JSX): functions, generator functions, functions bound to
// const/let/var, classes and their methods; JSDoc and line comments.
#include "onyx/ingest/languages/language_spec.h"

namespace onyx::ingest {

const LanguageSpec& JavaScriptSpec() {
  static const LanguageSpec spec{"javascript", R"scm(
(
  (comment)* @doc
  .
  [
    (function_declaration name: (identifier) @name) @definition.function
    (generator_function_declaration name: (identifier) @name) @definition.function
    (class_declaration name: (identifier) @name) @definition.class
    (method_definition name: (property_identifier) @name) @definition.method
    (lexical_declaration
      (variable_declarator
        name: (identifier) @name
        value: [(arrow_function) (function_expression)]) @definition.function)
    (variable_declaration
      (variable_declarator
        name: (identifier) @name
        value: [(arrow_function) (function_expression)]) @definition.function)
  ]
  (#strip! @doc "^\\s*/\\*\\*?\\s?|\\s*\\*/\\s*$|^\\s*\\*\\s?|^\\s*//\\s?")
  (#select-adjacent! @doc @name)
)
)scm"};
  return spec;
}

}  // namespace onyx::ingest
