// Every definition, file and directory of a project after an ingest, indexed the
// ways the resolver looks things up: by file, by name, by qualified name, and by
// the definition that encloses a place in a file. The definitions come from a
// DefinitionIndex an engine keeps between ingests (updated per changed file);
// files and directories are indexed anew by each ingest.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "onyx/ingest/definition_index.h"
#include "onyx/types.h"

namespace onyx::ingest {

class SymbolTable {
 public:
  static constexpr std::size_t kNone = DefinitionIndex::kNone;

  /// Definitions come from `definitions`, which the caller brings up to date
  /// (DefinitionIndex::Replace) before Finish and leaves alone while the table
  /// is used.
  explicit SymbolTable(DefinitionIndex& definitions) : definitions_(definitions) {}

  /// Adds a file or directory node (other kinds are ignored). The node must
  /// outlive the table, unchanged in its strings.
  void AddFile(const Node& node);
  /// Builds the indexes of files and directories and prepares the
  /// definitions'; call once after the last AddFile and Replace.
  void Finish();

  /// Symbols are numbered: the definitions' slots, then files and directories.
  const Symbol& at(std::size_t i) const {
    return i < base_ ? definitions_.at(i) : files_and_dirs_[i - base_];
  }

  /// The symbol with that id, or kNone.
  std::size_t Find(NodeId id) const;
  /// The file or directory node at `path`, or kNone.
  std::size_t File(std::string_view path) const;
  std::size_t Directory(std::string_view path) const;
  /// Definitions of a file, outer before inner, in document order.
  std::span<const std::size_t> InFile(std::string_view path) const;
  /// Files directly in a directory ("" is the root).
  std::span<const std::size_t> FilesIn(std::string_view dir) const;
  /// Definitions of a language with that name.
  std::vector<std::size_t> ByName(std::string_view language, std::string_view name) const;
  /// Definitions of a language with that qualified name.
  std::vector<std::size_t> ByQualified(std::string_view language, std::string_view qualified) const;
  /// Definitions of any language with that name (for documentation mentions).
  std::span<const std::size_t> ByNameAnyLanguage(std::string_view name) const;
  /// Files of a language whose name without extension is `stem`.
  std::vector<std::size_t> FilesByStem(std::string_view language, std::string_view stem) const;
  /// Directories whose last path segment is `name`.
  std::span<const std::size_t> DirectoriesNamed(std::string_view name) const;
  /// The innermost definition of `path` whose span holds byte `offset`, or the
  /// file itself when none does (kNone when the file is unknown).
  std::size_t Enclosing(std::string_view path, std::uint32_t offset) const;
  /// True for a test helper: a function or method that is not a test but lives
  /// where tests do (a test path of its language — tests/ folders, test_*.py,
  /// _test.go, *.test.ts … — or beside a test in the same module or class, like
  /// Rust's `mod tests`).
  bool IsTestHelper(std::size_t i) const;

 private:
  // Symbols by a string key, built once by sorting (no list per key): the
  // symbols of one key lie together, in the order they were added.
  class Index {
   public:
    void Add(std::string_view key, std::size_t i);
    void Build();
    std::span<const std::size_t> Find(std::string_view key) const;

   private:
    struct Entry {
      std::uint64_t hash;
      std::string_view key;
      std::size_t index;
    };
    std::vector<Entry> entries_;
    std::vector<std::size_t> order_;  // entries_[k].index
  };
  std::vector<std::size_t> OfLanguage(std::span<const std::size_t> group,
                                      std::string_view language) const;

  DefinitionIndex& definitions_;
  std::size_t base_ = 0;  // the definitions' slot count when Finish ran
  std::vector<Symbol> files_and_dirs_;
  std::unordered_map<NodeId, std::size_t, SeededIdHash> file_ids_;
  std::unordered_map<std::string_view, std::size_t> files_;
  std::unordered_map<std::string_view, std::size_t> directories_;
  Index directories_named_;
  Index files_in_;
  Index by_stem_;
  std::unordered_map<std::string_view, bool> test_paths_;
};

}  // namespace onyx::ingest
