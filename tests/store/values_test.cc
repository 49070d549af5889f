// Value codecs: round trips of arbitrary values, and rejection of every
// truncation, bad format versions and undefined enum bytes.
#include "onyx/store/values.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace onyx::store {
namespace {

rc::Gen<Node> GenNode() {
  return rc::gen::exec([] {
    Node n;
    n.id = *rc::gen::arbitrary<std::uint64_t>();
    n.kind = static_cast<NodeKind>(*rc::gen::inRange(1, 15));
    n.name = *rc::gen::arbitrary<std::string>();
    n.qualified_name = *rc::gen::arbitrary<std::string>();
    n.language = *rc::gen::arbitrary<std::string>();
    n.path = *rc::gen::arbitrary<std::string>();
    n.span = Span{*rc::gen::arbitrary<std::uint32_t>(), *rc::gen::arbitrary<std::uint32_t>(),
                  *rc::gen::arbitrary<std::uint32_t>(), *rc::gen::arbitrary<std::uint32_t>()};
    n.signature = *rc::gen::arbitrary<std::string>();
    n.doc = *rc::gen::arbitrary<std::string>();
    n.content_hash =
        ContentHash{*rc::gen::arbitrary<std::uint64_t>(), *rc::gen::arbitrary<std::uint64_t>()};
    n.attributes = *rc::gen::arbitrary<std::map<std::string, std::string>>();
    const RevisionNumber from = *rc::gen::inRange<RevisionNumber>(1, 1'000'000);
    const bool open = *rc::gen::arbitrary<bool>();
    n.validity = {from, open ? kOpenRevision : from + *rc::gen::inRange<RevisionNumber>(1, 99)};
    return n;
  });
}

RC_GTEST_PROP(NodeVersionCodec, RoundTrips, ()) {
  const Node n = *GenNode();
  auto back = DecodeNodeVersion(EncodeNodeVersion(n, n.validity), n.id, n.validity.from);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == n);
}

RC_GTEST_PROP(NodeVersionCodec, RejectsEveryTruncation, ()) {
  const Node n = *GenNode();
  const std::string value = EncodeNodeVersion(n, n.validity);
  const std::size_t cut = *rc::gen::inRange<std::size_t>(0, value.size());
  auto back = DecodeNodeVersion(std::string_view(value).substr(0, cut), n.id, n.validity.from);
  RC_ASSERT(!back.ok());
  RC_ASSERT(back.status().IsCorruption());
}

RC_GTEST_PROP(EdgeValueCodec, RoundTrips, ()) {
  Edge e;
  e.confidence = *rc::gen::inRange(0, 1001) / 1000.0F;
  e.resolution = static_cast<Resolution>(*rc::gen::inRange(1, 5));
  if (*rc::gen::arbitrary<bool>()) e.site = Span{1, 2, 3, 4};
  e.attributes = *rc::gen::arbitrary<std::map<std::string, std::string>>();
  e.validity.from = *rc::gen::inRange<RevisionNumber>(1, 1000);
  e.validity.to = *rc::gen::arbitrary<bool>() ? kOpenRevision : e.validity.from + 1;
  Edge back;
  back.validity.from = e.validity.from;
  RC_ASSERT(DecodeEdgeValue(EncodeEdgeValue(e, e.validity.to), &back).ok());
  RC_ASSERT(back == e);
}

TEST(NodeVersionCodec, RejectsAnUnknownFormatVersionByName) {
  Node n;
  n.kind = NodeKind::kFunction;
  std::string value = EncodeNodeVersion(n, {1, kOpenRevision});
  value[0] = 7;
  auto back = DecodeNodeVersion(value, 1, 1);
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().message(), "node version: format version 7, expected 1 at offset 1 of " +
                                         std::to_string(value.size()) + " bytes");
}

