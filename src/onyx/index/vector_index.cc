// USearch's HNSW graph (index_gt: its nodes, links and insertion) behind
// VectorIndex, with Onyx's own vector storage and search loop: every vector
// sits at `slot × stride` in one aligned array, so a distance is one address
// computation away; a search marks visited slots with an epoch instead of
// clearing a hash set, and prefetches the rows of the neighbours it is about
// to measure. (USearch's index_dense reaches each vector through a pointer
// table and prefetches nothing; see docs/benchmarks.md, vector_bench.)
#include "onyx/index/vector_index.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <semaphore>
#include <shared_mutex>
#include <unordered_map>
#include <usearch/index.hpp>
#include <usearch/index_plugins.hpp>

#include "onyx/core/coding.h"
#include "onyx/core/huge_pages.h"

#if defined(__SSE__)
#include <immintrin.h>
#endif

namespace onyx::index {
namespace {

// Nodes come from USearch's arena allocator (cache-line aligned, few large
// mappings), as in its own index_dense.
using Graph = unum::usearch::index_gt<float, std::uint64_t, std::uint32_t, std::allocator<char>,
                                      unum::usearch::memory_mapping_allocator_gt<64>>;
using Slot = std::uint32_t;
using Member = Graph::member_cref_t;
using MemberIterator = Graph::member_citerator_t;

// Cosine distance of unit vectors is 1 − dot: four SSE accumulators, 16
// floats a step.
inline float Dot(const float* a, const float* b, std::size_t n) {
  std::size_t i = 0;
  float sum = 0;
#if defined(__SSE__)
  __m128 s0 = _mm_setzero_ps(), s1 = _mm_setzero_ps(), s2 = _mm_setzero_ps(), s3 = _mm_setzero_ps();
  for (; i + 16 <= n; i += 16) {
    s0 = _mm_add_ps(s0, _mm_mul_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i)));
    s1 = _mm_add_ps(s1, _mm_mul_ps(_mm_loadu_ps(a + i + 4), _mm_loadu_ps(b + i + 4)));
    s2 = _mm_add_ps(s2, _mm_mul_ps(_mm_loadu_ps(a + i + 8), _mm_loadu_ps(b + i + 8)));
    s3 = _mm_add_ps(s3, _mm_mul_ps(_mm_loadu_ps(a + i + 12), _mm_loadu_ps(b + i + 12)));
  }
  const __m128 s = _mm_add_ps(_mm_add_ps(s0, s1), _mm_add_ps(s2, s3));
  alignas(16) float lanes[4];
  _mm_store_ps(lanes, s);
  sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
#endif
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

// Where the vectors live: slot s at base + s × stride (floats). Stride is the
// dimension count rounded up to a cache line, so each vector starts on one.
struct VectorRows {
  const float* base = nullptr;
  std::size_t stride = 0;
  std::size_t dims = 0;
  const float* Row(std::size_t slot) const { return base + slot * stride; }
};

// The distance USearch calls: from a query (or another member) to a member.
struct Metric {
  VectorRows rows;
  float operator()(const float* a, const float* b) const { return 1.0F - Dot(a, b, rows.dims); }
  float operator()(const float* a, Member b) const { return (*this)(a, rows.Row(b.slot)); }
  float operator()(const float* a, MemberIterator b) const {
    return (*this)(a, rows.Row(get_slot(b)));
  }
  float operator()(Member a, Member b) const { return (*this)(rows.Row(a.slot), rows.Row(b.slot)); }
  float operator()(MemberIterator a, MemberIterator b) const {
    return (*this)(rows.Row(get_slot(a)), rows.Row(get_slot(b)));
  }
};

// Called by USearch with the neighbours it is about to measure: start loading
// the first two lines of their vectors; the hardware prefetcher follows on.
// (On vector_bench, 2 lines beat 1, 4, 8 and the whole vector.)
struct Prefetch {
  VectorRows rows;
  template <typename Iterator>
  void operator()(Iterator begin, Iterator end) const {
    // USearch's iterators declare a non-const operator==, which C++20's
    // reversed candidates make ambiguous: call their operator!= by name.
    for (Iterator it = begin; it.operator!=(end); ++it) {
      const char* row = reinterpret_cast<const char*>(rows.Row(get_slot(it)));
      __builtin_prefetch(row, 0, 3);
      __builtin_prefetch(row + 64, 0, 3);
    }
  }
};

constexpr std::size_t kFloatsPerLine = 64 / sizeof(float);

Status UsearchError(const char* what, unum::usearch::error_t& error) {
  const std::string message = error.what() != nullptr ? error.what() : "unknown error";
  error.release();
  return Status::Internal(std::string("vector index: ") + what + ": " + message);
}

struct FreeDeleter {
  void operator()(float* p) const { std::free(p); }
};
using AlignedFloats = std::unique_ptr<float[], FreeDeleter>;

// Rows of many vectors ask for huge pages (a search touches rows all over the
// array: fewer TLB misses); small ones stay on ordinary pages.
AlignedFloats AllocateRows(std::size_t rows, std::size_t stride) {
  return AlignedFloats(static_cast<float*>(
      core::AllocateForRandomAccess(std::max<std::size_t>(1, rows) * stride * sizeof(float))));
}

// Snapshot: magic, dimensions, slot count and the graph's own stream
// (big-endian u64 each, the stream length-prefixed by one), then each slot's
// vector and whether it was removed.
constexpr std::string_view kMagic = "ONYXHNS2";

// A native (little-endian) u64 of USearch's stream.
bool ReadNative64(core::ByteReader& r, std::uint64_t* v) {
  std::string_view bytes;
  if (!r.ReadBytes(8, &bytes)) return false;
  std::memcpy(v, bytes.data(), 8);
  return true;
}

// What a checked graph stream says about itself.
struct GraphHeader {
  std::uint64_t size = 0;
  std::uint64_t max_level = 0;
  std::uint64_t entry = 0;
};

// USearch's loader trusts its input; check the graph's stream first: sane
// levels, an entry point on the top level, every neighbour count within its
// level's capacity and every neighbour a node of the graph on that level. The
// unused entries of each neighbour list are zeroed (USearch expects them so
// when it relinks a node). Layout (index_gt::save_to_stream): a header of five
// u64 (size, connectivity, base connectivity, max level, entry slot), an i16
// level per node, then each node: u64 key, i16 level, and per level a u32
// count followed by `capacity` u32 slots.
Result<GraphHeader> CleanGraphStream(std::string& bytes, std::size_t connectivity) {
  const auto corrupt = [](const std::string& what) {
    return Status::Corruption("vector index: snapshot graph: " + what);
  };
  core::ByteReader r(bytes);
  GraphHeader header;
  std::uint64_t m = 0, m0 = 0;
  if (!(ReadNative64(r, &header.size) && ReadNative64(r, &m) && ReadNative64(r, &m0) &&
        ReadNative64(r, &header.max_level) && ReadNative64(r, &header.entry))) {
    return corrupt("truncated header");
  }
  const std::uint64_t size = header.size;
  if (size == 0) {
    if (!r.AtEnd()) return corrupt("trailing bytes");
    return header;
  }
  if (m != connectivity || m0 != 2 * connectivity) return corrupt("connectivity differs");
  if (size > std::numeric_limits<Slot>::max() || size > r.remaining() / 2) {
    return corrupt("node count");
  }
  constexpr std::int16_t kMaxLevel = 64;
  if (header.max_level > static_cast<std::uint64_t>(kMaxLevel) || header.entry >= size) {
    return corrupt("entry point");
  }
  const auto max_level = static_cast<std::int16_t>(header.max_level);
  std::string_view levels;
  if (!r.ReadBytes(size * 2, &levels)) return corrupt("truncated levels");
  const auto level_of = [&](std::uint64_t slot) {
    std::int16_t level = 0;
    std::memcpy(&level, levels.data() + slot * 2, 2);
    return level;
  };
  // A search starts at the entry slot on the top level: it must be there.
  if (level_of(header.entry) != max_level) return corrupt("entry point level");
  for (std::uint64_t i = 0; i < size; ++i) {
    const std::int16_t level = level_of(i);
    if (level < 0 || level > max_level) return corrupt("node level");
    std::string_view head;
    if (!r.ReadBytes(10, &head)) return corrupt("truncated node");
    std::int16_t stored = 0;
    std::memcpy(&stored, head.data() + 8, 2);
    if (stored != level) return corrupt("node level differs from its header");
    for (std::int16_t l = 0; l <= level; ++l) {
      const std::size_t capacity = l == 0 ? m0 : m;
      std::string_view list;
      if (!r.ReadBytes(4 + capacity * 4, &list)) return corrupt("truncated neighbours");
      std::uint32_t count = 0;
      std::memcpy(&count, list.data(), 4);
      if (count > capacity) return corrupt("neighbour count");
      for (std::uint32_t k = 0; k < count; ++k) {
        std::uint32_t slot = 0;
        std::memcpy(&slot, list.data() + 4 + k * 4, 4);
        if (slot >= size) return corrupt("neighbour outside the graph");
        if (level_of(slot) < l) return corrupt("neighbour missing from the level");
      }
      char* unused = bytes.data() + (list.data() - bytes.data()) + 4 + count * 4;
      std::memset(unused, 0, (capacity - count) * 4);
    }
  }
  if (!r.AtEnd()) return corrupt("trailing bytes");
  return header;
}

}  // namespace

