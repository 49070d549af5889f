// Python: classes, functions (methods when inside a class), module-level
// UPPER_CASE constants, with their docstrings; pytest-style tests (test*
// functions, Test* classes) in test files; imports, calls, base classes and
// annotated types.
#include "onyx/ingest/languages/language_spec.h"

namespace onyx::ingest {
namespace {

// pytest's default collection: test_*.py and *_test.py, plus tests/ folders.
bool IsPythonTestPath(std::string_view path) {
  const auto slash = path.rfind('/');
  const std::string_view file = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return file.starts_with("test_") || file.ends_with("_test.py") || file == "conftest.py" ||
         InTestFolder(path);
}

}  // namespace

const LanguageSpec& PythonSpec() {
  static const LanguageSpec spec{"python", R"scm(
(class_definition name: (identifier) @name) @definition.class
(function_definition name: (identifier) @name) @definition.function
(module
  (expression_statement
    (assignment left: (identifier) @name) @definition.constant)
  (#match? @name "^[A-Z][A-Z0-9_]*$"))
((function_definition name: (identifier) @name) @definition.test
  (#match? @name "^test"))
((class_definition name: (identifier) @name) @definition.test_suite
  (#match? @name "^Test"))

; Docstrings: the body's first statement, when it is a string literal.
((class_definition
  name: (identifier) @name
  body: (block . (expression_statement (string) @doc))) @definition.class
  (#strip! @doc "^\\s*[rRuU]?(\"\"\"|'''|\"|')|(\"\"\"|'''|\"|')\\s*$|^\\s+"))
((function_definition
  name: (identifier) @name
  body: (block . (expression_statement (string) @doc))) @definition.function
  (#strip! @doc "^\\s*[rRuU]?(\"\"\"|'''|\"|')|(\"\"\"|'''|\"|')\\s*$|^\\s+"))
)scm",
                                 R"scm(
(import_statement name: (dotted_name) @import.module) @import
(import_statement
  name: (aliased_import name: (dotted_name) @import.module alias: (identifier) @import.alias)) @import
(import_from_statement module_name: (_) @import.module name: (dotted_name) @import.name) @import
(import_from_statement
  module_name: (_) @import.module
  name: (aliased_import name: (dotted_name) @import.name alias: (identifier) @import.alias)) @import
(import_from_statement module_name: (_) @import.module (wildcard_import) @import.wildcard) @import

(call function: (identifier) @call.name)
(call function: (attribute object: (_) @call.qualifier attribute: (identifier) @call.name))
(class_definition superclasses: (argument_list (identifier) @inherit.name))
(class_definition
  superclasses: (argument_list
    (attribute object: (_) @inherit.qualifier attribute: (identifier) @inherit.name)))
(type (identifier) @type.name)
(type (attribute object: (_) @type.qualifier attribute: (identifier) @type.name))
)scm",
                                 IsPythonTestPath};
  return spec;
}

}  // namespace onyx::ingest
