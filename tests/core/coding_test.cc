// Byte encodings: round trips, order, and rejection of malformed input.
#include "onyx/core/coding.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <limits>

namespace onyx::core {
namespace {

RC_GTEST_PROP(Varint, RoundTripsEveryValue, (std::uint64_t v, std::int64_t s)) {
  std::string buf;
  PutVarint64(&buf, v);
  PutVarintSigned64(&buf, s);
  ByteReader r(buf);
  std::uint64_t v2 = 0;
  std::int64_t s2 = 0;
  RC_ASSERT(r.ReadVarint64(&v2));
  RC_ASSERT(r.ReadVarintSigned64(&s2));
  RC_ASSERT(r.AtEnd());
  RC_ASSERT(v2 == v);
  RC_ASSERT(s2 == s);
}

RC_GTEST_PROP(BigEndian, ByteOrderIsNumericOrder, (std::uint64_t a, std::uint64_t b)) {
  std::string ka;
  std::string kb;
  PutBigEndian64(&ka, a);
  PutBigEndian64(&kb, b);
  RC_ASSERT((ka < kb) == (a < b));
}

TEST(Varint, ExtremesUseTheExpectedLength) {
  std::string buf;
  PutVarint64(&buf, 0);
  EXPECT_EQ(buf.size(), 1u);
  buf.clear();
  PutVarint64(&buf, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(buf.size(), 10u);
  buf.clear();
  PutVarintSigned64(&buf, -1);
  EXPECT_EQ(buf.size(), 1u);
}

TEST(ByteReader, RejectsTruncatedVarint) {
  ByteReader r(std::string_view("\x80\x80", 2));
  std::uint64_t v = 0;
  EXPECT_FALSE(r.ReadVarint64(&v));
  const Status s = r.Error("test value");
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_EQ(s.message(), "test value: truncated varint at offset 2 of 2 bytes");
}

TEST(ByteReader, RejectsVarintOverflowingSixtyFourBits) {
  const std::string bytes = std::string(9, '\xff') + "\x02";
  ByteReader r(bytes);
  std::uint64_t v = 0;
  EXPECT_FALSE(r.ReadVarint64(&v));
  EXPECT_NE(r.Error("x").message().find("overflows"), std::string::npos);
}

TEST(ByteReader, RejectsStringRunningPastTheEnd) {
  std::string buf;
  PutVarint64(&buf, 100);
  buf += "short";
  ByteReader r(buf);
  std::string_view s;
  EXPECT_FALSE(r.ReadLengthPrefixed(&s));
  EXPECT_NE(r.Error("x").message().find("runs past the end"), std::string::npos);
}

TEST(ByteReader, RejectsStringOverItsLimit) {
  std::string buf;
  PutLengthPrefixed(&buf, "twelve bytes");
  ByteReader r(buf);
  std::string_view s;
  EXPECT_FALSE(r.ReadLengthPrefixed(&s, 4));
  EXPECT_NE(r.Error("x").message().find("exceeds limit 4"), std::string::npos);
}

TEST(ByteReader, StaysFailedAfterTheFirstError) {
  ByteReader r("");
  std::uint8_t b = 0;
  EXPECT_FALSE(r.ReadByte(&b));
  EXPECT_FALSE(r.ReadByte(&b));
  EXPECT_EQ(r.Error("x").message(), "x: truncated byte at offset 0 of 0 bytes");
}

TEST(HexBytes, TruncatesLongInput) {
  EXPECT_EQ(HexBytes("\x01\xab"), "0x01ab");
  EXPECT_EQ(HexBytes("abc", 2), "0x6162…");
}

}  // namespace
}  // namespace onyx::core
