// One query run, two collectors: each match goes to the definitions or the
// facts collector by the pattern that made it.
#include "onyx/ingest/file_extractor.h"

#include "onyx/ingest/fact_extractor.h"
#include "onyx/ingest/languages/language_spec.h"

namespace onyx::ingest {

Result<ExtractedFile> ExtractFile(std::string_view path, const SyntaxTree& tree,
                                  const QueryLimits& limits) {
  ONYX_ASSIGN_OR_RETURN(const LanguageSpec* spec, RulesFor(tree.language()));
  ONYX_ASSIGN_OR_RETURN(const FileQuery query, FileQueryFor(*spec));
  DefinitionCollector definitions(path, tree, *spec);
  FactCollector facts(tree);
  ONYX_RETURN_IF_ERROR(RunQuery(*query.query, tree, limits, [&](const QueryMatch& m) {
    if (m.pattern < query.first_fact_pattern) {
      definitions.Add(m);
    } else {
      facts.Add(m);
    }
    return true;
  }));
  return ExtractedFile{definitions.Finish(), facts.Finish()};
}

}  // namespace onyx::ingest
