// DefinitionIndex: per-file replacement of a project's definitions.
#include "onyx/ingest/definition_index.h"

#include <xxhash.h>

#include <algorithm>
#include <random>
#include <thread>
#include <tuple>
#include <type_traits>
#include <unordered_set>

namespace onyx::ingest {

struct DefinitionIndex::File {
  std::string text;                  // the path, then each node's strings
  std::vector<std::size_t> slots;    // in the order given to Replace
  std::vector<std::size_t> members;  // by position: outer before inner
};

std::size_t SeededTextHash::operator()(std::string_view s) const {
  return static_cast<std::size_t>(XXH3_64bits_withSeed(s.data(), s.size(), seed));
}

std::uint64_t DrawHashSeed() {
  std::random_device random;
  return (std::uint64_t{random()} << 32) | random();
}

std::size_t SeededIdHash::operator()(NodeId id) const {
  std::uint64_t x = static_cast<std::uint64_t>(id) + seed;  // splitmix64's finalizer
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return static_cast<std::size_t>(x ^ (x >> 31));
}

// Seeds drawn per index: a hostile tree cannot choose names or ids that pile
// into one bucket.
DefinitionIndex::DefinitionIndex() : DefinitionIndex(DrawHashSeed()) {}

DefinitionIndex::DefinitionIndex(std::uint64_t seed)
    : files_(16, SeededTextHash{seed}),
      by_id_(16, SeededIdHash{seed}),
      by_name_(16, SeededTextHash{seed ^ 0x9e3779b97f4a7c15ULL}),
      by_qualified_(16, SeededTextHash{seed ^ 0x6a09e667f3bcc909ULL}) {}

DefinitionIndex::~DefinitionIndex() = default;
DefinitionIndex::DefinitionIndex(DefinitionIndex&&) noexcept = default;
DefinitionIndex& DefinitionIndex::operator=(DefinitionIndex&&) noexcept = default;

bool DefinitionIndex::Before(std::size_t a, std::size_t b) const {
  const Symbol& x = symbols_[a];
  const Symbol& y = symbols_[b];
  if (x.path != y.path) return x.path < y.path;
  return std::make_tuple(x.span.start_byte, y.span.end_byte, ordinal_[a]) <
         std::make_tuple(y.span.start_byte, x.span.end_byte, ordinal_[b]);
}

namespace {

// The group of `key`, made if missing.
template <typename Map, typename Key>
std::vector<std::size_t>& GroupOf(Map& groups, const Key& key) {
  auto it = groups.find(key);
  if (it == groups.end()) {
    if constexpr (std::is_same_v<Key, NodeId>) {
      it = groups.emplace(key, std::vector<std::size_t>()).first;
    } else {
      it = groups.emplace(std::string(key), std::vector<std::size_t>()).first;
    }
  }
  return it->second;
}

}  // namespace

template <typename Map, typename KeyOf>
void DefinitionIndex::LinkAll(Map& groups, std::span<const std::size_t> slots, KeyOf key_of) {
  const auto before = [this](std::size_t a, std::size_t b) { return Before(a, b); };
  if (groups.empty()) {
    // All at once: appended, then each group sorted.
    groups.reserve(slots.size());
    for (const std::size_t i : slots) {
      if (const auto key = key_of(symbols_[i])) GroupOf(groups, *key).push_back(i);
    }
    for (auto& [key, group] : groups) {
      if (group.size() > 1) std::sort(group.begin(), group.end(), before);
    }
    return;
  }
  // Appended to their groups, then merged into each group's order once (a
  // file may put thousands of definitions under one name).
  std::unordered_map<std::vector<std::size_t>*, std::size_t> sorted_size;
  for (const std::size_t i : slots) {
    const auto key = key_of(symbols_[i]);
    if (!key) continue;
    std::vector<std::size_t>& group = GroupOf(groups, *key);
    sorted_size.try_emplace(&group, group.size());
    group.push_back(i);
  }
  for (const auto& [group, size] : sorted_size) {
    const auto middle = group->begin() + static_cast<std::ptrdiff_t>(size);
    std::sort(middle, group->end(), before);
    std::inplace_merge(group->begin(), middle, group->end(), before);
  }
}

template <typename Map, typename KeyOf>
void DefinitionIndex::UnlinkMarked(Map& groups, std::span<const std::size_t> slots, KeyOf key_of) {
  // Each group loses all marked members in one pass, once (a file may put
  // thousands of definitions under a name that thousands elsewhere share).
  std::unordered_set<const std::vector<std::size_t>*> swept;
  for (const std::size_t i : slots) {
    if (!linked_[i]) continue;
    const auto key = key_of(symbols_[i]);
    if (!key) continue;
    auto it = groups.find(*key);
    if (it == groups.end()) continue;  // emptied already
    std::vector<std::size_t>& group = it->second;
    if (!swept.insert(&group).second) continue;
    group.erase(
        std::remove_if(group.begin(), group.end(), [this](std::size_t k) { return marked_[k]; }),
        group.end());
    if (group.empty()) groups.erase(it);
  }
}

std::optional<std::string_view> DefinitionIndex::NameOf(const Symbol& s) {
  if (s.kind == NodeKind::kDocSection) return std::nullopt;
  return s.name;
}

std::optional<std::string_view> DefinitionIndex::QualifiedOf(const Symbol& s) {
  if (s.kind == NodeKind::kDocSection) return std::nullopt;
  return s.qualified;
}

std::optional<NodeId> DefinitionIndex::IdOf(const Symbol& s) { return s.id; }

void DefinitionIndex::Forget(File& file) {
  for (const std::size_t i : file.slots) marked_[i] = true;
  UnlinkMarked(by_name_, file.slots, NameOf);
  UnlinkMarked(by_qualified_, file.slots, QualifiedOf);
  UnlinkMarked(by_id_, file.slots, IdOf);
  for (const std::size_t i : file.slots) {
    marked_[i] = false;
    linked_[i] = false;
    in_use_[i] = false;
    holds_tests_[i] = false;
    symbols_[i] = Symbol();
    free_.push_back(i);
    --live_;
  }
}

void DefinitionIndex::Replace(std::string_view path, std::span<const Node* const> nodes) {
  if (auto old = files_.find(path); old != files_.end()) {
    Forget(*old->second);
    text_bytes_ -= old->second->text.size();
    files_.erase(old);
  }
  if (nodes.empty()) return;

  auto file = std::make_unique<File>();
  std::size_t bytes = path.size();
  for (const Node* n : nodes) {
    bytes += n->name.size() + n->qualified_name.size() + n->language.size();
  }
  file->text.reserve(bytes);  // no reallocation below: the views stay valid
  text_bytes_ += bytes;
  const auto copy = [&](std::string_view s) {
    const std::size_t at = file->text.size();
    file->text.append(s);
    return std::string_view(file->text.data() + at, s.size());
  };
  const std::string_view own_path = copy(path);
  file->slots.reserve(nodes.size());
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    const Node& n = *nodes[k];
    std::size_t i = 0;
    if (!free_.empty()) {
      i = free_.back();
      free_.pop_back();
    } else {
      i = symbols_.size();
      symbols_.emplace_back();
      ordinal_.push_back(0);
      holds_tests_.push_back(false);
      marked_.push_back(false);
      linked_.push_back(false);
      in_use_.push_back(false);
    }
    Symbol& s = symbols_[i];
    s.id = n.id;
    s.kind = n.kind;
    s.name = copy(n.name);
    s.qualified = copy(n.qualified_name);
    s.language = copy(n.language);
    s.path = own_path;
    s.span = n.span;
    s.parent = kNone;
    ordinal_[i] = static_cast<std::uint32_t>(k);
    in_use_[i] = true;
    file->slots.push_back(i);
    ++live_;
  }

