// Building and reading the in-memory topology.
#include "onyx/query/topology.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <string>
#include <unordered_map>

namespace onyx::query {
namespace {

constexpr std::uint32_t kOpen = std::numeric_limits<std::uint32_t>::max();

struct Raw {
  NodeId src;
  NodeId dst;
  std::uint32_t src_index;  // dense, once the order is known
  std::uint32_t dst_index;
  EdgeKind kind;
  Resolution resolution;
  float confidence;
  std::uint32_t from;
  std::uint32_t to;
};

// The nodes a walk has reached, each with its step: an open-addressing table
// sized to the walk, so that a walk of hundreds of nodes stays in the nearest
// caches (an array over every node of a large graph misses on each one).
// Generations stand in for clearing; one table per thread is reused.
class StepTable {
 public:
  // Forgets every entry.
  void Reset() {
    size_ = 0;
    if (slots_.size() > kKeep) slots_.clear();  // a huge walk's table is not kept
    if (slots_.empty()) slots_.assign(kInitial, Slot{});
    if (++generation_ == 0) {  // wrapped: old generations could match again
      std::fill(slots_.begin(), slots_.end(), Slot{});
      generation_ = 1;
    }
  }
  // The step of `node`; null when the walk has not reached it.
  std::uint32_t* Find(std::uint32_t node) {
    for (std::size_t i = Hash(node);; i = (i + 1) & (slots_.size() - 1)) {
      Slot& slot = slots_[i];
      if (slot.generation != generation_) return nullptr;
      if (slot.node == node) return &slot.step;
    }
  }
  // The step of `node` and false when the walk has reached it; else records
  // it at `step` and returns that and true.
  std::pair<std::uint32_t*, bool> Emplace(std::uint32_t node, std::uint32_t step) {
    if (2 * (size_ + 1) > slots_.size()) Grow();
    for (std::size_t i = Hash(node);; i = (i + 1) & (slots_.size() - 1)) {
      Slot& slot = slots_[i];
      if (slot.generation != generation_) {
        slot = {generation_, node, step};
        ++size_;
        return {&slot.step, true};
      }
      if (slot.node == node) return {&slot.step, false};
    }
  }

 private:
  struct Slot {
    std::uint32_t generation = 0;
    std::uint32_t node = 0;
    std::uint32_t step = 0;
  };
  static constexpr std::size_t kInitial = 1024;
  static constexpr std::size_t kKeep = std::size_t{1} << 16;

  std::size_t Hash(std::uint32_t node) const {
    return static_cast<std::size_t>((node * 0x9E3779B97F4A7C15ULL) >> 32) & (slots_.size() - 1);
  }
  void Place(std::uint32_t node, std::uint32_t step) {
    std::size_t i = Hash(node);
    while (slots_[i].generation == generation_) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = {generation_, node, step};
  }
  void Grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const std::uint32_t live = generation_;
    generation_ = 1;  // the new table is fresh
    for (const Slot& slot : old) {
      if (slot.generation == live) Place(slot.node, slot.step);
    }
  }

  std::vector<Slot> slots_;
  std::uint32_t generation_ = 0;
  std::size_t size_ = 0;
};

}  // namespace

