// JSON Lines export/import round trips (byte-identical, with and without
// history), hostile import input, and backup/restore while writers commit.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "onyx/query/history.h"
#include "onyx/store/backup.h"
#include "onyx/store/graph_jsonl.h"
#include "onyx/store/revision_writer.h"
#include "query/shop_fixture.h"
#include "store/graph_builders.h"

namespace onyx::store {
namespace {
namespace fs = std::filesystem;

class TransferTest : public testing::ShopFixture {
 protected:
  // Revisions 2..4 of the shop: an edit, a rename, a removal.
  void MakeHistory() {
    Commit("shop/pricing.py",
           "TAX_RATE = 0.2\n\n\ndef subtotal(items):\n    return sum(item.price for item in "
           "items)\n\n\ndef total(items):\n    return sum(items) * (1 + TAX_RATE)\n");
    fs::rename(root_ + "/shop/pricing.py", root_ + "/shop/prices.py");
    ASSERT_OK(ingest::IngestTree(*store_, project_, root_, {}));
    fs::remove(root_ + "/app.py");
    ASSERT_OK(ingest::IngestTree(*store_, project_, root_, {}));
  }

  std::string Export(Store& store, const Project& project, const ExportOptions& options,
                     RevisionNumber as_of = 0) {
    auto view = store.View(project.id, as_of == 0 ? std::nullopt : std::optional(as_of));
    EXPECT_OK(view);
    std::ostringstream out;
    EXPECT_OK(ExportJsonl(*view, options, out));
    return out.str();
  }

  Result<ExportSummary> Import(const std::string& name, const std::string& text) {
    auto project = store_->CreateProject(name);
    if (!project.ok()) return project.status();
    std::istringstream in(text);
    return ImportJsonl(*store_, *project, in);
  }

