// A stand-in for libFuzzer's driver on compilers without it: runs every file in
// the corpus folder, then deterministic mutations of each (bit flips, truncations,
// insertions, splices), so every build feeds bad bytes to every decoder.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void Run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR [MUTATIONS_PER_SEED]\n", argv[0]);
    return 2;
  }
  const int mutations = argc >= 3 ? std::atoi(argv[2]) : 2000;
  std::vector<std::string> seeds;
  for (const auto& entry : std::filesystem::directory_iterator(argv[1])) {
    std::ifstream in(entry.path(), std::ios::binary);
    seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (seeds.empty()) {
    std::fprintf(stderr, "no seeds in %s\n", argv[1]);
    return 1;
  }
  std::mt19937_64 rng(20261124);
  std::size_t runs = 0;
  for (const std::string& seed : seeds) {
    Run(seed);
    ++runs;
    for (int i = 0; i < mutations; ++i) {
      std::string m = seed;
      switch (rng() % 4) {
        case 0:
          if (!m.empty()) m[rng() % m.size()] ^= static_cast<char>(1u << (rng() % 8));
          break;
        case 1: m.resize(m.empty() ? 0 : rng() % m.size()); break;
        case 2: m.insert(m.empty() ? 0 : rng() % m.size(), 1, static_cast<char>(rng())); break;
        default: {
          const std::string& other = seeds[rng() % seeds.size()];
          m = m.substr(0, m.empty() ? 0 : rng() % m.size()) +
              other.substr(other.empty() ? 0 : rng() % other.size());
        }
      }
      Run(m);
      ++runs;
    }
  }
  std::printf("replayed %zu inputs from %zu seeds\n", runs, seeds.size());
  return 0;
}
