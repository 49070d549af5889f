// SymbolTable indexes.
#include "onyx/ingest/symbol_table.h"

#include <xxhash.h>

#include <algorithm>
#include <random>
#include <thread>
#include <tuple>

#include "onyx/ingest/languages/language_spec.h"

namespace onyx::ingest {
namespace {

std::string_view DirOf(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

std::string_view StemOf(std::string_view path) {
  const auto slash = path.rfind('/');
  std::string_view file = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const auto dot = file.find('.');
  return dot == std::string_view::npos ? file : file.substr(0, dot);
}

}  // namespace

void SymbolTable::Add(const Node& node) {
  if (node.kind == NodeKind::kProject || node.kind == NodeKind::kNote) return;
  Symbol s;
  s.id = node.id;
  s.kind = node.kind;
  s.name = node.name;
  s.qualified = node.qualified_name;
  s.language = node.language;
  s.path = node.path;
  s.span = node.span;
  symbols_.push_back(std::move(s));
}

void SymbolTable::DropLast() {
  if (!symbols_.empty()) symbols_.pop_back();
}

void SymbolTable::Index::Add(std::string_view key, std::size_t i) {
  entries_.push_back({XXH3_64bits(key.data(), key.size()), key, i});
}

template <typename Before>
void SymbolTable::Index::Build(Before before) {
  // By hash first (integers only: keys repeat a lot, a file's path once per
  // definition), then each run of one hash by key (only a collision needs
  // it), then each key's group in the order asked.
  std::sort(entries_.begin(), entries_.end(), [](const Entry& x, const Entry& y) {
    return x.hash != y.hash ? x.hash < y.hash : x.index < y.index;
  });
  const auto run_end = [&](std::size_t k, auto same) {
    std::size_t end = k + 1;
    while (end < entries_.size() && same(entries_[k], entries_[end])) ++end;
    return end;
  };
  for (std::size_t k = 0; k < entries_.size();) {
    const std::size_t end =
        run_end(k, [](const Entry& x, const Entry& y) { return x.hash == y.hash; });
    const auto first = entries_.begin() + static_cast<std::ptrdiff_t>(k);
    const auto last = entries_.begin() + static_cast<std::ptrdiff_t>(end);
    if (std::any_of(first, last, [&](const Entry& e) { return e.key != first->key; })) {
      std::stable_sort(first, last, [](const Entry& x, const Entry& y) { return x.key < y.key; });
    }
    for (std::size_t g = k; g < end;) {
      const std::size_t group_end =
          run_end(g, [](const Entry& x, const Entry& y) { return x.key == y.key; });
      if (group_end - g > 1) {
        std::sort(entries_.begin() + static_cast<std::ptrdiff_t>(g),
                  entries_.begin() + static_cast<std::ptrdiff_t>(group_end),
                  [&](const Entry& x, const Entry& y) { return before(x.index, y.index); });
      }
      g = group_end;
    }
    k = end;
  }
  order_.resize(entries_.size());
  for (std::size_t k = 0; k < entries_.size(); ++k) order_[k] = entries_[k].index;
}

std::span<const std::size_t> SymbolTable::Index::Find(std::string_view key) const {
  // Entries are sorted by (hash, key): two binary searches, comparing keys only
  // where hashes are equal (a big group, such as a file's members, costs log n).
  const Entry probe{XXH3_64bits(key.data(), key.size()), key, 0};
  const auto [first, last] =
      std::equal_range(entries_.begin(), entries_.end(), probe, [](const Entry& x, const Entry& y) {
        return x.hash != y.hash ? x.hash < y.hash : x.key < y.key;
      });
  const auto begin = static_cast<std::size_t>(first - entries_.begin());
  return {order_.data() + begin, static_cast<std::size_t>(last - first)};
}

template <typename Fn>
void SymbolTable::Index::ForEachGroup(Fn fn) const {
  for (std::size_t k = 0; k < entries_.size();) {
    std::size_t end = k + 1;
    while (end < entries_.size() && entries_[end].hash == entries_[k].hash &&
           entries_[end].key == entries_[k].key) {
      ++end;
    }
    fn(std::span<const std::size_t>(order_.data() + k, end - k));
    k = end;
  }
}

void SymbolTable::Index::Reserve(std::size_t n) { entries_.reserve(n); }

void SymbolTable::Finish() {
  // The name indexes on a second thread: they only read the symbols, and the
  // rest below writes only their parents.
  std::thread names([this] {
    by_name_.Reserve(symbols_.size());
    by_qualified_.Reserve(symbols_.size());
    for (std::size_t i = 0; i < symbols_.size(); ++i) {
      const Symbol& s = symbols_[i];
      if (s.kind == NodeKind::kDirectory || s.kind == NodeKind::kFile ||
          s.kind == NodeKind::kDocSection) {
        continue;
      }
      by_name_.Add(s.name, i);
      by_qualified_.Add(s.qualified, i);
    }
    by_qualified_.Build([](std::size_t a, std::size_t b) { return a < b; });
    by_name_.Build([this](std::size_t a, std::size_t b) {
      return std::tie(symbols_[a].path, symbols_[a].span.start_byte, a) <
             std::tie(symbols_[b].path, symbols_[b].span.start_byte, b);
    });
  });
  std::size_t slots = 16;
  while (slots < 2 * symbols_.size()) slots <<= 1;
  by_id_.assign(slots, {NodeId{0}, kNone});
  id_mask_ = slots - 1;
  id_seed_ = std::random_device()();
  in_file_.Reserve(symbols_.size());
  for (std::size_t i = 0; i < symbols_.size(); ++i) {
    const Symbol& s = symbols_[i];
    std::size_t k = IdSlot(s.id);
    while (by_id_[k].second != kNone && by_id_[k].first != s.id) k = (k + 1) & id_mask_;
    by_id_[k] = {s.id, i};  // a repeated id: the last one added
    if (s.kind == NodeKind::kDirectory) {
      directories_[s.path] = i;
      const auto slash = s.path.rfind('/');
      directories_named_.Add(slash == std::string::npos ? s.path : s.path.substr(slash + 1), i);
      continue;
    }
    if (s.kind == NodeKind::kFile) {
      files_[s.path] = i;
      files_in_.Add(DirOf(s.path), i);
      by_stem_.Add(StemOf(s.path), i);
      continue;
    }
    in_file_.Add(s.path, i);
  }
  const auto in_order = [](std::size_t a, std::size_t b) { return a < b; };
  directories_named_.Build(in_order);
  files_in_.Build(in_order);
  by_stem_.Build(in_order);
  // A file's definitions by position, outer first; each one's parent is the
  // innermost earlier one that holds it.
  in_file_.Build([this](std::size_t a, std::size_t b) {
    const Span& x = symbols_[a].span;
    const Span& y = symbols_[b].span;
    if (x.start_byte != y.start_byte) return x.start_byte < y.start_byte;
    if (x.end_byte != y.end_byte) return x.end_byte > y.end_byte;
    return a < b;
  });
  std::vector<std::size_t> stack;
  in_file_.ForEachGroup([&](std::span<const std::size_t> members) {
    stack.clear();
    for (const std::size_t i : members) {
      Symbol& s = symbols_[i];
      while (!stack.empty() && symbols_[stack.back()].span.end_byte <= s.span.start_byte) {
        stack.pop_back();
      }
      s.parent = stack.empty() ? kNone : stack.back();
      stack.push_back(i);
    }
  });
  for (Symbol& s : symbols_) {
    if (s.kind == NodeKind::kFile || s.kind == NodeKind::kDirectory) s.parent = kNone;
  }
  holds_tests_.assign(symbols_.size(), false);
  for (const Symbol& s : symbols_) {
    if (s.kind == NodeKind::kTest && s.parent != kNone) holds_tests_[s.parent] = true;
  }
  for (const auto& [path, index] : files_) {
    const LanguageSpec* spec = SpecFor(symbols_[index].language);
    test_paths_[path] = spec != nullptr && spec->is_test_path != nullptr ? spec->is_test_path(path)
                                                                         : InTestFolder(path);
  }
  names.join();
}

std::size_t SymbolTable::Find(NodeId id) const {
  if (by_id_.empty()) return kNone;
  for (std::size_t k = IdSlot(id);; k = (k + 1) & id_mask_) {
    if (by_id_[k].second == kNone) return kNone;
    if (by_id_[k].first == id) return by_id_[k].second;
  }
}

std::size_t SymbolTable::IdSlot(NodeId id) const {
  std::uint64_t x = static_cast<std::uint64_t>(id) + id_seed_;  // splitmix64's finalizer
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return static_cast<std::size_t>(x ^ (x >> 31)) & id_mask_;
}

std::size_t SymbolTable::File(std::string_view path) const {
  auto it = files_.find(path);
  return it == files_.end() ? kNone : it->second;
}

std::size_t SymbolTable::Directory(std::string_view path) const {
  auto it = directories_.find(path);
  return it == directories_.end() ? kNone : it->second;
}

std::span<const std::size_t> SymbolTable::InFile(std::string_view path) const {
  return in_file_.Find(path);
}

std::span<const std::size_t> SymbolTable::FilesIn(std::string_view dir) const {
  return files_in_.Find(dir);
}

std::vector<std::size_t> SymbolTable::OfLanguage(const Index& index, std::string_view key,
                                                 std::string_view language) const {
  std::vector<std::size_t> out;
  for (const std::size_t i : index.Find(key)) {
    if (symbols_[i].language == language) out.push_back(i);
  }
  return out;
}

std::vector<std::size_t> SymbolTable::ByName(std::string_view language,
                                             std::string_view name) const {
  return OfLanguage(by_name_, name, language);
}

std::vector<std::size_t> SymbolTable::ByQualified(std::string_view language,
                                                  std::string_view qualified) const {
  return OfLanguage(by_qualified_, qualified, language);
}

std::span<const std::size_t> SymbolTable::ByNameAnyLanguage(std::string_view name) const {
  return by_name_.Find(name);
}

std::vector<std::size_t> SymbolTable::FilesByStem(std::string_view language,
                                                  std::string_view stem) const {
  return OfLanguage(by_stem_, stem, language);
}

std::span<const std::size_t> SymbolTable::DirectoriesNamed(std::string_view name) const {
  return directories_named_.Find(name);
}

std::size_t SymbolTable::Enclosing(std::string_view path, std::uint32_t offset) const {
  const std::span<const std::size_t> members = InFile(path);
  // The last definition starting at or before `offset`; the innermost one that
  // holds it is that one or one of its ancestors.
  auto it = std::upper_bound(
      members.begin(), members.end(), offset,
      [this](std::uint32_t off, std::size_t i) { return off < symbols_[i].span.start_byte; });
  if (it == members.begin()) return File(path);
  std::size_t i = *std::prev(it);
  while (i != kNone && offset >= symbols_[i].span.end_byte) i = symbols_[i].parent;
  return i == kNone ? File(path) : i;
}

bool SymbolTable::IsTestHelper(std::size_t i) const {
  const Symbol& s = symbols_[i];
  if (s.kind != NodeKind::kFunction && s.kind != NodeKind::kMethod) return false;
  if (s.parent != kNone && holds_tests_[s.parent]) return true;
  auto it = test_paths_.find(s.path);
  return it != test_paths_.end() && it->second;
}

}  // namespace onyx::ingest
