// Python: classes, functions (methods when inside a class), module-level
// UPPER_CASE constants.
#include "onyx/ingest/languages/language_spec.h"

namespace onyx::ingest {

const LanguageSpec& PythonSpec() {
  static const LanguageSpec spec{"python", R"scm(
(class_definition name: (identifier) @name) @definition.class
(function_definition name: (identifier) @name) @definition.function
(module
  (expression_statement
    (assignment left: (identifier) @name) @definition.constant)
  (#match? @name "^[A-Z][A-Z0-9_]*$"))
)scm"};
  return spec;
}

}  // namespace onyx::ingest
