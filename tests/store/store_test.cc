// The store's contract: projects, revisions, versions, reads as of a revision,
// name and path lookups, blobs, stats, schema checks, one writer per project.
#include "onyx/store/store.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <atomic>
#include <filesystem>
#include <limits>
#include <map>
#include <set>
#include <thread>

#include "onyx/store/keys.h"
#include "onyx/store/read_view.h"
#include "onyx/store/revision_writer.h"
#include "onyx/store/values.h"
#include "store/graph_builders.h"
#include "testing/temp_dir.h"

namespace onyx::store {
namespace {

using testing::MakeEdge;
using testing::MakeFunction;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::Open(dir_.path());
    ASSERT_OK(opened);
    store_ = std::move(opened).value();
    auto p = store_->CreateProject("demo");
    ASSERT_OK(p);
    project_ = p->id;
  }

  // Commits one revision built by `fn`; returns its number (0 if nothing changed).
  template <typename Fn>
  RevisionNumber Commit(Fn fn, ProjectId project = 0) {
    auto writer = store_->BeginRevision(project == 0 ? project_ : project, RevisionInfo{});
    EXPECT_OK(writer);
    if (!writer.ok()) return 0;
    fn(**writer);
    auto rev = (*writer)->Commit();
    EXPECT_OK(rev);
    if (!rev.ok() || !rev->has_value()) return 0;
    return (*rev)->number;
  }