// USearch keeps a scratch context per concurrent search or add, reserved up
// front. Onyx reserves this many: half for searches, half for adds, because a
// context's visited set keeps the size of its largest walk and is cleared at
// the start of every search (an add walks ef_construction = 200 candidates, a
// search usually far fewer). Callers past a pool's size wait.
constexpr std::size_t kContexts = 32;
constexpr std::size_t kPoolContexts = kContexts / 2;

// A search's working memory, reused by the next search on the same context:
// a visited mark per slot (an epoch, so nothing is cleared between searches),
// the frontier (a min-heap) and the best answers so far (a max-heap).
struct Candidate {
  float distance;
  Slot slot;
};
struct Scratch {
  std::vector<std::uint16_t> seen;
  std::uint16_t epoch = 0;
  std::vector<Candidate> frontier;
  std::vector<Candidate> best;

  // Starts a search over `slots` slots: nothing is visited.
  void Begin(std::size_t slots) {
    if (seen.size() < slots) seen.resize(slots, 0);
    if (++epoch == 0) {
      std::fill(seen.begin(), seen.end(), 0);
      epoch = 1;
    }
    frontier.clear();
    best.clear();
  }
  // Marks a slot visited; false when it already was.
  bool Visit(Slot slot) {
    if (seen[slot] == epoch) return false;
    seen[slot] = epoch;
    return true;
  }
  bool Seen(Slot slot) const { return seen[slot] == epoch; }
};

