// embed_bench: the bert embedder's throughput on 128-token chunks with 1 and 2
// OpenBLAS threads, beside an OpenBLAS sgemm microbenchmark at the model's own
// GEMM shapes (the roofline: what the chunk's matrix products alone would
// take). The model is a randomly initialised all-MiniLM-L6-v2-sized BERT
// (hidden 384, 6 layers, 12 heads, intermediate 1536, vocabulary 30,522)
// written to a temporary folder; weights do not change the cost.
//
//   embed_bench [--chunks 256]
#include <cblas.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "onyx/embed/bert_embedder.h"

extern "C" void openblas_set_num_threads(int);

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kHidden = 384, kLayers = 6, kHeads = 12, kInter = 1536, kVocab = 30522,
              kPositions = 512, kTokens = 128, kBatch = 16;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

void WriteModel(const fs::path& dir) {
  fs::create_directories(dir);
  std::ofstream(dir / "config.json")
      << "{\"hidden_size\": " << kHidden << ", \"num_attention_heads\": " << kHeads
      << ", \"num_hidden_layers\": " << kLayers << ", \"intermediate_size\": " << kInter
      << ", \"max_position_embeddings\": " << kPositions << ", \"vocab_size\": " << kVocab
      << ", \"type_vocab_size\": 2, \"hidden_act\": \"gelu\"}";
  {
    std::ofstream vocab(dir / "vocab.txt");
    vocab << "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n";
    for (int i = 5; i < kVocab; ++i) vocab << "tok" << i << "\n";
  }
  std::vector<std::pair<std::string, std::vector<int>>> shapes = {
      {"embeddings.word_embeddings.weight", {kVocab, kHidden}},
      {"embeddings.position_embeddings.weight", {kPositions, kHidden}},
      {"embeddings.token_type_embeddings.weight", {2, kHidden}},
      {"embeddings.LayerNorm.weight", {kHidden}},
      {"embeddings.LayerNorm.bias", {kHidden}}};
  for (int l = 0; l < kLayers; ++l) {
    const std::string p = "encoder.layer." + std::to_string(l) + ".";
    for (const char* n : {"query", "key", "value"}) {
      shapes.push_back({p + "attention.self." + n + ".weight", {kHidden, kHidden}});
      shapes.push_back({p + "attention.self." + n + ".bias", {kHidden}});
    }
    shapes.push_back({p + "attention.output.dense.weight", {kHidden, kHidden}});
    shapes.push_back({p + "attention.output.dense.bias", {kHidden}});
    shapes.push_back({p + "attention.output.LayerNorm.weight", {kHidden}});
    shapes.push_back({p + "attention.output.LayerNorm.bias", {kHidden}});
    shapes.push_back({p + "intermediate.dense.weight", {kInter, kHidden}});
    shapes.push_back({p + "intermediate.dense.bias", {kInter}});
    shapes.push_back({p + "output.dense.weight", {kHidden, kInter}});
    shapes.push_back({p + "output.dense.bias", {kHidden}});
    shapes.push_back({p + "output.LayerNorm.weight", {kHidden}});
    shapes.push_back({p + "output.LayerNorm.bias", {kHidden}});
  }
  std::string header = "{";
  std::size_t offset = 0;
  for (const auto& [name, shape] : shapes) {
    std::size_t n = 1;
    std::string dims;
    for (int d : shape) {
      n *= static_cast<std::size_t>(d);
      dims += (dims.empty() ? "" : ",") + std::to_string(d);
    }
    if (header.size() > 1) header += ",";
    header += "\"" + name + "\":{\"dtype\":\"F32\",\"shape\":[" + dims + "],\"data_offsets\":[" +
              std::to_string(offset) + "," + std::to_string(offset + 4 * n) + "]}";
    offset += 4 * n;
  }
  header += "}";
  std::ofstream out(dir / "model.safetensors", std::ios::binary);
  std::uint64_t length = header.size();
  out.write(reinterpret_cast<const char*>(&length), 8);
  out << header;
  std::mt19937 rng(1);
  std::normal_distribution<float> gauss(0.0F, 0.05F);
  std::vector<float> block(1 << 16);
  for (std::size_t written = 0; written < offset;) {
    for (float& x : block) x = gauss(rng);
    const std::size_t n = std::min(block.size() * 4, offset - written);
    out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(n));
    written += n;
  }
}