  Project Get(const std::string& name) { return *store_->GetProject(name); }
};

TEST_F(TransferTest, ExportImportExportIsByteIdentical) {
  MakeHistory();
  for (const bool with_history : {false, true}) {
    SCOPED_TRACE(with_history ? "with history" : "latest only");
    ExportOptions options;
    options.with_history = with_history;
    const std::string first = Export(*store_, project_, options);
    const std::string name = with_history ? "copy-history" : "copy";
    auto imported = Import(name, first);
    ASSERT_OK(imported);
    EXPECT_EQ(imported->revisions, 4u);
    EXPECT_EQ(Export(*store_, Get(name), options), first);
    EXPECT_OK(store_->VerifyIntegrity(Get(name).id));
  }
  // With history the copy answers the same questions about the past.
  auto original = store_->View(project_.id);
  auto copy = store_->View(Get("copy-history").id);
  ASSERT_OK(original);
  ASSERT_OK(copy);
  EXPECT_EQ(original->Stats()->node_versions, copy->Stats()->node_versions);
  const NodeId total = Id("shop.prices.total");
  auto before = query::History(*original, total);
  auto after = query::History(*copy, total);
  ASSERT_OK(before);
  ASSERT_OK(after);
  ASSERT_EQ(before->versions.size(), after->versions.size());
  for (std::size_t i = 0; i < before->versions.size(); ++i) {
    EXPECT_EQ(before->versions[i].changes, after->versions[i].changes);
    EXPECT_EQ(before->versions[i].revision.info, after->versions[i].revision.info);
    EXPECT_EQ(before->versions[i].node, after->versions[i].node);
  }
  auto source = query::SourceOf(*copy, *copy->GetNode(total));
  ASSERT_OK(source);
  EXPECT_NE(source->find("def total(items):"), std::string::npos);
}

TEST_F(TransferTest, AnExportAsOfAPastRevisionReplaysOnItsOwn) {
  MakeHistory();
  const std::string at2 = Export(*store_, project_, {}, 2);
  EXPECT_NE(at2.find("\"revision\":2"), std::string::npos);
  EXPECT_EQ(at2.find("shop/prices.py"), std::string::npos);  // renamed only at 3
  ASSERT_OK(Import("at2", at2));
  EXPECT_EQ(Export(*store_, Get("at2"), {}), at2);
  auto view = store_->View(Get("at2").id);
  ASSERT_OK(view);
  EXPECT_EQ(view->latest(), 2u);
  EXPECT_EQ(view->FindByPath("app.py")->size(), 3u);  // the file, checkout, main
}

TEST_F(TransferTest, TextThatIsNotUtf8TravelsAsBase64) {
  Commit("notes.md", std::string("# Caf\xE9\n\nLatin-1, not UTF-8: \xFF\xFE\n"));
  const std::string text = Export(*store_, project_, {});
  EXPECT_NE(text.find("\"base64\":"), std::string::npos);
  ASSERT_OK(Import("copy", text));
  EXPECT_EQ(Export(*store_, Get("copy"), {}), text);
  auto view = store_->View(Get("copy").id);
  auto file = view->FindByPath("notes.md");
  ASSERT_OK(file);
  for (const Node& n : *file) {
    if (n.kind != NodeKind::kFile) continue;
    EXPECT_EQ(*view->GetBlob(n.content_hash),
              std::string("# Caf\xE9\n\nLatin-1, not UTF-8: \xFF\xFE\n"));
  }
}

TEST_F(TransferTest, BadInputIsRejectedWithTheLineAndLeavesNothing) {
  const std::string header = "{\"format\":\"onyx-graph\",\"version\":1}\n";
  const std::string revision =
      "{\"type\":\"revision\",\"number\":1,\"source\":\"api\",\"commit\":\"\",\"author\":\"\","
      "\"message\":\"\",\"time_micros\":1}\n";
  const std::string node =
      "{\"type\":\"node\",\"id\":\"%ID%\",\"kind\":\"%KIND%\",\"name\":\"f\","
      "\"qualified_name\":\"f\",\"language\":\"python\",\"path\":\"f.py\",\"start_line\":1,"
      "\"end_line\":2,\"span\":{\"start_byte\":0,\"end_byte\":1,\"start_line\":1,\"end_line\":2},"
      "\"signature\":\"\",\"doc\":\"\",\"content_hash\":\"00000000000000000000000000000000\","
      "\"attributes\":{},\"valid_from\":%FROM%,\"valid_to\":null}\n";
  const auto with = [&](std::string text, const std::string& id, const std::string& kind,
                        const std::string& from) {
    for (const auto& [key, value] :
         {std::pair{"%ID%", id}, std::pair{"%KIND%", kind}, std::pair{"%FROM%", from}}) {
      text.replace(text.find(key), std::string(key).size(), value);
    }
    return text;
  };
  const std::string id = "0123456789abcdef";
  const struct {
    std::string input;
    std::string message;
  } cases[] = {
      {"", "the input is empty"},
      {"{\"format\":\"zip\"}\n", "not an onyx-graph header"},
      {"{\"format\":1}\n", "not an onyx-graph header"},
      {"{\"format\":\"onyx-graph\",\"version\":\"1\"}\n", "format version \"1\" is not supported"},
      {"{\"format\":\"onyx-graph\",\"version\":9}\n", "format version 9 is not supported"},
      {header + "{not json\n", "line 2 is not JSON"},
      {header + "[1,2]\n", "line 2 is not a JSON object"},
      {header + std::string(100, '[') + std::string(100, ']') + "\n", "line 2 nests too deep"},
      {header + "{\"type\":\"wormhole\"}\n", "line 2: \"type\" is not revision"},
      {header + revision + revision, "line 3: \"number\" is not the next revision"},
      {header + revision + with(node, "xyz", "function", "1"), "\"id\" is not 16 hex digits"},
      {header + revision + with(node, id, "gizmo", "1"), "\"kind\" is not a node kind"},
      {header + revision + with(node, id, "function", "0"), "\"valid_from\" is not before"},
      {header + revision + with(node, id, "function", "7"), "a revision the input does not"},
      {header +
           "{\"type\":\"blob\",\"hash\":\"00000000000000000000000000000000\",\"text\":\"x\"}\n",
       "\"hash\" does not match the text"},
      {header + "{\"type\":\"blob\",\"hash\":\"00000000000000000000000000000000\","
                "\"base64\":\"@@@@\"}\n",
       "\"base64\" is not base64"},
  };
  int n = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input.substr(0, 200));
    const std::string name = "bad" + std::to_string(n++);
    auto result = Import(name, c.input);
    ASSERT_FALSE(result.ok());
    EXPECT_TRUE(result.status().IsInvalidArgument()) << result.status().ToString();
    EXPECT_NE(result.status().ToString().find(c.message), std::string::npos)
        << result.status().ToString();
    EXPECT_EQ(store_->View(Get(name).id)->latest(), 0u);
  }
  // A node whose id is not its symbol's hash is refused by the store itself.
  auto forged = Import("forged", header + revision + with(node, id, "function", "1"));
  EXPECT_FALSE(forged.ok());
  // And a project that already has revisions takes no import.
  std::istringstream in(Export(*store_, project_, {}));
  EXPECT_TRUE(ImportJsonl(*store_, project_, in).status().IsInvalidArgument());
}

class BackupTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
};

// Revision r adds node r: a consistent store has as many nodes as revisions.
void CommitNumbered(Store& store, ProjectId project, int r) {
  auto writer = store.BeginRevision(project, {});
  ASSERT_OK(writer);
  ASSERT_OK((*writer)->UpsertNode(testing::MakeFunction("f.py", "f" + std::to_string(r))));
  ASSERT_OK((*writer)->Commit());
}