Result<std::shared_ptr<const Topology>> Topology::Build(const store::ReadView& view) {
  auto topology = std::shared_ptr<Topology>(new Topology());
  Topology& t = *topology;
  t.revision_ = view.latest();
  if (t.revision_ >= kOpen) {
    return Status::InvalidArgument("topology: revision numbers past 2^32 do not fit");
  }
  ONYX_ASSIGN_OR_RETURN(const store::ReadView latest, view.AsOf(view.latest()));
  std::vector<Raw> raw;
  ONYX_ASSIGN_OR_RETURN(const GraphStats stats, latest.Stats());
  raw.reserve(stats.edge_versions);
  ONYX_RETURN_IF_ERROR(latest.ForEachEdgeVersion([&](const Edge& e) {
    raw.push_back({e.src, e.dst, 0, 0, e.kind, e.resolution, e.confidence,
                   static_cast<std::uint32_t>(e.validity.from),
                   e.validity.IsOpen() ? kOpen : static_cast<std::uint32_t>(e.validity.to)});
    return true;
  }));

  // Node versions; the store keeps each node's newest first.
  struct Held {
    NodeId id;
    VersionKey key;
    NodeKind kind;
    std::uint32_t path;
    std::uint32_t language;
    Span span;
    ContentHash content_hash;
    std::string name;
    std::string qualified_name;
    std::string signature;
  };
  std::vector<Held> held;
  held.reserve(stats.node_versions);
  std::unordered_map<std::string, std::uint32_t> interned;
  const auto intern = [&](const std::string& text) {
    auto [it, inserted] = interned.try_emplace(text, static_cast<std::uint32_t>(t.strings_.size()));
    if (inserted) t.strings_.push_back(text);
    return it->second;
  };
  ONYX_RETURN_IF_ERROR(latest.ForEachNodeVersion([&](Node& n) {
    held.push_back({n.id,
                    {static_cast<std::uint32_t>(n.validity.from),
                     n.validity.IsOpen() ? kOpen : static_cast<std::uint32_t>(n.validity.to), 0},
                    n.kind,
                    intern(n.path),
                    intern(n.language),
                    n.span,
                    n.content_hash,
                    std::move(n.name),
                    std::move(n.qualified_name),
                    std::move(n.signature)});
    return true;
  }));
  std::stable_sort(held.begin(), held.end(), [](const Held& a, const Held& b) {
    return a.id != b.id ? a.id < b.id : a.key.from < b.key.from;
  });

  // Every node and every edge's end, by id.
  std::vector<NodeId> ids;
  ids.reserve(held.size() + raw.size() / 4);
  for (const Held& h : held) ids.push_back(h.id);
  for (const Raw& r : raw) {
    ids.push_back(r.src);
    ids.push_back(r.dst);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  // Dense indices in the code's layout: by the path and start of each node's
  // latest version (ids break ties); nodes with no version last.
  std::vector<std::uint32_t> string_rank(t.strings_.size());
  {
    std::vector<std::uint32_t> order(t.strings_.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::uint32_t a, std::uint32_t b) { return t.strings_[a] < t.strings_[b]; });
    for (std::uint32_t r = 0; r < order.size(); ++r) string_rank[order[r]] = r;
  }
  struct Place {
    std::uint32_t path;
    std::uint32_t start;
    NodeId id;
  };
  std::vector<Place> places;
  places.reserve(ids.size());
  for (std::size_t i = 0, h = 0; i < ids.size(); ++i) {
    while (h < held.size() && held[h].id < ids[i]) ++h;
    std::size_t last = h;
    while (h < held.size() && held[h].id == ids[i]) last = h++;
    if (last < held.size() && held[last].id == ids[i]) {
      places.push_back({string_rank[held[last].path], held[last].span.start_byte, ids[i]});
    } else {
      places.push_back({kOpen, 0, ids[i]});
    }
  }
  ids.clear();
  ids.shrink_to_fit();
  std::sort(places.begin(), places.end(), [](const Place& a, const Place& b) {
    return std::tie(a.path, a.start, a.id) < std::tie(b.path, b.start, b.id);
  });
  t.ids_.reserve(places.size());
  for (const Place& p : places) t.ids_.push_back(p.id);
  places.clear();
  places.shrink_to_fit();
  std::size_t capacity = 16;
  while (capacity < t.ids_.size() * 2) capacity *= 2;
  t.slots_.assign(capacity, {0, 0});
  t.mask_ = capacity - 1;
  for (std::uint32_t i = 0; i < t.ids_.size(); ++i) {
    std::uint64_t slot = t.ids_[i] & t.mask_;
    while (t.slots_[slot].first != 0) slot = (slot + 1) & t.mask_;
    t.slots_[slot] = {t.ids_[i], i};
  }

  // One row per node and direction, ordered by (kind, other end's id, from).
  for (Raw& r : raw) {
    r.src_index = *t.Index(r.src);
    r.dst_index = *t.Index(r.dst);
  }
  const auto fill = [&](Rows& rows, bool out) {
    std::sort(raw.begin(), raw.end(), [out](const Raw& a, const Raw& b) {
      const std::uint32_t an = out ? a.src_index : a.dst_index;
      const std::uint32_t bn = out ? b.src_index : b.dst_index;
      const NodeId af = out ? a.dst : a.src, bf = out ? b.dst : b.src;
      return std::tie(an, a.kind, af, a.from) < std::tie(bn, b.kind, bf, b.from);
    });
    rows.offsets.assign(t.ids_.size() + 1, 0);
    rows.entries.resize(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
      const Raw& r = raw[i];
      ++rows.offsets[(out ? r.src_index : r.dst_index) + 1];
      rows.entries[i] = {
          out ? r.dst_index : r.src_index, r.kind, r.resolution, r.confidence, r.from, r.to};
    }
    for (std::size_t i = 1; i < rows.offsets.size(); ++i) rows.offsets[i] += rows.offsets[i - 1];
  };
  fill(t.out_, true);
  fill(t.in_, false);
  // Versions: node i's latest at position i (a walk at HEAD finds it with
  // one read), its older ones after all nodes', oldest first; the strings
  // of each back to back in one arena.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> order;  // (dense index, position in held)
  order.reserve(held.size());
  for (std::uint32_t h = 0; h < held.size(); ++h) order.emplace_back(*t.Index(held[h].id), h);
  std::sort(order.begin(), order.end());  // held is oldest first within a node
  const auto nodes = static_cast<std::uint32_t>(t.ids_.size());
  t.older_offsets_.assign(nodes + 1, 0);
  for (std::size_t i = 0; i + 1 < order.size(); ++i) {
    if (order[i].first == order[i + 1].first) ++t.older_offsets_[order[i].first + 1];
  }
  t.older_offsets_[0] = nodes;
  for (std::size_t i = 1; i <= nodes; ++i) t.older_offsets_[i] += t.older_offsets_[i - 1];
  const std::uint32_t total = t.older_offsets_[nodes];
  t.keys_.assign(total, VersionKey{kOpen, kOpen, 0});  // a node with no version: never valid
  t.versions_.assign(total, Version{});
  std::vector<std::uint32_t> next_older(t.older_offsets_.begin(), t.older_offsets_.end() - 1);
  for (std::size_t i = 0; i < order.size(); ++i) {
    const auto [index, h] = order[i];
    const bool newest = i + 1 == order.size() || order[i + 1].first != index;
    const std::uint32_t at = newest ? index : next_older[index]++;
    Held& v = held[h];
    t.keys_[at] = v.key;
    t.versions_[at] = {v.kind,
                       v.path,
                       v.language,
                       v.span,
                       v.content_hash,
                       t.text_.size(),
                       static_cast<std::uint32_t>(v.name.size()),
                       static_cast<std::uint32_t>(v.qualified_name.size()),
                       static_cast<std::uint32_t>(v.signature.size())};
    t.text_.append(v.name).append(v.qualified_name).append(v.signature);
    v = Held{};  // release its strings as it goes
  }
  held.clear();
  held.shrink_to_fit();
  t.kinds_.resize(nodes);
  for (std::uint32_t i = 0; i < nodes; ++i) t.kinds_[i] = t.versions_[i].kind;
  // Name ranks: equal qualified names, equal ranks.
  std::vector<std::uint32_t> by_name(total);
  for (std::uint32_t i = 0; i < total; ++i) by_name[i] = i;
  const auto name = [&](std::uint32_t v) { return t.QualifiedNameOf(t.versions_[v]); };
  std::sort(by_name.begin(), by_name.end(),
            [&](std::uint32_t a, std::uint32_t b) { return name(a) < name(b); });
  for (std::uint32_t r = 0, i = 0; i < total; ++i) {
    if (i > 0 && name(by_name[i]) != name(by_name[i - 1])) r = i;
    t.keys_[by_name[i]].name_rank = r;
  }
  return std::shared_ptr<const Topology>(std::move(topology));
}

