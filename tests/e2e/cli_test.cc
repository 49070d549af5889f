// Runs the real `onyx` binary: output, exit codes (0 ok, 2 usage, 3 not found).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "testing/temp_dir.h"

namespace onyx {
namespace {

struct CliRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs onyx; `output` is stdout and stderr, or stdout alone (for --json).
CliRun Onyx(const std::string& data_dir, const std::string& args, bool with_stderr = true,
            const std::string& env = "") {
  const std::string cmd = (env.empty() ? "" : "env " + env + " ") + std::string(ONYX_BINARY) +
                          " --data-dir '" + data_dir + "' " + args +
                          (with_stderr ? " 2>&1" : " 2>/dev/null");
  CliRun run;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return run;
  char buf[4096];
  while (std::fgets(buf, sizeof(buf), pipe) != nullptr) run.output += buf;
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class CliTest : public ::testing::Test {
 protected:
  // A copy of the Python resolution fixture (a small shop) to edit; its path.
  std::string CopyShop() {
    const std::string tree = dir_.Sub("shop");
    std::filesystem::copy(testing::SourceDir() + "/tests/fixtures/resolve/python", tree,
                          std::filesystem::copy_options::recursive);
    return tree;
  }

  testing::TempDir dir_;
  std::string fixture_ = testing::SourceDir() + "/tests/fixtures/mixed_tree";
};

TEST_F(CliTest, IngestThenStatsFindAndLog) {
  const CliRun ingest = Onyx(dir_.path(), "-p demo ingest " + fixture_);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.output;
  EXPECT_NE(ingest.output.find("ingested 7 files"), std::string::npos) << ingest.output;
  EXPECT_NE(ingest.output.find("revision 1: nodes +32"), std::string::npos) << ingest.output;

  const CliRun again = Onyx(dir_.path(), "-p demo ingest " + fixture_);
  ASSERT_EQ(again.exit_code, 0);
  EXPECT_NE(again.output.find("nothing changed; no revision committed"), std::string::npos);

  const CliRun stats = Onyx(dir_.path(), "-p demo stats");
  ASSERT_EQ(stats.exit_code, 0);
  EXPECT_NE(stats.output.find("nodes      32 (32 versions)"), std::string::npos) << stats.output;
  EXPECT_NE(stats.output.find("contains     31"), std::string::npos) << stats.output;

  EXPECT_NE(ingest.output.find("parsed 7 files (0 unchanged, 0 with syntax errors)"),
            std::string::npos)
      << ingest.output;
  EXPECT_NE(ingest.output.find("  method       3"), std::string::npos) << ingest.output;

  const CliRun find = Onyx(dir_.path(), "-p demo find HELPERS.RS");
  ASSERT_EQ(find.exit_code, 0);
  EXPECT_NE(find.output.find("src/util/helpers.rs"), std::string::npos) << find.output;
  const CliRun greeter = Onyx(dir_.path(), "-p demo find greeter");
  ASSERT_EQ(greeter.exit_code, 0);
  EXPECT_NE(greeter.output.find("class      Greeter"), std::string::npos) << greeter.output;

  const CliRun log = Onyx(dir_.path(), "-p demo log");
  ASSERT_EQ(log.exit_code, 0);
  EXPECT_NE(log.output.find("worktree"), std::string::npos) << log.output;
}

TEST_F(CliTest, NotFoundExitsThree) {
  ASSERT_EQ(Onyx(dir_.path(), "-p demo ingest " + fixture_).exit_code, 0);
  const CliRun find = Onyx(dir_.path(), "-p demo find no_such_symbol");
  EXPECT_EQ(find.exit_code, 3);
  EXPECT_NE(find.output.find("no node named 'no_such_symbol'"), std::string::npos);
  EXPECT_EQ(Onyx(dir_.path(), "-p nope stats").exit_code, 3);
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Onyx(dir_.path(), "frobnicate").exit_code, 2);
  EXPECT_EQ(Onyx(dir_.path(), "find").exit_code, 2);
  const CliRun bad = Onyx(dir_.path(), "-p '../etc' init");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("project name '../etc' is invalid"), std::string::npos) << bad.output;
  ASSERT_EQ(Onyx(dir_.path(), "-p demo init").exit_code, 0);
  EXPECT_EQ(Onyx(dir_.path(), "-p demo find x --as-of notanumber").exit_code, 2);
  EXPECT_EQ(Onyx(dir_.path(), "-p demo neighbors x --direction sideways").exit_code, 2);
}

TEST_F(CliTest, AsOfAfterTheLatestRevisionIsAUsageError) {
  ASSERT_EQ(Onyx(dir_.path(), "-p demo ingest " + fixture_).exit_code, 0);
  const CliRun r = Onyx(dir_.path(), "-p demo find app.py --as-of 9");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("revision '9' is not in 1..1"), std::string::npos) << r.output;
}

