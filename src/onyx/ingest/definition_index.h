// The definitions of a project, indexed by id, name, qualified name and file,
// and kept up to date file by file: an ingest that changes one file replaces
// that file's entries and leaves the other 17,000 where they are. The symbol
// table (symbol_table.h) answers the resolver from it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "onyx/types.h"

namespace onyx::ingest {

/// A node as the resolver sees it. A definition's strings point into the
/// index's own copy of them; a file's or directory's into its Node.
struct Symbol {
  NodeId id = 0;
  NodeKind kind = NodeKind::kFile;
  std::string_view name;
  std::string_view qualified;
  std::string_view language;
  std::string_view path;
  Span span;
  /// The innermost definition of the same file whose span holds this one
  /// (kNone at the top level of the file).
  std::size_t parent = static_cast<std::size_t>(-1);
};

/// Hashes node ids with a seed (splitmix64's finalizer): crafted ids cannot
/// pile into one bucket.
struct SeededIdHash {
  std::uint64_t seed = 0;
  std::size_t operator()(NodeId id) const;
};
/// Hashes text with a seed (xxh3), looked up by string_view.
struct SeededTextHash {
  using is_transparent = void;
  std::uint64_t seed = 0;
  std::size_t operator()(std::string_view s) const;
};
struct TextEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};
/// A seed for the hashes above, drawn from the system.
std::uint64_t DrawHashSeed();

class DefinitionIndex {
 public:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  DefinitionIndex();
  ~DefinitionIndex();
  DefinitionIndex(DefinitionIndex&&) noexcept;
  DefinitionIndex& operator=(DefinitionIndex&&) noexcept;

  /// Makes `nodes` the definitions of `path` (none: forgets the file). The
  /// strings are copied; the nodes need not outlive the call.
  void Replace(std::string_view path, std::span<const Node* const> nodes);
  void Remove(std::string_view path) { Replace(path, {}); }
  /// Brings the name indexes up to date with the replacements since the last
  /// call: per file for a few, all at once for many. Call before ByName or
  /// ByQualified.
  void Prepare();
  bool Has(std::string_view path) const;
  /// Paths the index holds definitions of.
  std::vector<std::string_view> Paths() const;
  void Clear();

  /// Slots are stable while their file's definitions stay; a freed slot is
  /// reused. at(i) is valid for every slot an answer below gives.
  std::size_t slot_count() const { return symbols_.size(); }
  const Symbol& at(std::size_t i) const { return symbols_[i]; }
  std::size_t size() const { return live_; }
  /// Memory held, roughly: symbols, copied strings and index entries.
  std::size_t ApproximateBytes() const;

  /// The definition with that id (of several, the last in path and document
  /// order), or kNone. Like the lookups below, valid after Prepare.
  std::size_t Find(NodeId id) const;
  /// Definitions of a file, outer before inner, in document order.
  std::span<const std::size_t> InFile(std::string_view path) const;
  /// Definitions with that name or qualified name (doc sections excluded), in
  /// path and document order.
  std::span<const std::size_t> ByName(std::string_view name) const;
  std::span<const std::size_t> ByQualified(std::string_view qualified) const;
  /// True for a definition that encloses a test.
  bool HoldsTests(std::size_t i) const { return holds_tests_[i]; }

 private:
  explicit DefinitionIndex(std::uint64_t seed);
  struct File;
  using Groups =
      std::unordered_map<std::string, std::vector<std::size_t>, SeededTextHash, TextEqual>;

  bool Before(std::size_t a, std::size_t b) const;
  template <typename Map, typename KeyOf>
  void LinkAll(Map& groups, std::span<const std::size_t> slots, KeyOf key_of);
  template <typename Map, typename KeyOf>
  void UnlinkMarked(Map& groups, std::span<const std::size_t> slots, KeyOf key_of);
  static std::optional<std::string_view> NameOf(const Symbol& s);
  static std::optional<std::string_view> QualifiedOf(const Symbol& s);
  static std::optional<NodeId> IdOf(const Symbol& s);
  void Forget(File& file);

  std::vector<Symbol> symbols_;
  std::vector<std::uint32_t> ordinal_;  // a slot's place in its file's list
  std::vector<bool> holds_tests_;
  std::vector<bool> marked_;  // slots being removed or listed
  std::vector<bool> linked_;  // slots in the name groups
  std::vector<bool> in_use_;
  std::vector<std::size_t> pending_;  // slots added since Prepare
  std::vector<std::size_t> free_;
  std::size_t live_ = 0;
  std::size_t text_bytes_ = 0;  // the files' copied strings
  std::unordered_map<std::string, std::unique_ptr<File>, SeededTextHash, TextEqual> files_;
  std::unordered_map<NodeId, std::vector<std::size_t>, SeededIdHash> by_id_;
  Groups by_name_;
  Groups by_qualified_;
};

/// How two prepared indexes differ in what they answer ("" when every file's
/// definitions, parents, name and qualified-name groups and id lookups agree,
/// compared by node id): for tests.
std::string DefinitionIndexDifference(const DefinitionIndex& a, const DefinitionIndex& b);

}  // namespace onyx::ingest
