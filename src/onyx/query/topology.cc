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
    Version version;
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
                    {n.kind, intern(n.path), intern(n.language), n.span, n.content_hash,
                     std::move(n.name), std::move(n.qualified_name), std::move(n.signature)}});
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
      const Version& v = held[last].version;
      places.push_back({string_rank[v.path], v.span.start_byte, ids[i]});
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
  // Versions by dense index, oldest first; then each one's name rank.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> order;  // (dense index, position in held)
  order.reserve(held.size());
  for (std::uint32_t h = 0; h < held.size(); ++h) order.emplace_back(*t.Index(held[h].id), h);
  std::sort(order.begin(), order.end());  // held is oldest first within a node
  t.version_offsets_.assign(t.ids_.size() + 1, 0);
  t.keys_.reserve(held.size());
  t.versions_.reserve(held.size());
  for (const auto& [index, h] : order) {
    ++t.version_offsets_[index + 1];
    t.keys_.push_back(held[h].key);
    t.versions_.push_back(std::move(held[h].version));
  }
  for (std::size_t i = 1; i < t.version_offsets_.size(); ++i) {
    t.version_offsets_[i] += t.version_offsets_[i - 1];
  }
  std::vector<std::uint32_t> by_name(t.versions_.size());
  for (std::uint32_t i = 0; i < by_name.size(); ++i) by_name[i] = i;
  std::sort(by_name.begin(), by_name.end(), [&](std::uint32_t a, std::uint32_t b) {
    return t.versions_[a].qualified_name < t.versions_[b].qualified_name;
  });
  for (std::uint32_t r = 0, i = 0; i < by_name.size(); ++i) {
    if (i > 0 &&
        t.versions_[by_name[i]].qualified_name != t.versions_[by_name[i - 1]].qualified_name) {
      r = i;
    }
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
                      version_offsets_.capacity() * sizeof(std::uint32_t) +
                      keys_.capacity() * sizeof(VersionKey) +
                      versions_.capacity() * sizeof(Version);
  for (const Version& v : versions_) {
    // Strings past the small-string buffer live on the heap.
    for (const std::string* text : {&v.name, &v.qualified_name, &v.signature}) {
      if (text->capacity() > 15) bytes += text->capacity() + 1;
    }
  }
  for (const std::string& text : strings_) bytes += sizeof(std::string) + text.capacity();
  return bytes;
}

std::uint32_t Topology::VersionAt(std::uint32_t index, RevisionNumber rev) const {
  for (std::uint32_t i = version_offsets_[index]; i < version_offsets_[index + 1]; ++i) {
    const VersionKey& k = keys_[i];
    if (k.from <= rev && (k.to == kOpen || rev < k.to)) return i;
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
  n.name = v.name;
  n.qualified_name = v.qualified_name;
  n.language = strings_[v.language];
  n.path = strings_[v.path];
  n.span = v.span;
  n.signature = v.signature;
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

Topology::Reach Topology::WalkIn(const std::vector<NodeId>& starts, RevisionNumber rev,
                                 bool (*follow)(EdgeKind), const WalkLimits& limits) const {
  // Per thread, per node: the walk that last marked it, and its step. Stamps
  // replace clearing a million-entry array per walk.
  struct Mark {
    std::uint32_t stamp;  // the walk that last reached the node
    std::uint32_t step;   // its step in that walk
  };
  thread_local std::vector<Mark> marks;  // one cache line holds both
  thread_local std::uint32_t epoch = 0;
  if (marks.size() < ids_.size()) marks.assign(ids_.size(), Mark{0, 0});
  if (++epoch == 0) {  // wrapped: old stamps could match again
    std::fill(marks.begin(), marks.end(), Mark{0, 0});
    epoch = 1;
  }
  const auto valid = [rev](const Entry& e) {
    return e.from <= rev && (e.to == kOpen || rev < e.to);
  };
  const auto deadline = std::chrono::steady_clock::now() + limits.time_limit;
  Reach reach;
  for (const NodeId id : starts) {
    const auto index = Index(id);
    if (!index || marks[*index].stamp == epoch) continue;
    marks[*index] = {epoch, static_cast<std::uint32_t>(reach.steps.size())};
    reach.steps.push_back({*index, 0, 0, 0, 1.0F});
  }
  // The walk is bound by memory latency (rows, offsets and marks of nodes
  // spread over the graph): each step's row is fetched a few steps ahead.
  constexpr std::size_t kAhead = 4;
  const auto prefetch = [&](std::size_t step, std::size_t end) {
    if (step + 2 * kAhead < end)
      __builtin_prefetch(&in_.offsets[reach.steps[step + 2 * kAhead].index]);
    if (step + kAhead < end) {
      __builtin_prefetch(&in_.entries[in_.offsets[reach.steps[step + kAhead].index]]);
    }
  };
  // The previous depth's steps are [frontier, settled): no sort is needed,
  // as ties go to the nearer node of smaller id whatever the order.
  std::size_t frontier = 0;
  for (std::uint32_t depth = 1;
       depth <= static_cast<std::uint32_t>(limits.max_depth) && frontier < reach.steps.size();
       ++depth) {
    const std::size_t settled = reach.steps.size();  // steps of earlier depths
    for (std::size_t from = frontier; from < settled; ++from) {
      if (limits.Expired(deadline) || settled > limits.max_results * 4) {
        reach.partial = true;
        reach.steps.resize(settled);  // as WalkBack: this depth's finds are dropped
        return reach;
      }
      prefetch(from, settled);
      const std::uint32_t node = reach.steps[from].index;
      const float here = reach.steps[from].confidence;
      ++reach.expanded;
      const std::uint32_t row_end = in_.offsets[node + 1];
      for (std::uint32_t i = in_.offsets[node]; i < row_end; ++i) {
        if (i + kAhead < row_end) __builtin_prefetch(&marks[in_.entries[i + kAhead].other]);
        const Entry& e = in_.entries[i];
        if (!valid(e)) continue;
        ++reach.edges_read;
        if (!follow(e.kind)) continue;
        const float confidence = here * e.confidence;
        Mark& mark = marks[e.other];
        if (mark.stamp == epoch) {
          ReachStep& known = reach.steps[mark.step];
          if (known.depth == depth && (confidence > known.confidence ||
                                       (confidence == known.confidence &&
                                        ids_[node] < ids_[reach.steps[known.toward].index]))) {
            known.toward = static_cast<std::uint32_t>(from);
            known.via = i;
            known.confidence = confidence;
          }
          continue;
        }
        mark = {epoch, static_cast<std::uint32_t>(reach.steps.size())};
        reach.steps.push_back({e.other, static_cast<std::uint32_t>(from), i, depth, confidence});
      }
    }
    frontier = settled;
  }
  // Deeper dependents past the depth limit make the answer partial.
  for (std::size_t from = frontier; from < reach.steps.size(); ++from) {
    if (limits.Expired(deadline)) {
      reach.partial = true;
      break;
    }
    const std::uint32_t node = reach.steps[from].index;
    ++reach.expanded;
    for (std::uint32_t i = in_.offsets[node]; i < in_.offsets[node + 1]; ++i) {
      const Entry& e = in_.entries[i];
      if (!valid(e)) continue;
      ++reach.edges_read;
      if (follow(e.kind) && marks[e.other].stamp != epoch) {
        reach.partial = true;
        return reach;
      }
    }
  }
  return reach;
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