  ReadView View(std::optional<RevisionNumber> as_of = std::nullopt) {
    auto view = store_->View(project_, as_of);
    EXPECT_OK(view);
    return std::move(view).value();
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  ProjectId project_ = 0;
};

TEST_F(StoreTest, FirstRevisionIsOneAndRecordsItsMetadata) {
  auto writer = store_->BeginRevision(
      project_, {RevisionSource::kGit, "abc123", "Ada", "Add parser", 1'700'000'000'000'000});
  ASSERT_OK(writer);
  EXPECT_EQ((*writer)->number(), 1u);
  ASSERT_OK((*writer)->UpsertNode(MakeFunction("a.py", "f")));
  auto rev = (*writer)->Commit();
  ASSERT_OK(rev);
  ASSERT_TRUE(rev->has_value());
  auto stored = View().GetRevision(1);
  ASSERT_OK(stored);
  EXPECT_EQ(stored->info.commit, "abc123");
  EXPECT_EQ(stored->info.author, "Ada");
  EXPECT_EQ(stored->info.message, "Add parser");
  EXPECT_EQ(stored->info.time_micros, 1'700'000'000'000'000);
  EXPECT_EQ(stored->parent, 0u);
  EXPECT_EQ(stored->changes.nodes_added, 1u);
}

TEST_F(StoreTest, UpsertingUnchangedContentWritesNothing) {
  const Node f = MakeFunction("a.py", "f");
  ASSERT_EQ(Commit([&](RevisionWriter& w) { ASSERT_OK(w.UpsertNode(f)); }), 1u);
  EXPECT_EQ(Commit([&](RevisionWriter& w) { ASSERT_OK(w.UpsertNode(f)); }), 0u);
  EXPECT_EQ(View().latest(), 1u);
  auto history = View().NodeHistory(f.id);
  ASSERT_OK(history);
  EXPECT_EQ(history->size(), 1u);
}

TEST_F(StoreTest, ChangingContentClosesTheOldVersionAndOpensANewOne) {
  const Node v1 = MakeFunction("a.py", "f", "(x)");
  const Node v2 = MakeFunction("a.py", "f", "(x, y)");
  ASSERT_EQ(Commit([&](RevisionWriter& w) { ASSERT_OK(w.UpsertNode(v1)); }), 1u);
  ASSERT_EQ(Commit([&](RevisionWriter& w) { ASSERT_OK(w.UpsertNode(v2)); }), 2u);

  auto history = View().NodeHistory(v1.id);
  ASSERT_OK(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].signature, "(x, y)");
  EXPECT_EQ((*history)[0].validity, (Validity{2, kOpenRevision}));
  EXPECT_EQ((*history)[1].signature, "(x)");
  EXPECT_EQ((*history)[1].validity, (Validity{1, 2}));

  auto at1 = View(1).GetNode(v1.id);
  ASSERT_OK(at1);
  EXPECT_EQ(at1->signature, "(x)");
  auto now = View().GetNode(v1.id);
  ASSERT_OK(now);
  EXPECT_EQ(now->signature, "(x, y)");
}

TEST_F(StoreTest, RemovingANodeClosesItAndEveryEdgeTouchingIt) {
  const Node f = MakeFunction("a.py", "f");
  const Node g = MakeFunction("a.py", "g");
  const Node h = MakeFunction("b.py", "h");
  ASSERT_EQ(Commit([&](RevisionWriter& w) {
              ASSERT_OK(w.UpsertNode(f));
              ASSERT_OK(w.UpsertNode(g));
              ASSERT_OK(w.UpsertNode(h));
              ASSERT_OK(w.UpsertEdge(MakeEdge(f.id, EdgeKind::kCalls, g.id)));
              ASSERT_OK(w.UpsertEdge(MakeEdge(g.id, EdgeKind::kCalls, h.id)));
            }),
            1u);
  ASSERT_EQ(Commit([&](RevisionWriter& w) { ASSERT_OK(w.RemoveNode(g.id)); }), 2u);

  EXPECT_TRUE(View().GetNode(g.id).status().IsNotFound());
  auto out = View().OutEdges(f.id);
  ASSERT_OK(out);
  EXPECT_TRUE(out->empty());
  auto in = View().InEdges(h.id);
  ASSERT_OK(in);
  EXPECT_TRUE(in->empty());
  // As of revision 1 everything is still there.
  auto old_out = View(1).OutEdges(f.id, EdgeKind::kCalls);
  ASSERT_OK(old_out);
  ASSERT_EQ(old_out->size(), 1u);
  EXPECT_EQ((*old_out)[0].dst, g.id);
  EXPECT_EQ((*old_out)[0].validity, (Validity{1, 2}));
  auto rev = View().GetRevision(2);
  ASSERT_OK(rev);
  EXPECT_EQ(rev->changes.nodes_removed, 1u);
  EXPECT_EQ(rev->changes.edges_removed, 2u);
  EXPECT_OK(store_->VerifyIntegrity(project_));
}

TEST_F(StoreTest, EdgeToAMissingNodeFailsTheCommitAndWritesNothing) {
  const Node f = MakeFunction("a.py", "f");
  const Node ghost = MakeFunction("a.py", "ghost");
  auto writer = store_->BeginRevision(project_, {});
  ASSERT_OK(writer);
  ASSERT_OK((*writer)->UpsertNode(f));
  ASSERT_OK((*writer)->UpsertEdge(MakeEdge(f.id, EdgeKind::kCalls, ghost.id)));
  auto rev = (*writer)->Commit();
  ASSERT_FALSE(rev.ok());
  EXPECT_TRUE(rev.status().IsInvalidArgument());
  EXPECT_NE(rev.status().message().find("is not a node at revision 1"), std::string::npos);
  EXPECT_EQ(View().latest(), 0u);
  EXPECT_TRUE(View().GetNode(f.id).status().IsNotFound());
}

TEST_F(StoreTest, EdgeAttributesChangeMakesANewEdgeVersion) {
  const Node f = MakeFunction("a.py", "f");
  const Node g = MakeFunction("a.py", "g");
  Commit([&](RevisionWriter& w) {
    ASSERT_OK(w.UpsertNode(f));
    ASSERT_OK(w.UpsertNode(g));
    ASSERT_OK(w.UpsertEdge(MakeEdge(f.id, EdgeKind::kCalls, g.id, 0.5F)));
  });
  Edge better = MakeEdge(f.id, EdgeKind::kCalls, g.id, 0.9F);
  better.resolution = Resolution::kImport;
  better.site = Span{4, 9, 2, 2};
  ASSERT_EQ(Commit([&](RevisionWriter& w) { ASSERT_OK(w.UpsertEdge(better)); }), 2u);
  auto history = View().EdgeHistory({f.id, EdgeKind::kCalls, g.id});
  ASSERT_OK(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_FLOAT_EQ((*history)[0].confidence, 0.9F);
  EXPECT_EQ((*history)[0].resolution, Resolution::kImport);
  EXPECT_EQ((*history)[0].site, (Span{4, 9, 2, 2}));
  EXPECT_FLOAT_EQ((*history)[1].confidence, 0.5F);
  EXPECT_EQ((*history)[1].validity, (Validity{1, 2}));
}

TEST_F(StoreTest, StagingRejectsAnIdThatDoesNotMatchItsSymbol) {
  Node bad = MakeFunction("a.py", "f");
  bad.id ^= 1;
  auto writer = store_->BeginRevision(project_, {});
  ASSERT_OK(writer);
  const Status s = (*writer)->UpsertNode(bad);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("does not match its symbol 'python:a.py:a.py.f#function'"),
            std::string::npos);
}

TEST_F(StoreTest, StagingRejectsOversizeFieldsAndBadConfidence) {
  auto writer = store_->BeginRevision(project_, {});
  ASSERT_OK(writer);
  Node big = MakeFunction("a.py", "f");
  big.doc.assign(StoreLimits::kMaxDocBytes + 1, 'x');
  EXPECT_TRUE((*writer)->UpsertNode(big).IsInvalidArgument());
  Node nul = MakeFunction("a.py", std::string("f\0g", 3));
  EXPECT_TRUE((*writer)->UpsertNode(nul).IsInvalidArgument());
  Edge e = MakeEdge(1, EdgeKind::kCalls, 2, 1.5F);
  EXPECT_TRUE((*writer)->UpsertEdge(e).IsInvalidArgument());
  e.confidence = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE((*writer)->UpsertEdge(e).IsInvalidArgument());
}

TEST_F(StoreTest, OneWriterPerProjectAtATime) {
  auto first = store_->BeginRevision(project_, {});
  ASSERT_OK(first);
  auto second = store_->BeginRevision(project_, {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kAborted);
  // Another project is independent.
  auto other = store_->CreateProject("other");
  ASSERT_OK(other);
  auto third = store_->BeginRevision(other->id, {});
  EXPECT_OK(third);
  // Discarding the first writer frees the slot.
  first->reset();
  EXPECT_OK(store_->BeginRevision(project_, {}));
}

TEST_F(StoreTest, FindByNameIsCaseInsensitiveExactOrPrefixAndHonoursAsOf) {
  const Node parse = MakeFunction("a.py", "ParseHeader");
  const Node parser = MakeFunction("a.py", "parser");
  const Node other = MakeFunction("b.py", "render");
  Commit([&](RevisionWriter& w) {
    ASSERT_OK(w.UpsertNode(parse));
    ASSERT_OK(w.UpsertNode(parser));
    ASSERT_OK(w.UpsertNode(other));
  });
  Commit([&](RevisionWriter& w) { ASSERT_OK(w.RemoveNode(parser.id)); });

  auto exact = View().FindByName("parseheader");
  ASSERT_OK(exact);
  ASSERT_EQ(exact->size(), 1u);
  EXPECT_EQ((*exact)[0].id, parse.id);

  auto prefix_now = View().FindByName("PARSE", /*prefix=*/true);
  ASSERT_OK(prefix_now);
  EXPECT_EQ(prefix_now->size(), 1u);
  auto prefix_then = View(1).FindByName("parse", /*prefix=*/true);
  ASSERT_OK(prefix_then);
  EXPECT_EQ(prefix_then->size(), 2u);

  auto by_path = View(1).FindByPath("a.py");
  ASSERT_OK(by_path);
  EXPECT_EQ(by_path->size(), 2u);
  auto none = View().FindByName("missing");
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

TEST_F(StoreTest, BlobsAreStoredOnceAndReadBack) {
  const std::string text = "def f():\n    return 42\n";
  ContentHash hash;
  Commit([&](RevisionWriter& w) {
    hash = w.PutBlob(text);
    ASSERT_OK(w.UpsertNode(MakeFunction("a.py", "f")));
  });
  auto back = store_->GetBlob(hash);
  ASSERT_OK(back);
  EXPECT_EQ(*back, text);
  EXPECT_TRUE(store_->GetBlob(HashContent("nope")).status().IsNotFound());
}

// Past a megabyte, Commit compresses blobs on a second thread while it stages
// nodes and edges: the blobs must land all the same, once, and a commit that
// fails its staging, or has nothing to commit, must write none of them.
TEST_F(StoreTest, MegabytesOfBlobsAreStoredWithTheirRevisionOrNotAtAll) {
  std::vector<std::string> texts;
  for (int i = 0; i < 6; ++i) {
    std::string text;
    while (text.size() < 400'000)
      text += "def f" + std::to_string(i) + "_" + std::to_string(text.size()) + "():\n    pass\n";
    texts.push_back(std::move(text));
  }
  // A failed commit (an edge to a node that does not exist) writes no blob.
  const Node f = MakeFunction("a.py", "f");
  {
    auto writer = store_->BeginRevision(project_, {});
    ASSERT_OK(writer);
    for (const std::string& text : texts) (*writer)->PutBlob(text);
    ASSERT_OK((*writer)->UpsertNode(f));
    ASSERT_OK(
        (*writer)->UpsertEdge(MakeEdge(f.id, EdgeKind::kCalls, MakeFunction("a.py", "ghost").id)));
    auto rev = (*writer)->Commit();
    EXPECT_TRUE(rev.status().IsInvalidArgument());
  }
  for (const std::string& text : texts) {
    EXPECT_TRUE(store_->GetBlob(HashContent(text)).status().IsNotFound());
  }
  // Nothing but blobs: the revision is empty, and they are not written either.
  {
    auto writer = store_->BeginRevision(project_, {});
    ASSERT_OK(writer);
    for (const std::string& text : texts) (*writer)->PutBlob(text);
    auto rev = (*writer)->Commit();
    ASSERT_OK(rev);
    EXPECT_FALSE(rev->has_value());
  }
  for (const std::string& text : texts) {
    EXPECT_TRUE(store_->GetBlob(HashContent(text)).status().IsNotFound());
  }
  // The first three, then all six (three already stored) with a change.
  Commit([&](RevisionWriter& w) {
    for (int i = 0; i < 3; ++i) w.PutBlob(texts[i]);
    ASSERT_OK(w.UpsertNode(f));
  });
  Commit([&](RevisionWriter& w) {
    for (const std::string& text : texts) w.PutBlob(text);
    ASSERT_OK(w.UpsertNode(MakeFunction("a.py", "g")));
  });
  for (const std::string& text : texts) {
    auto back = store_->GetBlob(HashContent(text));
    ASSERT_OK(back);
    EXPECT_EQ(*back, text);
  }
}

TEST_F(StoreTest, StatsCountCurrentNodesAndEdgesByKind) {
  const Node f = MakeFunction("a.py", "f");
  const Node g = MakeFunction("a.py", "g", "(a)");
  Commit([&](RevisionWriter& w) {
    ASSERT_OK(w.UpsertNode(f));
    ASSERT_OK(w.UpsertNode(g));
    ASSERT_OK(w.UpsertEdge(MakeEdge(f.id, EdgeKind::kCalls, g.id)));
  });
  Commit([&](RevisionWriter& w) { ASSERT_OK(w.UpsertNode(MakeFunction("a.py", "g", "(b)"))); });
  auto stats = View().Stats();
  ASSERT_OK(stats);
  EXPECT_EQ(stats->latest_revision, 2u);
  EXPECT_EQ(stats->revisions, 2u);
  EXPECT_EQ(stats->nodes_by_kind.at(NodeKind::kFunction), 2u);
  EXPECT_EQ(stats->edges_by_kind.at(EdgeKind::kCalls), 1u);
  EXPECT_EQ(stats->node_versions, 3u);
  EXPECT_EQ(stats->edge_versions, 1u);
}

TEST_F(StoreTest, AsOfAfterLatestIsInvalid) {
  Commit([&](RevisionWriter& w) { ASSERT_OK(w.UpsertNode(MakeFunction("a.py", "f"))); });
  auto view = store_->View(project_, 5);
  ASSERT_FALSE(view.ok());
  EXPECT_TRUE(view.status().IsInvalidArgument());
}

TEST_F(StoreTest, ProjectsAreIsolatedAndDeleteRemovesOnlyTheirKeys) {
  auto other = store_->CreateProject("other");
  ASSERT_OK(other);
  const Node f = MakeFunction("a.py", "f");
  Commit([&](RevisionWriter& w) { ASSERT_OK(w.UpsertNode(f)); });
  Commit([&](RevisionWriter& w) { ASSERT_OK(w.UpsertNode(f)); }, other->id);

  auto list = store_->ListProjects();
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "demo");
  EXPECT_EQ((*list)[1].name, "other");

  ASSERT_OK(store_->DeleteProject("demo"));
  EXPECT_TRUE(store_->GetProject("demo").status().IsNotFound());
  EXPECT_TRUE(store_->View(project_).status().IsNotFound());
  auto survivor = store_->View(other->id);
  ASSERT_OK(survivor);
  EXPECT_OK(survivor->GetNode(f.id));
  EXPECT_EQ(survivor->latest(), 1u);

  // A new project of the same name starts empty with a fresh id.
  auto again = store_->CreateProject("demo");
  ASSERT_OK(again);
  EXPECT_NE(again->id, project_);
  auto fresh = store_->View(again->id);
  ASSERT_OK(fresh);
  EXPECT_EQ(fresh->latest(), 0u);
  EXPECT_TRUE(fresh->GetNode(f.id).status().IsNotFound());
}

TEST_F(StoreTest, ProjectNamesAreValidatedAndUnique) {
  EXPECT_TRUE(store_->CreateProject("").status().IsInvalidArgument());
  EXPECT_TRUE(store_->CreateProject("../etc").status().IsInvalidArgument());
  EXPECT_TRUE(store_->CreateProject(std::string(129, 'a')).status().IsInvalidArgument());
  EXPECT_EQ(store_->CreateProject("demo").status().code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(store_->DeleteProject("nope").IsNotFound());
}

TEST_F(StoreTest, DataSurvivesReopen) {
  const Node f = MakeFunction("a.py", "f");
  Commit([&](RevisionWriter& w) { ASSERT_OK(w.UpsertNode(f)); });
  store_.reset();
  auto reopened = Store::Open(dir_.path());
  ASSERT_OK(reopened);
  auto view = (*reopened)->View(project_);
  ASSERT_OK(view);
  auto node = view->GetNode(f.id);
  ASSERT_OK(node);
  EXPECT_TRUE(node->SameContent(f));
}

// Closing after a big write flushes the memtables, so the next open has no
// write-ahead log to replay (it would insert the whole write again); a small
// write stays in the log.
TEST_F(StoreTest, ClosingAfterABigWriteLeavesNoLogToReplay) {
  const auto log_bytes = [&] {
    std::uintmax_t bytes = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
      if (e.path().extension() == ".log") bytes += e.file_size();
    }
    return bytes;
  };
  std::vector<Node> nodes;
  for (int i = 0; i < 2000; ++i) {
    Node n = MakeFunction("big.py", "f" + std::to_string(i));
    n.doc = std::string(4000, static_cast<char>('a' + i % 26));
    nodes.push_back(std::move(n));
  }
  Commit([&](RevisionWriter& w) {
    for (const Node& n : nodes) ASSERT_OK(w.UpsertNode(n));
  });
  EXPECT_GT(log_bytes(), 4u << 20);  // 8 MB of docs, in the log until closed
  store_.reset();
  EXPECT_LT(log_bytes(), 1u << 20);
  auto reopened = Store::Open(dir_.path());
  ASSERT_OK(reopened);
  {
    auto view = (*reopened)->View(project_);  // released before the store closes
    ASSERT_OK(view);
    auto last = view->GetNode(nodes.back().id);
    ASSERT_OK(last);
    EXPECT_TRUE(last->SameContent(nodes.back()));
  }

  const Node small = MakeFunction("small.py", "g");
  {
    auto writer = (*reopened)->BeginRevision(project_, RevisionInfo{});
    ASSERT_OK(writer);
    ASSERT_OK((*writer)->UpsertNode(small));
    ASSERT_OK((*writer)->Commit());
  }
  reopened->reset();
  EXPECT_GT(log_bytes(), 0u);  // left to replay: cheap
}

TEST_F(StoreTest, AViewIsConsistentWhileAWriterCommits) {
  // Each revision rewrites all nodes with signature "(r)": a consistent view sees
  // one signature everywhere, whatever commits meanwhile.
  std::vector<Node> nodes;
  for (int i = 0; i < 50; ++i)
    nodes.push_back(MakeFunction("a.py", "f" + std::to_string(i), "(0)"));
  Commit([&](RevisionWriter& w) {
    for (const Node& n : nodes) ASSERT_OK(w.UpsertNode(n));
  });
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int r = 1; r <= 30; ++r) {
      Commit([&](RevisionWriter& w) {
        for (Node n : nodes) {
          n.signature = "(" + std::to_string(r) + ")";
          ASSERT_OK(w.UpsertNode(n));
        }
      });
    }
    done = true;
  });
  int checks = 0;
  while (!done || checks < 5) {
    ReadView view = View();
    std::set<std::string> signatures;
    ASSERT_OK(view.ForEachNode([&](const Node& n) {
      signatures.insert(n.signature);
      return true;
    }));
    EXPECT_EQ(signatures.size(), 1u) << "a view saw a partly committed revision";
    EXPECT_EQ(*signatures.begin(), "(" + std::to_string(view.latest() - 1) + ")");
    ++checks;
  }
  writer.join();
}

// The closed store at `path` opened with plain RocksDB, every family, as
// another build (or a bit flip) would see it.
class RawStore {
 public:
  RawStore(const std::string& path, bool read_only) {
    EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names_).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& n : names_) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
    const rocksdb::Status s =
        read_only
            ? rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), path, descriptors, &handles_, &db_)
            : rocksdb::DB::Open(rocksdb::DBOptions(), path, descriptors, &handles_, &db_);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  ~RawStore() {
    for (auto* h : handles_) EXPECT_TRUE(db_->DestroyColumnFamilyHandle(h).ok());
    delete db_;
  }
  rocksdb::DB* db() const { return db_; }
  const std::vector<std::string>& names() const { return names_; }
  rocksdb::ColumnFamilyHandle* family(std::string_view name) const {
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == name) return handles_[i];
    }
    ADD_FAILURE() << "no family " << name;
    return nullptr;
  }
  rocksdb::ColumnFamilyHandle* handle(std::size_t i) const { return handles_[i]; }

 private:
  std::vector<std::string> names_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::DB* db_ = nullptr;
};