std::optional<std::uint32_t> Topology::Index(NodeId id) const {
  if (id == 0 || slots_.empty()) return std::nullopt;
  for (std::uint64_t slot = id & mask_;; slot = (slot + 1) & mask_) {
    if (slots_[slot].first == id) return slots_[slot].second;
    if (slots_[slot].first == 0) return std::nullopt;
  }
}

std::size_t Topology::memory_bytes() const {
  std::size_t bytes = ids_.capacity() * sizeof(NodeId) + slots_.capacity() * sizeof(slots_[0]) +
                      (out_.offsets.capacity() + in_.offsets.capacity()) * sizeof(std::uint32_t) +
                      (out_.entries.capacity() + in_.entries.capacity()) * sizeof(Entry) +
                      older_offsets_.capacity() * sizeof(std::uint32_t) +
                      keys_.capacity() * sizeof(VersionKey) +
                      versions_.capacity() * sizeof(Version) + text_.capacity() + kinds_.capacity();
  for (const std::string& text : strings_) bytes += sizeof(std::string) + text.capacity();
  return bytes;
}

std::uint32_t Topology::VersionAt(std::uint32_t index, RevisionNumber rev) const {
  const auto valid = [rev](const VersionKey& k) {
    return k.from <= rev && (k.to == kOpen || rev < k.to);
  };
  if (valid(keys_[index])) return index;  // the latest
  for (std::uint32_t i = older_offsets_[index]; i < older_offsets_[index + 1]; ++i) {
    if (valid(keys_[i])) return i;
  }
  return kNoVersion;
}

