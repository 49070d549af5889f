// Heading scanner for Markdown files.
#include "onyx/ingest/markdown_sections.h"

#include <map>
#include <string>

namespace onyx::ingest {
namespace {

constexpr std::size_t kMaxDocBytes = 2000;
constexpr std::size_t kMaxTitleBytes = 300;

struct Line {
  std::string_view text;
  std::uint32_t start = 0;  // byte offset
};

std::string TrimCopy(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// Level 1–6 and the title of an ATX heading, or level 0.
int AtxLevel(std::string_view line, std::string* title) {
  std::size_t indent = 0;
  while (indent < line.size() && indent < 4 && line[indent] == ' ') ++indent;
  if (indent > 3) return 0;
  std::size_t hashes = 0;
  while (indent + hashes < line.size() && line[indent + hashes] == '#') ++hashes;
  if (hashes == 0 || hashes > 6) return 0;
  const std::size_t after = indent + hashes;
  if (after < line.size() && line[after] != ' ' && line[after] != '\t' && line[after] != '\r') {
    return 0;
  }
  std::string t = TrimCopy(line.substr(after));
  // A closing run of '#' preceded by a space is not part of the title.
  const auto last = t.find_last_not_of('#');
  if (last != std::string::npos && last + 1 < t.size() && (t[last] == ' ' || t[last] == '\t')) {
    t = TrimCopy(std::string_view(t).substr(0, last));
  } else if (last == std::string::npos) {
    t.clear();
  }
  *title = t;
  return static_cast<int>(hashes);
}

bool IsSetextUnderline(std::string_view line, char c) {
  const std::string t = TrimCopy(line);
  return !t.empty() && t.find_first_not_of(c) == std::string::npos;
}

bool IsFence(std::string_view line) {
  const std::string t = TrimCopy(line);
  return t.rfind("```", 0) == 0 || t.rfind("~~~", 0) == 0;
}

}  // namespace

std::vector<Definition> ExtractMarkdownSections(std::string_view path, std::string_view text) {
  std::vector<Line> lines;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t nl = text.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    lines.push_back({text.substr(pos, end - pos), static_cast<std::uint32_t>(pos)});
    pos = end + 1;
  }

  struct Heading {
    int level;
    std::string title;
    std::size_t first_line;  // the heading's first line (setext: the title line)
    std::size_t body_line;   // first line after the heading
  };
  std::vector<Heading> headings;
  bool in_fence = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (IsFence(lines[i].text)) {
      in_fence = !in_fence;
      continue;
    }
    if (in_fence) continue;
    std::string title;
    if (const int level = AtxLevel(lines[i].text, &title); level > 0) {
      headings.push_back({level, title, i, i + 1});
      continue;
    }
    if (i + 1 < lines.size() && !TrimCopy(lines[i].text).empty() &&
        (IsSetextUnderline(lines[i + 1].text, '=') || IsSetextUnderline(lines[i + 1].text, '-')) &&
        AtxLevel(lines[i].text, &title) == 0) {
      const int level = IsSetextUnderline(lines[i + 1].text, '=') ? 1 : 2;
      headings.push_back({level, TrimCopy(lines[i].text), i, i + 2});
      ++i;
    }
  }

