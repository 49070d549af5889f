// The table of language specs, and their compiled queries.
#include "onyx/ingest/languages/language_spec.h"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "onyx/ingest/source_parser.h"

namespace onyx::ingest {
namespace {

enum class Which : std::uint8_t { kDefinitions, kFacts, kBoth };

Result<const SourceQuery*> Compiled(const LanguageSpec& spec, Which which) {
  static std::mutex mu;
  static std::map<std::pair<std::string_view, Which>, std::unique_ptr<SourceQuery>> cache;
  std::lock_guard lock(mu);
  const auto key = std::make_pair(spec.language, which);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second.get();
  std::string source;
  if (which != Which::kFacts) source += spec.definitions_query;
  if (which == Which::kBoth) source += "\n";
  if (which != Which::kDefinitions) source += spec.facts_query;
  ONYX_ASSIGN_OR_RETURN(SourceQuery query, SourceQuery::Compile(spec.language, source));
  auto owned = std::make_unique<SourceQuery>(std::move(query));
  const SourceQuery* raw = owned.get();
  cache.emplace(key, std::move(owned));
  return raw;
}

}  // namespace

const LanguageSpec* SpecFor(std::string_view language) {
  for (const LanguageSpec* spec : {&RustSpec(), &PythonSpec(), &JavaScriptSpec(), &TypeScriptSpec(),
                                   &TsxSpec(), &GoSpec(), &JavaSpec()}) {
    if (spec->language == language) return spec;
  }
  return nullptr;
}

Result<const SourceQuery*> DefinitionsQuery(const LanguageSpec& spec) {
  return Compiled(spec, Which::kDefinitions);
}

Result<const SourceQuery*> FactsQuery(const LanguageSpec& spec) {
  return Compiled(spec, Which::kFacts);
}

Result<FileQuery> FileQueryFor(const LanguageSpec& spec) {
  ONYX_ASSIGN_OR_RETURN(const SourceQuery* both, Compiled(spec, Which::kBoth));
  // The facts patterns are those past the definitions query's text (found
  // without compiling that query alone: compiling costs up to 30 ms).
  std::uint32_t first_fact = 0;
  while (first_fact < both->pattern_count() &&
         both->pattern_start_byte(first_fact) < spec.definitions_query.size()) {
    ++first_fact;
  }
  return FileQuery{both, first_fact};
}

bool InTestFolder(std::string_view path) {
  for (std::string_view folder : {"tests/", "test/", "__tests__/", "spec/"}) {
    if (path.starts_with(folder)) return true;
    const std::string inner = "/" + std::string(folder);
    if (path.find(inner) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace onyx::ingest
