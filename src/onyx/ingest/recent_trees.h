// The syntax trees of files that recent small ingests parsed (an edit, a few
// files of a commit): the next parse of such a file is incremental, reusing
// what did not change. A full ingest keeps none (memory: a tree is about ten
// times its source).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "onyx/ingest/source_parser.h"

namespace onyx::ingest {

class RecentTrees {
 public:
  /// At most this many trees, holding at most this much source in all; the
  /// least recently kept go first.
  static constexpr std::size_t kMaxTrees = 64;
  static constexpr std::size_t kMaxSourceBytes = 2u << 20;
  /// An ingest that parses more files than this keeps none of their trees.
  static constexpr std::size_t kMaxKeptPerIngest = 8;

  /// The tree last kept for `path`, or nullptr.
  std::shared_ptr<const SyntaxTree> Find(const std::string& path) const;
  /// Keeps `tree` as `path`'s (replacing the one it had), then evicts.
  void Keep(const std::string& path, std::shared_ptr<const SyntaxTree> tree);
  std::size_t size() const { return entries_.size(); }
  std::size_t source_bytes() const;

 private:
  struct Entry {
    std::string path;
    std::shared_ptr<const SyntaxTree> tree;
    std::uint64_t kept = 0;  ///< When it was kept (a counter).
  };
  std::vector<Entry> entries_;
  std::uint64_t clock_ = 0;
};

}  // namespace onyx::ingest