// A pool of context ids handed out by a bitmask.
struct ContextPool {
  explicit ContextPool(std::size_t first_id) : first(first_id) {}
  const std::size_t first;
  std::counting_semaphore<kPoolContexts> free{kPoolContexts};
  std::atomic<std::uint32_t> busy{0};
};

struct VectorIndex::Impl {
  Graph graph;
  VectorIndexOptions options;
  std::size_t stride = 0;  // floats per row
  // Exclusive for Remove, growth, reusing a removed slot and serializing;
  // shared for searches and plain adds.
  mutable std::shared_mutex mu;
  AlignedFloats rows;                    // capacity × stride, under mu
  std::vector<std::uint8_t> removed;     // by slot; written only under exclusive mu
  std::vector<Slot> free_slots;          // removed slots, reused by Add (exclusive mu)
  std::size_t capacity = 0;              // under mu
  std::atomic<std::size_t> reserved{0};  // capacity, read without the lock
  std::atomic<std::size_t> adding{0};    // Add calls in flight
  std::atomic<std::size_t> live{0};      // keys present
  std::atomic<std::size_t> tombstones{0};

  std::mutex keys_mu;                             // guards `slots` under shared mu
  std::unordered_map<std::uint64_t, Slot> slots;  // key → slot (kPending while adding)
  static constexpr Slot kPending = std::numeric_limits<Slot>::max();

