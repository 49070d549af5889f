// Status and Result: codes, messages, propagation macros.
#include "onyx/status.h"

#include <gtest/gtest.h>

namespace onyx {
namespace {

Status FailsWith(StatusCode code) {
  switch (code) {
    case StatusCode::kNotFound: return Status::NotFound("thing 7");
    case StatusCode::kCorruption: return Status::Corruption("bad bytes");
    default: return Status::Ok();
  }
}

Status Propagates(StatusCode code, int* reached) {
  ONYX_RETURN_IF_ERROR(FailsWith(code));
  ++*reached;
  return Status::Ok();
}

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument(std::to_string(x) + " is odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  ONYX_ASSIGN_OR_RETURN(const int half, Half(x));
  ONYX_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST(Status, OkHasNoMessage) {
  const Status s = Status::Ok();
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(Status, ToStringNamesCodeAndMessage) {
  EXPECT_EQ(Status::NotFound("node 0x01").ToString(), "not_found: node 0x01");
  EXPECT_EQ(Status::Corruption("x").code(), StatusCode::kCorruption);
}

TEST(Status, WithContextPrefixesTheMessageAndKeepsTheCode) {
  const Status s = Status::IOError("disk full").WithContext("revision 4");
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_EQ(s.message(), "revision 4: disk full");
  EXPECT_TRUE(Status::Ok().WithContext("anything").ok());
}

TEST(Status, ReturnIfErrorStopsAtTheFirstError) {
  int reached = 0;
  EXPECT_TRUE(Propagates(StatusCode::kOk, &reached).ok());
  EXPECT_EQ(reached, 1);
  const Status s = Propagates(StatusCode::kNotFound, &reached);
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.message(), "thing 7");
  EXPECT_EQ(reached, 1);
}

TEST(Result, AssignOrReturnUnwrapsValuesAndPropagatesErrors) {
  auto ok = Quarter(12);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 3);
  auto odd = Quarter(6);  // 6 → 3 → odd
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.status().message(), "3 is odd");
}

TEST(Result, FromOkStatusBecomesInternalError) {
  Result<int> r{Status::Ok()};
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

TEST(Result, ValueOrFallsBackOnError) {
  EXPECT_EQ(Half(3).value_or(-1), -1);
  EXPECT_EQ(Half(4).value_or(-1), 2);
}

#ifdef ONYX_ASSERT_STATUS_CHECKED
TEST(StatusDeathTest, UncheckedErrorAbortsInCheckedBuilds) {
  EXPECT_DEATH({ (void)Status::Corruption("nobody looks at me"); },
               "destroyed without being checked: corruption: nobody looks at me");
}
#endif

}  // namespace
}  // namespace onyx
