// The table of language specs, and their compiled queries.
#include "onyx/ingest/languages/language_spec.h"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "onyx/ingest/source_parser.h"

namespace onyx::ingest {
namespace {

enum class Which : std::uint8_t { kDefinitions, kFacts, kBoth };

struct CompiledQuery {
  std::once_flag once;
  std::unique_ptr<SourceQuery> query;
  std::optional<Status> error;  // read under the cache's mutex (copying marks it read)
};

Result<const SourceQuery*> Compiled(const LanguageSpec& spec, Which which) {
  static std::mutex mu;
  static std::map<std::pair<std::string_view, Which>, std::unique_ptr<CompiledQuery>> cache;
  CompiledQuery* entry = nullptr;
  {
    std::lock_guard lock(mu);
    auto& slot = cache[std::make_pair(spec.language, which)];
    if (slot == nullptr) slot = std::make_unique<CompiledQuery>();
    entry = slot.get();
  }
  // Each query compiles once, outside the lock: parse workers that meet two
  // languages first compile their queries side by side (TSX's takes ~50 ms).
  std::call_once(entry->once, [&] {
    std::string source;
    if (which != Which::kFacts) source += spec.definitions_query;
    if (which == Which::kBoth) source += "\n";
    if (which != Which::kDefinitions) source += spec.facts_query;
    auto compiled = SourceQuery::Compile(spec.language, source);
    if (compiled.ok()) {
      entry->query = std::make_unique<SourceQuery>(std::move(compiled).value());
    } else {
      entry->error.emplace(compiled.status());
    }
  });
  if (entry->query != nullptr) return entry->query.get();
  std::lock_guard lock(mu);
  return Status(*entry->error);
}

}  // namespace

const LanguageSpec* SpecFor(std::string_view language) {
  for (const LanguageSpec* spec : {&RustSpec(), &PythonSpec(), &JavaScriptSpec(), &TypeScriptSpec(),
                                   &TsxSpec(), &GoSpec(), &JavaSpec()}) {
    if (spec->language == language) return spec;
  }
  return nullptr;
}

Result<const LanguageSpec*> RulesFor(std::string_view language) {
  const LanguageSpec* spec = SpecFor(language);
  if (spec == nullptr) {
    return Status::NotFound("no extraction rules for language '" + std::string(language) + "'");
  }
  return spec;
}

Result<const SourceQuery*> DefinitionsQuery(const LanguageSpec& spec) {
  return Compiled(spec, Which::kDefinitions);
}

Result<const SourceQuery*> FactsQuery(const LanguageSpec& spec) {
  return Compiled(spec, Which::kFacts);
}

Result<FileQuery> FileQueryFor(const LanguageSpec& spec) {
  auto compiled = Compiled(spec, Which::kBoth);
  if (!compiled.ok()) {
    // Name the line in the query that has it, not in the two joined.
    ONYX_RETURN_IF_ERROR(DefinitionsQuery(spec).status());
    ONYX_RETURN_IF_ERROR(FactsQuery(spec).status());
    return compiled.status();
  }
  const SourceQuery* both = *compiled;
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