  mutable ContextPool search_contexts{0};
  ContextPool add_contexts{kPoolContexts};

  // Where searches start: a node on the graph's top level, as level << 32 |
  // slot (any node of the top level will do); kNoEntry while empty.
  static constexpr std::uint64_t kNoEntry = ~std::uint64_t{0};
  std::atomic<std::uint64_t> entry{kNoEntry};
  // A search context's own scratch, by search context id.
  mutable std::array<Scratch, kPoolContexts> scratches;

  VectorRows Rows() const { return {rows.get(), stride, options.dimensions}; }
  // Makes room for `needed` slots; the exclusive lock is held.
  Status Grow(std::size_t needed);
  // Records `slot` as the entry point when it reaches higher than the current one.
  void NoteLevel(Slot slot);
  // The approximate search: `accept(slot)` says which slots may be answers.
  template <typename Accept>
  void Walk(const float* query, std::size_t k, Scratch& scratch, const Accept& accept,
            std::vector<VectorHit>* hits) const;
};

namespace {

// One of a pool's USearch contexts, held for a search or an add.
class Context {
 public:
  explicit Context(ContextPool& pool) : pool_(pool) {
    pool_.free.acquire();
    std::uint32_t mask = pool_.busy.load();
    for (;;) {
      const int bit = std::countr_one(mask);  // fewer holders than the pool's size: one is clear
      if (pool_.busy.compare_exchange_weak(mask, mask | (1U << bit))) {
        bit_ = bit;
        return;
      }
    }
  }
  ~Context() {
    pool_.busy.fetch_and(~(1U << bit_));
    pool_.free.release();
  }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  std::size_t id() const { return pool_.first + static_cast<std::size_t>(bit_); }

 private:
  ContextPool& pool_;
  int bit_ = 0;
};

static_assert(kPoolContexts <= 32, "contexts are handed out from a 32-bit mask");

}  // namespace

void VectorIndex::Impl::NoteLevel(Slot slot) {
  const std::uint64_t level = graph.level_of(slot);
  std::uint64_t current = entry.load();
  while (current == kNoEntry || (current >> 32) < level) {
    if (entry.compare_exchange_weak(current, level << 32 | slot)) return;
  }
}

