// Git history ingest: a repository the test builds commit by commit (edits, a
// rename, a deletion, a commit Onyx sees nothing in), ingested as one revision
// per commit; symbol versions match the commits that changed them; renames keep
// lineage; a second run continues where the first stopped.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "onyx/ingest/history_ingest.h"
#include "onyx/store/read_view.h"
#include "testing/git_repo.h"
#include "testing/store_fixture.h"
#include "testing/temp_dir.h"

namespace onyx::ingest {
namespace {
namespace fs = std::filesystem;

class HistoryTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    if (HasFatalFailure()) return;
    git_ = std::make_unique<testing::GitRepo>(work_.Sub("shop"));
    repo_ = git_->path();
  }

  void Git(const std::string& args) { git_->Git(args); }
  void Write(const std::string& path, const std::string& text) { git_->Write(path, text); }
  std::string Commit(const std::string& message) { return git_->Commit(message); }

  Result<HistorySummary> Ingest(const HistoryOptions& options = {}) {
    return IngestHistory(*store_, project_, repo_, options);
  }

  store::ReadView View() {
    auto view = store_->View(project_.id);
    EXPECT_OK(view);
    return *view;
  }

  // The id of the current definition named `name` in `path`.
  NodeId Find(const std::string& path, const std::string& name) {
    auto nodes = View().FindByPath(path);
    EXPECT_OK(nodes);
    for (const Node& n : *nodes) {
      if (n.name == name && n.kind != NodeKind::kFile) return n.id;
    }
    ADD_FAILURE() << "no " << name << " in " << path;
    return 0;
  }

  testing::TempDir work_;
  std::unique_ptr<testing::GitRepo> git_;
  std::string repo_;
};

constexpr const char* kPricing =
    "RATE = 2\n\n\ndef subtotal(items):\n    return sum(items)\n\n\n"
    "def total(items):\n    return subtotal(items) * RATE\n";

TEST_F(HistoryTest, OneRevisionPerCommitWithVersionsMatchingTheCommits) {
  Write("shop/pricing.py", kPricing);
  Write("shop/cart.py", "class Cart:\n    def add(self, x):\n        return x\n");
  Write("README.md", "# Shop\n\nUse `total`.\n");
  const std::string c1 = Commit("add the shop");
  Write("shop/pricing.py", std::string(kPricing) + "    # rounded later\n");
  const std::string c2 = Commit("note on total");
  Git("mv shop/cart.py shop/basket.py");
  Write("app.py", "from shop.pricing import total\n\n\ndef main():\n    return total([1])\n");
  const std::string c3 = Commit("rename cart to basket; add app");
  Write("logo.bin", std::string("\x89PNG\0\0", 6));
  const std::string c4 = Commit("add a logo");
  Git("rm -q README.md");
  const std::string c5 = Commit("drop the readme");

  auto summary = Ingest();
  ASSERT_OK(summary);
  EXPECT_EQ(summary->commits, 5u);
  EXPECT_EQ(summary->first_revision, 1u);
  EXPECT_EQ(summary->last_revision, 5u);

  store::ReadView view = View();
  auto revisions = view.Revisions();
  ASSERT_OK(revisions);
  ASSERT_EQ(revisions->size(), 5u);
  const std::vector<std::string> ids = {c1, c2, c3, c4, c5};
  for (std::size_t i = 0; i < 5; ++i) {
    const Revision& r = (*revisions)[i];
    EXPECT_EQ(r.info.source, RevisionSource::kGit);
    EXPECT_EQ(r.info.commit, ids[i]);
    EXPECT_EQ(r.info.author, "Ada <ada@example.com>");
  }
  EXPECT_EQ((*revisions)[2].info.message, "rename cart to basket; add app\n");
  EXPECT_EQ((*revisions)[3].changes, RevisionChanges{});  // a binary file: nothing to see

  // total() changed in commits 1 and 2 only; subtotal() in commit 1 only.
  auto total = view.NodeHistory(Find("shop/pricing.py", "total"));
  ASSERT_OK(total);
  ASSERT_EQ(total->size(), 2u);
  EXPECT_EQ((*total)[0].validity, (Validity{2, kOpenRevision}));
  EXPECT_EQ((*total)[1].validity, (Validity{1, 2}));
  auto subtotal = view.NodeHistory(Find("shop/pricing.py", "subtotal"));
  ASSERT_OK(subtotal);
  ASSERT_EQ(subtotal->size(), 1u);
  EXPECT_EQ((*subtotal)[0].validity, (Validity{1, kOpenRevision}));

  // The rename keeps lineage: basket.py's Cart continues cart.py's, closed at 3.
  const NodeId basket_cart = Find("shop/basket.py", "Cart");
  auto cart = view.GetNode(basket_cart);
  ASSERT_OK(cart);
  ASSERT_EQ(cart->attributes.count("previous_id"), 1u);
  const NodeId old_cart = std::stoull(cart->attributes.at("previous_id"), nullptr, 16);
  auto old = view.NodeHistory(old_cart);
  ASSERT_OK(old);
  ASSERT_EQ(old->size(), 1u);
  EXPECT_EQ((*old)[0].path, "shop/cart.py");
  EXPECT_EQ((*old)[0].validity, (Validity{1, 3}));
  auto files = view.FindByPath("shop/basket.py");
  ASSERT_OK(files);
  for (const Node& n : *files) {
    if (n.kind == NodeKind::kFile) {
      EXPECT_EQ(n.attributes.at("previous_path"), "shop/cart.py");
    }
  }

  // app.main calls total from revision 3 on; the README's section ends at 5.
  auto as_of_2 = view.AsOf(2);
  ASSERT_OK(as_of_2);
  EXPECT_FALSE(as_of_2->FindByPath("app.py")->size() > 0);
  auto calls = view.OutEdges(Find("app.py", "main"), EdgeKind::kCalls);
  ASSERT_OK(calls);
  ASSERT_EQ(calls->size(), 1u);
  EXPECT_EQ((*calls)[0].dst, Find("shop/pricing.py", "total"));
  EXPECT_EQ((*calls)[0].validity.from, 3u);
  EXPECT_TRUE(view.FindByPath("README.md")->empty());
  auto as_of_4 = view.AsOf(4);
  ASSERT_OK(as_of_4);
  EXPECT_FALSE(as_of_4->FindByPath("README.md")->empty());
}

