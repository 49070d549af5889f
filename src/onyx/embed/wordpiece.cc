// BasicTokenizer and WordPiece. Unicode coverage: UTF-8 decoding (bad bytes are
// dropped), whitespace and control characters, CJK ideographs, ASCII and common
// Unicode punctuation blocks, and lower-casing with accent stripping for Latin-1,
// Latin Extended-A, Greek and Cyrillic (plus any combining mark U+0300–U+036F),
// which covers the scripts code and its comments use.
#include "onyx/embed/wordpiece.h"

#include <algorithm>

namespace onyx::embed {
namespace {

constexpr std::size_t kMaxWordChars = 100;

std::vector<char32_t> DecodeUtf8(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    int extra = b < 0x80 ? 0 : (b >> 5) == 6 ? 1 : (b >> 4) == 14 ? 2 : (b >> 3) == 30 ? 3 : -1;
    if (extra < 0 || i + static_cast<std::size_t>(extra) >= s.size()) {
      ++i;  // invalid lead byte or truncated sequence: dropped
      continue;
    }
    char32_t cp = extra == 0 ? b : b & (0x3F >> extra);
    bool ok = true;
    for (int k = 1; k <= extra; ++k) {
      const auto c = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      if ((c & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (c & 0x3F);
    }
    i += static_cast<std::size_t>(extra) + 1;
    if (ok && cp <= 0x10FFFF) out.push_back(cp);
  }
  return out;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsWhitespace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool IsControl(char32_t c) {
  if (c == '\t' || c == '\n' || c == '\r') return false;
  return c < 0x20 || (c >= 0x7F && c < 0xA0) || c == 0xAD || (c >= 0x200B && c <= 0x200F) ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2064) || c == 0xFEFF;
}

bool IsCjk(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
         (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

bool IsPunctuation(char32_t c) {
  if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
      (c >= 123 && c <= 126)) {
    return true;
  }
  return c == 0xA1 || c == 0xA7 || c == 0xAB || c == 0xB6 || c == 0xB7 || c == 0xBB || c == 0xBF ||
         (c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205E) ||
         (c >= 0x3001 && c <= 0x3003) || (c >= 0x3008 && c <= 0x3011) ||
         (c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20);
}

// Lower case and strip accents (what NFD + dropping Mn + lower() gives).
char32_t Fold(char32_t c, bool* drop) {
  *drop = false;
  if (c >= 0x300 && c <= 0x36F) {  // combining marks
    *drop = true;
    return c;
  }
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c < 0xC0) return c;
  if (c <= 0xFF) {
    static constexpr char kLatin1[] =
        "aaaaaaaceeeeiiii"   // C0–CF
        "dnooooo*ouuuuyts"   // D0–DF
        "aaaaaaaceeeeiiii"   // E0–EF
        "dnooooo/ouuuuyty";  // F0–FF
    if (c == 0xC6) return 0xE6;
    if (c == 0xE6 || c == 0xD0 || c == 0xF0 || c == 0xDE || c == 0xFE || c == 0xDF || c == 0xD7 ||
        c == 0xF7) {
      return c == 0xD0 ? 0xF0 : c == 0xDE ? 0xFE : c;
    }
    if (c == 0xD8) return 0xF8;
    if (c == 0xF8) return c;
    return static_cast<char32_t>(kLatin1[c - 0xC0]);
  }
  if (c >= 0x100 && c <= 0x17F) {
    static constexpr char kExtendedA[] =
        "aaaaaaccccccccdd"   // 100–10F
        "ddeeeeeeeeeegggg"   // 110–11F (Đ đ keep their stroke: see below)
        "gggghhhhiiiiiiii"   // 120–12F
        "iijjjjkkklllllll"   // 130–13F
        "llnnnnnnnnnooooo"   // 140–14F
        "oooorrrrrrssssss"   // 150–15F
        "sssstttttuuuuuuu"   // 160–16F
        "uuuuuwwyyyzzzzzs";  // 170–17F
    // Letters without a canonical decomposition only change case.
    switch (c) {
      case 0x110:
      case 0x126:
      case 0x132:
      case 0x13F:
      case 0x141:
      case 0x14A:
      case 0x152:
      case 0x166: return c + 1;
      case 0x111:
      case 0x127:
      case 0x131:
      case 0x133:
      case 0x138:
      case 0x140:
      case 0x142:
      case 0x149:
      case 0x14B:
      case 0x153:
      case 0x167:
      case 0x17F: return c;
      default: break;
    }
    return static_cast<char32_t>(kExtendedA[c - 0x100]);
  }
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;  // Greek capitals
  if (c >= 0x410 && c <= 0x42F) return c + 32;                // Cyrillic capitals
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}

}  // namespace

Result<WordPieceTokenizer> WordPieceTokenizer::FromTokens(std::vector<std::string> tokens,
                                                          bool lower_case) {
  WordPieceTokenizer t;
  t.lower_case_ = lower_case;
  t.tokens_ = std::move(tokens);
  for (std::size_t i = 0; i < t.tokens_.size(); ++i) {
    t.ids_.emplace(t.tokens_[i], static_cast<std::int32_t>(i));
  }
  for (const auto& [name, id] : {std::pair<const char*, std::int32_t*>{"[UNK]", &t.unk_},
                                 {"[CLS]", &t.cls_},
                                 {"[SEP]", &t.sep_}}) {
    auto it = t.ids_.find(name);
    if (it == t.ids_.end()) {
      return Status::InvalidArgument(std::string("wordpiece: the vocabulary has no ") + name);
    }
    *id = it->second;
  }
  return t;
}

Result<WordPieceTokenizer> WordPieceTokenizer::FromVocabText(std::string_view vocab,
                                                             bool lower_case) {
  std::vector<std::string> tokens;
  std::size_t start = 0;
  while (start < vocab.size()) {
    auto end = vocab.find('\n', start);
    if (end == std::string_view::npos) end = vocab.size();
    std::string_view line = vocab.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    tokens.emplace_back(line);
    start = end + 1;
  }
  return FromTokens(std::move(tokens), lower_case);
}

std::vector<std::string> WordPieceTokenizer::BasicTokens(std::string_view text) const {
  std::vector<std::string> words;
  std::string word;
  const auto flush = [&] {
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  };
  for (char32_t c : DecodeUtf8(text)) {
    if (c == 0 || c == 0xFFFD || IsControl(c)) continue;
    if (IsWhitespace(c)) {
      flush();
      continue;
    }
    if (lower_case_) {
      bool drop = false;
      c = Fold(c, &drop);
      if (drop) continue;
    }
    if (IsCjk(c) || IsPunctuation(c)) {
      flush();
      AppendUtf8(word, c);
      flush();
      continue;
    }
    AppendUtf8(word, c);
  }
  flush();
  return words;
}

std::vector<std::int32_t> WordPieceTokenizer::Encode(std::string_view text,
                                                     std::size_t max_length) const {
  std::vector<std::int32_t> ids;
  if (max_length < 2) return ids;
  ids.push_back(cls_);
  const std::size_t limit = max_length - 1;  // room for [SEP]
  for (const std::string& word : BasicTokens(text)) {
    if (ids.size() >= limit) break;
    const std::vector<char32_t> chars = DecodeUtf8(word);
    if (chars.size() > kMaxWordChars) {
      ids.push_back(unk_);
      continue;
    }
    // Byte offsets of each character, for slicing the word.
    std::vector<std::size_t> offsets;
    std::size_t offset = 0;
    for (const char32_t c : chars) {
      offsets.push_back(offset);
      offset += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    }
    offsets.push_back(word.size());
    std::vector<std::int32_t> pieces;
    bool unknown = false;
    std::size_t start = 0;
    std::string candidate;
    while (start < chars.size()) {
      std::size_t end = chars.size();
      std::int32_t found = -1;
      while (end > start) {
        candidate = start > 0 ? "##" : "";
        candidate.append(word, offsets[start], offsets[end] - offsets[start]);
        auto it = ids_.find(candidate);
        if (it != ids_.end()) {
          found = it->second;
          break;
        }
        --end;
      }
      if (found < 0) {
        unknown = true;
        break;
      }
      pieces.push_back(found);
      start = end;
    }
    if (unknown) {
      ids.push_back(unk_);
    } else {
      for (const std::int32_t p : pieces) {
        if (ids.size() >= limit) break;
        ids.push_back(p);
      }
    }
  }
  ids.push_back(sep_);
  return ids;
}

}  // namespace onyx::embed