TEST_F(CliTest, IngestHistoryOfAGitRepository) {
  const std::string repo = dir_.Sub("repo");
  const std::string git = "git -C '" + repo +
                          "' -c user.name=Ada -c user.email=ada@example.com "
                          "-c commit.gpgsign=false ";
  const std::string script = "mkdir -p '" + repo + "' && " + git + "init -q -b main && " +
                             "printf 'def a():\\n    return 1\\n' > '" + repo + "/a.py' && " + git +
                             "add -A && " + git + "commit -q -m 'first' && " +
                             "printf 'def a():\\n    return 2\\n' > '" + repo + "/a.py' && " + git +
                             "commit -q -am 'second: a returns 2' >/dev/null 2>&1";
  ASSERT_EQ(std::system(script.c_str()), 0);

  const CliRun history = Onyx(dir_.path(), "-p repo ingest --history '" + repo + "'");
  ASSERT_EQ(history.exit_code, 0) << history.output;
  EXPECT_NE(history.output.find("ingested 2 commits as revisions 1..2"), std::string::npos)
      << history.output;
  const CliRun log = Onyx(dir_.path(), "-p repo log");
  ASSERT_EQ(log.exit_code, 0);
  EXPECT_NE(log.output.find("git"), std::string::npos) << log.output;
  EXPECT_NE(log.output.find("second: a returns 2"), std::string::npos) << log.output;
  const CliRun again = Onyx(dir_.path(), "-p repo ingest --history '" + repo + "'");
  ASSERT_EQ(again.exit_code, 0);
  EXPECT_NE(again.output.find("no new commits"), std::string::npos) << again.output;

  // Revisions named by commit id and HEAD~N.
  std::string first_commit;
  {
    FILE* pipe = ::popen(("git -C '" + repo + "' rev-parse HEAD~1").c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    char buf[64] = {};
    ASSERT_NE(std::fgets(buf, sizeof buf, pipe), nullptr);
    ::pclose(pipe);
    first_commit = std::string(buf).substr(0, 8);
  }
  const CliRun show = Onyx(dir_.path(), "-p repo show a --as-of " + first_commit);
  ASSERT_EQ(show.exit_code, 0) << show.output;
  EXPECT_NE(show.output.find("return 1"), std::string::npos) << show.output;
  const CliRun versions = Onyx(dir_.path(), "-p repo history a.a");
  ASSERT_EQ(versions.exit_code, 0) << versions.output;
  EXPECT_NE(versions.output.find("second: a returns 2  (Ada"), std::string::npos)
      << versions.output;
  const CliRun diff = Onyx(dir_.path(), "-p repo diff HEAD~1", /*with_stderr=*/false);
  ASSERT_EQ(diff.exit_code, 0) << diff.output;
  EXPECT_NE(diff.output.find("diff 1..2: 0 added, 0 removed, 2 changed, 0 moved"),
            std::string::npos)
      << diff.output;
  const CliRun json = Onyx(dir_.path(), "-p repo diff " + first_commit + " HEAD --json", false);
  ASSERT_EQ(json.exit_code, 0) << json.output;
  const auto doc = nlohmann::json::parse(json.output);
  EXPECT_EQ(doc["from"], 1);
  EXPECT_EQ(doc["to"], 2);
  ASSERT_EQ(doc["changed"].size(), 2u);
  EXPECT_EQ(doc["changed"][1]["after"]["qualified_name"], "a.a");
  EXPECT_EQ(doc["changed"][1]["changes"], nlohmann::json::array({"body"}));
  EXPECT_EQ(Onyx(dir_.path(), "-p repo diff HEAD").exit_code, 2);  // nothing after HEAD
  EXPECT_EQ(Onyx(dir_.path(), "-p repo show a --as-of fedcba98").exit_code, 2);

  EXPECT_EQ(Onyx(dir_.path(), "-p repo ingest --history --since someday '" + repo + "'").exit_code,
            2);
  EXPECT_EQ(Onyx(dir_.path(), "-p repo ingest --max-commits 3 '" + repo + "'").exit_code, 2);
  EXPECT_EQ(Onyx(dir_.path(), "-p repo ingest --history '" + dir_.Sub("nowhere") + "'").exit_code,
            3);
}

TEST_F(CliTest, SearchKeepsASnapshotAndRebuildsADamagedOne) {
  const std::string fixture = testing::SourceDir() + "/tests/fixtures/resolve/python";
  ASSERT_EQ(Onyx(dir_.path(), "-p shop ingest " + fixture).exit_code, 0);
  const CliRun first = Onyx(dir_.path(), "-p shop search Cart -k 3");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("3 hits as of revision 1 (hybrid, hash-384-v2)"), std::string::npos)
      << first.output;
  EXPECT_NE(first.output.find("  1. "), std::string::npos);
  EXPECT_NE(first.output.find("shop.cart.Cart  shop/cart.py:11"), std::string::npos)
      << first.output;
  const std::string snapshot = dir_.path() + "/search/1-hash-384-v2.snapshot";
  ASSERT_TRUE(std::ifstream(snapshot).good());

  const CliRun again = Onyx(dir_.path(), "-p shop search Cart -k 3");
  ASSERT_EQ(again.exit_code, 0);
  EXPECT_EQ(again.output, first.output);  // loaded, not rebuilt: same answer, no warning

  std::ofstream(snapshot, std::ios::trunc) << "not a snapshot";
  const CliRun rebuilt = Onyx(dir_.path(), "-p shop search Cart -k 3");
  ASSERT_EQ(rebuilt.exit_code, 0);
  EXPECT_NE(rebuilt.output.find("warning: search index of project 'shop'"), std::string::npos)
      << rebuilt.output;
  EXPECT_NE(rebuilt.output.find("rebuilding it from the store"), std::string::npos);
  EXPECT_NE(rebuilt.output.find("shop.cart.Cart  shop/cart.py:11"), std::string::npos);

  EXPECT_EQ(Onyx(dir_.path(), "-p shop search zzzqqq --mode lexical").exit_code, 3);
  EXPECT_EQ(Onyx(dir_.path(), "-p shop search Cart --mode fuzzy").exit_code, 2);
  EXPECT_EQ(Onyx(dir_.path(), "-p shop search Cart --kind gizmo").exit_code, 2);
  EXPECT_EQ(Onyx(dir_.path(), "-p shop search Cart --as-of 9").exit_code, 2);
  EXPECT_EQ(Onyx(dir_.path(), "-p shop search Cart -k 0").exit_code, 2);
  EXPECT_EQ(Onyx(dir_.path(), "-p shop search Cart --prior pagerank").exit_code, 2);

  // Another HNSW M (search.hnsw_m): the snapshot's graph no longer fits, so
  // the index is rebuilt, and said so; the answer stays the same.
  const CliRun other_m =
      Onyx(dir_.path(), "-p shop search Cart -k 3", true, "ONYX_SEARCH_HNSW_M=8");
  ASSERT_EQ(other_m.exit_code, 0) << other_m.output;
  EXPECT_NE(other_m.output.find("connectivity differs"), std::string::npos) << other_m.output;
  EXPECT_NE(other_m.output.find("shop.cart.Cart  shop/cart.py:11"), std::string::npos);
  const CliRun kept = Onyx(dir_.path(), "-p shop search Cart -k 3", true, "ONYX_SEARCH_HNSW_M=8");
  EXPECT_EQ(kept.output.find("rebuilding"), std::string::npos) << kept.output;

  // The centrality prior: pricing.total (3 imports, 3 calls) rises to first.
  const CliRun lifted =
      Onyx(dir_.path(), "-p shop search total -k 3 --prior centrality --json", false);
  ASSERT_EQ(lifted.exit_code, 0) << lifted.output;
  const auto hits = nlohmann::json::parse(lifted.output)["hits"];
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0]["qualified_name"], "shop.pricing.total");
  EXPECT_EQ(hits[0]["parts"]["in_degree"], 6);
}

