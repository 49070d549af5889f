// Key codecs: ordering guarantees the store relies on, and rejection of bad keys.
#include "onyx/store/keys.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace onyx::store {
namespace {

TEST(NodeVersionKey, NewestVersionSortsFirst) {
  EXPECT_LT(NodeVersionKey(1, 42, 9), NodeVersionKey(1, 42, 3));
  EXPECT_LT(NodeVersionKey(1, 42, 9), NodeVersionKey(1, 43, 9));
}

TEST(NodeVersionKey, RoundTrips) {
  auto k = DecodeNodeVersionKey(NodeVersionKey(7, 0xdeadbeefcafef00dULL, 12));
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->project, 7u);
  EXPECT_EQ(k->node, 0xdeadbeefcafef00dULL);
  EXPECT_EQ(k->from, 12u);
}

RC_GTEST_PROP(EdgeKey, RoundTripsAndGroupsByNodeThenKind,
              (std::uint32_t project, std::uint64_t near, std::uint64_t far)) {
  const RevisionNumber from = *rc::gen::inRange<RevisionNumber>(1, 1u << 30);
  const auto kind = static_cast<EdgeKind>(*rc::gen::inRange(1, 10));
  const std::string key = EdgeKey(project, near, kind, far, from);
  RC_ASSERT(key.rfind(EdgeKindPrefix(project, near, kind), 0) == 0u);
  RC_ASSERT(key.rfind(NodePrefix(project, near), 0) == 0u);
  auto d = DecodeEdgeKey(key);
  RC_ASSERT(d.ok());
  RC_ASSERT(d->project == project && d->near == near && d->far == far);
  RC_ASSERT(d->kind == kind && d->from == from);
}

TEST(EdgeKey, RejectsUndefinedKindAndWrongLength) {
  std::string key = EdgeKey(1, 2, EdgeKind::kCalls, 3, 4);
  key[12] = 0x7f;
  auto bad_kind = DecodeEdgeKey(key);
  ASSERT_FALSE(bad_kind.ok());
  EXPECT_NE(bad_kind.status().message().find("undefined edge kind 127"), std::string::npos);
  EXPECT_TRUE(DecodeEdgeKey(key.substr(0, 20)).status().IsCorruption());
}

TEST(TextIndexKey, ExactPrefixDoesNotMatchLongerNames) {
  const std::string parse = TextIndexKey(1, "parse", 5);
  const std::string parser = TextIndexKey(1, "parser", 6);
  const std::string exact = TextIndexPrefix(1, "parse", /*exact=*/true);
  const std::string prefix = TextIndexPrefix(1, "parse", /*exact=*/false);
  EXPECT_EQ(parse.rfind(exact, 0), 0u);
  EXPECT_NE(parser.rfind(exact, 0), 0u);
  EXPECT_EQ(parser.rfind(prefix, 0), 0u);
  auto d = DecodeTextIndexKey(parser);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->text, "parser");
  EXPECT_EQ(d->node, 6u);
}

TEST(TextIndexKey, RejectsMissingSeparator) {
  std::string key = TextIndexKey(1, "abc", 5);
  key[key.size() - 9] = 'x';
  EXPECT_TRUE(DecodeTextIndexKey(key).status().IsCorruption());
}

TEST(PrefixSuccessor, IncrementsTheLastByteThatCan) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("\xff\xff", 2)), "");
}

TEST(ProjectPrefix, SeparatesProjects) {
  EXPECT_LT(NodeKey(1, ~0ULL), NodeKey(2, 0));
  EXPECT_LT(ProjectPrefix(1), ProjectPrefix(2));
}

TEST(LowerAscii, LowersOnlyAsciiLetters) { EXPECT_EQ(LowerAscii("ParseHTTP_ÄB"), "parsehttp_Äb"); }

}  // namespace
}  // namespace onyx::store
