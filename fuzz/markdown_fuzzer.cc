// Fuzzes the Markdown section scanner: any bytes give sections whose spans lie in
// the input and whose parents come before them.
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "onyx/ingest/markdown_sections.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto sections = onyx::ingest::ExtractMarkdownSections("docs/fuzz.md", text);
  for (std::size_t i = 0; i < sections.size(); ++i) {
    const auto& span = sections[i].node.span;
    ONYX_FUZZ_CHECK(span.start_byte <= span.end_byte && span.end_byte <= size);
    ONYX_FUZZ_CHECK(span.start_line >= 1 && span.start_line <= span.end_line);
    ONYX_FUZZ_CHECK(!sections[i].parent || *sections[i].parent < i);
  }
  for (const auto& ref : onyx::ingest::ExtractMarkdownMentions(text).references) {
    ONYX_FUZZ_CHECK(ref.span.start_byte < ref.span.end_byte && ref.span.end_byte <= size);
    ONYX_FUZZ_CHECK(!ref.name.empty());
  }
  return 0;
}