TEST_F(HistoryTest, ASecondRunContinuesAfterTheLastIngestedCommit) {
  Write("a.py", "def a():\n    return 1\n");
  Commit("one");
  Write("b.py", "def b():\n    return 2\n");
  Commit("two");
  auto first = Ingest();
  ASSERT_OK(first);
  EXPECT_EQ(first->commits, 2u);

  auto again = Ingest();
  ASSERT_OK(again);
  EXPECT_EQ(again->commits, 0u);

  Write("a.py", "def a():\n    return 3\n");
  const std::string c3 = Commit("three");
  auto third = Ingest();
  ASSERT_OK(third);
  EXPECT_EQ(third->commits, 1u);
  EXPECT_EQ(third->last_revision, 3u);
  auto rev = View().GetRevision(3);
  ASSERT_OK(rev);
  EXPECT_EQ(rev->info.commit, c3);
}

TEST_F(HistoryTest, MaxCommitsAndSinceSelectTheNewestCommits) {
  for (int i = 0; i < 4; ++i) {
    Write("f.py", "def f():\n    return " + std::to_string(i) + "\n");
    Commit("commit " + std::to_string(i));
  }
  HistoryOptions options;
  options.max_commits = 2;
  auto summary = Ingest(options);
  ASSERT_OK(summary);
  EXPECT_EQ(summary->commits, 2u);
  auto revisions = View().Revisions();
  ASSERT_OK(revisions);
  ASSERT_EQ(revisions->size(), 2u);
  EXPECT_EQ((*revisions)[0].info.message, "commit 2\n");

  auto other = store_->CreateProject("future");
  ASSERT_OK(other);
  HistoryOptions future;
  future.since_micros = std::int64_t{4102444800} * 1'000'000;  // 2100-01-01
  auto none = IngestHistory(*store_, *other, repo_, future);
  ASSERT_OK(none);
  EXPECT_EQ(none->commits, 0u);
}

TEST_F(HistoryTest, SymlinksAndSubmodulesInCommitsAreSkipped) {
  Write("ok.py", "def ok():\n    pass\n");
  fs::create_symlink("/etc/passwd", fs::path(repo_) / "escape.py");
  Git("add -A");
  // A gitlink (a submodule entry) without the submodule itself.
  Git("update-index --add --cacheinfo 160000,1111111111111111111111111111111111111111,vendor");
  Git("commit -q -m 'a symlink that leaves the tree, and a submodule'");
  auto summary = Ingest();
  ASSERT_OK(summary);
  EXPECT_EQ(summary->last.skipped_by_reason.at("symlink"), 1u);
  EXPECT_EQ(summary->last.skipped_by_reason.at("submodule"), 1u);
  EXPECT_TRUE(View().FindByPath("escape.py")->empty());
  EXPECT_FALSE(View().FindByPath("ok.py")->empty());
}

TEST_F(HistoryTest, ClearErrorsForMissingRepositoriesAndRefs) {
  auto missing = IngestHistory(*store_, project_, work_.Sub("nowhere"), {});
  EXPECT_TRUE(missing.status().IsNotFound()) << missing.status().ToString();
  Write("a.py", "x = 1\n");
  Commit("one");
  HistoryOptions options;
  options.ref = "no-such-branch";
  auto bad_ref = Ingest(options);
  EXPECT_TRUE(bad_ref.status().IsNotFound()) << bad_ref.status().ToString();
}

}  // namespace
}  // namespace onyx::ingest
