// TypeScript and TSX: the JavaScript definitions plus interfaces, enums and
// abstract classes (class names are type_identifiers here).
#include "onyx/ingest/languages/language_spec.h"

namespace onyx::ingest {
namespace {

constexpr std::string_view kTypeScriptDefinitions = R"scm(
(
  (comment)* @doc
  .
  [
    (function_declaration name: (identifier) @name) @definition.function
    (generator_function_declaration name: (identifier) @name) @definition.function
    (class_declaration name: (type_identifier) @name) @definition.class
    (abstract_class_declaration name: (type_identifier) @name) @definition.class
    (interface_declaration name: (type_identifier) @name) @definition.interface
    (enum_declaration name: (identifier) @name) @definition.enum
    (method_definition name: (property_identifier) @name) @definition.method
    (lexical_declaration
      (variable_declarator
        name: (identifier) @name
        value: [(arrow_function) (function_expression)]) @definition.function)
  ]
  (#strip! @doc "^\\s*/\\*\\*?\\s?|\\s*\\*/\\s*$|^\\s*\\*\\s?|^\\s*//\\s?")
  (#select-adjacent! @doc @name)
)
)scm";

}  // namespace

const LanguageSpec& TypeScriptSpec() {
  static const LanguageSpec spec{"typescript", kTypeScriptDefinitions};
  return spec;
}

const LanguageSpec& TsxSpec() {
  static const LanguageSpec spec{"tsx", kTypeScriptDefinitions};
  return spec;
}

}  // namespace onyx::ingest
