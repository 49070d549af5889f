// Signed feature hashing of code tokens.
#include "onyx/embed/hash_embedder.h"

#include <xxhash.h>

#include <cmath>
#include <cstring>

#include "onyx/embed/code_tokens.h"

namespace onyx::embed {
namespace {

// Parts carry most of the meaning (parse, request); whole identifiers pin exact
// names; pairs of neighbouring tokens add a little order.
constexpr float kPartWeight = 1.0F;
constexpr float kWholeWeight = 0.8F;
constexpr float kPairWeight = 0.5F;

void AddFeature(std::string_view feature, float weight, float* v, std::size_t dims) {
  const std::uint64_t h = XXH3_64bits(feature.data(), feature.size());
  const float sign = (h >> 63) != 0 ? -1.0F : 1.0F;
  v[h % dims] += sign * weight;
}

}  // namespace

HashEmbedder::HashEmbedder(std::size_t dimensions)
    : dimensions_(dimensions == 0 ? 1 : dimensions),
      model_id_("hash-" + std::to_string(dimensions_) + "-v2") {}

Status HashEmbedder::Embed(std::span<const std::string_view> texts, float* out) const {
  std::string pair;
  for (std::size_t t = 0; t < texts.size(); ++t) {
    float* v = out + t * dimensions_;
    std::memset(v, 0, dimensions_ * sizeof(float));
    const std::vector<CodeToken> tokens = CodeTokens(texts[t]);
    const std::string* previous = nullptr;
    for (const CodeToken& token : tokens) {
      AddFeature(token.text, token.whole ? kWholeWeight : kPartWeight, v, dimensions_);
      if (token.whole) continue;
      if (previous != nullptr) {
        pair.assign(*previous);
        pair.push_back(' ');
        pair.append(token.text);
        AddFeature(pair, kPairWeight, v, dimensions_);
      }
      previous = &token.text;
    }
    // Sub-linear term frequency, then unit length.
    double norm = 0;
    for (std::size_t i = 0; i < dimensions_; ++i) {
      const float x = v[i];
      v[i] = x >= 0 ? std::log1p(x) : -std::log1p(-x);
      norm += static_cast<double>(v[i]) * v[i];
    }
    if (norm > 0) {
      const float scale = static_cast<float>(1.0 / std::sqrt(norm));
      for (std::size_t i = 0; i < dimensions_; ++i) v[i] *= scale;
    }
  }
  return Status::Ok();
}

}  // namespace onyx::embed
