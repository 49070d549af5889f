// SymbolTable indexes.
#include "onyx/ingest/symbol_table.h"

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

void SymbolTable::Finish() {
  by_id_.reserve(symbols_.size());
  by_name_.reserve(symbols_.size());
  by_qualified_.reserve(symbols_.size());
  for (std::size_t i = 0; i < symbols_.size(); ++i) {
    const Symbol& s = symbols_[i];
    by_id_[s.id] = i;
    if (s.kind == NodeKind::kDirectory) {
      directories_[s.path] = i;
      const auto slash = s.path.rfind('/');
      directories_named_[slash == std::string::npos ? s.path : s.path.substr(slash + 1)].push_back(
          i);
      continue;
    }
    if (s.kind == NodeKind::kFile) {
      files_[s.path] = i;
      files_in_[DirOf(s.path)].push_back(i);
      by_stem_[StemOf(s.path)].push_back(i);
      continue;
    }
    in_file_[s.path].push_back(i);
    if (s.kind == NodeKind::kDocSection) continue;
    by_name_[s.name].push_back(i);
    by_qualified_[s.qualified].push_back(i);
  }
  for (auto& [path, members] : in_file_) {
    std::sort(members.begin(), members.end(), [this](std::size_t a, std::size_t b) {
      const Span& x = symbols_[a].span;
      const Span& y = symbols_[b].span;
      if (x.start_byte != y.start_byte) return x.start_byte < y.start_byte;
      if (x.end_byte != y.end_byte) return x.end_byte > y.end_byte;
      return a < b;
    });
    std::vector<std::size_t> stack;
    for (const std::size_t i : members) {
      Symbol& s = symbols_[i];
      while (!stack.empty() && symbols_[stack.back()].span.end_byte <= s.span.start_byte) {
        stack.pop_back();
      }
      s.parent = stack.empty() ? kNone : stack.back();
      stack.push_back(i);
    }
  }
  for (auto& [key, list] : by_name_) {
    std::sort(list.begin(), list.end(), [this](std::size_t a, std::size_t b) {
      return std::tie(symbols_[a].path, symbols_[a].span.start_byte) <
             std::tie(symbols_[b].path, symbols_[b].span.start_byte);
    });
  }
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
}

std::size_t SymbolTable::Find(NodeId id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? kNone : it->second;
}

std::size_t SymbolTable::File(std::string_view path) const {
  auto it = files_.find(path);
  return it == files_.end() ? kNone : it->second;
}

std::size_t SymbolTable::Directory(std::string_view path) const {
  auto it = directories_.find(path);
  return it == directories_.end() ? kNone : it->second;
}

const std::vector<std::size_t>& SymbolTable::InFile(std::string_view path) const {
  auto it = in_file_.find(path);
  return it == in_file_.end() ? empty_ : it->second;
}

const std::vector<std::size_t>& SymbolTable::FilesIn(std::string_view dir) const {
  auto it = files_in_.find(dir);
  return it == files_in_.end() ? empty_ : it->second;
}

std::vector<std::size_t> SymbolTable::OfLanguage(const Index& index, std::string_view key,
                                                 std::string_view language) const {
  std::vector<std::size_t> out;
  auto it = index.find(key);
  if (it == index.end()) return out;
  for (const std::size_t i : it->second) {
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

const std::vector<std::size_t>& SymbolTable::ByNameAnyLanguage(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? empty_ : it->second;
}

std::vector<std::size_t> SymbolTable::FilesByStem(std::string_view language,
                                                  std::string_view stem) const {
  return OfLanguage(by_stem_, stem, language);
}

const std::vector<std::size_t>& SymbolTable::DirectoriesNamed(std::string_view name) const {
  auto it = directories_named_.find(name);
  return it == directories_named_.end() ? empty_ : it->second;
}

std::size_t SymbolTable::Enclosing(std::string_view path, std::uint32_t offset) const {
  const std::vector<std::size_t>& members = InFile(path);
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