TEST_F(CliTest, SearchWithALocalBertModelAndReembed) {
  const std::string model = dir_.Sub("tiny-bert");
  const std::string make = "/usr/bin/python3 '" + testing::SourceDir() +
                           "/tests/embed/make_tiny_bert.py' '" + model + "' F16";
  ASSERT_EQ(std::system(make.c_str()), 0);
  const std::string fixture = testing::SourceDir() + "/tests/fixtures/resolve/python";
  ASSERT_EQ(Onyx(dir_.path(), "-p shop ingest " + fixture).exit_code, 0);
  const std::string bert = "--embedder 'bert:" + model + "' ";
  const CliRun search = Onyx(dir_.path(), bert + "-p shop search 'cart total' -k 2");
  ASSERT_EQ(search.exit_code, 0) << search.output;
  const std::size_t id_at = search.output.find("(hybrid, bert-tiny-bert-32-");
  ASSERT_NE(id_at, std::string::npos) << search.output;
  // The id ends with 8 hex digits of the weights' fingerprint.
  const std::string id =
      search.output.substr(id_at + 9, search.output.find(')', id_at) - id_at - 9);
  EXPECT_EQ(id.size(), std::string("bert-tiny-bert-32-").size() + 8) << id;
  const CliRun reembed = Onyx(dir_.path(), bert + "-p shop reembed");
  ASSERT_EQ(reembed.exit_code, 0) << reembed.output;
  EXPECT_NE(reembed.output.find("re-embedded 22 documents"), std::string::npos) << reembed.output;
  // Each model keeps its own index.
  EXPECT_TRUE(std::ifstream(dir_.path() + "/search/1-" + id + ".snapshot").good());
  EXPECT_FALSE(std::ifstream(dir_.path() + "/search/1-hash-384-v2.snapshot").good());
  EXPECT_EQ(Onyx(dir_.path(), "--embedder bert:/nonexistent -p shop search cart").exit_code, 3);
  EXPECT_EQ(Onyx(dir_.path(), "--embedder word2vec -p shop stats").exit_code, 2);
}

TEST_F(CliTest, ImpactAndTests) {
  const std::string fixture = testing::SourceDir() + "/tests/fixtures/resolve/python";
  ASSERT_EQ(Onyx(dir_.path(), "-p shop ingest " + fixture).exit_code, 0);
  const CliRun impact = Onyx(dir_.path(), "-p shop impact shop.pricing.subtotal --depth 2");
  ASSERT_EQ(impact.exit_code, 0) << impact.output;
  EXPECT_NE(impact.output.find("impact of function shop.pricing.subtotal as of revision 1: 9 nodes "
                               "(partial: a limit was reached)"),
            std::string::npos)
      << impact.output;
  // Columns line up: names and locations are padded to the widest.
  EXPECT_NE(impact.output.find("depth 1\n  1.00  function   shop.pricing.total          "
                               "shop/pricing.py:8     via calls\n        tests: "
                               "tests.test_cart.test_total"),
            std::string::npos)
      << impact.output;
  {
    std::istringstream lines(impact.output);
    std::set<std::size_t> via_columns;
    for (std::string line; std::getline(lines, line);) {
      if (line.find(" via ") != std::string::npos) via_columns.insert(line.find(" via "));
    }
    EXPECT_EQ(via_columns.size(), 1u) << impact.output;
  }
  const CliRun tests = Onyx(dir_.path(), "-p shop tests Cart.add");
  ASSERT_EQ(tests.exit_code, 0) << tests.output;
  EXPECT_NE(tests.output.find("tests of method shop.cart.Cart.add as of revision 1: 0 tests"),
            std::string::npos)
      << tests.output;
  const CliRun ambiguous = Onyx(dir_.path(), "-p shop impact total");
  EXPECT_EQ(ambiguous.exit_code, 2);
  EXPECT_NE(ambiguous.output.find("names 3 nodes"), std::string::npos) << ambiguous.output;
  EXPECT_EQ(Onyx(dir_.path(), "-p shop impact no_such_symbol").exit_code, 3);
  EXPECT_EQ(Onyx(dir_.path(), "-p shop impact Cart --depth 0").exit_code, 2);
  EXPECT_EQ(Onyx(dir_.path(), "-p shop tests Cart --as-of 5").exit_code, 2);

  const CliRun callers =
      Onyx(dir_.path(), "-p shop neighbors shop.pricing.subtotal --direction in --edge calls");
  ASSERT_EQ(callers.exit_code, 0) << callers.output;
  EXPECT_NE(callers.output.find("neighbors of function shop.pricing.subtotal as of revision 1: 2 "
                                "nodes\n  1.00  function   shop.pricing.total          "
                                "shop/pricing.py:8  via calls\n  0.95  method     "
                                "shop.cart.Cart.cheap_total  shop/cart.py:25    via calls\n"),
            std::string::npos)
      << callers.output;
  const CliRun deep =
      Onyx(dir_.path(), "-p shop neighbors app.main --edge calls --depth 3 --kind function");
  ASSERT_EQ(deep.exit_code, 0) << deep.output;
  EXPECT_NE(deep.output.find("depth 3\n  0.95  function   shop.pricing.subtotal"),
            std::string::npos)
      << deep.output;
  EXPECT_EQ(Onyx(dir_.path(), "-p shop neighbors app.main --edge gizmos").exit_code, 2);

  // covers: what a test exercises (tests edges, then the calls beneath).
  const CliRun covers = Onyx(dir_.path(), "-p shop covers tests.test_cart.test_total --depth 2");
  ASSERT_EQ(covers.exit_code, 0) << covers.output;
  EXPECT_NE(covers.output.find("covered by test tests.test_cart.test_total as of revision 1:"),
            std::string::npos)
      << covers.output;
  EXPECT_NE(covers.output.find("function   shop.pricing.subtotal      shop/pricing.py:4     via"),
            std::string::npos)
      << covers.output;
  EXPECT_EQ(Onyx(dir_.path(), "-p shop covers shop.pricing.total").exit_code, 2);  // not a test

  // explain: where adjacency came from, what was read, time per step.
  const CliRun explained =
      Onyx(dir_.path(), "-p shop impact shop.pricing.subtotal --explain --json", false);
  ASSERT_EQ(explained.exit_code, 0) << explained.output;
  const auto plan = nlohmann::json::parse(explained.output)["plan"];
  EXPECT_EQ(plan["source"], "store");
  EXPECT_EQ(plan["counts"]["nodes_loaded"], 10);
  EXPECT_GE(plan["counts"]["nodes_expanded"].get<int>(), 10);
  ASSERT_EQ(plan["steps"].size(), 5u);
  EXPECT_EQ(plan["steps"][1]["step"], "walk");
  const CliRun text = Onyx(dir_.path(), "-p shop tests Cart --explain");
  EXPECT_NE(text.output.find("plan: from the store; "), std::string::npos) << text.output;
  EXPECT_NE(text.output.find(" edges_read, "), std::string::npos) << text.output;
}

std::string OnyxStdout(const std::string& data_dir, const std::string& args, int* code) {
  CliRun run = Onyx(data_dir, args, /*with_stderr=*/false);
  *code = run.exit_code;
  return std::move(run.output);
}

