// Code-aware tokens, shared by the hash embedder and the BM25 index: whole
// identifiers, and their parts split at snake_case, camelCase and digit
// boundaries, lower-cased ("parseHTTPRequest2" → parsehttprequest2, parse, http,
// request; "utf8" → utf8, utf).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace onyx::embed {

struct CodeToken {
  std::string text;    ///< Lower-cased.
  bool whole = false;  ///< A whole identifier that also has parts.
};

/// The tokens of `text` in order: for each word, its whole form (when it splits
/// into several parts) then its parts. Words are runs of letters (any UTF-8
/// character beyond ASCII counts as one; only ASCII is lower-cased), digits
/// and '_'; single-character parts are dropped. At most `max_tokens` tokens
/// are returned.
std::vector<CodeToken> CodeTokens(std::string_view text, std::size_t max_tokens = 50'000);

}  // namespace onyx::embed
