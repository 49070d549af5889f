// The code tokenizer.
#include "onyx/embed/code_tokens.h"

namespace onyx::embed {
namespace {

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
// Bytes of non-ASCII UTF-8 characters are word characters too (identifiers
// and prose in other scripts stay whole; only ASCII letters are lower-cased).
bool IsWordChar(char c) {
  return IsLower(c) || IsUpper(c) || IsDigit(c) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (IsUpper(c)) c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Splits a word at '_', lower→Upper, Upper→Upper+lower (HTTPServer → HTTP,
// Server) and letter↔digit boundaries.
std::vector<std::string_view> Parts(std::string_view word) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  const auto cut = [&](std::size_t end) {
    if (end > start) parts.push_back(word.substr(start, end - start));
    start = end;
  };
  for (std::size_t i = 0; i < word.size(); ++i) {
    const char c = word[i];
    if (c == '_') {
      cut(i);
      start = i + 1;
      continue;
    }
    if (i == start) continue;
    const char p = word[i - 1];
    const bool boundary = (IsLower(p) && IsUpper(c)) || (IsDigit(p) != IsDigit(c) && p != '_') ||
                          (IsUpper(p) && IsUpper(c) && i + 1 < word.size() && IsLower(word[i + 1]));
    if (boundary) cut(i);
  }
  cut(word.size());
  return parts;
}

}  // namespace

std::vector<CodeToken> CodeTokens(std::string_view text, std::size_t max_tokens) {
  std::vector<CodeToken> out;
  std::size_t i = 0;
  while (i < text.size() && out.size() < max_tokens) {
    while (i < text.size() && !IsWordChar(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && IsWordChar(text[i])) ++i;
    if (i == start) break;
    const std::string_view word = text.substr(start, std::min<std::size_t>(i - start, 128));
    std::vector<std::string_view> parts = Parts(word);
    // The whole identifier too, whenever it splits (utf8, v2, get_x).
    if (parts.size() > 1 && word.size() > 1) out.push_back({Lower(word), true});
    for (const std::string_view part : parts) {
      if (part.size() > 1 && out.size() < max_tokens) out.push_back({Lower(part), false});
    }
  }
  return out;
}

}  // namespace onyx::embed
