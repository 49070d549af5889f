// kill -9 test: a child commits revisions in a loop and is killed at random
// moments, 50 times; after every reopen each acknowledged revision is present and
// complete and no revision is partly visible (tools/torture/crash_workload.h).
#include <gtest/gtest.h>

#include "testing/temp_dir.h"
#include "torture/crash_workload.h"

namespace onyx::torture {
namespace {

TEST(CrashRecovery, AcknowledgedRevisionsSurviveFiftyKills) {
  testing::TempDir dir;
  auto report = RunCrashCycles(ONYX_STORE_TORTURE_BINARY, dir.path(), /*cycles=*/50,
                               /*seed=*/20261124);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->kills, 50);
  // The kills must land mid-workload, not only during start-up.
  EXPECT_GT(report->revisions, 50u);
  EXPECT_LT(report->killed_before_first_commit, 40);
  std::printf("%d kills, %llu revisions, %d before first commit, %d unreported-but-present\n",
              report->kills, static_cast<unsigned long long>(report->revisions),
              report->killed_before_first_commit, report->unreported_but_present);
}

}  // namespace
}  // namespace onyx::torture
