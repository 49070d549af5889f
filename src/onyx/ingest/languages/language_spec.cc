// The table of language specs.
#include "onyx/ingest/languages/language_spec.h"

namespace onyx::ingest {

const LanguageSpec* SpecFor(std::string_view language) {
  for (const LanguageSpec* spec : {&RustSpec(), &PythonSpec(), &JavaScriptSpec(), &TypeScriptSpec(),
                                   &TsxSpec(), &GoSpec(), &JavaSpec()}) {
    if (spec->language == language) return spec;
  }
  return nullptr;
}

}  // namespace onyx::ingest
