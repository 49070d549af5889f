// The grammar table: one entry per language, each the generated `tree_sitter_*`
// function of a grammar compiled into onyx_ts_grammars.
#include "onyx/ingest/languages/grammars.h"

#include <tree_sitter/api.h>

#include <array>
#include <utility>

extern "C" {
const TSLanguage* tree_sitter_rust();
const TSLanguage* tree_sitter_python();
const TSLanguage* tree_sitter_javascript();
const TSLanguage* tree_sitter_typescript();
const TSLanguage* tree_sitter_tsx();
const TSLanguage* tree_sitter_go();
const TSLanguage* tree_sitter_java();
}

namespace onyx::ingest {
namespace {

using GrammarFn = const TSLanguage* (*)();

constexpr std::array<std::pair<std::string_view, GrammarFn>, 7> kGrammars = {{
    {"rust", tree_sitter_rust},
    {"python", tree_sitter_python},
    {"javascript", tree_sitter_javascript},
    {"typescript", tree_sitter_typescript},
    {"tsx", tree_sitter_tsx},
    {"go", tree_sitter_go},
    {"java", tree_sitter_java},
}};

}  // namespace

const TSLanguage* GrammarFor(std::string_view language) {
  for (const auto& [name, fn] : kGrammars) {
    if (name == language) return fn();
  }
  return nullptr;
}

const std::vector<std::string_view>& ParsableLanguages() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const auto& [name, fn] : kGrammars) out.push_back(name);
    return out;
  }();
  return names;
}

}  // namespace onyx::ingest
