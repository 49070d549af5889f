// The Python resolution fixture (tests/fixtures/resolve/python, a small shop)
// ingested as revision 1 of a fresh store, for the query tests.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "onyx/ingest/tree_ingest.h"
#include "onyx/query.h"
#include "onyx/query/impact.h"
#include "testing/store_fixture.h"

namespace onyx::testing {

// "depth confidence kind qualified_name [tests]" per reached node.
inline std::vector<std::string> WalkLines(const WalkResult& result) {
  std::vector<std::string> out;
  for (const Reached& r : result.nodes) {
    char confidence[16];
    std::snprintf(confidence, sizeof confidence, "%.2f", r.confidence);
    std::string line = std::to_string(r.depth) + " " + confidence + " " +
                       std::string(NodeKindName(r.node.kind)) + " " + r.node.qualified_name;
    for (const Node& t : r.tests) line += " [" + t.qualified_name + "]";
    out.push_back(line);
  }
  return out;
}

// Edges as comparable text (the topology keeps no call sites or attributes).
inline std::vector<std::string> EdgeText(const std::vector<Edge>& edges) {
  std::vector<std::string> out;
  for (const Edge& e : edges) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%016llx %s %016llx %.3f %s [%llu,%llu)",
                  static_cast<unsigned long long>(e.src), std::string(EdgeKindName(e.kind)).c_str(),
                  static_cast<unsigned long long>(e.dst), e.confidence,
                  std::string(ResolutionName(e.resolution)).c_str(),
                  static_cast<unsigned long long>(e.validity.from),
                  static_cast<unsigned long long>(e.validity.to));
    out.push_back(buf);
  }
  return out;
}

class ShopFixture : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    if (HasFatalFailure()) return;
    root_ = work_.Sub("shop");
    std::filesystem::copy(SourceDir() + "/tests/fixtures/resolve/python", root_,
                          std::filesystem::copy_options::recursive);
    ASSERT_OK(ingest::IngestTree(*store_, project_, root_, {}));
  }

  store::ReadView View(RevisionNumber as_of = 0) {
    auto view = store_->View(project_.id);
    EXPECT_OK(view);
    if (as_of == 0) return *view;
    auto at = view->AsOf(as_of);
    EXPECT_OK(at);
    return *at;
  }

  NodeId Id(const std::string& qualified) {
    auto nodes = query::FindNodes(View(), qualified);
    EXPECT_OK(nodes);
    EXPECT_EQ(nodes->size(), 1u) << qualified;
    return nodes->empty() ? 0 : nodes->front().id;
  }

  static std::vector<std::string> Lines(const WalkResult& result) { return WalkLines(result); }

  // Rewrites a file of the tree (relative to its root) and ingests the tree as
  // the next revision.
  void Commit(const std::string& path, const std::string& text) {
    std::ofstream(root_ + "/" + path, std::ios::binary | std::ios::trunc) << text;
    ASSERT_OK(ingest::IngestTree(*store_, project_, root_, {}));
  }

  TempDir work_;
  std::string root_;
};

}  // namespace onyx::testing