TEST(NodeVersionCodec, RejectsUndefinedKindAndToBeforeFrom) {
  Node n;
  n.kind = NodeKind::kFunction;
  std::string value = EncodeNodeVersion(n, {5, 6});
  std::string bad_kind = value;
  bad_kind[2] = 99;  // format, to (1 byte), kind
  EXPECT_NE(DecodeNodeVersion(bad_kind, 1, 5).status().message().find("node kind 99"),
            std::string::npos);
  EXPECT_TRUE(DecodeNodeVersion(value, 1, 6).status().IsCorruption());  // to == from
}

TEST(NodeVersionCodec, RejectsTrailingBytes) {
  Node n;
  const std::string value = EncodeNodeVersion(n, {1, kOpenRevision}) + "x";
  EXPECT_TRUE(DecodeNodeVersion(value, 1, 1).status().IsCorruption());
}

TEST(EdgeValueCodec, RejectsConfidenceOutsideUnitInterval) {
  Edge e;
  e.confidence = 2.0F;
  Edge back;
  back.validity.from = 1;
  const Status s = DecodeEdgeValue(EncodeEdgeValue(e, kOpenRevision), &back);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("confidence"), std::string::npos);
}

TEST(RevisionCodec, RoundTripsAndRejectsParentNotBeforeIt) {
  Revision r;
  r.number = 9;
  r.parent = 8;
  r.info = {RevisionSource::kGit, "deadbeef", "Ada <ada@example.com>", "Fix it", -5};
  r.committed_micros = 1'700'000'000'000'000;
  r.changes = {1, 2, 3, 4, 5, 6};
  auto back = DecodeRevision(EncodeRevision(r), 9);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, r);
  EXPECT_TRUE(DecodeRevision(EncodeRevision(r), 8).status().IsCorruption());
}

TEST(GraphStatsCodec, RoundTripsAndRejectsRepeatedKinds) {
  GraphStats s;
  s.latest_revision = 3;
  s.revisions = 3;
  s.nodes_by_kind = {{NodeKind::kFile, 4}, {NodeKind::kFunction, 10}};
  s.edges_by_kind = {{EdgeKind::kCalls, 7}};
  s.node_versions = 20;
  s.edge_versions = 9;
  auto back = DecodeGraphStats(EncodeGraphStats(s));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, s);
  // format, 4 counters, 1 kind entry repeated twice.
  const std::string repeated("\x01\x00\x00\x00\x00\x02\x03\x01\x03\x01\x00", 11);
  EXPECT_TRUE(DecodeGraphStats(repeated).status().IsCorruption());
}

TEST(BlobCodec, RoundTripsAndVerifiesTheHash) {
  const std::string text(10000, 'a');
  const ContentHash h = HashContent(text);
  const std::string value = EncodeBlob(text);
  EXPECT_LT(value.size(), text.size() / 10);
  auto back = DecodeBlob(value, h, 1 << 20);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, text);
  EXPECT_TRUE(DecodeBlob(value, HashContent("other"), 1 << 20).status().IsCorruption());
}

TEST(BlobCodec, RefusesBlobsOverTheLimitBeforeDecompressing) {
  const std::string text(5000, 'b');
  auto back = DecodeBlob(EncodeBlob(text), HashContent(text), 4096);
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().code(), StatusCode::kResourceExhausted);
}

TEST(BlobCodec, RejectsAFrameWhoseSizeDisagreesWithTheHeader) {
  const std::string text = "hello";
  std::string value = EncodeBlob(text);
  value[1] = 6;  // recorded raw size
  EXPECT_TRUE(DecodeBlob(value, HashContent(text), 1 << 20).status().IsCorruption());
}

TEST(CurrentNodeCodec, RejectsAClosedVersion) {
  Node n;
  std::string value;
  value.push_back(1);
  value.push_back(3);  // from = 3
  value += EncodeNodeVersion(n, {3, 4});
  EXPECT_TRUE(DecodeCurrentNode(value, 1).status().IsCorruption());
  EXPECT_TRUE(DecodeCurrentNode(EncodeCurrentNode(n, 3), 1).ok());
}

}  // namespace
}  // namespace onyx::store