// HNSW search over USearch's graph with Onyx's rows: a greedy descent through
// the upper levels, then a beam of expansion_search candidates on the base
// level. Before measuring a node's neighbours it prefetches their rows.
template <typename Accept>
void VectorIndex::Impl::Walk(const float* query, std::size_t k, Scratch& scratch,
                             const Accept& accept, std::vector<VectorHit>* hits) const {
  const std::uint64_t start = entry.load();
  if (start == kNoEntry) return;
  const VectorRows vectors = Rows();
  const auto distance = [&](Slot slot) {
    return 1.0F - Dot(query, vectors.Row(slot), vectors.dims);
  };
  const auto prefetch = [&](Slot slot) {
    const char* row = reinterpret_cast<const char*>(vectors.Row(slot));
    __builtin_prefetch(row, 0, 3);
    __builtin_prefetch(row + 64, 0, 3);
  };

  Slot current = static_cast<Slot>(start);
  float current_distance = distance(current);
  for (std::size_t level = start >> 32; level > 0; --level) {
    for (bool moved = true; moved;) {
      moved = false;
      const auto neighbours = graph.neighbors(current, level);
      for (auto it = neighbours.begin(); it != neighbours.end(); ++it) prefetch(it.slot());
      for (auto it = neighbours.begin(); it != neighbours.end(); ++it) {
        const float d = distance(it.slot());
        if (d < current_distance) {
          current_distance = d;
          current = it.slot();
          moved = true;
        }
      }
    }
  }

  const std::size_t ef = std::max(k, options.expansion_search);
  scratch.Begin(capacity);  // slots added during the search stay below it
  const auto nearer = [](const Candidate& a, const Candidate& b) {
    return a.distance > b.distance;
  };
  const auto farther = [](const Candidate& a, const Candidate& b) {
    return a.distance < b.distance;
  };
  std::vector<Candidate>& frontier = scratch.frontier;  // min-heap
  std::vector<Candidate>& best = scratch.best;          // max-heap, at most ef
  const auto offer = [&](float d, Slot slot) {
    frontier.push_back({d, slot});
    std::push_heap(frontier.begin(), frontier.end(), nearer);
    if (!accept(slot)) return;
    best.push_back({d, slot});
    std::push_heap(best.begin(), best.end(), farther);
    if (best.size() > ef) {
      std::pop_heap(best.begin(), best.end(), farther);
      best.pop_back();
    }
  };
  scratch.Visit(current);
  offer(current_distance, current);
  while (!frontier.empty()) {
    const Candidate nearest = frontier.front();
    if (best.size() >= ef && nearest.distance > best.front().distance) break;
    std::pop_heap(frontier.begin(), frontier.end(), nearer);
    frontier.pop_back();
    const auto neighbours = graph.neighbors(nearest.slot, 0);
    for (auto it = neighbours.begin(); it != neighbours.end(); ++it) {
      if (!scratch.Seen(it.slot())) prefetch(it.slot());
    }
    for (auto it = neighbours.begin(); it != neighbours.end(); ++it) {
      const Slot slot = it.slot();
      if (!scratch.Visit(slot)) continue;
      const float d = distance(slot);
      if (best.size() < ef || d < best.front().distance) offer(d, slot);
    }
  }
  std::sort_heap(best.begin(), best.end(), farther);
  const std::size_t count = std::min(k, best.size());
  hits->reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    hits->push_back({graph.at(best[i].slot).key, best[i].distance});
  }
}

VectorIndex::VectorIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VectorIndex::~VectorIndex() = default;

Result<std::unique_ptr<VectorIndex>> VectorIndex::Create(const VectorIndexOptions& options) {
  if (options.dimensions == 0 || options.dimensions > 65'536) {
    return Status::InvalidArgument("vector index: dimensions must be in 1..65536");
  }
  if (options.connectivity < 2 || options.connectivity > 1024 || options.expansion_add == 0 ||
      options.expansion_search == 0) {
    return Status::InvalidArgument(
        "vector index: connectivity must be in 2..1024 and expansions positive");
  }
  auto impl = std::make_unique<Impl>();
  impl->graph = Graph(unum::usearch::index_config_t(options.connectivity));
  impl->options = options;
  impl->stride = (options.dimensions + kFloatsPerLine - 1) / kFloatsPerLine * kFloatsPerLine;
  return std::unique_ptr<VectorIndex>(new VectorIndex(std::move(impl)));
}

Status VectorIndex::Impl::Grow(std::size_t needed) {
  if (needed <= capacity) return Status::Ok();
  const std::size_t grown = std::max<std::size_t>({1024, capacity * 2, needed});
  if (!graph.try_reserve(unum::usearch::index_limits_t(grown, kContexts))) {
    return Status::ResourceExhausted("vector index: cannot reserve " + std::to_string(grown) +
                                     " vectors");
  }
  AlignedFloats grown_rows = AllocateRows(grown, stride);
  if (grown_rows == nullptr) {
    return Status::ResourceExhausted("vector index: cannot allocate " + std::to_string(grown) +
                                     " vectors");
  }
  if (rows != nullptr) {
    std::memcpy(grown_rows.get(), rows.get(), graph.size() * stride * sizeof(float));
  }
  rows = std::move(grown_rows);
  removed.resize(grown, 0);
  capacity = grown;
  reserved = grown;
  return Status::Ok();
}