// Writes one raw key into a family of the closed store at `path`.
void PutRaw(const std::string& path, const std::string& family, const std::string& key,
            const std::string& value) {
  RawStore raw(path, /*read_only=*/false);
  ASSERT_NE(raw.db(), nullptr);
  ASSERT_TRUE(raw.db()->Put(rocksdb::WriteOptions(), raw.family(family), key, value).ok());
}

void PutRawMeta(const std::string& path, const std::string& key, const std::string& value) {
  PutRaw(path, "meta", key, value);
}

// The value of one meta key of the closed store at `path` ("" when missing).
std::string GetRawMeta(const std::string& path, const std::string& key) {
  RawStore raw(path, /*read_only=*/true);
  std::string value;
  if (raw.db() == nullptr ||
      !raw.db()->Get(rocksdb::ReadOptions(), raw.family("meta"), key, &value).ok()) {
    value.clear();
  }
  return value;
}

// Counts, per column family, the keys of the closed store at `path` that belong to
// `project` (per-project families: the 4-byte prefix; meta: the id after the tag).
std::map<std::string, int> RawProjectKeys(const std::string& path, ProjectId project) {
  std::map<std::string, int> counts;
  RawStore raw(path, /*read_only=*/true);
  if (raw.db() == nullptr) return counts;
  const std::vector<std::string>& names = raw.names();
  const std::string prefix = ProjectPrefix(project);
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::unique_ptr<rocksdb::Iterator> it(
        raw.db()->NewIterator(rocksdb::ReadOptions(), raw.handle(i)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string key = it->key().ToString();
      const bool mine = names[i] == "meta"
                            ? key.size() >= 5 && key[0] >= 0x11 && key.compare(1, 4, prefix) == 0
                            : key.compare(0, 4, prefix) == 0;
      if (mine) ++counts[names[i]];
    }
  }
  return counts;
}