  const std::string module = ModulePathFor(path, "markdown");
  std::vector<Definition> out;
  std::vector<std::size_t> open;  // indexes into out/headings of enclosing sections
  std::map<std::string, int> seen;
  for (std::size_t h = 0; h < headings.size(); ++h) {
    const Heading& heading = headings[h];
    while (!open.empty() && headings[open.back()].level >= heading.level) open.pop_back();
    // The section ends where the next heading of the same or a higher level starts;
    // its own text ends at the next heading of any level.
    std::size_t end_line = lines.size();
    for (std::size_t k = h + 1; k < headings.size(); ++k) {
      if (headings[k].level <= heading.level) {
        end_line = headings[k].first_line;
        break;
      }
    }
    const std::size_t body_end =
        h + 1 < headings.size() ? std::min(headings[h + 1].first_line, end_line) : end_line;

    std::string title = heading.title.substr(0, kMaxTitleBytes);
    if (title.empty()) title = "(untitled)";
    std::string qualified = module;
    for (const std::size_t o : open) qualified += " > " + out[o].node.name;
    qualified += " > " + title;
    if (const int n = ++seen[qualified]; n > 1) qualified += "~" + std::to_string(n);

    const std::uint32_t start_byte = lines[heading.first_line].start;
    const std::uint32_t end_byte =
        end_line < lines.size() ? lines[end_line].start : static_cast<std::uint32_t>(text.size());
    std::string body;
    for (std::size_t k = heading.body_line; k < body_end && body.size() < kMaxDocBytes; ++k) {
      body += lines[k].text;
      body += '\n';
    }
    body = TrimCopy(body.substr(0, kMaxDocBytes));

    Definition d;
    Node& node = d.node;
    node.kind = NodeKind::kDocSection;
    node.name = title;
    node.qualified_name = qualified;
    node.language = "markdown";
    node.path = std::string(path);
    node.span = Span{start_byte, end_byte, static_cast<std::uint32_t>(heading.first_line + 1),
                     static_cast<std::uint32_t>(std::max(end_line, heading.first_line + 1))};
    node.signature = TrimCopy(lines[heading.first_line].text).substr(0, kMaxTitleBytes);
    node.doc = body;
    node.content_hash = HashContent(text.substr(start_byte, end_byte - start_byte));
    node.id = MakeNodeId(node.language, node.path, node.qualified_name, node.kind);
    if (!open.empty()) d.parent = open.back();
    out.push_back(std::move(d));
    open.push_back(h);
  }
  return out;
}

namespace {

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }

// "Cart.total()" → qualifier "Cart", name "total"; false when the span is not an
// identifier path (a command line, an expression, prose).
bool ParseMention(std::string_view code, std::string* qualifier, std::string* name) {
  if (code.ends_with("()")) code.remove_suffix(2);
  if (code.empty() || code.size() > kMaxFactNameBytes || !IsIdentStart(code.front())) return false;
  std::size_t last = 0;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (IsIdentChar(c)) continue;
    if (c == '.' && i + 1 < code.size() && IsIdentStart(code[i + 1])) {
      last = i + 1;
      continue;
    }
    if (c == ':' && i + 2 < code.size() && code[i + 1] == ':' && IsIdentStart(code[i + 2])) {
      ++i;
      last = i + 1;
      continue;
    }
    return false;
  }
  *name = std::string(code.substr(last));
  *qualifier =
      last == 0 ? "" : std::string(code.substr(0, code[last - 1] == ':' ? last - 2 : last - 1));
  return name->size() >= 3;  // `i`, `x`, `ok` name nothing in particular
}

}  // namespace

FileFacts ExtractMarkdownMentions(std::string_view text) {
  FileFacts facts;
  bool in_fence = false;
  std::uint32_t line_number = 0;
  std::size_t pos = 0;
  while (pos < text.size() && facts.references.size() < kMaxFactsPerFile) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    ++line_number;
    if (IsFence(line)) {
      in_fence = !in_fence;
    } else if (!in_fence) {
      for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] != '`') continue;
        std::size_t ticks = 0;
        while (i + ticks < line.size() && line[i + ticks] == '`') ++ticks;
        const std::string fence(ticks, '`');
        const auto close = line.find(fence, i + ticks);
        if (close == std::string_view::npos) break;
        const std::string code = TrimCopy(line.substr(i + ticks, close - i - ticks));
        ReferenceFact ref;
        if (ParseMention(code, &ref.qualifier, &ref.name)) {
          ref.kind = ReferenceKind::kMention;
          const auto start = static_cast<std::uint32_t>(pos + i);
          ref.span = Span{start, static_cast<std::uint32_t>(pos + close + ticks), line_number,
                          line_number};
          facts.references.push_back(std::move(ref));
        }
        i = close + ticks - 1;
      }
    }
    pos = end + 1;
  }
  return facts;
}

}  // namespace onyx::ingest