Status VectorIndex::Add(std::uint64_t key, const float* vector) {
  Impl& impl = *impl_;
  // Claim the key first, so two adds of one key cannot both go in.
  {
    std::lock_guard keys(impl.keys_mu);
    if (!impl.slots.try_emplace(key, Impl::kPending).second) {
      return Status::AlreadyExists("vector index: key " + std::to_string(key) + " exists");
    }
  }
  const auto release_key = [&] {
    std::lock_guard keys(impl.keys_mu);
    impl.slots.erase(key);
  };
  const auto copy_vector = [&](Slot slot) {
    float* row = impl.rows.get() + static_cast<std::size_t>(slot) * impl.stride;
    std::memcpy(row, vector, impl.options.dimensions * sizeof(float));
    std::fill(row + impl.options.dimensions, row + impl.stride, 0.0F);
  };
  unum::usearch::index_update_config_t config;
  config.expansion = impl.options.expansion_add;

  // A removed slot is reused in place (its links are rewritten), alone.
  if (impl.tombstones.load() > 0) {
    std::unique_lock lock(impl.mu);
    if (!impl.free_slots.empty()) {
      const Slot slot = impl.free_slots.back();
      const Context context(impl.add_contexts);
      config.thread = context.id();
      copy_vector(slot);
      auto updated =
          impl.graph.update(impl.graph.iterator_at(slot), key, vector, Metric{impl.Rows()}, config,
                            unum::usearch::dummy_callback_t{}, Prefetch{impl.Rows()});
      if (!updated) {
        release_key();
        return UsearchError("add", updated.error);
      }
      impl.free_slots.pop_back();
      impl.removed[slot] = 0;
      impl.NoteLevel(slot);
      --impl.tombstones;
      ++impl.live;
      std::lock_guard keys(impl.keys_mu);
      impl.slots[key] = slot;
      return Status::Ok();
    }
  }

  // Adds share the index with searches and with each other (USearch locks per
  // node); growing needs it exclusively. `adding` counts adds in flight, so a
  // growth makes room for all of them.
  const std::size_t in_flight = ++impl.adding;
  struct Done {
    std::atomic<std::size_t>& adding;
    ~Done() { --adding; }
  } done{impl.adding};
  if (impl.graph.size() + in_flight > impl.reserved.load()) {
    std::unique_lock lock(impl.mu);
    if (Status grown = impl.Grow(impl.graph.size() + impl.adding.load()); !grown.ok()) {
      release_key();
      return grown;
    }
  }
  std::shared_lock lock(impl.mu);
  const Context context(impl.add_contexts);
  config.thread = context.id();
  auto added = impl.graph.add(
      key, vector, Metric{impl.Rows()}, config,
      [&](Graph::member_ref_t member) { copy_vector(static_cast<Slot>(member.slot)); },
      Prefetch{impl.Rows()});
  if (!added) {
    release_key();
    return UsearchError("add", added.error);
  }
  impl.NoteLevel(static_cast<Slot>(added.slot));
  ++impl.live;
  std::lock_guard keys(impl.keys_mu);
  impl.slots[key] = static_cast<Slot>(added.slot);
  return Status::Ok();
}

Status VectorIndex::Get(std::uint64_t key, float* out) const {
  Impl& impl = *impl_;
  std::shared_lock lock(impl.mu);
  Slot slot = Impl::kPending;
  {
    std::lock_guard keys(impl.keys_mu);
    const auto it = impl.slots.find(key);
    if (it != impl.slots.end()) slot = it->second;
  }
  if (slot == Impl::kPending) {
    return Status::NotFound("vector index: key " + std::to_string(key) + " is absent");
  }
  std::memcpy(out, impl.Rows().Row(slot), impl.options.dimensions * sizeof(float));
  return Status::Ok();
}

