// BM25F over code-aware tokens (embed/code_tokens.h): a document's symbol name
// and its text are two fields, each normalised by its own length, the name's
// weighted above the text's; and an exact-name lookup beside it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "onyx/status.h"

namespace onyx::index {

struct LexicalHit {
  std::uint64_t key = 0;
  float score = 0;  ///< BM25, higher is better.
};

/// Thread-safe (readers share, writers exclude).
class LexicalIndex {
 public:
  static constexpr float kK1 = 1.2F;
  static constexpr float kB = 0.75F;
  /// The name field's weight against the text's.
  static constexpr float kNameBoost = 3.0F;

  /// Indexes a document: its symbol name and its text. AlreadyExists for a key
  /// already present.
  Status Add(std::uint64_t key, std::string_view name, std::string_view text);
  /// NotFound when absent.
  Status Remove(std::uint64_t key);

  /// The `k` best documents passing `filter` for the query's tokens.
  std::vector<LexicalHit> Search(std::string_view query, std::size_t k,
                                 const std::function<bool(std::uint64_t)>& filter = {}) const;
  /// Documents whose name equals `name` (ASCII case-insensitive).
  std::vector<std::uint64_t> ExactName(std::string_view name) const;

  std::size_t size() const;

  /// The documents and their term counts (postings are rebuilt on load).
  std::string Serialize() const;
  /// Corruption on malformed bytes.
  static Result<std::unique_ptr<LexicalIndex>> Deserialize(std::string_view bytes);

 private:
  struct Posting {
    std::uint64_t key;
    float text_tf;
    float name_tf;
  };
  struct Doc {
    float text_length = 0;
    float name_length = 0;
    std::string name;  // lower-cased
    std::vector<std::string> terms;
  };
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::vector<Posting>> postings_;
  std::unordered_map<std::uint64_t, Doc> docs_;
  std::unordered_map<std::string, std::vector<std::uint64_t>> by_name_;
  double total_text_length_ = 0;
  double total_name_length_ = 0;
};

}  // namespace onyx::index
