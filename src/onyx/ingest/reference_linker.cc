// Reference linking: resolve, derive tests edges, diff against the store.
#include "onyx/ingest/reference_linker.h"

#include <atomic>
#include <functional>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace onyx::ingest {
namespace {

constexpr int kMaxHelperDepth = 3;
constexpr std::size_t kMinFilesForTwoThreads = 32;

}  // namespace

bool IsReferenceEdge(EdgeKind kind) {
  return kind != EdgeKind::kContains && kind != EdgeKind::kAbout;
}

Result<LinkResult> LinkReferences(const SymbolTable& table, const Resolver& resolver,
                                  const std::vector<std::string>& files,
                                  const store::ReadView& before, const Resolver* second) {
  LinkResult result;
  store::AdjacencyReader adjacency(before);
  const std::set<std::string, std::less<>> file_set(files.begin(), files.end());

  // 1. Resolve: the new edges of every node of the files, by source (on two
  // threads when there are many files, each with its own resolver and memos;
  // merged in the files' order).
  std::vector<FileResolution> resolved(files.size());
  std::atomic<std::size_t> next_file{0};
  const auto work = [&](const Resolver& r) {
    for (std::size_t k = next_file++; k < files.size(); k = next_file++) {
      resolved[k] = r.ResolveFile(files[k]);
    }
  };
  std::thread other_thread;
  if (second != nullptr && files.size() >= kMinFilesForTwoThreads) {
    other_thread = std::thread(work, std::cref(*second));
  }
  work(resolver);
  if (other_thread.joinable()) other_thread.join();
  std::unordered_map<NodeId, std::vector<Edge>> fresh;
  std::vector<NodeId> sources;  // every node of the files
  for (std::size_t k = 0; k < files.size(); ++k) {
    const std::string& path = files[k];
    FileResolution& r = resolved[k];
    if (!r.unresolved.empty()) result.unresolved_by_file[path] = std::move(r.unresolved);
    for (Edge& e : r.edges) fresh[e.src].push_back(std::move(e));
    if (const std::size_t f = table.File(path); f != SymbolTable::kNone) {
      sources.push_back(table.at(f).id);
    }
    for (const std::size_t i : table.InFile(path)) sources.push_back(table.at(i).id);
  }

  // Old edges of those nodes (the tests edges among them too).
  std::unordered_map<NodeId, std::vector<Edge>> old;
  for (const NodeId id : sources) {
    ONYX_ASSIGN_OR_RETURN(std::vector<Edge> out, adjacency.Out(id));
    for (Edge& e : out) {
      if (IsReferenceEdge(e.kind)) old[id].push_back(std::move(e));
    }
  }

  // 2. Tests edges. Tests to recompute: those of the files, and tests elsewhere
  // that reach a helper of the files whose calls changed.
  const auto calls_of = [&](NodeId id) -> std::vector<Edge> {
    const std::size_t i = table.Find(id);
    if (i != SymbolTable::kNone && file_set.count(table.at(i).path) != 0) {
      std::vector<Edge> calls;
      if (auto it = fresh.find(id); it != fresh.end()) {
        for (const Edge& e : it->second) {
          if (e.kind == EdgeKind::kCalls) calls.push_back(e);
        }
      }
      return calls;
    }
    auto stored = adjacency.Out(id, EdgeKind::kCalls);
    return stored.ok() ? std::move(stored).value() : std::vector<Edge>{};
  };
  std::set<std::size_t> tests;
  std::vector<NodeId> changed_helpers;
  for (const std::string& path : files) {
    for (const std::size_t i : table.InFile(path)) {
      const Symbol& s = table.at(i);
      if (s.kind == NodeKind::kTest) tests.insert(i);
      if (!table.IsTestHelper(i)) continue;
      std::set<NodeId> now;
      std::set<NodeId> then;
      for (const Edge& e : calls_of(s.id)) now.insert(e.dst);
      if (auto it = old.find(s.id); it != old.end()) {
        for (const Edge& e : it->second) {
          if (e.kind == EdgeKind::kCalls) then.insert(e.dst);
        }
      }
      if (now != then) changed_helpers.push_back(s.id);
    }
  }
  std::unordered_set<NodeId> visited(changed_helpers.begin(), changed_helpers.end());
  for (int depth = 0; depth < kMaxHelperDepth && !changed_helpers.empty(); ++depth) {
    std::vector<NodeId> next;
    for (const NodeId helper : changed_helpers) {
      ONYX_ASSIGN_OR_RETURN(std::vector<Edge> callers, adjacency.In(helper, EdgeKind::kCalls));
      for (const Edge& e : callers) {
        const std::size_t caller = table.Find(e.src);
        if (caller == SymbolTable::kNone || !visited.insert(e.src).second) continue;
        const Symbol& s = table.at(caller);
        if (s.kind == NodeKind::kTest) {
          tests.insert(caller);
        } else if (table.IsTestHelper(caller)) {
          next.push_back(e.src);
        }
      }
    }
    changed_helpers = std::move(next);
  }
  for (const std::size_t t : tests) {
    const NodeId id = table.at(t).id;
    for (Edge& e : TestEdges(table, t, calls_of, kMaxHelperDepth))
      fresh[id].push_back(std::move(e));
    if (file_set.count(table.at(t).path) == 0) {
      // A test outside the files: only its tests edges are recomputed.
      ONYX_ASSIGN_OR_RETURN(std::vector<Edge> stored, adjacency.Out(id, EdgeKind::kTests));
      old[id] = std::move(stored);
      sources.push_back(id);
    }
  }

  // 3. Diff, per source node: stage what is new or changed, close what is gone.
  for (const NodeId id : sources) {
    std::map<EdgeRef, const Edge*> now;
    if (auto it = fresh.find(id); it != fresh.end()) {
      for (const Edge& e : it->second) now.emplace(EdgeRef{e.src, e.kind, e.dst}, &e);
    }
    const bool tests_only = [&] {
      const std::size_t i = table.Find(id);
      return i != SymbolTable::kNone && file_set.count(table.at(i).path) == 0;
    }();
    std::map<EdgeRef, const Edge*> then;
    if (auto it = old.find(id); it != old.end()) {
      for (const Edge& e : it->second) then.emplace(EdgeRef{e.src, e.kind, e.dst}, &e);
    }
    for (const auto& [ref, edge] : now) {
      if (tests_only && ref.kind != EdgeKind::kTests) continue;
      ++result.edges_by_kind[std::string(EdgeKindName(ref.kind))];
      auto it = then.find(ref);
      if (it == then.end() || !it->second->SameContent(*edge)) result.upserts.push_back(*edge);
    }
    for (const auto& [ref, edge] : then) {
      if (tests_only && ref.kind != EdgeKind::kTests) continue;
      if (now.count(ref) == 0) result.removals.push_back(ref);
    }
  }
  return result;
}

}  // namespace onyx::ingest
