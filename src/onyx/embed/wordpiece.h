// BERT's tokenizer: BasicTokenizer (clean, CJK spacing, optional lower-casing
// and accent stripping, punctuation split) then greedy longest-match WordPiece
// with "##" continuations, [UNK], and [CLS] … [SEP] with truncation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "onyx/status.h"

namespace onyx::embed {

class WordPieceTokenizer {
 public:
  /// From a vocab.txt (one token per line, id = line number). InvalidArgument
  /// when [UNK], [CLS] or [SEP] is missing.
  static Result<WordPieceTokenizer> FromVocabText(std::string_view vocab, bool lower_case);
  /// From a list of tokens in id order.
  static Result<WordPieceTokenizer> FromTokens(std::vector<std::string> tokens, bool lower_case);

  /// [CLS] pieces… [SEP], at most `max_length` ids (pieces are truncated).
  std::vector<std::int32_t> Encode(std::string_view text, std::size_t max_length) const;
  /// The BasicTokenizer's words (exposed for tests).
  std::vector<std::string> BasicTokens(std::string_view text) const;

  std::size_t vocab_size() const { return tokens_.size(); }

 private:
  WordPieceTokenizer() = default;
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, std::int32_t> ids_;
  bool lower_case_ = true;
  std::int32_t unk_ = 0;
  std::int32_t cls_ = 0;
  std::int32_t sep_ = 0;
};

}  // namespace onyx::embed