  // By position, outer first; each one's parent is the innermost earlier one
  // that holds it.
  file->members = file->slots;
  std::sort(file->members.begin(), file->members.end(),
            [this](std::size_t a, std::size_t b) { return Before(a, b); });
  std::vector<std::size_t> stack;
  for (const std::size_t i : file->members) {
    Symbol& s = symbols_[i];
    while (!stack.empty() && symbols_[stack.back()].span.end_byte <= s.span.start_byte) {
      stack.pop_back();
    }
    s.parent = stack.empty() ? kNone : stack.back();
    stack.push_back(i);
  }
  for (const std::size_t i : file->slots) {
    const Symbol& s = symbols_[i];
    if (s.kind == NodeKind::kTest && s.parent != kNone) holds_tests_[s.parent] = true;
  }
  pending_.insert(pending_.end(), file->slots.begin(), file->slots.end());
  files_.emplace(std::string(path), std::move(file));
}

void DefinitionIndex::Prepare() {
  std::vector<std::size_t> fresh;
  for (const std::size_t i : pending_) {
    if (in_use_[i] && !linked_[i] && !marked_[i]) {
      marked_[i] = true;  // a slot freed and taken again is listed twice
      fresh.push_back(i);
    }
  }
  pending_.clear();
  for (const std::size_t i : fresh) {
    marked_[i] = false;
    linked_[i] = true;
  }
  if (fresh.size() * 4 <= live_) {
    LinkAll(by_name_, fresh, NameOf);
    LinkAll(by_qualified_, fresh, QualifiedOf);
    LinkAll(by_id_, fresh, IdOf);
    return;
  }
  // Most of the index is new (a first ingest, a fresh state): every group is
  // built again at once, the qualified names on a second thread.
  std::vector<std::size_t> all;
  all.reserve(live_);
  for (std::size_t i = 0; i < symbols_.size(); ++i) {
    if (in_use_[i]) all.push_back(i);
  }
  by_name_.clear();
  by_qualified_.clear();
  by_id_.clear();
  std::thread qualified([&] { LinkAll(by_qualified_, all, QualifiedOf); });
  LinkAll(by_name_, all, NameOf);
  LinkAll(by_id_, all, IdOf);
  qualified.join();
}

