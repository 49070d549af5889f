// Working tree against the graph.
#include "onyx/ingest/worktree_changes.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "onyx/ingest/tree_ingest.h"
#include "onyx/ingest/tree_walk.h"

namespace onyx::ingest {
namespace {

bool IsDefinition(const Node& n) {
  return n.kind != NodeKind::kFile && n.kind != NodeKind::kDirectory &&
         n.kind != NodeKind::kProject;
}

}  // namespace

Result<WorktreeChanges> CompareWorktree(const store::ReadView& view, const std::string& root,
                                        const IngestOptions& options, bool symbols) {
  WorktreeChanges changes;
  changes.revision = view.revision();
  IngestSummary walked;
  ONYX_ASSIGN_OR_RETURN(const std::vector<TreeEntry> entries, WalkTree(root, options, &walked));
  std::map<std::string, Node> stored_files;
  ONYX_RETURN_IF_ERROR(view.ForEachNode([&](Node& n) {
    if (n.kind == NodeKind::kFile) stored_files.emplace(n.path, std::move(n));
    return true;
  }));
  const auto stored_definitions = [&](const std::string& path) -> Result<std::vector<Node>> {
    ONYX_ASSIGN_OR_RETURN(std::vector<Node> in_file, view.FindByPath(path));
    in_file.erase(std::remove_if(in_file.begin(), in_file.end(),
                                 [](const Node& n) { return !IsDefinition(n); }),
                  in_file.end());
    return in_file;
  };
  const auto add = [&](Node node, std::string change) {
    changes.symbols.push_back({std::move(node), std::move(change)});
  };
  for (const TreeEntry& e : entries) {
    if (e.is_dir) continue;
    const auto stored = stored_files.find(e.path);
    if (stored == stored_files.end()) {
      changes.added_files.push_back(e.path);
      if (!symbols) continue;
      auto defs = FileDefinitions(e, options);
      if (!defs.ok()) continue;  // an unparsable new file has no symbols yet
      for (Definition& d : *defs) add(std::move(d.node), "added");
      continue;
    }
    const Node file = std::move(stored->second);
    stored_files.erase(stored);
    if (file.content_hash == e.hash) continue;
    changes.modified_files.push_back(e.path);
    if (!symbols) continue;
    ONYX_ASSIGN_OR_RETURN(const std::vector<Node> before, stored_definitions(e.path));
    auto parsed = FileDefinitions(e, options);
    std::size_t changed_here = 0;
    if (parsed.ok()) {
      std::unordered_map<NodeId, const Node*> now;
      for (const Definition& d : *parsed) now.emplace(d.node.id, &d.node);
      for (const Node& old : before) {
        const auto it = now.find(old.id);
        if (it == now.end()) {
          add(old, "removed");
          ++changed_here;
        } else if (it->second->content_hash != old.content_hash ||
                   it->second->signature != old.signature) {
          add(old, it->second->signature != old.signature ? "signature" : "body");
          ++changed_here;
        }
      }
      std::unordered_map<NodeId, bool> had;
      for (const Node& old : before) had.emplace(old.id, true);
      for (Definition& d : *parsed) {
        if (had.count(d.node.id) == 0) {
          add(std::move(d.node), "added");
          ++changed_here;
        }
      }
    } else {
      // Unparsable now (a syntax error mid-edit, a limit): every symbol may
      // have changed.
      for (const Node& old : before) add(old, "body");
      changed_here = before.size();
    }
    // A change outside every definition (top-level code, imports) is the
    // file's own.
    if (changed_here == 0) add(file, "body");
  }
  for (auto& [path, file] : stored_files) {
    changes.removed_files.push_back(path);
    if (!symbols) continue;
    ONYX_ASSIGN_OR_RETURN(const std::vector<Node> before, stored_definitions(path));
    for (const Node& old : before) add(old, "removed");
    add(file, "removed");
  }
  return changes;
}

}  // namespace onyx::ingest