TEST_F(StoreTest, DeleteProjectRemovesEveryRawKeyOfTheProjectAndNoOther) {
  auto other = store_->CreateProject("other");
  ASSERT_OK(other);
  for (const ProjectId p : {project_, other->id}) {
    const Node f = MakeFunction("a.py", "f");
    const Node g = MakeFunction("a.py", "g");
    Commit(
        [&](RevisionWriter& w) {
          ASSERT_OK(w.UpsertNode(f));
          ASSERT_OK(w.UpsertNode(g));
          ASSERT_OK(w.UpsertEdge(MakeEdge(f.id, EdgeKind::kCalls, g.id)));
        },
        p);
    Commit([&](RevisionWriter& w) { ASSERT_OK(w.UpsertNode(MakeFunction("a.py", "g", "(z)"))); },
           p);
  }
  store_.reset();
  const auto before_mine = RawProjectKeys(dir_.path(), project_);
  const auto before_other = RawProjectKeys(dir_.path(), other->id);
  EXPECT_EQ(before_mine.at("nodes"), 2);          // the open versions
  EXPECT_EQ(before_mine.at("node_versions"), 1);  // g's closed one
  EXPECT_EQ(before_mine.at("edges_in"), 1);
  EXPECT_EQ(before_mine.at("meta"), 4);  // project, stats, 2 revisions
  EXPECT_EQ(before_mine, before_other);

  auto reopened = Store::Open(dir_.path());
  ASSERT_OK(reopened);
  ASSERT_OK((*reopened)->DeleteProject("demo"));
  reopened->reset();
  EXPECT_TRUE(RawProjectKeys(dir_.path(), project_).empty());
  EXPECT_EQ(RawProjectKeys(dir_.path(), other->id), before_other);
}

