// Markdown files become doc_section nodes, one per heading, nested by level. No
// grammar needed: ATX (`## Title`) and setext (`Title` over `===`/`---`)
// headings, ignoring fenced code blocks.
#pragma once

#include <string_view>
#include <vector>

#include "onyx/ingest/definition_extractor.h"
#include "onyx/ingest/file_facts.h"

namespace onyx::ingest {

/// The sections of the Markdown file at `path`, in document order. A section
/// spans from its heading to the next heading of the same or a higher level; its
/// qualified name is the module path and the titles of the enclosing headings and
/// its own, joined by " > " ("README > Install > From source"); `doc` holds its
/// text up to the first subsection (at most 2,000 bytes); `signature` its
/// heading line. Repeated titles get "~2", "~3" … suffixes.
std::vector<Definition> ExtractMarkdownSections(std::string_view path, std::string_view text);

/// The code a Markdown file names: every inline code span outside fenced blocks
/// whose text is an identifier path (`parse`, `Cart.total`, `crate::util::round`,
/// optionally followed by "()"), as kMention references for documents edges.
FileFacts ExtractMarkdownMentions(std::string_view text);

}  // namespace onyx::ingest
