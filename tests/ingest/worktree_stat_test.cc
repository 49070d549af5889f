// The stat snapshot behind cheap staleness checks: what it records, when it
// may be trusted, and that a damaged file is ignored rather than believed.
#include "onyx/ingest/worktree_stat.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "testing/temp_dir.h"

namespace onyx::ingest {
namespace {

using testing::TempDir;

class WorktreeStatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.Sub("tree/src"));
    std::ofstream(dir_.Sub("tree/src/a.py")) << "def a():\n    return 1\n";
    std::ofstream(dir_.Sub("tree/b.md")) << "# B\n";
    std::ofstream(dir_.Sub("tree/.gitignore")) << "ignored.py\n";
    std::ofstream(dir_.Sub("tree/ignored.py")) << "x = 1\n";
  }
  TempDir dir_;
};

TEST_F(WorktreeStatTest, StatsTheFilesAnIngestWouldReadWithoutReadingThem) {
  auto stat = StatWorktree(dir_.Sub("tree"), {});
  ASSERT_OK(stat);
  EXPECT_EQ(stat->root, dir_.Sub("tree"));
  ASSERT_EQ(stat->files.size(), 2u);  // ignored and hidden files are not there
  EXPECT_EQ(stat->files[0].path, "b.md");
  EXPECT_EQ(stat->files[0].size, 4u);
  EXPECT_EQ(stat->files[1].path, "src/a.py");
  EXPECT_GT(stat->files[1].mtime_ns, 0);
  EXPECT_FALSE(StatWorktree(dir_.Sub("missing"), {}).ok());
}

TEST_F(WorktreeStatTest, SavedStatsRoundTripAndDamagedFilesAreIgnored) {
  IngestOptions options;
  options.ignore = {"*.md", "build/"};
  auto stat = StatWorktree(dir_.Sub("tree"), options);
  ASSERT_OK(stat);
  EXPECT_EQ(stat->files.size(), 1u);  // b.md ignored
  stat->revision = 7;
  const std::string file = dir_.Sub("data/worktree/1.stat");
  ASSERT_OK(SaveWorktreeStat(*stat, file));
  const auto loaded = LoadWorktreeStat(file);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->root, stat->root);
  EXPECT_EQ(loaded->revision, 7u);
  EXPECT_EQ(loaded->taken_ns, stat->taken_ns);
  EXPECT_EQ(loaded->files, stat->files);
  EXPECT_EQ(loaded->ignore, options.ignore);
  EXPECT_EQ(loaded->Options().max_file_bytes, options.max_file_bytes);
  EXPECT_FALSE(LoadWorktreeStat(dir_.Sub("nothing.stat")));
  for (const char* damaged :
       {"", "onyx-worktree-stat 9\n/x\n1 2\n1 2 0\n", "onyx-worktree-stat 2\n/x\n",
        "onyx-worktree-stat 2\n/x\n1 2\nnot numbers a.py\n", "onyx-worktree-stat 2\n/x\n1 2\n3 4\n",
        "onyx-worktree-stat 2\n/x\n1 2\n10 64 0\nnot numbers a.py\n",
        "onyx-worktree-stat 2\n/x\n1 2\n10 64 2\nonly-one\n"}) {
    std::ofstream(file, std::ios::trunc) << damaged;
    EXPECT_FALSE(LoadWorktreeStat(file)) << damaged;
  }
  // The file is rewritten in place: one cut short anywhere (a reader meeting
  // a write in progress), or missing rows, is ignored, not believed.
  auto two = StatWorktree(dir_.Sub("tree"), {});
  ASSERT_OK(two);
  ASSERT_OK(SaveWorktreeStat(*two, file));
  std::string whole;
  {
    std::ifstream in(file, std::ios::binary);
    whole.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_TRUE(LoadWorktreeStat(file));
  // (Only the last newline may go: the trailer line is then still whole.)
  for (std::size_t cut = 0; cut + 1 < whole.size(); ++cut) {
    std::ofstream(file, std::ios::trunc | std::ios::binary) << whole.substr(0, cut);
    EXPECT_FALSE(LoadWorktreeStat(file)) << "cut at " << cut;
  }
  const std::size_t at = whole.find("src/a.py");
  const std::size_t line_start = whole.rfind('\n', at) + 1;
  std::string dropped = whole;
  dropped.erase(line_start, whole.find('\n', at) + 1 - line_start);
  std::ofstream(file, std::ios::trunc | std::ios::binary) << dropped;
  EXPECT_FALSE(LoadWorktreeStat(file)) << dropped;
}

TEST_F(WorktreeStatTest, OnlyOldUnchangedStatsAreTrusted) {
  auto saved = StatWorktree(dir_.Sub("tree"), {});
  ASSERT_OK(saved);
  auto now = StatWorktree(dir_.Sub("tree"), {});
  ASSERT_OK(now);
  // Files written just now may change again within the same clock tick.
  EXPECT_FALSE(SameStat(*saved, *now));
  saved->taken_ns += 10'000'000'000;  // as if the stats were taken 10 s later
  EXPECT_TRUE(SameStat(*saved, *now));
  WorktreeStat edited = *now;
  edited.files[1].size += 1;
  EXPECT_FALSE(SameStat(*saved, edited));
  WorktreeStat added = *now;
  added.files.push_back({"c.py", 1, 1});
  EXPECT_FALSE(SameStat(*saved, added));
  WorktreeStat elsewhere = *now;
  elsewhere.root = "/elsewhere";
  EXPECT_FALSE(SameStat(*saved, elsewhere));
}

}  // namespace
}  // namespace onyx::ingest