// Seconds for the GEMMs of one batch of kBatch chunks (the roofline).
double GemmSeconds(int rounds) {
  const int rows = kTokens * kBatch;
  std::vector<float> x(static_cast<std::size_t>(rows) * kInter, 0.01F);
  std::vector<float> w(static_cast<std::size_t>(kInter) * kHidden, 0.01F);
  std::vector<float> y(static_cast<std::size_t>(rows) * kInter);
  std::vector<float> scores(static_cast<std::size_t>(kTokens) * kTokens);
  const auto dense = [&](int out, int in) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, out, in, 1.0F, x.data(), in,
                w.data(), in, 0.0F, y.data(), out);
  };
  const auto start = Clock::now();
  for (int r = 0; r < rounds; ++r) {
    for (int l = 0; l < kLayers; ++l) {
      for (int i = 0; i < 4; ++i) dense(kHidden, kHidden);  // q, k, v, attention output
      dense(kInter, kHidden);
      dense(kHidden, kInter);
      for (int s = 0; s < kBatch; ++s) {
        for (int h = 0; h < kHeads; ++h) {
          const int d = kHidden / kHeads;
          cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, kTokens, kTokens, d, 1.0F, x.data(),
                      kHidden, w.data(), kHidden, 0.0F, scores.data(), kTokens);
          cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, kTokens, d, kTokens, 1.0F,
                      scores.data(), kTokens, w.data(), kHidden, 0.0F, y.data(), kHidden);
        }
      }
    }
  }
  return Seconds(start) / rounds;
}

}  // namespace

int main(int argc, char** argv) {
  int chunks = 256;
  if (argc == 3 && std::string(argv[1]) == "--chunks") chunks = std::atoi(argv[2]);
  if (chunks < kBatch) {
    std::fprintf(stderr, "usage: embed_bench [--chunks N>=16]\n");
    return 2;
  }
  const fs::path dir = fs::temp_directory_path() / "onyx-embed-bench" / "minilm-random";
  WriteModel(dir);
  onyx::embed::BertOptions options;
  options.max_length = kTokens;
  options.batch_size = kBatch;
  auto model = onyx::embed::BertEmbedder::Load(dir.string(), options);
  if (!model.ok()) {
    std::fprintf(stderr, "embed_bench: %s\n", model.status().ToString().c_str());
    return 1;
  }
  // Chunks of 126 vocabulary words: [CLS] + 126 + [SEP] = 128 tokens.
  std::vector<std::string> texts;
  std::mt19937 rng(2);
  std::uniform_int_distribution<int> word(5, kVocab - 1);
  for (int c = 0; c < chunks; ++c) {
    std::string t;
    for (int i = 0; i < kTokens - 2; ++i) t += "tok" + std::to_string(word(rng)) + " ";
    texts.push_back(std::move(t));
  }
  std::vector<std::string_view> views(texts.begin(), texts.end());
  if ((*model)->Tokenize(views[0]).size() != kTokens) {
    std::fprintf(stderr, "embed_bench: chunks are not %d tokens\n", kTokens);
    return 1;
  }
  std::vector<float> out(views.size() * kHidden);
  std::printf(
      "embed_bench: random all-MiniLM-L6-v2-sized BERT (hidden %d, %d layers, %d heads), "
      "%d chunks of %d tokens, batches of %d\n",
      kHidden, kLayers, kHeads, chunks, kTokens, kBatch);
  std::printf("%-8s %14s %18s %8s\n", "threads", "chunks/s", "sgemm roofline/s", "ratio");
  for (const int threads : {1, 2}) {
    openblas_set_num_threads(threads);
    (void)(*model)->Embed(std::span(views.data(), kBatch), out.data());  // warm up
    const auto start = Clock::now();
    const onyx::Status s = (*model)->Embed(views, out.data());
    const double seconds = Seconds(start);
    if (!s.ok()) {
      std::fprintf(stderr, "embed_bench: %s\n", s.ToString().c_str());
      return 1;
    }
    const double rate = chunks / seconds;
    const double roofline = kBatch / GemmSeconds(3);
    std::printf("%-8d %14.1f %18.1f %8.2f\n", threads, rate, roofline, rate / roofline);
  }
  fs::remove_all(dir.parent_path());
  return 0;
}
