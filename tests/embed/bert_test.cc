// The bert embedder against an independent NumPy reference: the test generates
// a tiny random model (tests/embed/make_tiny_bert.py, with Debian's
// python3-numpy) in f32, f16 and bf16, and compares the encoder's pooled,
// normalised output on sequences that exercise padding (the reference pads and
// masks, Onyx does not), the length limit, [UNK] and folded Unicode. Plus the
// WordPiece tokenizer against hand-checked ids, and bad model folders.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "onyx/embed/bert_embedder.h"
#include "onyx/embed/safetensors.h"
#include "onyx/embed/wordpiece.h"
#include "testing/temp_dir.h"

namespace onyx::embed {
namespace {

struct Reference {
  std::vector<std::vector<std::int32_t>> ids;
  std::vector<std::vector<float>> embeddings;
};

Reference MakeModel(const std::string& dir, const std::string& dtype) {
  const std::string cmd = "/usr/bin/python3 '" + testing::SourceDir() +
                          "/tests/embed/make_tiny_bert.py' '" + dir + "' " + dtype;
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  Reference ref;
  std::ifstream in(dir + "/reference.txt");
  std::string ids_line;
  std::string vector_line;
  while (std::getline(in, ids_line) && std::getline(in, vector_line)) {
    std::istringstream ids(ids_line);
    std::istringstream values(vector_line);
    ref.ids.emplace_back(std::istream_iterator<std::int32_t>(ids),
                         std::istream_iterator<std::int32_t>());
    ref.embeddings.emplace_back(std::istream_iterator<float>(values),
                                std::istream_iterator<float>());
  }
  return ref;
}

class BertTest : public ::testing::TestWithParam<const char*> {
 protected:
  testing::TempDir dir_;
};

TEST_P(BertTest, MatchesTheNumPyReference) {
  const Reference ref = MakeModel(dir_.path(), GetParam());
  ASSERT_EQ(ref.ids.size(), 6u);
  auto model = BertEmbedder::Load(dir_.path());
  ASSERT_OK(model);
  EXPECT_EQ((*model)->dimensions(), 32u);
  std::vector<float> out(ref.ids.size() * 32);
  ASSERT_OK((*model)->EmbedIds(ref.ids, out.data()));
  float worst = 0;
  for (std::size_t s = 0; s < ref.ids.size(); ++s) {
    ASSERT_EQ(ref.embeddings[s].size(), 32u);
    for (std::size_t i = 0; i < 32; ++i) {
      worst = std::max(worst, std::fabs(out[s * 32 + i] - ref.embeddings[s][i]));
    }
  }
  EXPECT_LE(worst, 1e-4F) << GetParam();
  // One at a time gives the same as the batch.
  std::vector<float> one(32);
  ASSERT_OK((*model)->EmbedIds({ref.ids[3]}, one.data()));
  for (std::size_t i = 0; i < 32; ++i) EXPECT_NEAR(one[i], out[3 * 32 + i], 1e-5F);
}

INSTANTIATE_TEST_SUITE_P(Dtypes, BertTest, ::testing::Values("F32", "F16", "BF16"));

TEST(BertEmbedder, TheModelIdNamesTheWeightsNotOnlyTheFolder) {
  // Two models in folders of the same name: their vectors must not mix.
  testing::TempDir dir;
  const std::string a = dir.Sub("a/minilm");
  const std::string b = dir.Sub("b/minilm");
  MakeModel(a, "F32");
  MakeModel(b, "F16");
  auto first = BertEmbedder::Load(a);
  auto second = BertEmbedder::Load(b);
  auto again = BertEmbedder::Load(a);
  ASSERT_OK(first);
  ASSERT_OK(second);
  ASSERT_OK(again);
  EXPECT_TRUE((*first)->model_id().starts_with("bert-minilm-32-")) << (*first)->model_id();
  EXPECT_NE((*first)->model_id(), (*second)->model_id());
  EXPECT_EQ((*first)->model_id(), (*again)->model_id());
}

TEST(BertEmbedder, TextsAreTokenizedTruncatedAndEmbedded) {
  testing::TempDir dir;
  const Reference ref = MakeModel(dir.path(), "F32");
  BertOptions options;
  options.max_length = 16;
  auto model = BertEmbedder::Load(dir.path(), options);
  ASSERT_OK(model);
  // "Hello, world!" → [CLS] hello , world ! [SEP] (the reference's first line
  // has "hello world !": ids checked by hand against the vocabulary).
  EXPECT_EQ((*model)->Tokenize("Hello, world!"), (std::vector<std::int32_t>{2, 16, 18, 17, 20, 3}));
  EXPECT_EQ((*model)->Tokenize("unaffable"), (std::vector<std::int32_t>{2, 13, 14, 15, 3}));
  // Café folds to cafe; CJK characters split; unknown words are [UNK].
  EXPECT_EQ((*model)->Tokenize("中文 Café. zebra"),
            (std::vector<std::int32_t>{2, 22, 23, 21, 19, 1, 3}));
  // Truncated to 16 ids, [SEP] kept.
  const auto long_ids = (*model)->Tokenize(std::string(200, 'x') +
                                           " the cart the cart the cart "
                                           "the cart the cart the cart the cart the cart");
  ASSERT_EQ(long_ids.size(), 16u);
  EXPECT_EQ(long_ids[1], 1);  // a word over 100 characters is [UNK]
  EXPECT_EQ(long_ids.back(), 3);
  // Embed(text) is EmbedIds(Tokenize(text)).
  const std::string_view texts[] = {"unaffable", ""};
  std::vector<float> a(64);
  ASSERT_OK((*model)->Embed(texts, a.data()));
  std::vector<float> b(64);
  ASSERT_OK((*model)->EmbedIds({{2, 13, 14, 15, 3}, {2, 3}}, b.data()));
  EXPECT_EQ(a, b);
  float norm = 0;
  for (std::size_t i = 0; i < 32; ++i) norm += a[i] * a[i];
  EXPECT_NEAR(norm, 1.0F, 1e-5F);
  EXPECT_TRUE((*model)->EmbedIds({{2, 999}}, b.data()).IsInvalidArgument());
  EXPECT_TRUE((*model)->EmbedIds({{}}, b.data()).IsInvalidArgument());
}

TEST(WordPiece, BasicTokenizerRules) {
  auto t = WordPieceTokenizer::FromTokens({"[PAD]", "[UNK]", "[CLS]", "[SEP]"}, true);
  ASSERT_OK(t);
  EXPECT_EQ(t->BasicTokens(" Héllo,\tWORLD!\u00a0ÉCOLE\u200b ÆON"),
            (std::vector<std::string>{"hello", ",", "world", "!", "ecole", "æon"}));
  EXPECT_EQ(t->BasicTokens("a中b\x01\xff"), (std::vector<std::string>{"a", "中", "b"}));
  auto cased = WordPieceTokenizer::FromTokens({"[UNK]", "[CLS]", "[SEP]"}, false);
  ASSERT_OK(cased);
  EXPECT_EQ(cased->BasicTokens("Héllo World"), (std::vector<std::string>{"Héllo", "World"}));
  EXPECT_FALSE(WordPieceTokenizer::FromTokens({"[CLS]", "[SEP]"}, true).ok());
}

TEST(BertEmbedder, ClearErrorsForBadModelFolders) {
  testing::TempDir dir;
  EXPECT_TRUE(BertEmbedder::Load(dir.path()).status().IsNotFound());
  MakeModel(dir.path(), "F32");
  std::ofstream(dir.path() + "/config.json", std::ios::trunc)
      << "{\"hidden_size\": 30, "
         "\"num_attention_heads\": 4, \"num_hidden_layers\": 2, \"intermediate_size\": 64}";
  auto odd = BertEmbedder::Load(dir.path());
  EXPECT_TRUE(odd.status().IsInvalidArgument()) << odd.status().ToString();
  std::ofstream(dir.path() + "/config.json", std::ios::trunc) << "not json";
  EXPECT_TRUE(BertEmbedder::Load(dir.path()).status().IsInvalidArgument());
  // A header longer than the file; a tensor that is not an object; offsets past
  // the data.
  const auto bytes = [](std::string_view json, std::size_t data) {
    std::string b(8, '\0');
    b[0] = static_cast<char>(json.size());
    return b + std::string(json) + std::string(data, '\0');
  };
  std::string too_long = bytes("{}", 0);
  too_long[0] = 40;
  EXPECT_EQ(SafeTensors::Parse(too_long).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(SafeTensors::Parse(bytes("{\"a\":1}", 0)).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(
      SafeTensors::Parse(bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 4))
          .status()
          .code(),
      StatusCode::kCorruption);
  EXPECT_EQ(
      SafeTensors::Parse(bytes(R"({"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})", 8))
          .status()
          .code(),
      StatusCode::kCorruption);
  auto good =
      SafeTensors::Parse(bytes(R"({"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})", 4));
  ASSERT_OK(good);
  auto a = good->Get("a");
  ASSERT_OK(a);
  EXPECT_EQ(a->data, (std::vector<float>{0.0F, 0.0F}));
  EXPECT_TRUE(good->Get("b").status().IsNotFound());
}

}  // namespace
}  // namespace onyx::embed