std::size_t DefinitionIndex::ApproximateBytes() const {
  // Counted, not walked: an ingest asks after every commit.
  constexpr std::size_t kEntryBytes = 64;  // a hash map node, its bucket, a slot in a group
  return symbols_.capacity() * (sizeof(Symbol) + sizeof(std::uint32_t) + 1) + text_bytes_ +
         (files_.size() + by_name_.size() + by_qualified_.size() + by_id_.size()) * kEntryBytes +
         3 * live_ * sizeof(std::size_t);
}

bool DefinitionIndex::Has(std::string_view path) const { return files_.find(path) != files_.end(); }

std::vector<std::string_view> DefinitionIndex::Paths() const {
  std::vector<std::string_view> out;
  out.reserve(files_.size());
  for (const auto& [path, file] : files_) out.push_back(path);
  return out;
}

void DefinitionIndex::Clear() {
  symbols_.clear();
  ordinal_.clear();
  holds_tests_.clear();
  marked_.clear();
  linked_.clear();
  in_use_.clear();
  pending_.clear();
  free_.clear();
  live_ = 0;
  text_bytes_ = 0;
  files_.clear();
  by_id_.clear();
  by_name_.clear();
  by_qualified_.clear();
}

std::size_t DefinitionIndex::Find(NodeId id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? kNone : it->second.back();
}

std::span<const std::size_t> DefinitionIndex::InFile(std::string_view path) const {
  auto it = files_.find(path);
  if (it == files_.end()) return {};
  return it->second->members;
}

std::span<const std::size_t> DefinitionIndex::ByName(std::string_view name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return {};
  return it->second;
}

std::span<const std::size_t> DefinitionIndex::ByQualified(std::string_view qualified) const {
  auto it = by_qualified_.find(qualified);
  if (it == by_qualified_.end()) return {};
  return it->second;
}

namespace {

std::vector<NodeId> IdsOf(const DefinitionIndex& index, std::span<const std::size_t> slots) {
  std::vector<NodeId> ids;
  for (const std::size_t i : slots) ids.push_back(index.at(i).id);
  return ids;
}

std::string OneWayDifference(const DefinitionIndex& a, const DefinitionIndex& b) {
  if (a.size() != b.size()) {
    return "sizes " + std::to_string(a.size()) + " vs " + std::to_string(b.size());
  }
  const auto parent_id = [](const DefinitionIndex& index, std::size_t k) {
    const std::size_t p = index.at(k).parent;
    return p == DefinitionIndex::kNone ? NodeId{0} : index.at(p).id;
  };
  for (const std::string_view path : a.Paths()) {
    const auto mine = a.InFile(path);
    const auto theirs = b.InFile(path);
    if (IdsOf(a, mine) != IdsOf(b, theirs)) return "definitions of " + std::string(path);
    for (std::size_t k = 0; k < mine.size(); ++k) {
      const Symbol& s = a.at(mine[k]);
      const Symbol& t = b.at(theirs[k]);
      const std::string what = std::string(path) + ": " + std::string(s.qualified);
      if (t.kind != s.kind || t.name != s.name || t.qualified != s.qualified ||
          t.language != s.language || t.path != s.path || t.span != s.span) {
        return "symbol " + what;
      }
      if (parent_id(a, mine[k]) != parent_id(b, theirs[k])) return "parent of " + what;
      if (a.HoldsTests(mine[k]) != b.HoldsTests(theirs[k])) return "tests under " + what;
      // Of several with one id, Find gives the last of them.
      const std::size_t found = a.Find(s.id);
      const std::size_t other = b.Find(s.id);
      if (found == DefinitionIndex::kNone || other == DefinitionIndex::kNone ||
          a.at(found).span != b.at(other).span) {
        return "id of " + what;
      }
      if (IdsOf(a, a.ByName(s.name)) != IdsOf(b, b.ByName(s.name))) return "name group of " + what;
      if (IdsOf(a, a.ByQualified(s.qualified)) != IdsOf(b, b.ByQualified(s.qualified))) {
        return "qualified group of " + what;
      }
    }
  }
  return "";
}

}  // namespace

std::string DefinitionIndexDifference(const DefinitionIndex& a, const DefinitionIndex& b) {
  std::string d = OneWayDifference(a, b);
  return d.empty() ? OneWayDifference(b, a) : d;
}

}  // namespace onyx::ingest
