// JavaScript (and JSX): functions, generator functions, functions bound to
// const/let/var, classes and their methods; JSDoc and line comments; describe /
// it / test blocks in test files; imports, re-exports, require, calls, `new`
// and `extends`.
#include <string>

#include "onyx/ingest/languages/js_common.h"
#include "onyx/ingest/languages/language_spec.h"

namespace onyx::ingest {
namespace {

constexpr std::string_view kDeclarations = R"scm(
    (class_declaration name: (identifier) @name) @definition.class)scm";

constexpr std::string_view kFacts = R"scm(
(class_heritage (identifier) @inherit.name)
(class_heritage
  (member_expression object: (_) @inherit.qualifier property: (property_identifier) @inherit.name))
)scm";

}  // namespace

bool IsJsTestPath(std::string_view path) {
  const auto slash = path.rfind('/');
  const std::string_view file = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return file.find(".test.") != std::string_view::npos ||
         file.find(".spec.") != std::string_view::npos || InTestFolder(path);
}

const LanguageSpec& JavaScriptSpec() {
  static const std::string definitions =
      JsDefinitionsQuery(kDeclarations) + std::string(kJsTestBlocks);
  static const std::string facts = std::string(kJsCommonFacts) + std::string(kFacts);
  static const LanguageSpec spec{"javascript", definitions, facts, IsJsTestPath};
  return spec;
}

}  // namespace onyx::ingest
