// The embedder interface: text in, one L2-normalised vector out per text, each
// tagged with the model that made it so vectors of different models never mix.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "onyx/status.h"

namespace onyx::embed {

class Embedder {
 public:
  virtual ~Embedder() = default;
  /// Names the model and its settings ("hash-384-v2"); vectors are stored and
  /// indexed per model id.
  virtual std::string_view model_id() const = 0;
  virtual std::size_t dimensions() const = 0;
  /// Embeds each text into `out` (texts.size() × dimensions() floats, row-major).
  virtual Status Embed(std::span<const std::string_view> texts, float* out) const = 0;

  /// Convenience: one text.
  Result<std::vector<float>> EmbedOne(std::string_view text) const {
    std::vector<float> v(dimensions());
    const std::string_view texts[] = {text};
    ONYX_RETURN_IF_ERROR(Embed(texts, v.data()));
    return v;
  }
};

}  // namespace onyx::embed