TEST(StoreSchema, RecordsTheSchemaVersion) {
  testing::TempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_OK(store);
  EXPECT_EQ((*store)->schema_version(), kSchemaVersion);
}

TEST(StoreSchema, OpeningAStoreWrittenByANewerSchemaFails) {
  testing::TempDir dir;
  ASSERT_OK(Store::Open(dir.path()));
  PutRawMeta(dir.path(), MetaKey(MetaTag::kSchema), EncodeCounter(kSchemaVersion + 6));
  auto reopened = Store::Open(dir.path());
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(
      reopened.status().message().find("has schema version " + std::to_string(kSchemaVersion + 6)),
      std::string::npos);
}

// Schema 1 kept each open node version in node_versions as well as in nodes.
// Such a store opens, reads without doubles, takes new revisions, stays
// consistent, and is marked with the new schema.
TEST(StoreSchema, AStoreOfSchemaOneOpensAndReadsItsOpenVersionsOnce) {
  testing::TempDir dir;
  const Node f = MakeFunction("a.py", "f");
  const Node g = MakeFunction("a.py", "g");
  const Node g2 = MakeFunction("a.py", "g", "(x)");
  ProjectId project = 0;
  {
    auto store = Store::Open(dir.path());
    ASSERT_OK(store);
    auto p = (*store)->CreateProject("demo");
    ASSERT_OK(p);
    project = p->id;
    for (const std::vector<Node>& nodes : {std::vector<Node>{f, g}, std::vector<Node>{g2}}) {
      auto writer = (*store)->BeginRevision(project, RevisionInfo{});
      ASSERT_OK(writer);
      for (const Node& n : nodes) ASSERT_OK((*writer)->UpsertNode(n));
      ASSERT_OK((*writer)->Commit());
    }
  }
  // What schema 1 also wrote: f (from 1) and g2 (from 2), open, in node_versions.
  PutRaw(dir.path(), "node_versions", NodeVersionKey(project, f.id, 1),
         EncodeNodeVersion(f, {1, kOpenRevision}));
  PutRaw(dir.path(), "node_versions", NodeVersionKey(project, g2.id, 2),
         EncodeNodeVersion(g2, {2, kOpenRevision}));
  PutRawMeta(dir.path(), MetaKey(MetaTag::kSchema), EncodeCounter(1));

  auto store = Store::Open(dir.path());
  ASSERT_OK(store);
  EXPECT_EQ((*store)->schema_version(), kSchemaVersion);
  EXPECT_OK((*store)->VerifyIntegrity(project));
  const auto versions = [&](RevisionNumber as_of) {
    auto view = (*store)->View(project, as_of);
    EXPECT_OK(view);
    std::vector<std::pair<NodeId, RevisionNumber>> out;
    EXPECT_OK(view->ForEachNodeVersion([&](Node& n) {
      out.emplace_back(n.id, n.validity.from);
      return true;
    }));
    return out;
  };
  EXPECT_EQ(versions(2).size(), 3u);  // f, g, g2: not f and g2 twice
  {
    auto view = (*store)->View(project);
    ASSERT_OK(view);
    auto history = view->NodeHistory(g.id);
    ASSERT_OK(history);
    ASSERT_EQ(history->size(), 2u);
    EXPECT_EQ((*history)[0].signature, g2.signature);
    EXPECT_TRUE((*history)[0].validity.IsOpen());
    EXPECT_EQ((*history)[1].validity, (Validity{1, 2}));
    auto old = view->AsOf(1);
    ASSERT_OK(old);
    auto g_then = old->GetNode(g.id);
    ASSERT_OK(g_then);
    EXPECT_EQ(g_then->signature, g.signature);
  }
  // Closing f overwrites its schema 1 copy with the closed version.
  {
    auto writer = (*store)->BeginRevision(project, RevisionInfo{});
    ASSERT_OK(writer);
    ASSERT_OK((*writer)->RemoveNode(f.id));
    ASSERT_OK((*writer)->Commit());
  }
  EXPECT_OK((*store)->VerifyIntegrity(project));
  EXPECT_EQ(versions(3).size(), 3u);
  {
    auto view = (*store)->View(project);
    ASSERT_OK(view);
    auto history = view->NodeHistory(f.id);
    ASSERT_OK(history);
    ASSERT_EQ(history->size(), 1u);
    EXPECT_EQ((*history)[0].validity, (Validity{1, 3}));
  }
  store->reset();
  // Marked: a schema 1 build would now refuse it.
  EXPECT_EQ(GetRawMeta(dir.path(), MetaKey(MetaTag::kSchema)), EncodeCounter(kSchemaVersion));
  auto again = Store::Open(dir.path());
  ASSERT_OK(again);
  EXPECT_OK((*again)->VerifyIntegrity(project));
}

TEST(StoreSchema, OpeningAStoreWithAGarbledSchemaRecordIsCorruption) {
  testing::TempDir dir;
  ASSERT_OK(Store::Open(dir.path()));
  PutRawMeta(dir.path(), MetaKey(MetaTag::kSchema), "\x07garbage");
  auto reopened = Store::Open(dir.path());
  ASSERT_FALSE(reopened.ok());
  EXPECT_TRUE(reopened.status().IsCorruption());
}

TEST(StoreOpen, ASecondOpenOfTheSameFolderIsAbortedAsInUse) {
  testing::TempDir dir;
  auto first = Store::Open(dir.path());
  ASSERT_OK(first);
  auto second = Store::Open(dir.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kAborted);
  EXPECT_NE(second.status().message().find("in use by another process"), std::string::npos)
      << second.status().ToString();
}

}  // namespace
}  // namespace onyx::store
