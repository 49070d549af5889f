// TypeScript and TSX: the JavaScript definitions plus interfaces, enums and
// abstract classes (class names are type_identifiers here); the JavaScript facts
// plus `implements`, interface `extends` and type annotations.
#include <string>

#include "onyx/ingest/languages/js_common.h"
#include "onyx/ingest/languages/language_spec.h"

namespace onyx::ingest {
namespace {

constexpr std::string_view kDeclarations = R"scm(
    (class_declaration name: (type_identifier) @name) @definition.class
    (abstract_class_declaration name: (type_identifier) @name) @definition.class
    (interface_declaration name: (type_identifier) @name) @definition.interface
    (enum_declaration name: (identifier) @name) @definition.enum)scm";

constexpr std::string_view kFacts = R"scm(
(extends_clause value: (identifier) @inherit.name)
(extends_clause
  value: (member_expression object: (_) @inherit.qualifier property: (property_identifier) @inherit.name))
(implements_clause (type_identifier) @implement.name)
(implements_clause (generic_type name: (type_identifier) @implement.name))
(extends_type_clause (type_identifier) @inherit.name)
(type_annotation (type_identifier) @type.name)
(type_annotation (generic_type name: (type_identifier) @type.name))
(type_arguments (type_identifier) @type.name)
)scm";

const std::string& Definitions() {
  static const std::string text = JsDefinitionsQuery(kDeclarations) + std::string(kJsTestBlocks);
  return text;
}

const std::string& Facts() {
  static const std::string text = std::string(kJsCommonFacts) + std::string(kFacts);
  return text;
}

}  // namespace

const LanguageSpec& TypeScriptSpec() {
  static const LanguageSpec spec{"typescript", Definitions(), Facts(), IsJsTestPath};
  return spec;
}

const LanguageSpec& TsxSpec() {
  static const LanguageSpec spec{"tsx", Definitions(), Facts(), IsJsTestPath};
  return spec;
}

}  // namespace onyx::ingest
