// Walks over the in-memory topology answer exactly as walks over the store,
// on random graphs built to tie: few distinct confidences (so many paths are
// equally good), shared qualified names, nodes and edges that come and go
// between revisions. The topology lays nodes out by file, not by id, so ties
// must be broken by id explicitly to match.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "onyx/query/impact.h"
#include "onyx/query/topology.h"
#include "onyx/query/traverse.h"
#include "onyx/store/revision_writer.h"
#include "query/shop_fixture.h"
#include "testing/store_fixture.h"

namespace onyx::query {
namespace {

using testing::EdgeText;
using testing::WalkLines;

class TopologyPropertyTest : public testing::StoreFixture,
                             public ::testing::WithParamInterface<unsigned> {
 protected:
  // Node n of the graph: 16 files of 3 definitions; names repeat across
  // files every 12 nodes, and every 7th definition is a test.
  static Node Definition(unsigned n, unsigned version = 0) {
    Node node;
    node.language = "python";
    node.path = "pkg/f" + std::to_string(n % 16) + ".py";
    node.kind = n % 7 == 3 ? NodeKind::kTest : NodeKind::kFunction;
    node.name = (node.kind == NodeKind::kTest ? "test_" : "fn_") + std::to_string(n % 12);
    node.qualified_name = "pkg." + node.name;  // shared by several nodes
    const auto line = (n / 16) * 10 + 1;
    node.span = {line * 40, line * 40 + 30, line, line + 5};
    node.signature =
        "def " + node.name + "(): # " + std::to_string(n) + "/" + std::to_string(version);
    node.content_hash = HashContent(node.signature);
    node.id = MakeNodeId(node.language, node.path, node.qualified_name, node.kind);
    return node;
  }

  static Edge RandomEdge(std::mt19937& rng, unsigned nodes) {
    static constexpr EdgeKind kKinds[] = {EdgeKind::kCalls,      EdgeKind::kCalls,
                                          EdgeKind::kReferences, EdgeKind::kInherits,
                                          EdgeKind::kImports,    EdgeKind::kTests};
    static constexpr float kConfidences[] = {0.5F, 0.8F, 1.0F};
    Edge e;
    e.src = Definition(rng() % nodes).id;
    e.dst = Definition(rng() % nodes).id;
    e.kind = kKinds[rng() % 6];
    e.confidence = kConfidences[rng() % 3];
    e.resolution = e.confidence == 1.0F ? Resolution::kExact : Resolution::kImport;
    return e;
  }
};

TEST_P(TopologyPropertyTest, WalksMatchTheStoreAtEveryRevision) {
  constexpr unsigned kNodes = 48;
  std::mt19937 rng(GetParam());
  std::vector<Edge> edges;
  // 1: every node and 150 edges; 2: 40 edges go, 40 come, 10 nodes change;
  // 3: 5 nodes go (and their edges with them).
  {
    auto w = store_->BeginRevision(project_.id, {});
    ASSERT_OK(w);
    for (unsigned n = 0; n < kNodes; ++n) ASSERT_OK((*w)->UpsertNode(Definition(n)));
    for (int i = 0; i < 150; ++i) {
      Edge e = RandomEdge(rng, kNodes);
      if (e.src == e.dst) continue;
      edges.push_back(e);
      ASSERT_OK((*w)->UpsertEdge(std::move(e)));
    }
    ASSERT_OK((*w)->Commit().status());
  }
  {
    auto w = store_->BeginRevision(project_.id, {});
    ASSERT_OK(w);
    for (int i = 0; i < 40 && !edges.empty(); ++i) {
      const Edge& e = edges[rng() % edges.size()];
      ASSERT_OK((*w)->RemoveEdge({e.src, e.kind, e.dst}));
    }
    for (int i = 0; i < 40; ++i) {
      Edge e = RandomEdge(rng, kNodes);
      if (e.src != e.dst) ASSERT_OK((*w)->UpsertEdge(std::move(e)));
    }
    for (int i = 0; i < 10; ++i) ASSERT_OK((*w)->UpsertNode(Definition(rng() % kNodes, 2)));
    ASSERT_OK((*w)->Commit().status());
  }
  {
    auto w = store_->BeginRevision(project_.id, {});
    ASSERT_OK(w);
    for (int i = 0; i < 5; ++i) ASSERT_OK((*w)->RemoveNode(Definition(rng() % kNodes).id));
    ASSERT_OK((*w)->Commit().status());
  }
  auto view = store_->View(project_.id);
  ASSERT_OK(view);
  auto topology = Topology::Build(*view);
  ASSERT_OK(topology);

  std::size_t reached = 0;
  for (RevisionNumber rev = 1; rev <= 3; ++rev) {
    auto at = view->AsOf(rev);
    ASSERT_OK(at);
    for (unsigned n = 0; n < kNodes; ++n) {
      const NodeId id = Definition(n).id;
      WalkLimits limits;
      limits.max_depth = 4;
      auto slow = Impact(*at, id, limits, nullptr);
      auto fast = Impact(*at, id, limits, topology->get());
      ASSERT_EQ(slow.ok(), fast.ok()) << rev << " " << n;
      if (!slow.ok()) {
        EXPECT_TRUE(slow.status().IsNotFound());
        EXPECT_TRUE(fast.status().IsNotFound());
        continue;
      }
      EXPECT_EQ(WalkLines(*fast), WalkLines(*slow)) << rev << " " << n;
      EXPECT_EQ(fast->partial, slow->partial);
      EXPECT_EQ(fast->total, slow->total);
      ASSERT_EQ(fast->nodes.size(), slow->nodes.size());
      for (std::size_t i = 0; i < fast->nodes.size(); ++i) {
        EXPECT_EQ(fast->nodes[i].node.id, slow->nodes[i].node.id) << rev << " " << n;
        EXPECT_EQ(EdgeText(fast->nodes[i].path), EdgeText(slow->nodes[i].path)) << rev << " " << n;
      }
      reached += fast->nodes.size();
      // Any page (within a depth, across depths, past the end) is that part
      // of the whole.
      for (const auto& [offset, size] :
           {std::pair<std::size_t, std::size_t>{0, 1}, {3, 4}, {7, 100}, {fast->total, 5}}) {
        limits.offset = offset;
        limits.page = size;
        auto page = Impact(*at, id, limits, topology->get());
        ASSERT_OK(page);
        EXPECT_EQ(page->total, fast->total);
        const std::size_t from = std::min(offset, fast->total);
        ASSERT_EQ(page->nodes.size(), std::min(size, fast->total - from));
        for (std::size_t i = 0; i < page->nodes.size(); ++i) {
          EXPECT_EQ(page->nodes[i].node.id, fast->nodes[from + i].node.id) << offset;
        }
      }
      auto tests = TestsFor(*at, id, {}, topology->get());
      auto slow_tests = TestsFor(*at, id, {}, nullptr);
      ASSERT_OK(tests);
      ASSERT_OK(slow_tests);
      EXPECT_EQ(WalkLines(*tests), WalkLines(*slow_tests));
    }
  }
  // Random graphs this dense reach far: the comparisons above compared something.
  EXPECT_GT(reached, 500u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, TopologyPropertyTest, ::testing::Values(1u, 2u, 3u, 4u, 5u));

}  // namespace
}  // namespace onyx::query
