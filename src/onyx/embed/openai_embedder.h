// Embeddings from any OpenAI-compatible /v1/embeddings endpoint (Ollama,
// llama.cpp server, Text Embeddings Inference, vLLM, OpenAI): batched requests,
// a timeout per request, retries with exponential backoff on transient
// failures (connection errors, timeouts, 429, 5xx), the API key from the
// environment, and errors that say what the server answered.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "onyx/embed/embedder.h"

namespace onyx::embed {

struct OpenAiOptions {
  /// The endpoint, http:// or https:// (e.g. http://127.0.0.1:11434/v1/embeddings).
  std::string url;
  std::string model;           ///< The "model" field of each request.
  std::size_t dimensions = 0;  ///< 0: learnt from the first response.
  std::size_t batch_size = 64;
  std::chrono::milliseconds timeout{30'000};  ///< Per request, connect to last byte.
  int retries = 3;                            ///< After the first attempt.
  std::chrono::milliseconds backoff{250};     ///< Doubles after each retry.
  /// The environment variable holding the API key (sent as a Bearer token when
  /// set and not empty).
  std::string api_key_env = "OPENAI_API_KEY";
  /// Responses larger than this are refused.
  std::size_t max_response_bytes = 256u << 20;
};

class OpenAiEmbedder final : public Embedder {
 public:
  /// InvalidArgument for a URL that is not http(s)://host[:port]/path, an empty
  /// model, or a batch size of 0. When options.dimensions is 0, one request
  /// (embedding "dimensions probe") learns them: its failure is returned.
  static Result<std::unique_ptr<OpenAiEmbedder>> Create(const OpenAiOptions& options);
  ~OpenAiEmbedder() override;

  std::string_view model_id() const override { return model_id_; }
  std::size_t dimensions() const override { return dimensions_; }
  /// IOError after the retries are spent on transient failures (connection,
  /// timeout, 429, 5xx); without retrying, FailedPrecondition for 401/403 (the
  /// key), InvalidArgument for other 4xx (with the server's message), and
  /// Corruption for a response that is not the embeddings asked for.
  Status Embed(std::span<const std::string_view> texts, float* out) const override;

 private:
  struct Endpoint;
  OpenAiEmbedder(OpenAiOptions options, std::unique_ptr<Endpoint> endpoint);
  Status EmbedBatch(std::span<const std::string_view> texts, float* out,
                    std::size_t* learnt_dimensions) const;

  OpenAiOptions options_;
  std::unique_ptr<Endpoint> endpoint_;
  std::string model_id_;
  std::size_t dimensions_ = 0;
};

}  // namespace onyx::embed
