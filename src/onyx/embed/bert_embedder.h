// A BERT-family sentence-transformers model run natively: WordPiece, the
// encoder forward pass with OpenBLAS GEMMs, mean pooling over the tokens, L2
// normalisation. Reads a local folder a user downloaded (all-MiniLM-L6-v2,
// bge-small-en, e5-small, …): config.json, vocab.txt or tokenizer.json, and
// model.safetensors (f32, f16 or bf16).
#pragma once

#include <memory>
#include <string>

#include "onyx/embed/embedder.h"

namespace onyx::embed {

struct BertOptions {
  /// Tokens per text including [CLS] and [SEP]; 0: the model's
  /// max_seq_length (sentence_bert_config.json), else 256, never more than its
  /// position table.
  std::size_t max_length = 0;
  /// Texts per forward pass.
  std::size_t batch_size = 16;
};

class BertEmbedder final : public Embedder {
 public:
  /// Loads the model in `folder`. NotFound for a missing file; InvalidArgument
  /// or Corruption naming the file and the problem for a config or weights it
  /// cannot use.
  static Result<std::unique_ptr<BertEmbedder>> Load(const std::string& folder,
                                                    const BertOptions& options = {});
  ~BertEmbedder() override;

  std::string_view model_id() const override;
  std::size_t dimensions() const override;
  Status Embed(std::span<const std::string_view> texts, float* out) const override;

  /// The forward pass on token ids (one sequence per entry), for tests that
  /// compare it with a reference implementation.
  Status EmbedIds(const std::vector<std::vector<std::int32_t>>& ids, float* out) const;
  /// Token ids of a text as Embed would feed them.
  std::vector<std::int32_t> Tokenize(std::string_view text) const;

 private:
  struct Model;
  explicit BertEmbedder(std::unique_ptr<Model> model);
  std::unique_ptr<Model> model_;
};

}  // namespace onyx::embed
