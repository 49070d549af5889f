// Reference resolution, end to end: each language's fixture repository under
// tests/fixtures/resolve/ is ingested and its edges (everything but contains)
// compared with the exact expected list, including the cases that are easy to
// get wrong: methods vs functions, nested classes, overloads, re-exports,
// aliased imports, inheritance, test helpers.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "onyx/ingest/tree_ingest.h"
#include "onyx/store/read_view.h"
#include "testing/store_fixture.h"
#include "testing/temp_dir.h"

namespace onyx::ingest {
namespace {

std::string Fixture(const std::string& name) {
  return testing::SourceDir() + "/tests/fixtures/resolve/" + name;
}

class ResolutionTest : public testing::StoreFixture {
 protected:
  IngestSummary Ingest(const std::string& root, const IngestOptions& options = {}) {
    auto summary = IngestTree(*store_, project_, root, options);
    EXPECT_OK(summary);
    return summary.ok() ? *summary : IngestSummary{};
  }

  // "source -kind-> target (resolution confidence)" for every current edge but
  // contains; nodes are named by qualified name (files by path).
  std::vector<std::string> Edges() {
    std::vector<std::string> out;
    auto view = store_->View(project_.id);
    EXPECT_OK(view);
    std::map<NodeId, std::string> names;
    EXPECT_OK(view->ForEachNode([&](const Node& n) {
      names[n.id] = n.qualified_name;
      return true;
    }));
    EXPECT_OK(view->ForEachEdge([&](const Edge& e) {
      if (e.kind == EdgeKind::kContains) return true;
      char confidence[16];
      std::snprintf(confidence, sizeof confidence, "%.2f", e.confidence);
      out.push_back(names[e.src] + " -" + std::string(EdgeKindName(e.kind)) + "-> " + names[e.dst] +
                    " (" + std::string(ResolutionName(e.resolution)) + " " + confidence + ")");
      return true;
    }));
    std::sort(out.begin(), out.end());
    return out;
  }

  // Edges that mention `needle`.
  std::vector<std::string> EdgesWith(const std::string& needle) {
    std::vector<std::string> out;
    for (std::string& e : Edges()) {
      if (e.find(needle) != std::string::npos) out.push_back(std::move(e));
    }
    return out;
  }

  // The attributes of the file node at `path`.
  std::map<std::string, std::string> FileAttributes(const std::string& path) {
    auto view = store_->View(project_.id);
    EXPECT_OK(view);
    auto nodes = view->FindByPath(path);
    EXPECT_OK(nodes);
    for (const Node& n : *nodes) {
      if (n.kind == NodeKind::kFile) return n.attributes;
    }
    ADD_FAILURE() << "no file " << path;
    return {};
  }

  // A writable copy of a fixture.
  std::string CopyOf(const std::string& fixture) {
    const std::string to = work_.Sub(fixture);
    std::filesystem::copy(Fixture(fixture), to, std::filesystem::copy_options::recursive);
    return to;
  }

  static void Write(const std::string& path, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }

  testing::TempDir work_;
};

TEST_F(ResolutionTest, Python) {
  const IngestSummary summary = Ingest(Fixture("python"));
  EXPECT_EQ(Edges(),
            (std::vector<std::string>{
                "README > Shop -documents-> shop.cart.Cart.add (unique_name 0.90)",
                "README > Shop > Pricing -documents-> shop.cart.Item (unique_name 0.80)",
                "README > Shop > Pricing -documents-> shop.pricing.TAX_RATE (unique_name 0.80)",
                "README > Shop > Pricing -documents-> shop.pricing.subtotal (unique_name 0.80)",
                "app.checkout -calls-> shop.cart.Cart (import 0.95)",
                "app.checkout -calls-> shop.pricing.total (import 0.95)",
                "app.main -calls-> app.checkout (exact 1.00)",
                "app.py -imports-> shop.cart.Cart (exact 1.00)",
                "app.py -imports-> shop.pricing.total (exact 1.00)",
                "app.py -imports-> shop/__init__.py (exact 1.00)",
                "shop.cart.Cart.add -calls-> shop.cart.Item (exact 1.00)",
                "shop.cart.Cart.cheap_total -calls-> shop.cart.Cart.discount (exact 0.95)",
                "shop.cart.Cart.cheap_total -calls-> shop.pricing.subtotal (import 0.95)",
                "shop.cart.Cart.total -calls-> shop.pricing.total (import 0.95)",
                "shop.cart.GiftCart -inherits-> shop.cart.Cart (exact 1.00)",
                "shop.pricing.total -calls-> shop.pricing.subtotal (exact 1.00)",
                "shop/__init__.py -imports-> shop.cart.Cart (exact 1.00)",
                "shop/__init__.py -imports-> shop.pricing.total (exact 1.00)",
                "shop/cart.py -imports-> shop.pricing.subtotal (exact 1.00)",
                "shop/cart.py -imports-> shop/pricing.py (exact 1.00)",
                "tests.test_cart.TestCart.test_add -calls-> shop.cart.Cart (import 0.95)",
                "tests.test_cart.TestCart.test_add -tests-> shop.cart.Cart (import 0.95)",
                "tests.test_cart.make_cart -calls-> shop.cart.Cart (import 0.95)",
                "tests.test_cart.test_total -calls-> shop.pricing.total (import 0.95)",
                "tests.test_cart.test_total -calls-> tests.test_cart.make_cart (exact 1.00)",
                "tests.test_cart.test_total -tests-> shop.cart.Cart (import 0.95)",
                "tests.test_cart.test_total -tests-> shop.pricing.total (import 0.95)",
                "tests/test_cart.py -imports-> shop.cart.Cart (exact 1.00)",
                "tests/test_cart.py -imports-> shop.pricing.total (exact 1.00)",
            }));
  EXPECT_EQ(summary.unresolved_by_reason,
            (std::map<std::string, std::uint64_t>{
                {"ambiguous", 2}, {"builtin", 3}, {"unknown_receiver", 4}}));
}

TEST_F(ResolutionTest, Rust) {
  const IngestSummary summary = Ingest(Fixture("rust"));
  EXPECT_EQ(
      Edges(),
      (std::vector<std::string>{
          "src.lib.total_area -calls-> src.shapes.circle.Circle.new (import 0.90)",
          "src.lib.total_area -calls-> src.util.round (exact 0.95)",
          "src.lib.total_area -references-> src.shapes.square.Square (import 0.95)",
          "src.shapes.circle.Circle -implements-> src.shapes.mod.Area (import 0.95)",
          "src.shapes.circle.Circle.new -calls-> src.util.clamp (import 0.95)",
          "src.shapes.circle.Circle.new -references-> src.shapes.circle.Circle (exact 1.00)",
          "src.shapes.circle.tests.diameter_is_twice_the_radius -calls-> "
          "src.shapes.circle.Circle.diameter (heuristic 0.50)",
          "src.shapes.circle.tests.diameter_is_twice_the_radius -calls-> "
          "src.shapes.circle.tests.unit (exact 1.00)",
          "src.shapes.circle.tests.diameter_is_twice_the_radius -tests-> "
          "src.shapes.circle.Circle.diameter (heuristic 0.50)",
          "src.shapes.circle.tests.diameter_is_twice_the_radius -tests-> "
          "src.shapes.circle.Circle.new (exact 0.95)",
          "src.shapes.circle.tests.unit -calls-> src.shapes.circle.Circle.new (exact 0.95)",
          "src.shapes.circle.tests.unit -references-> src.shapes.circle.Circle (exact 1.00)",
          "src.shapes.square.Square -implements-> src.shapes.mod.Area (import 0.95)",
          "src.util.clamp -calls-> src.util.round (exact 1.00)",
          "src/lib.rs -imports-> src.shapes.circle.Circle (exact 1.00)",
          "src/lib.rs -imports-> src.shapes.mod.Area (exact 1.00)",
          "src/lib.rs -imports-> src.shapes.square.Square (exact 1.00)",
          "src/shapes/circle.rs -imports-> src.shapes.mod.Area (exact 1.00)",
          "src/shapes/circle.rs -imports-> src/shapes/mod.rs (exact 1.00)",
          "src/shapes/circle.rs -imports-> src/util.rs (exact 1.00)",
          "src/shapes/square.rs -imports-> src.shapes.mod.Area (exact 1.00)",
          "tests.areas.zero_sized_shapes_have_no_area -calls-> src.lib.total_area (import 0.95)",
          "tests.areas.zero_sized_shapes_have_no_area -tests-> src.lib.total_area (import 0.95)",
          "tests/areas.rs -imports-> src.lib.total_area (exact 1.00)",
      }));
  EXPECT_EQ(summary.unresolved_by_reason,
            (std::map<std::string, std::uint64_t>{{"unknown_receiver", 3}}));
}

TEST_F(ResolutionTest, TypeScript) {
  const IngestSummary summary = Ingest(Fixture("typescript"));
  EXPECT_EQ(
      Edges(),
      (std::vector<std::string>{
          "src.main.describeArea -calls-> src.shapes.circle.Circle (import 0.95)",
          "src.main.describeArea -calls-> src.shapes.circle.Circle.area (heuristic 0.50)",
          "src.main.describeArea -calls-> src.shapes.shape.roundTo (import 0.95)",
          "src.main.main -calls-> src.main.describeArea (exact 1.00)",
          "src.shapes.circle.Circle -implements-> src.shapes.shape.Shape (import 0.95)",
          "src.shapes.circle.Circle -inherits-> src.shapes.circle.Base (exact 1.00)",
          "src.shapes.circle.Circle.area -calls-> src.shapes.shape.roundTo (import 0.95)",
          "src.shapes.circle.Circle.checked -references-> src.shapes.circle.Circle (exact 1.00)",
          "src.shapes.circle.Circle.scaled -calls-> src.shapes.circle.Circle (exact 1.00)",
          "src.shapes.circle.Circle.scaled -calls-> src.shapes.circle.Circle.checked (heuristic "
          "0.50)",
          "src.shapes.circle.Circle.scaled -references-> src.shapes.circle.Circle (exact 1.00)",
          "src.view.CircleView -calls-> src.shapes.circle.Circle (import 0.95)",
          "src/main.ts -imports-> src.shapes.circle.Circle (exact 1.00)",
          "src/main.ts -imports-> src.shapes.shape.roundTo (exact 1.00)",
          "src/main.ts -imports-> src/shapes/shape.ts (exact 1.00)",
          "src/shapes/circle.ts -imports-> src.shapes.shape.Shape (exact 1.00)",
          "src/shapes/circle.ts -imports-> src.shapes.shape.roundTo (exact 1.00)",
          "src/shapes/index.ts -imports-> src.shapes.circle.Circle (exact 1.00)",
          "src/shapes/index.ts -imports-> src/shapes/shape.ts (exact 1.00)",
          "src/view.tsx -imports-> src.shapes.circle.Circle (exact 1.00)",
          "test.circle.test.Circle.describes itself -calls-> src.main.describeArea (import 0.95)",
          "test.circle.test.Circle.describes itself -tests-> src.main.describeArea (import 0.95)",
          "test.circle.test.Circle.has an area -calls-> src.shapes.circle.Circle.area (heuristic "
          "0.50)",
          "test.circle.test.Circle.has an area -calls-> test.circle.test.unitCircle (exact 1.00)",
          "test.circle.test.Circle.has an area -tests-> src.shapes.circle.Circle (import 0.95)",
          "test.circle.test.Circle.has an area -tests-> src.shapes.circle.Circle.area (heuristic "
          "0.50)",
          "test.circle.test.unitCircle -calls-> src.shapes.circle.Circle (import 0.95)",
          "test.circle.test.unitCircle -references-> src.shapes.circle.Circle (import 0.95)",
          "test/circle.test.ts -imports-> src.main.describeArea (exact 1.00)",
          "test/circle.test.ts -imports-> src.shapes.circle.Circle (exact 1.00)",
      }));
  EXPECT_EQ(summary.unresolved_by_reason,
            (std::map<std::string, std::uint64_t>{
                {"builtin", 5}, {"external", 2}, {"unknown_receiver", 5}}));
}

TEST_F(ResolutionTest, JavaScript) {
  const IngestSummary summary = Ingest(Fixture("javascript"));
  EXPECT_EQ(
      Edges(),
      (std::vector<std::string>{
          "__tests__.fancy.test.FancyCounter.counts by two -calls-> __tests__.fancy.test.fresh "
          "(exact 1.00)",
          "__tests__.fancy.test.FancyCounter.counts by two -calls-> "
          "lib.fancy.FancyCounter.incrementTwice (heuristic 0.50)",
          "__tests__.fancy.test.FancyCounter.counts by two -tests-> lib.fancy.FancyCounter (import "
          "0.95)",
          "__tests__.fancy.test.FancyCounter.counts by two -tests-> "
          "lib.fancy.FancyCounter.incrementTwice (heuristic 0.50)",
          "__tests__.fancy.test.fresh -calls-> lib.fancy.FancyCounter (import 0.95)",
          "__tests__/fancy.test.js -imports-> lib.fancy.FancyCounter (exact 1.00)",
          "app.App -calls-> lib.fancy.FancyCounter (import 0.95)",
          "app.App -calls-> lib.fancy.FancyCounter.incrementTwice (heuristic 0.50)",
          "app.jsx -imports-> lib.fancy.FancyCounter (exact 1.00)",
          "lib.fancy.FancyCounter -inherits-> lib.math.Counter (import 0.95)",
          "lib.fancy.FancyCounter.incrementTwice -calls-> lib.math.Counter.increment (exact 0.95)",
          "lib.legacy.double -calls-> lib.math.add (import 0.95)",
          "lib.math.Counter.increment -calls-> lib.math.add (exact 1.00)",
          "lib/fancy.js -imports-> lib.math.Counter (exact 1.00)",
          "lib/legacy.js -imports-> lib/math.js (exact 1.00)",
      }));
  EXPECT_EQ(summary.unresolved_by_reason,
            (std::map<std::string, std::uint64_t>{
                {"builtin", 5}, {"external", 1}, {"unknown_receiver", 1}}));
}

TEST_F(ResolutionTest, Go) {
  const IngestSummary summary = Ingest(Fixture("go"));
  EXPECT_EQ(Edges(),
            (std::vector<std::string>{
                "cmd.area.main.main -calls-> shapes.shape.NewCircle (import 0.95)",
                "cmd.area.main.main -calls-> shapes.util.Total (import 0.95)",
                "cmd/area/main.go -imports-> shapes (exact 1.00)",
                "shapes.shape.Circle.Area -references-> shapes.shape.Circle (exact 1.00)",
                "shapes.shape.Circle.Grow -calls-> shapes.util.clamp (exact 1.00)",
                "shapes.shape.Circle.Grow -references-> shapes.shape.Circle (exact 1.00)",
                "shapes.shape.NewCircle -calls-> shapes.util.clamp (exact 1.00)",
                "shapes.shape.NewCircle -references-> shapes.shape.Circle (exact 1.00)",
                "shapes.shape_test.TestArea -calls-> shapes.shape.Circle.Area (heuristic 0.50)",
                "shapes.shape_test.TestArea -calls-> shapes.shape_test.unit (exact 1.00)",
                "shapes.shape_test.TestArea -tests-> shapes.shape.Circle.Area (heuristic 0.50)",
                "shapes.shape_test.TestArea -tests-> shapes.shape.NewCircle (exact 1.00)",
                "shapes.shape_test.TestTotal -calls-> shapes.shape_test.unit (exact 1.00)",
                "shapes.shape_test.TestTotal -calls-> shapes.util.Total (exact 1.00)",
                "shapes.shape_test.TestTotal -tests-> shapes.shape.NewCircle (exact 1.00)",
                "shapes.shape_test.TestTotal -tests-> shapes.util.Total (exact 1.00)",
                "shapes.shape_test.unit -calls-> shapes.shape.NewCircle (exact 1.00)",
                "shapes.shape_test.unit -references-> shapes.shape.Circle (exact 1.00)",
                "shapes.util.Total -calls-> shapes.shape.Circle.Area (heuristic 0.50)",
                "shapes.util.Total -references-> shapes.shape.Shape (exact 1.00)",
            }));
  EXPECT_EQ(summary.unresolved_by_reason,
            (std::map<std::string, std::uint64_t>{
                {"builtin", 7}, {"external", 6}, {"unknown_receiver", 2}}));
}

TEST_F(ResolutionTest, Java) {
  const IngestSummary summary = Ingest(Fixture("java"));
  EXPECT_EQ(Edges(), (std::vector<std::string>{
                         "src.main.java.com.acme.app.Main.main -calls-> "
                         "src.main.java.com.acme.shapes.Circle (import 0.95)",
                         "src.main.java.com.acme.app.Main.main -calls-> "
                         "src.main.java.com.acme.shapes.Geometry.total (import 0.90)",
                         "src.main.java.com.acme.app.Main.main -references-> "
                         "src.main.java.com.acme.shapes.Circle (import 0.95)",
                         "src.main.java.com.acme.shapes.Circle -implements-> "
                         "src.main.java.com.acme.shapes.Shape (exact 1.00)",
                         "src.main.java.com.acme.shapes.Circle -inherits-> "
                         "src.main.java.com.acme.shapes.Figure (exact 1.00)",
                         "src.main.java.com.acme.shapes.Circle.Circle -calls-> "
                         "src.main.java.com.acme.shapes.Geometry.clamp (exact 0.95)",
                         "src.main.java.com.acme.shapes.Circle.scaled -calls-> "
                         "src.main.java.com.acme.shapes.Circle (exact 1.00)",
                         "src.main.java.com.acme.shapes.Circle.scaled -references-> "
                         "src.main.java.com.acme.shapes.Circle (exact 1.00)",
                         "src.main.java.com.acme.shapes.Circle.scaled~2 -calls-> "
                         "src.main.java.com.acme.shapes.Circle.scaled (exact 0.80)",
                         "src.main.java.com.acme.shapes.Circle.scaled~2 -references-> "
                         "src.main.java.com.acme.shapes.Circle (exact 1.00)",
                         "src.main.java.com.acme.shapes.Geometry.total -references-> "
                         "src.main.java.com.acme.shapes.Shape (exact 1.00)",
                         "src.test.java.com.acme.shapes.CircleTest.areaOfUnitCircle -calls-> "
                         "src.test.java.com.acme.shapes.CircleTest.unit (exact 1.00)",
                         "src.test.java.com.acme.shapes.CircleTest.areaOfUnitCircle -tests-> "
                         "src.main.java.com.acme.shapes.Circle (exact 1.00)",
                         "src.test.java.com.acme.shapes.CircleTest.totalOfTwo -calls-> "
                         "src.main.java.com.acme.shapes.Geometry.total (exact 0.95)",
                         "src.test.java.com.acme.shapes.CircleTest.totalOfTwo -calls-> "
                         "src.test.java.com.acme.shapes.CircleTest.unit (exact 1.00)",
                         "src.test.java.com.acme.shapes.CircleTest.totalOfTwo -tests-> "
                         "src.main.java.com.acme.shapes.Circle (exact 1.00)",
                         "src.test.java.com.acme.shapes.CircleTest.totalOfTwo -tests-> "
                         "src.main.java.com.acme.shapes.Geometry.total (exact 0.95)",
                         "src.test.java.com.acme.shapes.CircleTest.unit -calls-> "
                         "src.main.java.com.acme.shapes.Circle (exact 1.00)",
                         "src.test.java.com.acme.shapes.CircleTest.unit -references-> "
                         "src.main.java.com.acme.shapes.Circle (exact 1.00)",
                         "src/main/java/com/acme/app/Main.java -imports-> "
                         "src.main.java.com.acme.shapes.Circle (exact 1.00)",
                         "src/main/java/com/acme/app/Main.java -imports-> "
                         "src.main.java.com.acme.shapes.Geometry (exact 1.00)",
                     }));
  EXPECT_EQ(summary.unresolved_by_reason,
            (std::map<std::string, std::uint64_t>{
                {"builtin", 1}, {"external", 6}, {"unknown_receiver", 4}}));
}

TEST_F(ResolutionTest, ReingestOfEachFixtureCommitsNothing) {
  for (const std::string name : {"python", "rust", "typescript", "javascript", "go", "java"}) {
    SCOPED_TRACE(name);
    auto project = store_->CreateProject(name);
    ASSERT_OK(project);
    auto first = IngestTree(*store_, *project, Fixture(name), {});
    ASSERT_OK(first);
    EXPECT_TRUE(first->revision.has_value());
    auto second = IngestTree(*store_, *project, Fixture(name), {});
    ASSERT_OK(second);
    EXPECT_FALSE(second->revision.has_value());
    EXPECT_EQ(second->files_parsed, 0u);
    EXPECT_EQ(second->files_linked, 0u);
  }
}

// An unchanged file is linked again when a name it uses appears or disappears
// elsewhere, without being parsed again.
TEST_F(ResolutionTest, UnchangedFileIsRelinkedWhenANameItUsesComesAndGoes) {
  const std::string root = CopyOf("python");
  Write(root + "/extra.py", "def apply(cart):\n    return discount_for(cart)\n");
  Ingest(root);
  EXPECT_EQ(EdgesWith("extra.apply"), std::vector<std::string>{});
  EXPECT_EQ(FileAttributes("extra.py").at("unresolved.not_found"), "1");

  Write(root + "/shop/discounts.py", "def discount_for(cart):\n    return 0\n");
  IngestSummary added = Ingest(root);
  EXPECT_EQ(added.files_parsed, 1u);  // only the new file
  EXPECT_EQ(EdgesWith("extra.apply"),
            (std::vector<std::string>{
                "extra.apply -calls-> shop.discounts.discount_for (unique_name 0.70)"}));
  EXPECT_EQ(FileAttributes("extra.py").count("unresolved.not_found"), 0u);

  std::filesystem::remove(root + "/shop/discounts.py");
  IngestSummary removed = Ingest(root);
  EXPECT_EQ(removed.files_parsed, 0u);
  EXPECT_EQ(EdgesWith("extra.apply"), std::vector<std::string>{});
  EXPECT_EQ(FileAttributes("extra.py").at("unresolved.not_found"), "1");
}

// An absolute Python import that names both a top-level module and a module
// deeper down is the top-level one (the project root is on sys.path).
TEST_F(ResolutionTest, APythonImportPrefersTheModuleAtTheRoot) {
  const std::string root = CopyOf("python");  // it has shop/pricing.py
  Write(root + "/pricing.py", "def surcharge(x):\n    return x\n");
  Write(root + "/user.py",
        "from pricing import surcharge\n\n\ndef build():\n    return surcharge(1)\n");
  Ingest(root);
  EXPECT_EQ(EdgesWith("user.build"),
            (std::vector<std::string>{"user.build -calls-> pricing.surcharge (import 0.95)"}));
}

// Many files are resolved on two threads, each with its own resolver: the
// edges are those one thread finds. (A tree of 48 modules, each importing and
// calling the next, with tests and an ambiguous name.)
TEST_F(ResolutionTest, TwoThreadsLinkWhatOneThreadLinks) {
  const std::string root = CopyOf("python");
  for (int i = 0; i < 48; ++i) {
    const std::string next = "m" + std::to_string((i + 1) % 48);
    Write(root + "/pkg/m" + std::to_string(i) + ".py",
          "from pkg." + next + " import f" + std::to_string((i + 1) % 48) + "\n\n\ndef f" +
              std::to_string(i) + "():\n    return f" + std::to_string((i + 1) % 48) +
              "() + helper()\n\n\ndef helper():\n    return 1\n");
    Write(root + "/tests/test_m" + std::to_string(i) + ".py",
          "from pkg.m" + std::to_string(i) + " import f" + std::to_string(i) +
              "\n\n\ndef test_f():\n    assert f" + std::to_string(i) + "()\n");
  }
  IngestOptions one;
  one.threads = 1;
  const IngestSummary first = Ingest(root, one);
  ASSERT_GE(first.files_linked, 96u);
  const std::vector<std::string> by_one = Edges();
  ASSERT_GT(by_one.size(), 150u);

  auto other = store_->CreateProject("two");
  ASSERT_OK(other);
  project_ = *other;
  IngestOptions two;
  two.threads = 2;
  Ingest(root, two);
  EXPECT_EQ(Edges(), by_one);
}

// An edit links other files again only when it adds or removes an import they
// may reach through the edited file; moving or keeping imports does not.
TEST_F(ResolutionTest, OnlyImportsAddedOrRemovedLinkOtherFilesAgain) {
  const std::string root = CopyOf("python");
  const std::string imports = "from fees import surcharge\n";
  Write(root + "/fees.py", "def surcharge(x):\n    return x\n");
  Write(root + "/reexport.py", imports + "\n\ndef helper():\n    return 1\n");
  Write(root + "/user.py",
        "from reexport import surcharge\n\n\ndef build():\n    return surcharge(1)\n");
  Ingest(root);
  const std::vector<std::string> through_reexport{
      "user.build -calls-> fees.surcharge (import 0.95)"};
  EXPECT_EQ(EdgesWith("user.build"), through_reexport);

  // The body changes and the import moves down a line: nothing else to link.
  Write(root + "/reexport.py", "# moved\n" + imports + "\n\ndef helper():\n    return 2\n");
  IngestSummary kept = Ingest(root);
  EXPECT_EQ(kept.files_parsed, 1u);
  EXPECT_EQ(kept.files_linked, 1u);
  EXPECT_EQ(EdgesWith("user.build"), through_reexport);

  // The import goes: the files that name surcharge are linked again.
  Write(root + "/reexport.py", "def helper():\n    return 2\n");
  IngestSummary removed = Ingest(root);
  EXPECT_EQ(removed.files_linked, 3u);
  EXPECT_EQ(EdgesWith("user.build"), std::vector<std::string>{});

  Write(root + "/reexport.py", imports + "\n\ndef helper():\n    return 2\n");
  IngestSummary added = Ingest(root);
  EXPECT_EQ(added.files_linked, 3u);
  EXPECT_EQ(EdgesWith("user.build"), through_reexport);
}

// A test's tests edges follow a helper in another file when only the helper
// changes.
TEST_F(ResolutionTest, TestsEdgesFollowAChangedHelperInAnotherFile) {
  const std::string root = CopyOf("python");
  Write(root + "/tests/helpers.py",
        "from shop.cart import Cart, Item\n\n\ndef make():\n    return Cart()\n");
  Write(root + "/tests/test_make.py",
        "from tests.helpers import make\n\n\ndef test_make():\n    assert make()\n");
  Ingest(root);
  EXPECT_EQ(EdgesWith("test_make -tests->"),
            (std::vector<std::string>{
                "tests.test_make.test_make -tests-> shop.cart.Cart (import 0.90)"}));

  Write(root + "/tests/helpers.py",
        "from shop.cart import Cart, Item\n\n\ndef make():\n    return Item('a', 1)\n");
  IngestSummary changed = Ingest(root);
  EXPECT_EQ(changed.files_parsed, 1u);
  EXPECT_EQ(EdgesWith("test_make -tests->"),
            (std::vector<std::string>{
                "tests.test_make.test_make -tests-> shop.cart.Item (import 0.90)"}));
}

// No edge of the store dangles or carries a confidence outside [0, 1].
TEST_F(ResolutionTest, EveryEdgeEndpointIsACurrentNode) {
  Ingest(Fixture("python"));
  auto view = store_->View(project_.id);
  ASSERT_OK(view);
  std::size_t edges = 0;
  ASSERT_OK(view->ForEachEdge([&](const Edge& e) {
    ++edges;
    EXPECT_OK(view->GetNode(e.src));
    EXPECT_OK(view->GetNode(e.dst));
    EXPECT_GE(e.confidence, 0.0F);
    EXPECT_LE(e.confidence, 1.0F);
    return true;
  }));
  EXPECT_GT(edges, 50u);
}

}  // namespace
}  // namespace onyx::ingest
