// SymbolTable indexes.
#include "onyx/ingest/symbol_table.h"

#include <xxhash.h>

#include <algorithm>

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

void SymbolTable::AddFile(const Node& node) {
  if (node.kind != NodeKind::kFile && node.kind != NodeKind::kDirectory) return;
  Symbol s;
  s.id = node.id;
  s.kind = node.kind;
  s.name = node.name;
  s.qualified = node.qualified_name;
  s.language = node.language;
  s.path = node.path;
  s.span = node.span;
  files_and_dirs_.push_back(std::move(s));
}

void SymbolTable::Index::Add(std::string_view key, std::size_t i) {
  entries_.push_back({XXH3_64bits(key.data(), key.size()), key, i});
}

void SymbolTable::Index::Build() {
  // By hash first (integers only: keys repeat a lot, a file's path once per
  // definition), then each run of one hash by key (only a collision needs
  // it; the sort is stable, so each key's group stays in index order).
  std::sort(entries_.begin(), entries_.end(), [](const Entry& x, const Entry& y) {
    return x.hash != y.hash ? x.hash < y.hash : x.index < y.index;
  });
  for (std::size_t k = 0; k < entries_.size();) {
    std::size_t end = k + 1;
    while (end < entries_.size() && entries_[end].hash == entries_[k].hash) ++end;
    const auto first = entries_.begin() + static_cast<std::ptrdiff_t>(k);
    const auto last = entries_.begin() + static_cast<std::ptrdiff_t>(end);
    if (std::any_of(first, last, [&](const Entry& e) { return e.key != first->key; })) {
      std::stable_sort(first, last, [](const Entry& x, const Entry& y) { return x.key < y.key; });
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

void SymbolTable::Finish() {
  definitions_.Prepare();
  base_ = definitions_.slot_count();
  file_ids_ = decltype(file_ids_)(2 * files_and_dirs_.size() + 16, SeededIdHash{DrawHashSeed()});
  for (std::size_t k = 0; k < files_and_dirs_.size(); ++k) {
    const std::size_t i = base_ + k;
    const Symbol& s = files_and_dirs_[k];
    file_ids_[s.id] = i;  // a repeated id: the last one added
    if (s.kind == NodeKind::kDirectory) {
      directories_[s.path] = i;
      const auto slash = s.path.rfind('/');
      directories_named_.Add(slash == std::string::npos ? s.path : s.path.substr(slash + 1), i);
      continue;
    }
    files_[s.path] = i;
    files_in_.Add(DirOf(s.path), i);
    by_stem_.Add(StemOf(s.path), i);
  }
  directories_named_.Build();
  files_in_.Build();
  by_stem_.Build();
  for (const auto& [path, index] : files_) {
    const LanguageSpec* spec = SpecFor(at(index).language);
    test_paths_[path] = spec != nullptr && spec->is_test_path != nullptr ? spec->is_test_path(path)
                                                                         : InTestFolder(path);
  }
}

std::size_t SymbolTable::Find(NodeId id) const {
  if (auto it = file_ids_.find(id); it != file_ids_.end()) return it->second;
  return definitions_.Find(id);
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
  return definitions_.InFile(path);
}

std::span<const std::size_t> SymbolTable::FilesIn(std::string_view dir) const {
  return files_in_.Find(dir);
}

std::vector<std::size_t> SymbolTable::OfLanguage(std::span<const std::size_t> group,
                                                 std::string_view language) const {
  std::vector<std::size_t> out;
  for (const std::size_t i : group) {
    if (at(i).language == language) out.push_back(i);
  }
  return out;
}

std::vector<std::size_t> SymbolTable::ByName(std::string_view language,
                                             std::string_view name) const {
  return OfLanguage(definitions_.ByName(name), language);
}

std::vector<std::size_t> SymbolTable::ByQualified(std::string_view language,
                                                  std::string_view qualified) const {
  return OfLanguage(definitions_.ByQualified(qualified), language);
}

std::span<const std::size_t> SymbolTable::ByNameAnyLanguage(std::string_view name) const {
  return definitions_.ByName(name);
}

std::vector<std::size_t> SymbolTable::FilesByStem(std::string_view language,
                                                  std::string_view stem) const {
  return OfLanguage(by_stem_.Find(stem), language);
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
      [this](std::uint32_t off, std::size_t i) { return off < at(i).span.start_byte; });
  if (it == members.begin()) return File(path);
  std::size_t i = *std::prev(it);
  while (i != kNone && offset >= at(i).span.end_byte) i = at(i).parent;
  return i == kNone ? File(path) : i;
}

bool SymbolTable::IsTestHelper(std::size_t i) const {
  const Symbol& s = at(i);
  if (s.kind != NodeKind::kFunction && s.kind != NodeKind::kMethod) return false;
  if (s.parent != kNone && definitions_.HoldsTests(s.parent)) return true;
  auto it = test_paths_.find(s.path);
  return it != test_paths_.end() && it->second;
}

}  // namespace onyx::ingest