Status VectorIndex::Remove(std::uint64_t key) {
  Impl& impl = *impl_;
  std::unique_lock lock(impl.mu);
  std::lock_guard keys(impl.keys_mu);
  const auto it = impl.slots.find(key);
  if (it == impl.slots.end() || it->second == Impl::kPending) {
    return Status::NotFound("vector index: key " + std::to_string(key) + " is absent");
  }
  impl.removed[it->second] = 1;
  impl.free_slots.push_back(it->second);
  impl.slots.erase(it);
  ++impl.tombstones;
  --impl.live;
  return Status::Ok();
}

Result<std::vector<VectorHit>> VectorIndex::Search(
    const float* query, std::size_t k, const std::function<bool(std::uint64_t)>& filter) const {
  return Find(query, k, filter, /*exact=*/false);
}

Result<std::vector<VectorHit>> VectorIndex::ExactSearch(
    const float* query, std::size_t k, const std::function<bool(std::uint64_t)>& filter) const {
  return Find(query, k, filter, /*exact=*/true);
}

Result<std::vector<VectorHit>> VectorIndex::Find(const float* query, std::size_t k,
                                                 const std::function<bool(std::uint64_t)>& filter,
                                                 bool exact) const {
  const Impl& impl = *impl_;
  // An exact scan reads every slot up to the graph's size, which an add
  // raises before the slot is filled: it runs alone.
  std::shared_lock shared(impl.mu, std::defer_lock);
  std::unique_lock exclusive(impl.mu, std::defer_lock);
  if (exact) {
    exclusive.lock();
  } else {
    shared.lock();
  }
  std::vector<VectorHit> hits;
  if (k == 0 || impl.live.load() == 0) return hits;
  const Context context(impl.search_contexts);
  const std::uint8_t* removed = impl.removed.data();
  if (!exact) {
    Scratch& scratch = impl.scratches[context.id()];
    if (!filter && impl.tombstones.load() == 0) {
      impl.Walk(
          query, k, scratch, [](Slot) { return true; }, &hits);
    } else {
      impl.Walk(
          query, k, scratch,
          [&](Slot slot) {
            return removed[slot] == 0 && (!filter || filter(impl.graph.at(slot).key));
          },
          &hits);
    }
    return hits;
  }
  unum::usearch::index_search_config_t config;
  config.thread = context.id();
  config.exact = true;
  auto found = impl.graph.search(
      query, k, Metric{impl.Rows()}, config,
      [&](const Member& member) {
        return removed[member.slot] == 0 && (!filter || filter(member.key));
      },
      Prefetch{impl.Rows()});
  if (!found) return UsearchError("search", found.error);
  hits.reserve(found.size());
  for (std::size_t i = 0; i < found.size(); ++i) {
    hits.push_back({found[i].member.key, found[i].distance});
  }
  return hits;
}

Result<std::string> VectorIndex::Serialize() const {
  const Impl& impl = *impl_;
  std::unique_lock lock(impl.mu);
  const std::size_t slots = impl.graph.size();
  std::string graph;
  auto saved = impl.graph.save_to_stream([&](const void* data, std::size_t length) {
    graph.append(static_cast<const char*>(data), length);
    return true;
  });
  if (!saved) return UsearchError("save", saved.error);
  std::string out;
  out.reserve(kMagic.size() + 32 + graph.size() + slots * (impl.options.dimensions * 4 + 1));
  out.append(kMagic);
  core::PutBigEndian64(&out, impl.options.dimensions);
  core::PutBigEndian64(&out, slots);
  core::PutBigEndian64(&out, graph.size());
  out.append(graph);
  for (std::size_t s = 0; s < slots; ++s) {
    out.append(reinterpret_cast<const char*>(impl.Rows().Row(s)),
               impl.options.dimensions * sizeof(float));
  }
  out.append(reinterpret_cast<const char*>(impl.removed.data()), slots);
  return out;
}

