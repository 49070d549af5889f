// Fuzzes parsing, definition and fact extraction: the first byte picks the
// language, the rest is source text. Any bytes parse (or hit the time limit) and
// give definitions whose spans lie in the input and whose parents come before
// them, and facts that lie in the input and survive their codec; the one-query
// ExtractFile (what ingest runs) finds exactly what the two extractors find.
#include <chrono>
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "onyx/ingest/definition_extractor.h"
#include "onyx/ingest/fact_extractor.h"
#include "onyx/ingest/file_extractor.h"
#include "onyx/ingest/languages/grammars.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace onyx::ingest;
  if (size == 0) return 0;
  const auto& languages = ParsableLanguages();
  const std::string_view language = languages[data[0] % languages.size()];
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  ParseLimits limits;
  limits.time_limit = std::chrono::milliseconds(500);
  auto tree = ParseSource(language, text, limits);
  if (!tree.ok()) {
    ONYX_FUZZ_CHECK(tree.status().code() == onyx::StatusCode::kDeadlineExceeded);
    return 0;
  }
  auto defs = ExtractDefinitions("src/fuzz.x", *tree);
  if (!defs.ok()) {
    ONYX_FUZZ_CHECK(defs.status().code() == onyx::StatusCode::kDeadlineExceeded);
    return 0;
  }
  for (std::size_t i = 0; i < defs->size(); ++i) {
    const auto& d = (*defs)[i];
    ONYX_FUZZ_CHECK(d.node.span.end_byte <= text.size());
    ONYX_FUZZ_CHECK(!d.parent || *d.parent < i);
    ONYX_FUZZ_CHECK(d.node.id == onyx::MakeNodeId(d.node.language, d.node.path,
                                                  d.node.qualified_name, d.node.kind));
  }
  // Facts stay inside the input and survive their codec.
  auto facts = ExtractFacts(*tree);
  if (!facts.ok()) {
    ONYX_FUZZ_CHECK(facts.status().code() == onyx::StatusCode::kDeadlineExceeded);
    return 0;
  }
  for (const auto& ref : facts->references) {
    ONYX_FUZZ_CHECK(ref.span.end_byte <= text.size() && !ref.name.empty());
  }
  auto decoded = DecodeFileFacts(EncodeFileFacts(*facts));
  ONYX_FUZZ_CHECK(decoded.ok() && *decoded == *facts);
  auto both = ExtractFile("src/fuzz.x", *tree);
  if (!both.ok()) {
    ONYX_FUZZ_CHECK(both.status().code() == onyx::StatusCode::kDeadlineExceeded);
    return 0;
  }
  ONYX_FUZZ_CHECK(both->facts == *facts && both->definitions.size() == defs->size());
  for (std::size_t i = 0; i < defs->size(); ++i) {
    ONYX_FUZZ_CHECK(both->definitions[i].node == (*defs)[i].node &&
                    both->definitions[i].parent == (*defs)[i].parent);
  }
  return 0;
}