TEST_F(CliTest, JsonOutputOfTheQueryCommands) {
  const std::string fixture = testing::SourceDir() + "/tests/fixtures/resolve/python";
  ASSERT_EQ(Onyx(dir_.path(), "-p shop ingest " + fixture).exit_code, 0);
  int code = -1;
  const auto search =
      nlohmann::json::parse(OnyxStdout(dir_.path(), "-p shop search Cart -k 2 --json", &code));
  EXPECT_EQ(code, 0);
  EXPECT_EQ(search["revision"], 1);
  EXPECT_EQ(search["mode"], "hybrid");
  ASSERT_EQ(search["hits"].size(), 2u);
  EXPECT_EQ(search["hits"][0]["qualified_name"], "shop.cart.Cart");
  EXPECT_EQ(search["hits"][0]["id"].get<std::string>().size(), 16u);
  EXPECT_TRUE(search["hits"][0]["valid_to"].is_null());
  EXPECT_EQ(search["hits"][0]["parts"]["exact_name"], 1.0);

  const auto impact = nlohmann::json::parse(
      OnyxStdout(dir_.path(), "-p shop impact shop.pricing.subtotal --json", &code));
  EXPECT_EQ(code, 0);
  EXPECT_EQ(impact["start"]["qualified_name"], "shop.pricing.subtotal");
  EXPECT_EQ(impact["partial"], false);
  ASSERT_EQ(impact["results"].size(), 10u);
  EXPECT_EQ(impact["results"][0]["node"]["qualified_name"], "shop.pricing.total");
  EXPECT_EQ(impact["results"][0]["path"][0]["kind"], "calls");
  EXPECT_EQ(impact["results"][0]["tests"][0]["qualified_name"], "tests.test_cart.test_total");

  const auto tests = nlohmann::json::parse(
      OnyxStdout(dir_.path(), "-p shop tests shop.pricing.subtotal --json", &code));
  ASSERT_EQ(tests["results"].size(), 1u);
  EXPECT_EQ(tests["results"][0]["node"]["kind"], "test");

  const auto stats = nlohmann::json::parse(OnyxStdout(dir_.path(), "-p shop stats --json", &code));
  EXPECT_EQ(stats["revision"], 1);
  EXPECT_EQ(stats["edges"]["inherits"], 1);
  const auto log = nlohmann::json::parse(OnyxStdout(dir_.path(), "-p shop log --json", &code));
  ASSERT_EQ(log["revisions"].size(), 1u);
  EXPECT_EQ(log["revisions"][0]["source"], "worktree");
  const auto found =
      nlohmann::json::parse(OnyxStdout(dir_.path(), "-p shop find zzz --json", &code));
  EXPECT_EQ(code, 3);
  EXPECT_TRUE(found["nodes"].empty());
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_F(CliTest, ExportImportBackupRestore) {
  const std::string fixture = testing::SourceDir() + "/tests/fixtures/resolve/python";
  ASSERT_EQ(Onyx(dir_.path(), "-p shop ingest " + fixture).exit_code, 0);
  const std::string first = dir_.Sub("first.jsonl");
  const CliRun exported = Onyx(dir_.path(), "-p shop export --with-history -o '" + first + "'");
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  EXPECT_NE(exported.output.find("exported 1 revisions"), std::string::npos) << exported.output;

  const std::string other = dir_.Sub("other");
  const CliRun imported = Onyx(other, "-p copy import '" + first + "'");
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  const std::string second = dir_.Sub("second.jsonl");
  ASSERT_EQ(Onyx(other, "-p copy export --with-history -o '" + second + "'").exit_code, 0);
  EXPECT_EQ(ReadAll(first), ReadAll(second));
  const CliRun show = Onyx(other, "-p copy show shop.pricing.total");
  ASSERT_EQ(show.exit_code, 0) << show.output;
  EXPECT_NE(show.output.find("return subtotal(items)"), std::string::npos) << show.output;
  EXPECT_NE(show.output.find("shop/pricing.py:8-10"), std::string::npos) << show.output;
  EXPECT_NE(show.output.find("  def total(items):\n"), std::string::npos) << show.output;
  // Importing again into the same project, or a broken file, fails clearly.
  EXPECT_EQ(Onyx(other, "-p copy import '" + first + "'").exit_code, 2);
  std::ofstream(dir_.Sub("broken.jsonl")) << "{\"format\":\"onyx-graph\",\"version\":1}\n{oops\n";
  const CliRun broken = Onyx(other, "-p broken import '" + dir_.Sub("broken.jsonl") + "'");
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.output.find("line 2 is not JSON"), std::string::npos) << broken.output;
  EXPECT_EQ(Onyx(other, "projects").output.find("broken"), std::string::npos);
  EXPECT_EQ(Onyx(other, "-p x import '" + dir_.Sub("missing.jsonl") + "'").exit_code, 3);

  const std::string backup = dir_.Sub("backup");
  const CliRun backed_up = Onyx(dir_.path(), "backup '" + backup + "'");
  ASSERT_EQ(backed_up.exit_code, 0) << backed_up.output;
  const CliRun restored = Onyx(other, "restore '" + backup + "'");
  ASSERT_EQ(restored.exit_code, 0) << restored.output;
  EXPECT_NE(restored.output.find("restored 1 projects"), std::string::npos) << restored.output;
  const CliRun projects = Onyx(other, "projects");
  EXPECT_NE(projects.output.find("shop"), std::string::npos) << projects.output;
  EXPECT_EQ(projects.output.find("copy"), std::string::npos) << projects.output;
  EXPECT_EQ(Onyx(other, "restore '" + dir_.Sub("nowhere") + "'").exit_code, 3);
}

TEST_F(CliTest, ConfigFileThenEnvironmentThenFlags) {
  const std::string fixture = testing::SourceDir() + "/tests/fixtures/resolve/python";
  const std::string config = dir_.Sub("onyx.toml");
  std::ofstream(config) << "project = \"shop\"\n[query]\ndepth = 1\n";
  ASSERT_EQ(Onyx(dir_.path(), "--config '" + config + "' ingest " + fixture).exit_code, 0);
  // The file: project shop, depth 1.
  const CliRun file = Onyx(dir_.path(), "--config '" + config + "' impact shop.pricing.subtotal");
  ASSERT_EQ(file.exit_code, 0) << file.output;
  EXPECT_NE(file.output.find("as of revision 1: 3 nodes (partial"), std::string::npos)
      << file.output;
  // The environment over the file; a flag over both.
  const CliRun env = Onyx(dir_.path(), "--config '" + config + "' impact shop.pricing.subtotal",
                          true, "ONYX_QUERY_DEPTH=2");
  EXPECT_NE(env.output.find("depth 2"), std::string::npos) << env.output;
  EXPECT_EQ(env.output.find("depth 3"), std::string::npos) << env.output;
  const CliRun flag =
      Onyx(dir_.path(), "--config '" + config + "' impact shop.pricing.subtotal --depth 3", true,
           "ONYX_QUERY_DEPTH=2");
  EXPECT_NE(flag.output.find("depth 3"), std::string::npos) << flag.output;
  // Errors name the key.
  std::ofstream(config, std::ios::trunc) << "[query]\ndepht = 2\n";
  const CliRun bad = Onyx(dir_.path(), "--config '" + config + "' stats");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("unknown key 'query.depht'"), std::string::npos) << bad.output;
  EXPECT_EQ(Onyx(dir_.path(), "--config '" + dir_.Sub("none.toml") + "' stats").exit_code, 3);
  const CliRun bad_env = Onyx(dir_.path(), "-p shop stats", true, "ONYX_SEARCH_K=lots");
  EXPECT_EQ(bad_env.exit_code, 2);
  EXPECT_NE(bad_env.output.find("ONYX_SEARCH_K"), std::string::npos) << bad_env.output;
}

