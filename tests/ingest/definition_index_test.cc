// DefinitionIndex: replacing one file's definitions answers what an index built
// from scratch answers.
#include "onyx/ingest/definition_index.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace onyx::ingest {
namespace {

Node Def(std::string path, NodeKind kind, std::string qualified, std::uint32_t start,
         std::uint32_t end) {
  Node n;
  n.kind = kind;
  n.qualified_name = std::move(qualified);
  const auto dot = n.qualified_name.rfind('.');
  n.name = dot == std::string::npos ? n.qualified_name : n.qualified_name.substr(dot + 1);
  n.language = "python";
  n.path = std::move(path);
  n.span = {start, end, 1, 1};
  n.id = MakeNodeId(n.language, n.path, n.qualified_name, n.kind);
  return n;
}

void Put(DefinitionIndex& index, const std::string& path, const std::vector<Node>& nodes) {
  std::vector<const Node*> pointers;
  for (const Node& n : nodes) pointers.push_back(&n);
  index.Replace(path, pointers);
}

std::vector<std::string> Qualified(const DefinitionIndex& index,
                                   std::span<const std::size_t> slots) {
  std::vector<std::string> out;
  for (const std::size_t i : slots) out.emplace_back(index.at(i).qualified);
  return out;
}

TEST(DefinitionIndexTest, ReplacingAFileChangesOnlyItsEntries) {
  DefinitionIndex index;
  Put(index, "b.py", {Def("b.py", NodeKind::kFunction, "b.run", 0, 10)});
  {
    // Given out of order: the index orders a file's definitions by position.
    std::vector<Node> a = {Def("a.py", NodeKind::kMethod, "a.A.run", 20, 40),
                           Def("a.py", NodeKind::kClass, "a.A", 0, 50),
                           Def("a.py", NodeKind::kTest, "a.A.test_it", 41, 49)};
    Put(index, "a.py", a);
  }  // the nodes are gone: the index holds copies
  index.Prepare();
  EXPECT_EQ(index.size(), 4u);
  EXPECT_EQ(Qualified(index, index.InFile("a.py")),
            (std::vector<std::string>{"a.A", "a.A.run", "a.A.test_it"}));
  EXPECT_EQ(Qualified(index, index.ByName("run")), (std::vector<std::string>{"a.A.run", "b.run"}));
  const std::size_t method = index.Find(MakeNodeId("python", "a.py", "a.A.run", NodeKind::kMethod));
  ASSERT_NE(method, DefinitionIndex::kNone);
  EXPECT_EQ(index.at(index.at(method).parent).qualified, "a.A");
  EXPECT_TRUE(index.HoldsTests(index.at(method).parent));
  EXPECT_FALSE(index.HoldsTests(method));

  Put(index, "a.py", {Def("a.py", NodeKind::kFunction, "a.other", 0, 5)});
  index.Prepare();
  EXPECT_EQ(Qualified(index, index.ByName("run")), (std::vector<std::string>{"b.run"}));
  EXPECT_EQ(index.Find(MakeNodeId("python", "a.py", "a.A.run", NodeKind::kMethod)),
            DefinitionIndex::kNone);
  EXPECT_TRUE(index.ByQualified("a.A").empty());
  EXPECT_EQ(index.size(), 2u);

  index.Remove("b.py");
  index.Prepare();
  EXPECT_FALSE(index.Has("b.py"));
  EXPECT_TRUE(index.ByName("run").empty());
  EXPECT_EQ(index.Paths(), (std::vector<std::string_view>{"a.py"}));
}

// One name given 60,000 times in a file, among other files: replacing and
// removing that file keeps the others' entries in order and frees its own.
// (Replacing it touches each group once, not once per definition; that cost
// shows only in this test's running time, not in its assertions.)
TEST(DefinitionIndexTest, AFileOfOneNameRepeatedIsReplacedAndRemovedWhole) {
  DefinitionIndex index;
  std::vector<Node> many;
  for (std::uint32_t k = 0; k < 60'000; ++k) {
    many.push_back(Def("m.py", NodeKind::kFunction, "m.x", 2 * k, 2 * k + 1));
  }
  Put(index, "a.py", {Def("a.py", NodeKind::kFunction, "a.x", 0, 1)});
  Put(index, "z.py", {Def("z.py", NodeKind::kFunction, "z.x", 0, 1)});
  index.Prepare();
  Put(index, "m.py", many);  // few beside many: merged per group
  index.Prepare();
  ASSERT_EQ(index.ByName("x").size(), 60'002u);
  EXPECT_EQ(index.at(index.ByName("x").front()).path, "a.py");
  EXPECT_EQ(index.at(index.ByName("x").back()).path, "z.py");
  const std::size_t held = index.ApproximateBytes();
  EXPECT_GT(held, 60'000 * sizeof(Symbol));
  many.pop_back();
  Put(index, "m.py", many);
  index.Prepare();
  EXPECT_EQ(index.ByName("x").size(), 60'001u);
  index.Remove("m.py");
  index.Prepare();
  EXPECT_LT(index.ApproximateBytes(), held);  // the file's strings and entries went
  EXPECT_EQ(Qualified(index, index.ByName("x")), (std::vector<std::string>{"a.x", "z.x"}));
}

// Two files with 20,000 definitions of one name each: replacing one again and
// again leaves the shared group whole, and removing the other empties its half.
// (The shared group is swept once per replace, not once per definition: 33 s
// under ASan before; that cost shows only in the running time.)
TEST(DefinitionIndexTest, ReplacingAFileSharingANameKeepsTheGroupWhole) {
  DefinitionIndex index;
  const auto many = [](const std::string& path) {
    std::vector<Node> nodes;
    for (std::uint32_t k = 0; k < 20'000; ++k) {
      nodes.push_back(Def(path, NodeKind::kFunction, "m.x~" + std::to_string(k), 2 * k, 2 * k + 1));
      nodes.back().name = "x";
    }
    return nodes;
  };
  Put(index, "a.py", many("a.py"));
  Put(index, "b.py", many("b.py"));
  index.Prepare();
  ASSERT_EQ(index.ByName("x").size(), 40'000u);
  for (int round = 0; round < 3; ++round) {
    Put(index, "a.py", many("a.py"));
    index.Prepare();
  }
  EXPECT_EQ(index.ByName("x").size(), 40'000u);
  EXPECT_EQ(index.at(index.ByName("x").front()).path, "a.py");
  index.Remove("b.py");
  index.Prepare();
  EXPECT_EQ(index.ByName("x").size(), 20'000u);
}

// Random edits of random files, kept in one index, against an index built
// fresh from the same files after every step.
RC_GTEST_PROP(DefinitionIndexProperty, KeptAnswersWhatAFreshIndexAnswers, ()) {
  const auto steps = *rc::gen::inRange(1, 30);
  const std::vector<std::string> names = {"run", "init", "x", "helper", "test_a"};
  std::map<std::string, std::vector<Node>> files;
  DefinitionIndex kept;
  for (int step = 0; step < steps; ++step) {
    const std::string path = "f" + std::to_string(*rc::gen::inRange(0, 6)) + ".py";
    std::vector<Node> nodes;
    const auto count = *rc::gen::inRange(0, 12);
    std::uint32_t at = 0;
    for (int k = 0; k < count; ++k) {
      const auto& name = names[static_cast<std::size_t>(*rc::gen::inRange(0, 5))];
      const bool nested = k > 0 && *rc::gen::arbitrary<bool>();
      // A nested definition sits inside the previous one's span.
      const std::uint32_t start = nested ? nodes.back().span.start_byte + 1 : at;
      const std::uint32_t end = nested ? nodes.back().span.end_byte - 1 : at + 100;
      const std::string owner = nested ? nodes.back().qualified_name : path.substr(0, 2);
      const NodeKind kind = name.starts_with("test_") ? NodeKind::kTest
                            : nested                  ? NodeKind::kMethod
                                                      : NodeKind::kFunction;
      nodes.push_back(Def(path, kind, owner + "." + name + std::to_string(k % 3), start, end));
      if (!nested) at += 200;
    }
    if (nodes.empty()) {
      files.erase(path);
    } else {
      files[path] = nodes;
    }
    Put(kept, path, nodes);
    if (*rc::gen::arbitrary<bool>()) kept.Prepare();  // several files between two
  }
  kept.Prepare();
  DefinitionIndex fresh;
  for (const auto& [path, nodes] : files) Put(fresh, path, nodes);
  fresh.Prepare();
  RC_ASSERT(DefinitionIndexDifference(kept, fresh) == "");
}

}  // namespace
}  // namespace onyx::ingest
