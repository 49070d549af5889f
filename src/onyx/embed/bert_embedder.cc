// The BERT encoder: embeddings, N × (self-attention, feed-forward), mean
// pooling. Rows of all sequences of a batch are stacked for the dense layers
// (no padding); attention runs per sequence and head.
#include "onyx/embed/bert_embedder.h"

#include <xxhash.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "onyx/embed/blas.h"
#include "onyx/embed/safetensors.h"
#include "onyx/embed/wordpiece.h"

namespace onyx::embed {
namespace {

Result<std::string> ReadFile(const std::filesystem::path& path, std::size_t max_bytes) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Status::NotFound("bert: no file " + path.string());
  if (size > max_bytes) return Status::InvalidArgument("bert: " + path.string() + " is too large");
  std::ifstream in(path, std::ios::binary);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) {
    return Status::IOError("bert: cannot read " + path.string());
  }
  return bytes;
}

struct Linear {
  std::vector<float> weight;  // out × in, row-major (PyTorch's layout)
  std::vector<float> bias;    // out
  std::size_t in = 0;
  std::size_t out = 0;

  // y (rows × out) = x (rows × in) · weightᵀ + bias
  void Apply(const float* x, std::size_t rows, float* y) const {
    for (std::size_t r = 0; r < rows; ++r) std::copy(bias.begin(), bias.end(), y + r * out);
    Sgemm(false, true, static_cast<int>(rows), static_cast<int>(out), static_cast<int>(in), 1.0F, x,
          static_cast<int>(in), weight.data(), static_cast<int>(in), 1.0F, y,
          static_cast<int>(out));
  }
};

struct LayerNorm {
  std::vector<float> gamma;
  std::vector<float> beta;
  float eps = 1e-12F;

  void Apply(float* x, std::size_t rows, std::size_t width) const {
    for (std::size_t r = 0; r < rows; ++r) {
      float* v = x + r * width;
      double mean = 0;
      for (std::size_t i = 0; i < width; ++i) mean += v[i];
      mean /= static_cast<double>(width);
      double var = 0;
      for (std::size_t i = 0; i < width; ++i) var += (v[i] - mean) * (v[i] - mean);
      var /= static_cast<double>(width);
      const double inv = 1.0 / std::sqrt(var + eps);
      for (std::size_t i = 0; i < width; ++i) {
        v[i] = static_cast<float>((v[i] - mean) * inv) * gamma[i] + beta[i];
      }
    }
  }
};

struct Layer {
  Linear query, key, value, attention_out, intermediate, output;
  LayerNorm attention_norm, output_norm;
};

}  // namespace

struct BertEmbedder::Model {
  std::string model_id;
  std::size_t hidden = 0;
  std::size_t heads = 0;
  std::size_t max_length = 0;
  std::size_t batch_size = 16;
  std::vector<float> word_embeddings;      // vocab × hidden
  std::vector<float> position_embeddings;  // positions × hidden
  std::vector<float> type_embeddings;      // types × hidden (type 0 is used)
  std::size_t vocab = 0;
  std::size_t positions = 0;
  LayerNorm embedding_norm;
  std::vector<Layer> layers;
  std::unique_ptr<WordPieceTokenizer> tokenizer;
};

BertEmbedder::BertEmbedder(std::unique_ptr<Model> model) : model_(std::move(model)) {}
BertEmbedder::~BertEmbedder() = default;

std::string_view BertEmbedder::model_id() const { return model_->model_id; }
std::size_t BertEmbedder::dimensions() const { return model_->hidden; }