TEST_F(CliTest, StatusAndImpactOfTheWorkingTreeAndOfACommit) {
  const std::string tree = CopyShop();
  ASSERT_EQ(Onyx(dir_.path(), "-p shop ingest '" + tree + "'").exit_code, 0);
  const CliRun clean = Onyx(dir_.path(), "-p shop status --tree '" + tree + "'");
  ASSERT_EQ(clean.exit_code, 0) << clean.output;
  EXPECT_NE(clean.output.find("up to date with"), std::string::npos) << clean.output;

  std::ofstream(tree + "/shop/pricing.py", std::ios::trunc)
      << "TAX_RATE = 0.2\n\n\ndef subtotal(items):\n    return sum(i.price for i in items)\n\n\n"
         "def total(items):\n    \"\"\"Subtotal plus tax.\"\"\"\n    return subtotal(items) * (1 + "
         "TAX_RATE)\n";
  const CliRun stale = Onyx(dir_.path(), "-p shop status --json --tree '" + tree + "'", false);
  ASSERT_EQ(stale.exit_code, 0) << stale.output;
  const auto status = nlohmann::json::parse(stale.output);
  EXPECT_EQ(status["stale"], true);
  EXPECT_EQ(status["modified"], nlohmann::json::array({"shop/pricing.py"}));

  const CliRun changed = Onyx(dir_.path(), "-p shop impact --changed --tree '" + tree + "'");
  ASSERT_EQ(changed.exit_code, 0) << changed.output;
  EXPECT_NE(changed.output.find("~ function   shop.pricing.subtotal  shop/pricing.py:4  (body)"),
            std::string::npos)
      << changed.output;
  EXPECT_NE(changed.output.find("tests to run: tests.test_cart.test_total"), std::string::npos)
      << changed.output;

  ASSERT_EQ(Onyx(dir_.path(), "-p shop ingest '" + tree + "'").exit_code, 0);
  const CliRun commit = Onyx(dir_.path(), "-p shop impact --commit HEAD --json", false);
  ASSERT_EQ(commit.exit_code, 0) << commit.output;
  const auto doc = nlohmann::json::parse(commit.output);
  EXPECT_EQ(doc["revision"], 1);
  ASSERT_EQ(doc["changed"].size(), 1u);
  EXPECT_EQ(doc["changed"][0]["node"]["qualified_name"], "shop.pricing.subtotal");
  EXPECT_EQ(doc["tests"][0]["qualified_name"], "tests.test_cart.test_total");
  // What it may break pages like any walk (the tests to run stay whole).
  const std::size_t total = doc["results"].size();
  ASSERT_GE(total, 2u);
  EXPECT_EQ(doc["total"], total);
  std::vector<std::string> paged;
  std::string cursor;
  for (std::size_t n = 0; n < total + 1; ++n) {
    const CliRun page = Onyx(dir_.path(),
                             "-p shop impact --commit HEAD --json --page 1" +
                                 (cursor.empty() ? std::string() : " --cursor " + cursor),
                             false);
    ASSERT_EQ(page.exit_code, 0) << page.output;
    const auto one = nlohmann::json::parse(page.output);
    ASSERT_EQ(one["results"].size(), 1u);
    EXPECT_EQ(one["total"], total);
    EXPECT_EQ(one["tests"], doc["tests"]);
    paged.push_back(one["results"][0]["node"]["id"]);
    if (!one["next_cursor"].is_string()) break;
    cursor = one["next_cursor"];
  }
  std::vector<std::string> whole;
  for (const auto& r : doc["results"]) whole.push_back(r["node"]["id"]);
  EXPECT_EQ(paged, whole);
  const CliRun explained = Onyx(dir_.path(), "-p shop impact --commit HEAD --explain");
  EXPECT_NE(explained.output.find("plan: from the "), std::string::npos) << explained.output;
  // The diff that found the change is part of the plan.
  EXPECT_NE(explained.output.find("  diff: scan node versions "), std::string::npos)
      << explained.output;
  EXPECT_EQ(Onyx(dir_.path(), "-p shop impact --commit HEAD --as-of 1").exit_code, 2);
  EXPECT_EQ(Onyx(dir_.path(), "-p shop impact --commit HEAD --cursor c1zz").exit_code, 2);
  // A module that moves breaks what imported it by its old name.
  std::filesystem::rename(tree + "/shop/pricing.py", tree + "/shop/prices.py");
  ASSERT_EQ(Onyx(dir_.path(), "-p shop ingest '" + tree + "'").exit_code, 0);
  const auto moved =
      nlohmann::json::parse(Onyx(dir_.path(), "-p shop impact --commit HEAD --json", false).output);
  std::set<std::string> renamed;
  for (const auto& c : moved["changed"]) {
    if (c["change"].get<std::string>().find("renamed") != std::string::npos) {
      renamed.insert(c["node"]["qualified_name"]);
    }
  }
  EXPECT_EQ(renamed.count("shop.pricing.subtotal"), 1u) << moved.dump();
  EXPECT_EQ(renamed.count("shop/pricing.py"), 1u) << moved.dump();
  std::set<std::string> broken;
  for (const auto& r : moved["results"]) broken.insert(r["node"]["qualified_name"]);
  EXPECT_EQ(broken.count("shop/cart.py"), 1u) << moved.dump();
  EXPECT_EQ(Onyx(dir_.path(), "-p shop impact --commit 1").exit_code, 2);  // nothing before it
  EXPECT_EQ(Onyx(dir_.path(), "-p shop impact Cart --changed").exit_code, 2);
  EXPECT_EQ(Onyx(dir_.path(), "-p shop impact").exit_code, 2);
}

