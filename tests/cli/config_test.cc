// onyx.toml parsing and validation, and ONYX_* variables over the file.
#include "onyx/cli/config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "testing/temp_dir.h"

namespace onyx::cli {
namespace {

TEST(ConfigTest, AFullFileSetsEveryKey) {
  auto config = ParseConfig(R"(
data_dir = "/srv/onyx"
project = "shop"
embedder = "bert:/models/minilm"

[ingest]
ignore = ["vendor/", "*.min.js"]
max_file_bytes = 2048
max_files = 10
parse_time_limit_ms = 250
threads = 2

[query]
depth = 5
limit = 50
time_limit_ms = 100

[search]
k = 3
mode = "lexical"
hnsw_m = 24
hnsw_ef_construction = 300
hnsw_ef_search = 64
)",
                            "onyx.toml");
  ASSERT_OK(config);
  EXPECT_EQ(config->data_dir, "/srv/onyx");
  EXPECT_EQ(config->project, "shop");
  EXPECT_EQ(config->embedder, "bert:/models/minilm");
  EXPECT_EQ(config->ingest.ignore, (std::vector<std::string>{"vendor/", "*.min.js"}));
  EXPECT_EQ(config->ingest.max_file_bytes, 2048u);
  EXPECT_EQ(config->ingest.max_files, 10u);
  EXPECT_EQ(config->ingest.parse_time_limit, std::chrono::milliseconds(250));
  EXPECT_EQ(config->ingest.threads, 2);
  EXPECT_EQ(config->walk.max_depth, 5);
  EXPECT_EQ(config->walk.max_results, 50u);
  EXPECT_EQ(config->walk.time_limit, std::chrono::milliseconds(100));
  EXPECT_EQ(config->search_k, 3u);
  EXPECT_EQ(config->search_mode, "lexical");
  EXPECT_EQ(config->hnsw_m, 24u);
  EXPECT_EQ(config->hnsw_ef_construction, 300u);
  EXPECT_EQ(config->hnsw_ef_search, 64u);
}

TEST(ConfigTest, ErrorsNameTheKeyAndTheProblem) {
  const struct {
    const char* text;
    const char* message;
  } cases[] = {
      {"[ingest]\nmaxfiles = 3\n", "onyx.toml: unknown key 'ingest.maxfiles'"},
      {"colour = true\n", "onyx.toml: unknown key 'colour'"},
      {"[ingest]\nmax_file_bytes = \"big\"\n", "ingest.max_file_bytes: expected an integer"},
      {"[query]\ndepth = 0\n", "query.depth: must be 1..10, not 0"},
      {"[search]\nhnsw_m = 1\n", "search.hnsw_m: must be 2..256, not 1"},
      {"[search]\nmode = \"fuzzy\"\n", "search.mode: 'fuzzy' is not hybrid, vector or lexical"},
      {"embedder = \"word2vec\"\n", "embedder: 'word2vec' is not hash, bert:FOLDER"},
      {"[ingest]\nignore = \"vendor/\"\n", "ingest.ignore: expected an array of strings"},
      {"project = \"a\"\n\n[query\n", "onyx.toml:3:"},
  };
  for (const auto& c : cases) {
    auto config = ParseConfig(c.text, "onyx.toml");
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_TRUE(config.status().IsInvalidArgument());
    EXPECT_NE(config.status().message().find(c.message), std::string::npos)
        << config.status().message();
  }
}

TEST(ConfigTest, VariablesOverrideTheFile) {
  testing::TempDir dir;
  const std::string file = dir.Sub("onyx.toml");
  std::ofstream(file) << "project = \"from-file\"\n[query]\ndepth = 2\n[search]\nk = 4\n";
  ::setenv("ONYX_QUERY_DEPTH", "7", 1);
  ::setenv("ONYX_INGEST_IGNORE", "a/,b/", 1);
  auto config = LoadConfig(file);
  ::unsetenv("ONYX_QUERY_DEPTH");
  ::unsetenv("ONYX_INGEST_IGNORE");
  ASSERT_OK(config);
  EXPECT_EQ(config->project, "from-file");
  EXPECT_EQ(config->walk.max_depth, 7);
  EXPECT_EQ(config->search_k, 4u);
  EXPECT_EQ(config->ingest.ignore, (std::vector<std::string>{"a/", "b/"}));
  EXPECT_EQ(config->source, file);

  ::setenv("ONYX_SEARCH_K", "many", 1);
  auto bad = LoadConfig(file);
  ::unsetenv("ONYX_SEARCH_K");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("ONYX_SEARCH_K: search.k: 'many' is not an integer"),
            std::string::npos)
      << bad.status().message();
  // A misspelt setting is an error that names it and the right names; other
  // ONYX_ variables (ONYX_LOG, ONYX_CONFIG, …) are not settings and pass.
  ::setenv("ONYX_QUERY_DEPHT", "3", 1);
  auto typo = LoadConfig(file);
  ::unsetenv("ONYX_QUERY_DEPHT");
  ASSERT_FALSE(typo.ok());
  EXPECT_TRUE(typo.status().IsInvalidArgument());
  EXPECT_NE(typo.status().message().find("ONYX_QUERY_DEPHT: not a setting"), std::string::npos)
      << typo.status().message();
  EXPECT_NE(typo.status().message().find("ONYX_QUERY_DEPTH"), std::string::npos);
  ::setenv("ONYX_LOG", "info", 1);
  auto other = LoadConfig(file);
  ::unsetenv("ONYX_LOG");
  EXPECT_OK(other);
  EXPECT_TRUE(FindConfigFile(dir.Sub("missing.toml")).status().IsNotFound());
  auto found = FindConfigFile(file);
  ASSERT_OK(found);
  EXPECT_EQ(**found, file);
}

}  // namespace
}  // namespace onyx::cli
