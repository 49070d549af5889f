// Agent memory through the Engine: remember writes a versioned note linked to
// code, recall finds it by words or by symbol, and flags it stale once the
// code it is about changes or goes away. Tree ingests leave notes alone.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "onyx/engine.h"
#include "testing/shop_engine.h"

namespace onyx {
namespace {

class NotesTest : public testing::ShopEngineTest {
 protected:
  NodeId Id(const std::string& name) {
    auto found = engine_->FindNodes("shop", name);
    EXPECT_OK(found);
    EXPECT_EQ(found->size(), 1u) << name;
    return found->empty() ? 0 : found->front().id;
  }

  NoteWritten Remember(const std::string& text, std::vector<NodeId> about) {
    NoteRequest request;
    request.text = text;
    request.about = std::move(about);
    auto written = engine_->Remember("shop", request);
    EXPECT_OK(written);
    return written.ok() ? *written : NoteWritten{};
  }

  std::vector<RecalledNote> Recall(const std::string& query, std::optional<NodeId> about = {},
                                   std::optional<RevisionNumber> as_of = {}) {
    auto notes = engine_->Recall("shop", query, about, 10, as_of);
    EXPECT_OK(notes);
    return notes.ok() ? *notes : std::vector<RecalledNote>{};
  }

  void Rewrite(const std::string& path, const std::string& text) {
    std::ofstream(tree_ + "/" + path, std::ios::trunc) << text;
    ASSERT_OK(engine_->IngestTree("shop", tree_));
  }
};

TEST_F(NotesTest, RecallFindsANoteByItsWordsAndBySymbol) {
  const NodeId subtotal = Id("shop.pricing.subtotal");
  const NoteWritten written =
      Remember("subtotal ignores discounts\nSee the pricing review.", {subtotal});
  EXPECT_EQ(written.revision, 2u);
  EXPECT_EQ(written.note.name, "subtotal ignores discounts");
  Remember("The cart is not thread-safe.", {Id("shop.cart.Cart")});

  const auto by_words = Recall("discounts review");
  ASSERT_EQ(by_words.size(), 1u);
  EXPECT_EQ(by_words[0].note.id, written.note.id);
  EXPECT_EQ(by_words[0].note.doc, "subtotal ignores discounts\nSee the pricing review.");
  EXPECT_EQ(by_words[0].note.validity.from, 2u);
  EXPECT_GT(by_words[0].score, 0);
  EXPECT_FALSE(by_words[0].stale);
  ASSERT_EQ(by_words[0].about.size(), 1u);
  EXPECT_EQ(by_words[0].about[0].node.qualified_name, "shop.pricing.subtotal");
  EXPECT_EQ(by_words[0].about[0].state, NoteLink::State::kUnchanged);

  const auto by_symbol = Recall("", Id("shop.cart.Cart"));
  ASSERT_EQ(by_symbol.size(), 1u);
  EXPECT_EQ(by_symbol[0].note.name, "The cart is not thread-safe.");
  EXPECT_EQ(Recall("").size(), 2u);  // no words: every note, newest first
  EXPECT_EQ(Recall("").front().note.name, "The cart is not thread-safe.");
  EXPECT_TRUE(Recall("nothing matches this").empty());
  // Before it was written, the note did not exist.
  EXPECT_TRUE(Recall("discounts", std::nullopt, 1).empty());
}

TEST_F(NotesTest, ANoteTurnsStaleWhenItsCodeChangesOrGoesAway) {
  const NodeId subtotal = Id("shop.pricing.subtotal");
  Remember("subtotal sums prices", {subtotal});
  // An ingest of the same tree changes nothing and keeps the note.
  ASSERT_OK(engine_->IngestTree("shop", tree_));
  ASSERT_EQ(Recall("prices").size(), 1u);
  EXPECT_FALSE(Recall("prices")[0].stale);

  Rewrite(
      "shop/pricing.py",
      "TAX_RATE = 0.2\n\n\ndef subtotal(items):\n    return sum(i.price * 2 for i in items)\n\n\n"
      "def total(items):\n    return subtotal(items) * (1 + TAX_RATE)\n");
  auto notes = Recall("prices");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_TRUE(notes[0].stale);
  EXPECT_EQ(notes[0].about[0].state, NoteLink::State::kChanged);
  EXPECT_EQ(notes[0].about[0].changed_in, 3u);
  // As of the revision it was written in, it still held.
  EXPECT_FALSE(Recall("prices", std::nullopt, 2)[0].stale);

  Rewrite("shop/pricing.py", "TAX_RATE = 0.2\n");
  notes = Recall("prices");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].about[0].state, NoteLink::State::kRemoved);
  EXPECT_EQ(notes[0].about[0].node.qualified_name, "shop.pricing.subtotal");
  EXPECT_EQ(notes[0].about[0].changed_in, 4u);
}

TEST_F(NotesTest, ReplacingANoteMakesANewVersionWithItsOwnLinks) {
  const NoteWritten first = Remember("cart totals are cached", {Id("shop.cart.Cart")});
  NoteRequest revised;
  revised.text = "cart totals are recomputed every time";
  revised.about = {Id("shop.pricing.total")};
  revised.replaces = first.note.id;
  auto second = engine_->Remember("shop", revised);
  ASSERT_OK(second);
  EXPECT_EQ(second->note.id, first.note.id);
  const auto notes = Recall("cart totals");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].note.doc, "cart totals are recomputed every time");
  ASSERT_EQ(notes[0].about.size(), 1u);
  EXPECT_EQ(notes[0].about[0].node.qualified_name, "shop.pricing.total");
  auto history = engine_->History("shop", first.note.id);
  ASSERT_OK(history);
  EXPECT_EQ(history->versions.size(), 2u);
}

TEST_F(NotesTest, BadNotesAreRefused) {
  NoteRequest empty;
  empty.text = " \n ";
  EXPECT_EQ(engine_->Remember("shop", empty).status().code(), StatusCode::kInvalidArgument);
  NoteRequest huge;
  huge.text = std::string(20000, 'a');
  EXPECT_EQ(engine_->Remember("shop", huge).status().code(), StatusCode::kInvalidArgument);
  NoteRequest dangling;
  dangling.text = "about nothing";
  dangling.about = {0x1234};
  EXPECT_TRUE(engine_->Remember("shop", dangling).status().IsNotFound());
  NoteRequest not_a_note;
  not_a_note.text = "replace code?";
  not_a_note.replaces = Id("shop.pricing.subtotal");
  EXPECT_TRUE(engine_->Remember("shop", not_a_note).status().IsNotFound());
  // Nothing was written.
  auto latest = engine_->LatestRevision("shop");
  ASSERT_OK(latest);
  EXPECT_EQ((*latest)->number, 1u);
}

}  // namespace
}  // namespace onyx
