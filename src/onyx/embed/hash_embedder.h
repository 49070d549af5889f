// The default embedder, which needs no model: code-aware tokens and their
// neighbouring pairs hashed into a fixed dimension (signed feature hashing),
// weighted, L2-normalised. Deterministic across runs and machines.
#pragma once

#include <cstddef>
#include <string>

#include "onyx/embed/embedder.h"

namespace onyx::embed {

class HashEmbedder final : public Embedder {
 public:
  explicit HashEmbedder(std::size_t dimensions = 384);

  std::string_view model_id() const override { return model_id_; }
  std::size_t dimensions() const override { return dimensions_; }
  /// Never fails; an empty or token-less text gives the zero vector.
  Status Embed(std::span<const std::string_view> texts, float* out) const override;

 private:
  std::size_t dimensions_;
  std::string model_id_;
};

}  // namespace onyx::embed
