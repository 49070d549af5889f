// The tree-sitter grammars Onyx compiles in, by Onyx language name. The only
// header outside ingest/*.cc that names a tree-sitter type, and only by
// forward declaration.
#pragma once

#include <string_view>
#include <vector>

extern "C" {
typedef struct TSLanguage TSLanguage;
}

namespace onyx::ingest {

/// The grammar for `language` ("rust", "python", "typescript", "tsx",
/// "javascript", "go", "java"), or nullptr when Onyx has none.
const TSLanguage* GrammarFor(std::string_view language);

/// Every language with a grammar, in a stable order.
const std::vector<std::string_view>& ParsableLanguages();

}  // namespace onyx::ingest
