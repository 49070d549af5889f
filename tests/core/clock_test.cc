// Time parsing and formatting for --since and --as-of style options.
#include "onyx/core/clock.h"

#include <gtest/gtest.h>

namespace onyx::core {
namespace {

TEST(ParseTimeMicros, DatesTimesAndEpochSeconds) {
  EXPECT_EQ(ParseTimeMicros("1970-01-01"), 0);
  EXPECT_EQ(ParseTimeMicros("2026-11-24"), std::int64_t{1795478400} * 1'000'000);
  EXPECT_EQ(ParseTimeMicros("2026-11-24T17:16:17Z"),
            (std::int64_t{1795478400} + 17 * 3600 + 16 * 60 + 17) * 1'000'000);
  EXPECT_EQ(ParseTimeMicros("2024-02-29"), std::int64_t{1709164800} * 1'000'000);
  EXPECT_EQ(ParseTimeMicros("@1700000000"), std::int64_t{1700000000} * 1'000'000);
}

TEST(ParseTimeMicros, RejectsWhatIsNotADate) {
  for (const char* bad :
       {"", "yesterday", "2026-13-01", "2026-02-29", "2026-04-31", "2026-11-24T25:00:00",
        "2026-11-24 10:00:00", "@", "@12a", "1969-12-31", "2026-11-24T10:00", "2026-1-1"}) {
    EXPECT_FALSE(ParseTimeMicros(bad).has_value()) << bad;
  }
}

TEST(FormatTimeMicros, RoundTripsWithParse) {
  const auto t = ParseTimeMicros("2026-11-24T17:16:17");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(FormatTimeMicros(*t), "2026-11-24T17:16:17.000000Z");
}

}  // namespace
}  // namespace onyx::core