Result<std::unique_ptr<VectorIndex>> VectorIndex::Deserialize(std::string_view bytes,
                                                              const VectorIndexOptions& options) {
  const auto corrupt = [](const std::string& what) {
    return Status::Corruption("vector index: snapshot: " + what);
  };
  ONYX_ASSIGN_OR_RETURN(std::unique_ptr<VectorIndex> index, Create(options));
  Impl& impl = *index->impl_;
  core::ByteReader r(bytes);
  std::string_view magic;
  std::uint64_t dimensions = 0, slots = 0, graph_bytes = 0;
  if (!(r.ReadBytes(kMagic.size(), &magic) && r.ReadBigEndian64(&dimensions) &&
        r.ReadBigEndian64(&slots) && r.ReadBigEndian64(&graph_bytes))) {
    return corrupt("truncated header");
  }
  if (magic != kMagic) return corrupt("not an Onyx HNSW index");
  if (dimensions != options.dimensions) {
    return corrupt("has " + std::to_string(dimensions) + " dimensions, expected " +
                   std::to_string(options.dimensions));
  }
  std::string_view graph_section;
  if (graph_bytes > r.remaining() || !r.ReadBytes(graph_bytes, &graph_section)) {
    return corrupt("graph size");
  }
  const std::size_t row_bytes = options.dimensions * sizeof(float);
  if (slots > std::numeric_limits<Slot>::max() || r.remaining() != slots * (row_bytes + 1)) {
    return corrupt("vector section size");
  }
  std::string graph(graph_section);
  ONYX_ASSIGN_OR_RETURN(const GraphHeader header, CleanGraphStream(graph, options.connectivity));
  if (header.size != slots) return corrupt("graph and vectors disagree on the count");

  std::size_t offset = 0;
  auto loaded = impl.graph.load_from_stream([&](void* data, std::size_t length) {
    if (length > graph.size() - offset) return false;
    std::memcpy(data, graph.data() + offset, length);
    offset += length;
    return true;
  });
  if (!loaded) {
    const std::string message = loaded.error.what() != nullptr ? loaded.error.what() : "";
    loaded.error.release();
    return corrupt("USearch refused the graph: " + message);
  }
  // The loaded graph has room for exactly its nodes; reserve our own limits.
  impl.capacity = 0;
  ONYX_RETURN_IF_ERROR(impl.Grow(std::max<std::size_t>(slots, 1)));
  std::string_view rows;
  std::string_view removed;
  if (!(r.ReadBytes(slots * row_bytes, &rows) && r.ReadBytes(slots, &removed))) {
    return corrupt("vector section size");
  }
  for (std::size_t s = 0; s < slots; ++s) {
    float* row = impl.rows.get() + s * impl.stride;
    std::memcpy(row, rows.data() + s * row_bytes, row_bytes);
    std::fill(row + options.dimensions, row + impl.stride, 0.0F);
  }
  for (std::size_t s = 0; s < slots; ++s) {
    const auto flag = static_cast<std::uint8_t>(removed[s]);
    if (flag > 1) return corrupt("removal flag");
    impl.removed[s] = flag;
    if (flag == 1) {
      impl.free_slots.push_back(static_cast<Slot>(s));
      continue;
    }
    const std::uint64_t key = impl.graph.at(static_cast<Slot>(s)).key;
    if (!impl.slots.try_emplace(key, static_cast<Slot>(s)).second) {
      return corrupt("key " + std::to_string(key) + " appears twice");
    }
  }
  impl.live = impl.slots.size();
  impl.tombstones = impl.free_slots.size();
  if (slots > 0) impl.entry = header.max_level << 32 | header.entry;
  return index;
}

std::size_t VectorIndex::size() const { return impl_->live.load(); }

std::size_t VectorIndex::dimensions() const { return impl_->options.dimensions; }

void VectorIndex::set_expansion_search(std::size_t ef) {
  std::unique_lock lock(impl_->mu);
  impl_->options.expansion_search = std::max<std::size_t>(1, ef);
}

}  // namespace onyx::index
