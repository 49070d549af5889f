// Markdown sections: ATX and setext headings, nesting, fences, spans and bodies.
#include "onyx/ingest/markdown_sections.h"

#include <gtest/gtest.h>

namespace onyx::ingest {
namespace {

std::vector<std::string> Describe(const std::vector<Definition>& defs) {
  std::vector<std::string> out;
  for (const Definition& d : defs) {
    std::string line = d.node.qualified_name + " [" + std::to_string(d.node.span.start_line) + "-" +
                       std::to_string(d.node.span.end_line) + "]";
    if (d.parent) line += " < " + defs[*d.parent].node.name;
    out.push_back(line);
  }
  return out;
}

TEST(MarkdownSections, NestByLevelAndSpanUntilTheNextSiblingOrParent) {
  const std::string text =
      "# Onyx\n"              // 1
      "Intro text.\n"         // 2
      "\n"                    // 3
      "## Install\n"          // 4
      "Run make.\n"           // 5
      "### From source ##\n"  // 6
      "Clone it.\n"           // 7
      "## Use\n"              // 8
      "```sh\n"               // 9
      "# not a heading\n"     // 10
      "```\n"                 // 11
      "Setext title\n"        // 12
      "------------\n"        // 13
      "Body.\n";              // 14
  const auto defs = ExtractMarkdownSections("docs/guide.md", text);
  const std::vector<std::string> want = {
      "docs.guide > Onyx [1-14]",
      "docs.guide > Onyx > Install [4-7] < Onyx",
      "docs.guide > Onyx > Install > From source [6-7] < Install",
      "docs.guide > Onyx > Use [8-11] < Onyx",
      "docs.guide > Onyx > Setext title [12-14] < Onyx",
  };
  EXPECT_EQ(Describe(defs), want);
  ASSERT_EQ(defs.size(), 5u);
  EXPECT_EQ(defs[0].node.kind, NodeKind::kDocSection);
  EXPECT_EQ(defs[0].node.doc, "Intro text.");  // up to the first subsection
  EXPECT_EQ(defs[1].node.signature, "## Install");
  EXPECT_EQ(defs[2].node.name, "From source");  // closing hashes dropped
  EXPECT_EQ(defs[3].node.doc, "```sh\n# not a heading\n```");
  EXPECT_EQ(defs[0].node.span.start_byte, 0u);
  EXPECT_EQ(defs[0].node.span.end_byte, text.size());
  EXPECT_EQ(defs[1].node.id, MakeNodeId("markdown", "docs/guide.md", "docs.guide > Onyx > Install",
                                        NodeKind::kDocSection));
}

TEST(MarkdownSections, RepeatedTitlesAreDisambiguatedAndNonHeadingsIgnored) {
  const std::string text =
      "## Notes\n"
      "a\n"
      "## Notes\n"
      "b\n"
      "#hashtag is not a heading\n"
      "    # indented code is not a heading\n"
      "####### seven hashes is not a heading\n";
  const auto defs = ExtractMarkdownSections("README.md", text);
  const std::vector<std::string> want = {"README > Notes [1-2]", "README > Notes~2 [3-7]"};
  EXPECT_EQ(Describe(defs), want);
}

TEST(MarkdownSections, NoHeadingsNoSections) {
  EXPECT_TRUE(ExtractMarkdownSections("a.md", "just text\n").empty());
  EXPECT_TRUE(ExtractMarkdownSections("a.md", "").empty());
}

}  // namespace
}  // namespace onyx::ingest