std::optional<Node> Topology::NodeAt(NodeId id, RevisionNumber rev) const {
  const auto index = Index(id);
  if (!index) return std::nullopt;
  const std::uint32_t version = VersionAt(*index, rev);
  if (version == kNoVersion) return std::nullopt;
  return NodeOf(*index, version);
}

void Topology::PrefetchVersion(std::uint32_t version) const {
  __builtin_prefetch(&versions_[version]);
}

void Topology::PrefetchText(std::uint32_t version) const {
  const Version& v = versions_[version];
  __builtin_prefetch(text_.data() + v.text);
  __builtin_prefetch(strings_[v.path].data());
}

bool Topology::Has(NodeId id, RevisionNumber rev) const {
  const auto index = Index(id);
  return index && VersionAt(*index, rev) != kNoVersion;
}

Node Topology::NodeOf(std::uint32_t index, std::uint32_t version) const {
  const Version& v = versions_[version];
  const VersionKey& k = keys_[version];
  Node n;
  n.id = ids_[index];
  n.kind = v.kind;
  n.name = NameOf(v);
  n.qualified_name = QualifiedNameOf(v);
  n.language = strings_[v.language];
  n.path = strings_[v.path];
  n.span = v.span;
  n.signature = SignatureOf(v);
  n.content_hash = v.content_hash;
  n.validity = {k.from, k.to == kOpen ? kOpenRevision : k.to};
  return n;
}

void Topology::SourcesInto(std::uint32_t index, RevisionNumber rev, EdgeKind kind,
                           std::vector<std::uint32_t>* sources) const {
  for (std::uint32_t i = in_.offsets[index]; i < in_.offsets[index + 1]; ++i) {
    const Entry& e = in_.entries[i];
    if (e.kind == kind && e.from <= rev && (e.to == kOpen || rev < e.to)) {
      sources->push_back(e.other);
    }
  }
}

Edge Topology::StepEdge(const Reach& reach, const ReachStep& step) const {
  const Entry& entry = in_.entries[step.via];
  Edge e;
  e.src = ids_[step.index];
  e.dst = ids_[reach.steps[step.toward].index];
  e.kind = entry.kind;
  e.confidence = entry.confidence;
  e.resolution = entry.resolution;
  e.validity = {entry.from, entry.to == kOpen ? kOpenRevision : entry.to};
  return e;
}

void Topology::WalkIn(const std::vector<NodeId>& starts, RevisionNumber rev,
                      bool (*follow)(EdgeKind), const WalkLimits& limits, Reach* out) const {
  thread_local StepTable reached;
  reached.Reset();
  const auto valid = [rev](const Entry& e) {
    return e.from <= rev && (e.to == kOpen || rev < e.to);
  };
  const Deadline deadline(limits.time());
  Reach& reach = *out;
  reach.steps.clear();
  reach.partial = false;
  reach.expanded = 0;
  reach.edges_read = 0;
  for (const NodeId id : starts) {
    const auto index = Index(id);
    if (!index || !reached.Emplace(*index, static_cast<std::uint32_t>(reach.steps.size())).second) {
      continue;
    }
    reach.steps.push_back({*index, 0, 0, 0, 1.0F});
  }

  // The previous depth's steps are [frontier, settled): no sort is needed,
  // as ties go to the nearer node of smaller id whatever the order.
  std::size_t frontier = 0;
  for (std::uint32_t depth = 1;
       depth <= static_cast<std::uint32_t>(limits.max_depth) && frontier < reach.steps.size();
       ++depth) {
    const std::size_t settled = reach.steps.size();  // steps of earlier depths
    for (std::size_t from = frontier; from < settled; ++from) {
      if (deadline.Expired() || settled > limits.max_results * 4) {
        reach.partial = true;
        reach.steps.resize(settled);  // as WalkBack: this depth's finds are dropped
        return;
      }
      // Rows lie all over memory: fetch the offsets 8 steps ahead and the
      // row they point at 4 steps ahead, so that the misses overlap.
      if (from + 8 < settled) __builtin_prefetch(&in_.offsets[reach.steps[from + 8].index]);
      if (from + 4 < settled) {
        __builtin_prefetch(&in_.entries[in_.offsets[reach.steps[from + 4].index]]);
      }
      const std::uint32_t node = reach.steps[from].index;
      const float here = reach.steps[from].confidence;
      ++reach.expanded;
      const std::uint32_t row_end = in_.offsets[node + 1];
      for (std::uint32_t i = in_.offsets[node]; i < row_end; ++i) {
        const Entry& e = in_.entries[i];
        if (!valid(e)) continue;
        ++reach.edges_read;
        if (!follow(e.kind)) continue;
        const float confidence = here * e.confidence;
        const auto [step, added] =
            reached.Emplace(e.other, static_cast<std::uint32_t>(reach.steps.size()));
        if (!added) {
          ReachStep& known = reach.steps[*step];
          if (known.depth == depth && (confidence > known.confidence ||
                                       (confidence == known.confidence &&
                                        ids_[node] < ids_[reach.steps[known.toward].index]))) {
            known.toward = static_cast<std::uint32_t>(from);
            known.via = i;
            known.confidence = confidence;
          }
          continue;
        }
        reach.steps.push_back({e.other, static_cast<std::uint32_t>(from), i, depth, confidence});
      }
    }
    frontier = settled;
  }
  // Deeper dependents past the depth limit make the answer partial.
  for (std::size_t from = frontier; from < reach.steps.size(); ++from) {
    if (deadline.Expired()) {
      reach.partial = true;
      break;
    }
    const std::uint32_t node = reach.steps[from].index;
    ++reach.expanded;
    for (std::uint32_t i = in_.offsets[node]; i < in_.offsets[node + 1]; ++i) {
      const Entry& e = in_.entries[i];
      if (!valid(e)) continue;
      ++reach.edges_read;
      if (follow(e.kind) && reached.Find(e.other) == nullptr) {
        reach.partial = true;
        return;
      }
    }
  }
}

