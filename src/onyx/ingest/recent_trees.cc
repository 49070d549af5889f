// RecentTrees: a handful of entries, searched linearly.
#include "onyx/ingest/recent_trees.h"

#include <algorithm>

namespace onyx::ingest {

std::shared_ptr<const SyntaxTree> RecentTrees::Find(const std::string& path) const {
  for (const Entry& e : entries_) {
    if (e.path == path) return e.tree;
  }
  return nullptr;
}

std::size_t RecentTrees::source_bytes() const {
  std::size_t bytes = 0;
  for (const Entry& e : entries_) bytes += e.tree->text().size();
  return bytes;
}

void RecentTrees::Keep(const std::string& path, std::shared_ptr<const SyntaxTree> tree) {
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const Entry& e) { return e.path == path; }),
                 entries_.end());
  if (tree == nullptr || tree->text().size() > kMaxSourceBytes) return;
  entries_.push_back({path, std::move(tree), ++clock_});
  while (entries_.size() > kMaxTrees || source_bytes() > kMaxSourceBytes) {
    const auto oldest =
        std::min_element(entries_.begin(), entries_.end(),
                         [](const Entry& a, const Entry& b) { return a.kept < b.kept; });
    entries_.erase(oldest);
  }
}

}  // namespace onyx::ingest