// Commits revisions 1..5, then runs `backup` while a writer keeps
// committing; its status.
Status BackupWhileCommitting(Store& store, ProjectId project,
                             const std::function<Status()>& backup) {
  for (int r = 1; r <= 5; ++r) CommitNumbered(store, project, r);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int r = 6; !stop.load() && r < 5000; ++r) CommitNumbered(store, project, r);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Status backed_up = backup();
  stop = true;
  writer.join();
  return backed_up;
}

// The restored store at `data` is whole (revision r added node r, so as many
// nodes as revisions) and takes new revisions after the ones it has.
void ExpectWholeAndWritable(const std::string& data) {
  auto store = Store::Open(data);
  ASSERT_OK(store);
  auto project = (*store)->GetProject("p");
  ASSERT_OK(project);
  ASSERT_OK((*store)->VerifyIntegrity(project->id));
  auto view = (*store)->View(project->id);
  ASSERT_OK(view);
  EXPECT_GE(view->latest(), 5u);
  EXPECT_EQ(view->Stats()->nodes(), view->latest());
  CommitNumbered(**store, project->id, static_cast<int>(view->latest()) + 1);
}

TEST_F(BackupTest, ABackupTakenWhileWritersCommitRestoresConsistently) {
  const std::string data = dir_.Sub("data");
  {
    auto store = Store::Open(data);
    ASSERT_OK(store);
    auto project = (*store)->CreateProject("p");
    ASSERT_OK(project);
    ASSERT_OK(BackupWhileCommitting(**store, project->id,
                                    [&] { return Backup(**store, dir_.Sub("backup")); }));
    EXPECT_TRUE(Backup(**store, dir_.Sub("backup")).IsInvalidArgument());  // exists
    // Restoring over a store that is open is refused.
    EXPECT_EQ(Restore(dir_.Sub("backup"), data).status().code(), StatusCode::kAborted);
  }
  auto restored = Restore(dir_.Sub("backup"), data);
  ASSERT_OK(restored);
  EXPECT_EQ(restored->projects, 1u);
  EXPECT_TRUE(fs::exists(restored->previous));
  ExpectWholeAndWritable(data);
}

TEST_F(BackupTest, ABackupOfAStoreInUseFollowsItReadOnly) {
  const std::string data = dir_.Sub("data");
  const std::string backup = dir_.Sub("backup");
  {
    auto store = Store::Open(data);
    ASSERT_OK(store);
    // Open: a second Store (as a second process would) is refused.
    EXPECT_EQ(Store::Open(data).status().code(), StatusCode::kAborted);
    auto project = (*store)->CreateProject("p");
    ASSERT_OK(project);
    // Only in the owner's write-ahead log so far: the follower replays it.
    ASSERT_OK(
        BackupWhileCommitting(**store, project->id, [&] { return BackupInUse(data, backup); }));
    EXPECT_TRUE(BackupInUse(data, backup).IsInvalidArgument());  // exists
    EXPECT_TRUE(BackupInUse(dir_.Sub("nowhere"), dir_.Sub("b2")).IsNotFound());
  }
  // Only the backup is left: no follower or staging folder.
  std::size_t entries = 0;
  for (const auto& entry : fs::directory_iterator(dir_.path())) {
    ++entries;
    EXPECT_TRUE(entry.path().filename() == "data" || entry.path().filename() == "backup")
        << entry.path();
  }
  EXPECT_EQ(entries, 2u);
  // The copy is a whole store at one revision: as many nodes as revisions.
  auto restored = Restore(backup, dir_.Sub("restored"));
  ASSERT_OK(restored);
  ExpectWholeAndWritable(dir_.Sub("restored"));
}

TEST_F(BackupTest, RestoreRefusesWhatIsNotAWholeBackup) {
  const std::string data = dir_.Sub("data");
  {
    auto store = Store::Open(data);
    ASSERT_OK(store);
    auto project = (*store)->CreateProject("p");
    ASSERT_OK(project);
    CommitNumbered(**store, project->id, 1);
    ASSERT_OK(Backup(**store, dir_.Sub("backup")));
  }
  EXPECT_TRUE(Restore(dir_.Sub("nothing"), data).status().IsNotFound());
  // A backup that lost its manifest does not replace anything.
  for (const auto& entry : fs::directory_iterator(dir_.Sub("backup"))) {
    if (entry.path().filename().string().starts_with("MANIFEST")) fs::remove(entry.path());
  }
  auto damaged = Restore(dir_.Sub("backup"), data);
  EXPECT_EQ(damaged.status().code(), StatusCode::kCorruption) << damaged.status().ToString();
  auto store = Store::Open(data);
  ASSERT_OK(store);
  EXPECT_EQ((*store)->View((*store)->GetProject("p")->id)->latest(), 1u);
  std::size_t entries = 0;
  for (const auto& entry : fs::directory_iterator(dir_.path())) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 2u);  // data and backup: no staging folder left behind
}

}  // namespace
}  // namespace onyx::store