TEST_F(CliTest, EveryAnswerSaysWhetherTheGraphIsStale) {
  const std::string tree = CopyShop();
  ASSERT_EQ(Onyx(dir_.path(), "-p shop ingest '" + tree + "'").exit_code, 0);
  const auto stale_of = [&](const std::string& args) {
    const CliRun run = Onyx(dir_.path(), "-p shop " + args + " --json", false);
    EXPECT_EQ(run.exit_code, 0) << args << ": " << run.output;
    const auto doc = nlohmann::json::parse(run.output, nullptr, false);
    return doc.is_object() ? doc.value("stale", nlohmann::json()) : nlohmann::json("not JSON");
  };
  const std::vector<std::string> questions = {
      "search total", "show shop.pricing.subtotal",   "impact shop.pricing.subtotal",
      "tests Cart",   "neighbors shop.pricing.total", "history shop.pricing.total",
      "find subtotal"};
  for (const std::string& q : questions) EXPECT_EQ(stale_of(q), false) << q;

  std::ofstream(tree + "/shop/pricing.py", std::ios::app) << "\n\ndef discount():\n    return 0\n";
  for (const std::string& q : questions) EXPECT_EQ(stale_of(q), true) << q;
  // People get a note on stderr; the answer itself is unchanged.
  const CliRun text = Onyx(dir_.path(), "-p shop impact shop.pricing.subtotal");
  EXPECT_NE(text.output.find("onyx: note: the graph is stale: 1 file(s) under " + tree),
            std::string::npos)
      << text.output;

  ASSERT_EQ(Onyx(dir_.path(), "-p shop ingest '" + tree + "'").exit_code, 0);
  EXPECT_EQ(stale_of("impact shop.pricing.subtotal"), false);
  EXPECT_EQ(stale_of("diff 1"), false);
  // Files the ingest ignored do not make the graph stale.
  ASSERT_EQ(Onyx(dir_.path(), "-p shop ingest '" + tree + "' --ignore README.md").exit_code, 0);
  std::ofstream(tree + "/README.md", std::ios::app) << "more words\n";
  EXPECT_EQ(stale_of("impact shop.pricing.subtotal"), false);
  // A tree that went away makes staleness unknown, not an error.
  std::filesystem::remove_all(tree);
  EXPECT_EQ(stale_of("impact shop.pricing.subtotal"), nlohmann::json());
}