Result<std::unique_ptr<BertEmbedder>> BertEmbedder::Load(const std::string& folder,
                                                         const BertOptions& options) {
  namespace fs = std::filesystem;
  ONYX_RETURN_IF_ERROR(LoadBlas());
  const fs::path dir(folder);
  ONYX_ASSIGN_OR_RETURN(const std::string config_text, ReadFile(dir / "config.json", 1 << 20));
  const auto config = nlohmann::json::parse(config_text, nullptr, false);
  if (config.is_discarded() || !config.is_object()) {
    return Status::InvalidArgument("bert: config.json is not a JSON object");
  }
  const auto number = [&](const char* key, std::size_t fallback) -> Result<std::size_t> {
    if (!config.contains(key)) {
      if (fallback != 0) return fallback;
      return Status::InvalidArgument(std::string("bert: config.json has no ") + key);
    }
    if (!config[key].is_number_unsigned() || config[key].get<std::uint64_t>() == 0 ||
        config[key].get<std::uint64_t>() > 1'000'000) {
      return Status::InvalidArgument(std::string("bert: config.json: ") + key +
                                     " is not a positive integer");
    }
    return static_cast<std::size_t>(config[key].get<std::uint64_t>());
  };
  auto model = std::make_unique<Model>();
  ONYX_ASSIGN_OR_RETURN(model->hidden, number("hidden_size", 0));
  ONYX_ASSIGN_OR_RETURN(model->heads, number("num_attention_heads", 0));
  ONYX_ASSIGN_OR_RETURN(const std::size_t layers, number("num_hidden_layers", 0));
  ONYX_ASSIGN_OR_RETURN(const std::size_t intermediate, number("intermediate_size", 0));
  if (model->hidden % model->heads != 0) {
    return Status::InvalidArgument("bert: hidden_size is not a multiple of num_attention_heads");
  }
  if (config.contains("hidden_act") && config["hidden_act"] != "gelu") {
    return Status::InvalidArgument("bert: hidden_act must be gelu");
  }
  const float eps = config.contains("layer_norm_eps") && config["layer_norm_eps"].is_number()
                        ? config["layer_norm_eps"].get<float>()
                        : 1e-12F;

  // Tokenizer: vocab.txt, else tokenizer.json's WordPiece vocabulary.
  bool lower_case = true;
  if (auto tc = ReadFile(dir / "tokenizer_config.json", 1 << 20); tc.ok()) {
    const auto j = nlohmann::json::parse(*tc, nullptr, false);
    if (j.is_object() && j.contains("do_lower_case") && j["do_lower_case"].is_boolean()) {
      lower_case = j["do_lower_case"].get<bool>();
    }
  }
  if (auto vocab = ReadFile(dir / "vocab.txt", 64 << 20); vocab.ok()) {
    ONYX_ASSIGN_OR_RETURN(auto t, WordPieceTokenizer::FromVocabText(*vocab, lower_case));
    model->tokenizer = std::make_unique<WordPieceTokenizer>(std::move(t));
  } else {
    ONYX_ASSIGN_OR_RETURN(const std::string text, ReadFile(dir / "tokenizer.json", 256 << 20));
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.contains("model") || !j["model"].contains("vocab") ||
        !j["model"]["vocab"].is_object()) {
      return Status::InvalidArgument("bert: tokenizer.json has no model.vocab");
    }
    if (j.contains("normalizer") && j["normalizer"].is_object() &&
        j["normalizer"].contains("lowercase") && j["normalizer"]["lowercase"].is_boolean()) {
      lower_case = j["normalizer"]["lowercase"].get<bool>();
    }
    std::vector<std::string> tokens(j["model"]["vocab"].size());
    for (const auto& [token, id] : j["model"]["vocab"].items()) {
      if (!id.is_number_unsigned() || id.get<std::size_t>() >= tokens.size()) {
        return Status::InvalidArgument("bert: tokenizer.json: ids are not 0..n-1");
      }
      tokens[id.get<std::size_t>()] = token;
    }
    ONYX_ASSIGN_OR_RETURN(auto t, WordPieceTokenizer::FromTokens(std::move(tokens), lower_case));
    model->tokenizer = std::make_unique<WordPieceTokenizer>(std::move(t));
  }

  ONYX_ASSIGN_OR_RETURN(std::string weights,
                        ReadFile(dir / "model.safetensors", std::size_t{8} << 30));
  // The model id names the weights and configuration, not only the folder:
  // two models downloaded to folders of the same name keep separate vectors.
  XXH3_state_t* state = XXH3_createState();
  if (state == nullptr) return Status::ResourceExhausted("bert: out of memory");
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, config_text.data(), config_text.size());
  XXH3_64bits_update(state, weights.data(), weights.size());
  const std::uint64_t fingerprint = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  ONYX_ASSIGN_OR_RETURN(const SafeTensors tensors, SafeTensors::Parse(std::move(weights)));
  // Checkpoints name tensors with or without a "bert." prefix.
  const std::string prefix = tensors.Has("bert.embeddings.word_embeddings.weight") ? "bert." : "";
  const auto tensor = [&](const std::string& name,
                          std::vector<std::size_t> shape) -> Result<std::vector<float>> {
    ONYX_ASSIGN_OR_RETURN(Tensor t, tensors.Get(prefix + name));
    if (t.shape.size() != shape.size()) {
      return Status::InvalidArgument("bert: tensor " + name + " has the wrong rank");
    }
    for (std::size_t i = 0; i < shape.size(); ++i) {
      if (shape[i] != 0 && static_cast<std::size_t>(t.shape[i]) != shape[i]) {
        return Status::InvalidArgument("bert: tensor " + name + " has the wrong shape");
      }
    }
    return std::move(t.data);
  };
  const std::size_t h = model->hidden;
  {
    ONYX_ASSIGN_OR_RETURN(Tensor words, tensors.Get(prefix + "embeddings.word_embeddings.weight"));
    if (words.shape.size() != 2 || static_cast<std::size_t>(words.shape[1]) != h) {
      return Status::InvalidArgument("bert: word embeddings do not match hidden_size");
    }
    model->vocab = static_cast<std::size_t>(words.shape[0]);
    model->word_embeddings = std::move(words.data);
    ONYX_ASSIGN_OR_RETURN(Tensor positions,
                          tensors.Get(prefix + "embeddings.position_embeddings.weight"));
    if (positions.shape.size() != 2 || static_cast<std::size_t>(positions.shape[1]) != h) {
      return Status::InvalidArgument("bert: position embeddings do not match hidden_size");
    }
    model->positions = static_cast<std::size_t>(positions.shape[0]);
    model->position_embeddings = std::move(positions.data);
  }
  if (model->tokenizer->vocab_size() > model->vocab) {
    return Status::InvalidArgument("bert: the vocabulary is larger than the embedding table");
  }
  ONYX_ASSIGN_OR_RETURN(model->type_embeddings,
                        tensor("embeddings.token_type_embeddings.weight", {0, h}));
  ONYX_ASSIGN_OR_RETURN(model->embedding_norm.gamma, tensor("embeddings.LayerNorm.weight", {h}));
  ONYX_ASSIGN_OR_RETURN(model->embedding_norm.beta, tensor("embeddings.LayerNorm.bias", {h}));
  model->embedding_norm.eps = eps;
  const auto linear = [&](const std::string& name, std::size_t out,
                          std::size_t in) -> Result<Linear> {
    Linear l;
    l.in = in;
    l.out = out;
    ONYX_ASSIGN_OR_RETURN(l.weight, tensor(name + ".weight", {out, in}));
    ONYX_ASSIGN_OR_RETURN(l.bias, tensor(name + ".bias", {out}));
    return l;
  };
  const auto norm = [&](const std::string& name) -> Result<LayerNorm> {
    LayerNorm n;
    n.eps = eps;
    ONYX_ASSIGN_OR_RETURN(n.gamma, tensor(name + ".weight", {h}));
    ONYX_ASSIGN_OR_RETURN(n.beta, tensor(name + ".bias", {h}));
    return n;
  };
  for (std::size_t i = 0; i < layers; ++i) {
    const std::string p = "encoder.layer." + std::to_string(i) + ".";
    Layer l;
    ONYX_ASSIGN_OR_RETURN(l.query, linear(p + "attention.self.query", h, h));
    ONYX_ASSIGN_OR_RETURN(l.key, linear(p + "attention.self.key", h, h));
    ONYX_ASSIGN_OR_RETURN(l.value, linear(p + "attention.self.value", h, h));
    ONYX_ASSIGN_OR_RETURN(l.attention_out, linear(p + "attention.output.dense", h, h));
    ONYX_ASSIGN_OR_RETURN(l.attention_norm, norm(p + "attention.output.LayerNorm"));
    ONYX_ASSIGN_OR_RETURN(l.intermediate, linear(p + "intermediate.dense", intermediate, h));
    ONYX_ASSIGN_OR_RETURN(l.output, linear(p + "output.dense", h, intermediate));
    ONYX_ASSIGN_OR_RETURN(l.output_norm, norm(p + "output.LayerNorm"));
    model->layers.push_back(std::move(l));
  }

  std::size_t max_length = options.max_length;
  if (max_length == 0) {
    max_length = 256;
    if (auto sb = ReadFile(dir / "sentence_bert_config.json", 1 << 20); sb.ok()) {
      const auto j = nlohmann::json::parse(*sb, nullptr, false);
      if (j.is_object() && j.contains("max_seq_length") &&
          j["max_seq_length"].is_number_unsigned()) {
        max_length = j["max_seq_length"].get<std::size_t>();
      }
    }
  }
  model->max_length = std::max<std::size_t>(2, std::min(max_length, model->positions));
  model->batch_size = std::max<std::size_t>(1, options.batch_size);
  char print[9];
  std::snprintf(print, sizeof print, "%08x", static_cast<unsigned>(fingerprint >> 32));
  model->model_id = "bert-" + fs::path(folder).lexically_normal().filename().string() + "-" +
                    std::to_string(h) + "-" + print;
  return std::unique_ptr<BertEmbedder>(new BertEmbedder(std::move(model)));
}

