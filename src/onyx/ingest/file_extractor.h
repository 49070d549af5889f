// A parsed file's definitions and facts from one run of its language's
// combined query: the way ingest reads every source file.
#pragma once

#include <string_view>
#include <vector>

#include "onyx/ingest/definition_extractor.h"
#include "onyx/ingest/file_facts.h"
#include "onyx/ingest/source_parser.h"
#include "onyx/status.h"

namespace onyx::ingest {

struct ExtractedFile {
  std::vector<Definition> definitions;
  FileFacts facts;
};

/// What ExtractDefinitions(path, tree) and ExtractFacts(tree) return, found in
/// one walk of the tree instead of two. NotFound when the language has no
/// spec; DeadlineExceeded past the time limit. The limits bound the one walk:
/// its time, and the matches in progress of both pattern sets together.
Result<ExtractedFile> ExtractFile(std::string_view path, const SyntaxTree& tree,
                                  const QueryLimits& limits = {});

}  // namespace onyx::ingest