// Waits up to 10 s for `needle` in the file at `path`.
bool WaitForText(const std::string& path, const std::string& needle) {
  for (int i = 0; i < 100; ++i) {
    std::ifstream in(path);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    if (text.find(needle) != std::string::npos) return true;
    ::usleep(100'000);
  }
  return false;
}

TEST_F(CliTest, IngestWatchReingestsOnChangesUntilInterrupted) {
  const std::string tree = CopyShop();
  const std::string out = dir_.Sub("watch.out");
  const std::string start = std::string(ONYX_BINARY) + " --data-dir '" + dir_.Sub("data") +
                            "' -p shop ingest --watch '" + tree + "' > '" + out +
                            "' 2>&1 & echo $! > '" + dir_.Sub("pid") + "'";
  ASSERT_EQ(std::system(start.c_str()), 0);
  int pid = 0;
  std::ifstream(dir_.Sub("pid")) >> pid;
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(WaitForText(out, "watching")) << out;
  EXPECT_TRUE(WaitForText(out, "revision 1: 6 files parsed"));
  // An edit, then a new folder with a file: one revision each.
  std::ofstream(tree + "/app.py", std::ios::app) << "\n\ndef extra():\n    return 2\n";
  EXPECT_TRUE(WaitForText(out, "revision 2: 1 files parsed, nodes +1 ~1 -0"));
  std::filesystem::create_directories(tree + "/newpkg");
  std::ofstream(tree + "/newpkg/m.py") << "def n():\n    pass\n";
  EXPECT_TRUE(WaitForText(out, "revision 3: 1 files parsed"));
  // A burst of writes (a checkout, a formatter) is one revision.
  for (int i = 0; i < 5; ++i) {
    std::ofstream(tree + "/newpkg/b" + std::to_string(i) + ".py")
        << "def b" << i << "():\n    return " << i << "\n";
  }
  EXPECT_TRUE(WaitForText(out, "revision 4: 5 files parsed"));
  ::usleep(1'500'000);  // longer than the quiet window: nothing else comes
  {
    std::ifstream in(out);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(text.find("revision 5"), std::string::npos) << text;
  }
  // The watcher holds the store: a backup follows it from this process.
  const std::string backup = dir_.Sub("backup");
  const CliRun backed_up = Onyx(dir_.Sub("data"), "backup '" + backup + "'");
  EXPECT_EQ(backed_up.exit_code, 0) << backed_up.output;
  EXPECT_NE(backed_up.output.find("(in use by another process: copied as of now)"),
            std::string::npos)
      << backed_up.output;
  EXPECT_EQ(Onyx(dir_.Sub("data"), "-p shop log").exit_code, 1);  // the store is the watcher's
  ::kill(pid, SIGTERM);
  EXPECT_TRUE(WaitForText(out, "stopped watching"));
  for (int i = 0; i < 50 && ::kill(pid, 0) == 0; ++i) ::usleep(100'000);
  EXPECT_NE(::kill(pid, 0), 0) << "the watcher did not exit";
  // The store holds all three revisions.
  const CliRun log = Onyx(dir_.Sub("data"), "-p shop log");
  EXPECT_NE(log.output.find("    3  "), std::string::npos) << log.output;
  // So does the backup taken while it ran.
  ASSERT_EQ(Onyx(dir_.Sub("restored"), "restore '" + backup + "'").exit_code, 0);
  EXPECT_EQ(Onyx(dir_.Sub("restored"), "-p shop log").output, log.output);
  EXPECT_TRUE(Onyx(dir_.Sub("restored"), "-p shop find n").output.find("newpkg/m.py") !=
              std::string::npos);
  EXPECT_EQ(Onyx(dir_.Sub("data"), "-p shop ingest --watch --history '" + tree + "'").exit_code, 2);
}

TEST_F(CliTest, TheDataFolderIsTheFlagElseTheVariableElseXdgDataHome) {
  const std::string fixture = testing::SourceDir() + "/tests/fixtures/resolve/python";
  std::filesystem::create_directories(dir_.Sub("cwd"));
  const std::string binary = std::filesystem::absolute(ONYX_BINARY).string();
  // No configuration file of the machine's: an empty XDG_CONFIG_HOME.
  const std::string clean = "cd '" + dir_.Sub("cwd") + "' && env -u ONYX_CONFIG ";
  const std::string config = " XDG_CONFIG_HOME='" + dir_.Sub("config") + "'";
  const auto ingest = [&](const std::string& env, const std::string& flags) {
    const std::string cmd = clean + env + config + " '" + binary + "' " + flags +
                            " -p shop ingest '" + fixture + "' > /dev/null 2>&1";
    return std::system(cmd.c_str());
  };
  const auto holds_store = [](const std::string& folder) {
    return std::filesystem::exists(folder + "/CURRENT");
  };
  ASSERT_EQ(ingest("-u ONYX_DATA_DIR -u XDG_DATA_HOME HOME='" + dir_.Sub("home") + "'", ""), 0);
  EXPECT_TRUE(holds_store(dir_.path() + "/home/.local/share/onyx"));
  ASSERT_EQ(ingest("-u ONYX_DATA_DIR XDG_DATA_HOME='" + dir_.Sub("xdg") + "'", ""), 0);
  EXPECT_TRUE(holds_store(dir_.path() + "/xdg/onyx"));
  ASSERT_EQ(
      ingest("ONYX_DATA_DIR='" + dir_.path() + "/env' XDG_DATA_HOME='" + dir_.Sub("xdg2") + "'",
             ""),
      0);
  EXPECT_TRUE(holds_store(dir_.path() + "/env"));
  EXPECT_FALSE(holds_store(dir_.path() + "/xdg2/onyx"));
  ASSERT_EQ(
      ingest("ONYX_DATA_DIR='" + dir_.path() + "/env2'", "--data-dir '" + dir_.path() + "/flag'"),
      0);
  EXPECT_TRUE(holds_store(dir_.path() + "/flag"));
  EXPECT_FALSE(holds_store(dir_.path() + "/env2"));
  // A configuration file's data_dir sits between the defaults and the variable.
  std::ofstream(dir_.Sub("cwd") + "/onyx.toml") << "data_dir = \"" << dir_.path() << "/file\"\n";
  ASSERT_EQ(ingest("-u ONYX_DATA_DIR", ""), 0);
  EXPECT_TRUE(holds_store(dir_.path() + "/file"));
  ASSERT_EQ(ingest("ONYX_DATA_DIR='" + dir_.path() + "/env3'", ""), 0);
  EXPECT_TRUE(holds_store(dir_.path() + "/env3"));
}

TEST_F(CliTest, PagesWithCursorsPinTheirRevision) {
  const std::string tree = CopyShop();
  ASSERT_EQ(Onyx(dir_.path(), "-p shop ingest '" + tree + "'").exit_code, 0);
  const std::string query = "-p shop impact shop.pricing.subtotal --json";
  const auto all = nlohmann::json::parse(Onyx(dir_.path(), query, false).output);
  ASSERT_EQ(all["results"].size(), 10u);
  EXPECT_TRUE(all["next_cursor"].is_null());

  // Pages of 4: 4 + 4 + 2, the same nodes in the same order.
  auto page = nlohmann::json::parse(Onyx(dir_.path(), query + " --page 4", false).output);
  nlohmann::json seen = page["results"];
  ASSERT_TRUE(page["next_cursor"].is_string());
  const std::string second_cursor = page["next_cursor"];
  // A new revision in between changes nothing for the pages of revision 1.
  std::ofstream(tree + "/shop/pricing.py", std::ios::trunc) << "TAX_RATE = 0.3\n";
  ASSERT_EQ(Onyx(dir_.path(), "-p shop ingest '" + tree + "'").exit_code, 0);
  // subtotal is gone now: by name it is not found, by id its history shows.
  const std::string subtotal = all["start"]["id"];
  EXPECT_EQ(Onyx(dir_.path(), "-p shop history shop.pricing.subtotal").exit_code, 3);
  const CliRun gone = Onyx(dir_.path(), "-p shop history " + subtotal + " --json", false);
  ASSERT_EQ(gone.exit_code, 0) << gone.output;
  const auto versions = nlohmann::json::parse(gone.output)["versions"];
  ASSERT_GE(versions.size(), 2u) << gone.output;
  EXPECT_EQ(versions.back()["changes"], nlohmann::json::array({"removed"})) << gone.output;
  EXPECT_EQ(Onyx(dir_.path(), "-p shop history 0123456789abcdef").exit_code, 3);
  std::string cursor = second_cursor;
  for (int pages = 0; !cursor.empty() && pages < 5; ++pages) {
    const CliRun next = Onyx(dir_.path(), query + " --page 4 --cursor " + cursor, false);
    ASSERT_EQ(next.exit_code, 0) << next.output;
    page = nlohmann::json::parse(next.output);
    EXPECT_EQ(page["revision"], 1);
    EXPECT_EQ(page["total"], 10);  // the whole answer's size, on every page
    for (const auto& r : page["results"]) seen.push_back(r);
    cursor = page["next_cursor"].is_string() ? page["next_cursor"].get<std::string>() : "";
  }
  // (Validity ends may differ: the later pages know revision 2 closed some.)
  std::vector<std::string> paged, whole;
  for (const auto& r : seen) paged.push_back(r["node"]["id"]);
  for (const auto& r : all["results"]) whole.push_back(r["node"]["id"]);
  EXPECT_EQ(paged, whole);

  const CliRun text = Onyx(dir_.path(), "-p shop impact shop.pricing.subtotal --as-of 1 --page 3");
  EXPECT_NE(text.output.find("next page: --cursor c1"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find(": 10 nodes"), std::string::npos) << text.output;
  // A cursor pages only its own query, and names its revision itself.
  EXPECT_EQ(
      Onyx(dir_.path(), "-p shop impact shop.pricing.subtotal --depth 2 --cursor " + second_cursor)
          .exit_code,
      2);
  EXPECT_EQ(Onyx(dir_.path(), query + " --as-of 1 --cursor " + second_cursor).exit_code, 2);
  EXPECT_EQ(Onyx(dir_.path(), query + " --cursor c1zz").exit_code, 2);

  // Search pages the same way.
  const auto hits = nlohmann::json::parse(
      Onyx(dir_.path(), "-p shop search cart --as-of 1 -k 5 --page 2 --json", false).output);
  ASSERT_EQ(hits["hits"].size(), 2u);
  const std::string next = hits["next_cursor"];
  const auto more = nlohmann::json::parse(
      Onyx(dir_.path(), "-p shop search cart -k 5 --page 2 --json --cursor " + next, false).output);
  EXPECT_EQ(more["revision"], 1);
  ASSERT_EQ(more["hits"].size(), 2u);
  EXPECT_NE(more["hits"][0]["id"], hits["hits"][0]["id"]);
}

TEST_F(CliTest, FindHistoryAndDiffPageToo) {
  const std::string tree = CopyShop();
  ASSERT_EQ(Onyx(dir_.path(), "-p shop ingest '" + tree + "'").exit_code, 0);
  for (const char* tax : {"0.25", "0.3"}) {
    std::ofstream(tree + "/shop/pricing.py", std::ios::trunc)
        << "TAX_RATE = " << tax << "\n\n\ndef subtotal(items):\n    return 0\n\n\n"
        << "def total(items):\n    return subtotal(items) * " << tax << "\n";
    ASSERT_EQ(Onyx(dir_.path(), "-p shop ingest '" + tree + "'").exit_code, 0);
  }
  // stats and log as of an earlier revision.
  const auto then =
      nlohmann::json::parse(Onyx(dir_.path(), "-p shop stats --as-of 1 --json", false).output);
  EXPECT_EQ(then["revision"], 1);
  EXPECT_EQ(then["revisions"], 1);
  const auto log =
      nlohmann::json::parse(Onyx(dir_.path(), "-p shop log --as-of 2 --json", false).output);
  EXPECT_EQ(log["revisions"].size(), 2u) << log.dump();
  // Follows the cursors of `query` in pages of `size`; each page's `list`
  // entries, flattened over `lists`.
  const auto pages = [&](const std::string& query, int size,
                         const std::vector<std::string>& lists) {
    std::vector<nlohmann::json> seen;
    std::string cursor;
    for (int n = 0; n < 50; ++n) {
      const CliRun run = Onyx(dir_.path(),
                              query + " --json --page " + std::to_string(size) +
                                  (cursor.empty() ? "" : " --cursor " + cursor),
                              false);
      EXPECT_EQ(run.exit_code, 0) << run.output;
      const auto page = nlohmann::json::parse(run.output);
      std::size_t on_page = 0;
      for (const std::string& list : lists) {
        for (const auto& item : page[list]) {
          seen.push_back(item);
          ++on_page;
        }
      }
      EXPECT_LE(on_page, static_cast<std::size_t>(size));
      if (!page["next_cursor"].is_string()) break;
      EXPECT_EQ(on_page, static_cast<std::size_t>(size));
      cursor = page["next_cursor"];
    }
    return seen;
  };
  const auto whole = [&](const std::string& query, const std::vector<std::string>& lists) {
    const auto all = nlohmann::json::parse(Onyx(dir_.path(), query + " --json", false).output);
    EXPECT_TRUE(all["next_cursor"].is_null());
    std::vector<nlohmann::json> out;
    for (const std::string& list : lists) {
      for (const auto& item : all[list]) out.push_back(item);
    }
    return out;
  };

  // history: three versions of total, one per page.
  const auto versions = whole("-p shop history shop.pricing.total", {"versions"});
  ASSERT_EQ(versions.size(), 3u);
  EXPECT_EQ(pages("-p shop history shop.pricing.total", 1, {"versions"}), versions);

  // diff 1..3, pages of 2 across all its lists.
  const std::vector<std::string> lists = {"added", "removed",     "changed",
                                          "moved", "edges_added", "edges_removed"};
  const auto changes = whole("-p shop diff 1", lists);
  ASSERT_GE(changes.size(), 3u);
  EXPECT_EQ(pages("-p shop diff 1", 2, lists), changes);

  // find: names starting with "t".
  const auto found = whole("-p shop find t --prefix", {"nodes"});
  ASSERT_GE(found.size(), 2u);
  EXPECT_EQ(pages("-p shop find t --prefix", 1, {"nodes"}), found);

  // A cursor belongs to its query.
  const auto first = nlohmann::json::parse(
      Onyx(dir_.path(), "-p shop history shop.pricing.total --json --page 1", false).output);
  const std::string cursor = first["next_cursor"];
  EXPECT_EQ(Onyx(dir_.path(), "-p shop diff 1 --cursor " + cursor).exit_code, 2);
  EXPECT_EQ(Onyx(dir_.path(), "-p shop find t --cursor " + cursor).exit_code, 2);
  const CliRun text = Onyx(dir_.path(), "-p shop diff 1 --page 2");
  EXPECT_NE(text.output.find("next page: --cursor c1"), std::string::npos) << text.output;
}

TEST_F(CliTest, EveryLongQuestionTakesATimeLimitAndExplainsItself) {
  const std::string tree = CopyShop();
  ASSERT_EQ(Onyx(dir_.path(), "-p shop ingest '" + tree + "'").exit_code, 0);
  std::ofstream(tree + "/shop/pricing.py", std::ios::app)
      << "\n\ndef refund(items):\n    return 0\n";
  ASSERT_EQ(Onyx(dir_.path(), "-p shop ingest '" + tree + "'").exit_code, 0);
  // (step names, source) of each question's --explain --json plan.
  const std::vector<std::pair<std::string, std::string>> questions = {
      {"search total", "index"},
      {"history shop.pricing.total", "store"},
      {"diff 1", "store"},
      {"impact shop.pricing.subtotal", "store"},
      {"neighbors shop.pricing.total", "store"},
  };
  for (const auto& [question, source] : questions) {
    const CliRun run =
        Onyx(dir_.path(), "-p shop " + question + " --time-limit 60000 --explain --json", false);
    ASSERT_EQ(run.exit_code, 0) << question << "\n" << run.output;
    const auto doc = nlohmann::json::parse(run.output);
    EXPECT_EQ(doc["partial"], false) << question;
    EXPECT_EQ(doc["plan"]["source"], source) << question;
    EXPECT_GE(doc["plan"]["steps"].size(), 1u) << question;
    EXPECT_TRUE(doc["plan"]["counts"].is_object()) << question;
    EXPECT_GE(doc["plan"]["ms"].get<double>(), 0.0) << question;
    // Without --explain there is no plan; the text form prints it last.
    const auto plain =
        nlohmann::json::parse(Onyx(dir_.path(), "-p shop " + question + " --json", false).output);
    EXPECT_FALSE(plain.contains("plan")) << question;
    const CliRun text = Onyx(dir_.path(), "-p shop " + question + " --explain");
    EXPECT_NE(text.output.find("plan: from the " + source + "; "), std::string::npos)
        << question << "\n"
        << text.output;
    // A time limit outside 1..600000 ms is a usage error.
    for (const char* bad : {"0", "-5", "600001", "soon"}) {
      EXPECT_EQ(Onyx(dir_.path(), "-p shop " + question + " --time-limit " + bad).exit_code, 2)
          << question << " " << bad;
    }
  }
  const auto diff =
      nlohmann::json::parse(Onyx(dir_.path(), "-p shop diff 1 --explain --json", false).output);
  EXPECT_EQ(diff["out_of_time"], false);
  EXPECT_EQ(diff["plan"]["steps"][0]["step"], "scan node versions");
  EXPECT_GT(diff["plan"]["counts"]["node_versions_read"].get<int>(), 10);
}

}  // namespace
}  // namespace onyx