std::vector<std::int32_t> BertEmbedder::Tokenize(std::string_view text) const {
  return model_->tokenizer->Encode(text, model_->max_length);
}

Status BertEmbedder::EmbedIds(const std::vector<std::vector<std::int32_t>>& ids, float* out) const {
  const Model& m = *model_;
  const std::size_t h = m.hidden;
  const std::size_t d = h / m.heads;
  std::size_t rows = 0;
  for (const auto& seq : ids) {
    if (seq.empty() || seq.size() > m.positions) {
      return Status::InvalidArgument("bert: a sequence of " + std::to_string(seq.size()) +
                                     " tokens (1.." + std::to_string(m.positions) + ")");
    }
    for (const std::int32_t id : seq) {
      if (id < 0 || static_cast<std::size_t>(id) >= m.vocab) {
        return Status::InvalidArgument("bert: token id " + std::to_string(id) +
                                       " is outside the vocabulary");
      }
    }
    rows += seq.size();
  }
  std::vector<float> x(rows * h);
  std::size_t r = 0;
  for (const auto& seq : ids) {
    for (std::size_t t = 0; t < seq.size(); ++t, ++r) {
      const float* w = m.word_embeddings.data() + static_cast<std::size_t>(seq[t]) * h;
      const float* p = m.position_embeddings.data() + t * h;
      const float* ty = m.type_embeddings.data();
      for (std::size_t i = 0; i < h; ++i) x[r * h + i] = w[i] + p[i] + ty[i];
    }
  }
  m.embedding_norm.Apply(x.data(), rows, h);

  std::vector<float> q(rows * h), k(rows * h), v(rows * h), ctx(rows * h), tmp(rows * h);
  std::vector<float> scores;
  const float scale = 1.0F / std::sqrt(static_cast<float>(d));
  for (const Layer& layer : m.layers) {
    layer.query.Apply(x.data(), rows, q.data());
    layer.key.Apply(x.data(), rows, k.data());
    layer.value.Apply(x.data(), rows, v.data());
    std::size_t start = 0;
    for (const auto& seq : ids) {
      const std::size_t t = seq.size();
      scores.resize(t * t);
      for (std::size_t head = 0; head < m.heads; ++head) {
        const float* qh = q.data() + start * h + head * d;
        const float* kh = k.data() + start * h + head * d;
        const float* vh = v.data() + start * h + head * d;
        float* ch = ctx.data() + start * h + head * d;
        Sgemm(false, true, static_cast<int>(t), static_cast<int>(t), static_cast<int>(d), scale, qh,
              static_cast<int>(h), kh, static_cast<int>(h), 0.0F, scores.data(),
              static_cast<int>(t));
        for (std::size_t i = 0; i < t; ++i) {
          float* row = scores.data() + i * t;
          float top = row[0];
          for (std::size_t j = 1; j < t; ++j) top = std::max(top, row[j]);
          float sum = 0;
          for (std::size_t j = 0; j < t; ++j) {
            row[j] = std::exp(row[j] - top);
            sum += row[j];
          }
          for (std::size_t j = 0; j < t; ++j) row[j] /= sum;
        }
        Sgemm(false, false, static_cast<int>(t), static_cast<int>(d), static_cast<int>(t), 1.0F,
              scores.data(), static_cast<int>(t), vh, static_cast<int>(h), 0.0F, ch,
              static_cast<int>(h));
      }
      start += t;
    }
    layer.attention_out.Apply(ctx.data(), rows, tmp.data());
    for (std::size_t i = 0; i < rows * h; ++i) x[i] += tmp[i];
    layer.attention_norm.Apply(x.data(), rows, h);
    std::vector<float> inner(rows * layer.intermediate.out);
    layer.intermediate.Apply(x.data(), rows, inner.data());
    for (float& z : inner) z = 0.5F * z * (1.0F + std::erf(z * 0.70710678118654752F));
    layer.output.Apply(inner.data(), rows, tmp.data());
    for (std::size_t i = 0; i < rows * h; ++i) x[i] += tmp[i];
    layer.output_norm.Apply(x.data(), rows, h);
  }

  // Mean over each sequence's tokens, then unit length.
  std::size_t start = 0;
  for (std::size_t s = 0; s < ids.size(); ++s) {
    float* o = out + s * h;
    std::fill(o, o + h, 0.0F);
    const std::size_t t = ids[s].size();
    for (std::size_t row = start; row < start + t; ++row) {
      for (std::size_t i = 0; i < h; ++i) o[i] += x[row * h + i];
    }
    double norm = 0;
    for (std::size_t i = 0; i < h; ++i) {
      o[i] /= static_cast<float>(t);
      norm += static_cast<double>(o[i]) * o[i];
    }
    const float inv = norm > 0 ? static_cast<float>(1.0 / std::sqrt(norm)) : 0.0F;
    for (std::size_t i = 0; i < h; ++i) o[i] *= inv;
    start += t;
  }
  return Status::Ok();
}

Status BertEmbedder::Embed(std::span<const std::string_view> texts, float* out) const {
  const std::size_t batch = model_->batch_size;
  for (std::size_t first = 0; first < texts.size(); first += batch) {
    std::vector<std::vector<std::int32_t>> ids;
    for (std::size_t i = first; i < std::min(texts.size(), first + batch); ++i) {
      ids.push_back(Tokenize(texts[i]));
    }
    ONYX_RETURN_IF_ERROR(EmbedIds(ids, out + first * model_->hidden));
  }
  return Status::Ok();
}

}  // namespace onyx::embed
