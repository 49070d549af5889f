// The data model: kind names, canonical symbols and ids, content hashes.
#include "onyx/types.h"

#include <gtest/gtest.h>

namespace onyx {
namespace {

TEST(NodeKind, NamesRoundTripAndUnknownNamesAreRejected) {
  for (int v = 0; v < 256; ++v) {
    const auto byte = static_cast<std::uint8_t>(v);
    if (!IsValidNodeKind(byte)) continue;
    const auto kind = static_cast<NodeKind>(byte);
    EXPECT_EQ(ParseNodeKind(NodeKindName(kind)), kind);
  }
  EXPECT_EQ(ParseNodeKind("doc_section"), NodeKind::kDocSection);
  EXPECT_FALSE(ParseNodeKind("Function").has_value());
  EXPECT_FALSE(IsValidNodeKind(0));
  EXPECT_FALSE(IsValidNodeKind(15));
}

TEST(EdgeKind, NamesRoundTrip) {
  for (int v = 1; v <= 9; ++v) {
    const auto kind = static_cast<EdgeKind>(v);
    EXPECT_EQ(ParseEdgeKind(EdgeKindName(kind)), kind);
  }
  EXPECT_FALSE(IsValidEdgeKind(10));
  EXPECT_EQ(ParseResolution("unique_name"), Resolution::kUniqueName);
  EXPECT_EQ(ParseRevisionSource("git"), RevisionSource::kGit);
}

TEST(NodeSymbol, IsLanguagePathQualifiedNameAndKind) {
  EXPECT_EQ(NodeSymbol("rust", "src/lib.rs", "crate::parse", NodeKind::kFunction),
            "rust:src/lib.rs:crate::parse#function");
}

TEST(MakeNodeId, IsStableAcrossRunsAndDistinguishesKinds) {
  // xxh3-64 of "python:a.py:a.f#function": a client can compute the same id, e.g.
  // `printf %s "python:a.py:a.f#function" | xxhsum -H3` prints 93d0b9ab246a76dd.
  const NodeId f = MakeNodeId("python", "a.py", "a.f", NodeKind::kFunction);
  EXPECT_EQ(f, MakeNodeId("python", "a.py", "a.f", NodeKind::kFunction));
  EXPECT_NE(f, MakeNodeId("python", "a.py", "a.f", NodeKind::kMethod));
  EXPECT_NE(f, MakeNodeId("python", "b.py", "a.f", NodeKind::kFunction));
  EXPECT_EQ(f, 0x93d0b9ab246a76ddULL);
}

TEST(NodeIdText, SixteenLowerCaseHexDigitsRoundTrip) {
  EXPECT_EQ(FormatNodeId(0xae9196ccb4641117), "ae9196ccb4641117");
  EXPECT_EQ(FormatNodeId(1), "0000000000000001");
  EXPECT_EQ(ParseNodeId("ae9196ccb4641117"), NodeId{0xae9196ccb4641117});
  EXPECT_EQ(ParseNodeId(FormatNodeId(~NodeId{0})), ~NodeId{0});
  for (const char* bad : {"", "ae9196ccb464111", "ae9196ccb46411170", "ae9196ccb464111g",
                          "-e9196ccb4641117", " e9196ccb4641117"}) {
    EXPECT_FALSE(ParseNodeId(bad).has_value()) << bad;
  }
}

TEST(ContentHash, HexIsThirtyTwoDigitsAndEqualTextHashesEqual) {
  const ContentHash a = HashContent("fn main() {}");
  EXPECT_EQ(a, HashContent("fn main() {}"));
  EXPECT_NE(a, HashContent("fn main() { }"));
  EXPECT_EQ(a.ToHex().size(), 32u);
  const ContentHash fixed{0x1, 0xabc};
  EXPECT_EQ(fixed.ToHex(), "00000000000000010000000000000abc");
}

TEST(Validity, ContainsIsHalfOpen) {
  const Validity v{3, 7};
  EXPECT_FALSE(v.Contains(2));
  EXPECT_TRUE(v.Contains(3));
  EXPECT_TRUE(v.Contains(6));
  EXPECT_FALSE(v.Contains(7));
  EXPECT_TRUE((Validity{5, kOpenRevision}).IsOpen());
}

}  // namespace
}  // namespace onyx
