// Reading and comparing graph states.
#include "onyx/ingest/graph_state.h"

#include <algorithm>

namespace onyx::ingest {

Result<GraphState> ReadGraphState(ProjectId project, const store::ReadView& view) {
  GraphState state;
  state.project = project;
  state.revision = view.revision();
  ONYX_RETURN_IF_ERROR(view.ForEachNode([&](Node& n) {
    if (n.kind == NodeKind::kNote) return true;  // agent memory is not part of the tree
    if (n.kind == NodeKind::kFile) {
      std::string path = n.path;
      state.files.emplace(std::move(path), std::move(n));
    } else if (n.kind == NodeKind::kDirectory || n.kind == NodeKind::kProject) {
      state.folders.insert(n.id);
    } else {
      state.definitions[n.path].push_back(std::move(n));
    }
    return true;
  }));
  state.valid = true;
  return state;
}

namespace {

// A node's memory, roughly: the object and its strings.
std::size_t ApproximateBytes(const Node& n) {
  std::size_t bytes = sizeof(Node) + n.name.size() + n.qualified_name.size() + n.language.size() +
                      n.path.size() + n.signature.size() + n.doc.size();
  for (const auto& [key, value] : n.attributes) bytes += 64 + key.size() + value.size();
  return bytes;
}

}  // namespace

void FitToLimits(GraphState& state, const KeepLimits& limits) {
  std::size_t walk_bytes = 0;
  for (const auto& [path, entry] : state.walk.files) {
    walk_bytes += path.size() + (entry.content ? entry.content->size() : 0);
  }
  if (walk_bytes > limits.max_walk_bytes) {
    state.walk = EarlierWalk();
    state.root.clear();
  }
  std::size_t graph_bytes =
      state.folders.size() * sizeof(NodeId) + state.symbols.ApproximateBytes();
  for (const auto& [path, node] : state.files) graph_bytes += ApproximateBytes(node);
  for (const auto& [path, nodes] : state.definitions) {
    for (const Node& n : nodes) graph_bytes += ApproximateBytes(n);
  }
  if (graph_bytes > limits.max_graph_bytes) {
    state.valid = false;
    state.files.clear();
    state.definitions.clear();
    state.folders.clear();
    state.symbols.Clear();
  }
}

namespace {

bool SameNode(const Node& a, const Node& b) {
  return a.id == b.id && a.kind == b.kind && a.name == b.name &&
         a.qualified_name == b.qualified_name && a.language == b.language && a.path == b.path &&
         a.span == b.span && a.content_hash == b.content_hash && a.signature == b.signature &&
         a.doc == b.doc && a.attributes == b.attributes;
}

}  // namespace

std::string GraphStateDifference(const GraphState& a, const GraphState& b) {
  if (a.folders != b.folders) return "folders differ";
  if (a.files.size() != b.files.size()) {
    return "files: " + std::to_string(a.files.size()) + " vs " + std::to_string(b.files.size());
  }
  for (const auto& [path, node] : a.files) {
    const auto other = b.files.find(path);
    if (other == b.files.end()) return "file " + path + " only in the first";
    if (!SameNode(node, other->second)) return "file " + path + " differs";
  }
  // Paths without definitions count as absent.
  const auto non_empty = [](const GraphState& s) {
    std::size_t n = 0;
    for (const auto& [path, nodes] : s.definitions) n += nodes.empty() ? 0 : 1;
    return n;
  };
  if (non_empty(a) != non_empty(b)) return "paths with definitions differ in number";
  for (const auto& [path, nodes] : a.definitions) {
    if (nodes.empty()) continue;
    const auto other = b.definitions.find(path);
    if (other == b.definitions.end()) return "definitions of " + path + " only in the first";
    std::vector<const Node*> x, y;
    for (const Node& n : nodes) x.push_back(&n);
    for (const Node& n : other->second) y.push_back(&n);
    const auto by_id = [](const Node* l, const Node* r) { return l->id < r->id; };
    std::sort(x.begin(), x.end(), by_id);
    std::sort(y.begin(), y.end(), by_id);
    if (x.size() != y.size()) return "definitions of " + path + " differ in number";
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!SameNode(*x[i], *y[i])) return "definition " + x[i]->qualified_name + " differs";
    }
  }
  return {};
}

}  // namespace onyx::ingest