void Topology::Edges(NodeId id, bool out, RevisionNumber rev, std::optional<EdgeKind> kind,
                     std::size_t limit, std::vector<Edge>* edges) const {
  const auto index = Index(id);
  if (!index) return;
  const Rows& rows = out ? out_ : in_;
  const auto begin = rows.entries.begin() + rows.offsets[*index];
  const auto end = rows.entries.begin() + rows.offsets[*index + 1];
  edges->reserve(edges->size() + static_cast<std::size_t>(end - begin));
  std::size_t taken = 0;
  for (auto it = begin; it != end && taken < limit; ++it) {
    if (kind && it->kind != *kind) continue;
    if (!(it->from <= rev && (it->to == kOpen || rev < it->to))) continue;
    Edge& e = edges->emplace_back();
    const NodeId other = ids_[it->other];
    e.src = out ? id : other;
    e.dst = out ? other : id;
    e.kind = it->kind;
    e.confidence = it->confidence;
    e.resolution = it->resolution;
    e.validity = {it->from, it->to == kOpen ? kOpenRevision : it->to};
    ++taken;
  }
}

Adjacency::Adjacency(const store::ReadView& view, const Topology* topology)
    : view_(view),
      revision_(view.revision()),
      topology_(topology != nullptr && view.revision() <= topology->revision() ? topology
                                                                               : nullptr) {
  if (topology_ == nullptr) reader_ = std::make_unique<store::AdjacencyReader>(view);
}

Adjacency::~Adjacency() = default;

Result<std::vector<Edge>> Adjacency::Read(NodeId id, std::optional<EdgeKind> kind, bool out,
                                          std::size_t limit) {
  ++reads_;
  std::vector<Edge> edges;
  if (topology_ == nullptr) {
    ONYX_ASSIGN_OR_RETURN(edges,
                          out ? reader_->Out(id, kind, limit) : reader_->In(id, kind, limit));
  } else {
    topology_->Edges(id, out, revision_, kind, limit, &edges);
  }
  edges_read_ += edges.size();
  return edges;
}

Result<std::vector<Node>> Adjacency::Nodes(const std::vector<NodeId>& ids) {
  nodes_read_ += ids.size();
  std::vector<std::optional<Node>> found;
  if (topology_ == nullptr) {
    ONYX_ASSIGN_OR_RETURN(found, view_.GetNodes(ids));
  } else {
    found.reserve(ids.size());
    for (const NodeId id : ids) found.push_back(topology_->NodeAt(id, revision_));
  }
  std::vector<Node> nodes;
  nodes.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (!found[i]) {
      return Status::Corruption("walk: node " + FormatNodeId(ids[i]) +
                                " is an edge's end but does not exist at revision " +
                                std::to_string(revision_));
    }
    nodes.push_back(std::move(*found[i]));
  }
  return nodes;
}

}  // namespace onyx::query
