// USearch behind VectorIndex.
#include "onyx/index/vector_index.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <semaphore>
#include <shared_mutex>
#include <unordered_map>
#include <usearch/index_dense.hpp>

#if defined(__SSE__)
#include <immintrin.h>
#endif

namespace onyx::index {
namespace {

// Cosine distance of unit vectors is 1 − dot. USearch's portable cosine keeps
// three scalar sums (its SIMD kernels come with NumKong, which Onyx does not
// build), so Onyx brings its own: four SSE accumulators, 16 floats a step.
float Dot(const float* a, const float* b, std::size_t n) {
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

float UnitCosineDistance(std::size_t a, std::size_t b, std::size_t n) {
  return 1.0F - Dot(reinterpret_cast<const float*>(a), reinterpret_cast<const float*>(b), n);
}

unum::usearch::metric_punned_t UnitCosineMetric(std::size_t dimensions) {
  return unum::usearch::metric_punned_t::stateless(
      dimensions, reinterpret_cast<std::uintptr_t>(&UnitCosineDistance),
      unum::usearch::metric_punned_signature_t::array_array_size_k,
      unum::usearch::metric_kind_t::cos_k, unum::usearch::scalar_kind_t::f32_k);
}

using Dense = unum::usearch::index_dense_gt<std::uint64_t, std::uint32_t>;

Status UsearchError(const char* what, unum::usearch::error_t& error) {
  const std::string message = error.what() != nullptr ? error.what() : "unknown error";
  error.release();
  return Status::Internal(std::string("vector index: ") + what + ": " + message);
}

}  // namespace

// USearch keeps a scratch context per concurrent search or add, reserved up
// front; a call that finds none free fails ("Reserve capacity ahead of
// searches!"). Onyx reserves this many and makes callers past it wait.
constexpr std::size_t kContexts = 32;

struct VectorIndex::Impl {
  Dense index;
  VectorIndexOptions options;
  mutable std::shared_mutex mu;          // exclusive for Remove and growth
  std::size_t capacity = 0;              // under mu
  std::atomic<std::size_t> reserved{0};  // capacity, read without the lock
  std::atomic<std::size_t> adding{0};    // Add calls in flight
  mutable std::counting_semaphore<kContexts> contexts{kContexts};  // free USearch contexts
};

namespace {

// Holds one of the index's USearch contexts for a search or an add.
class Context {
 public:
  explicit Context(std::counting_semaphore<kContexts>& free) : free_(free) { free_.acquire(); }
  ~Context() { free_.release(); }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

 private:
  std::counting_semaphore<kContexts>& free_;
};

}  // namespace

VectorIndex::VectorIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VectorIndex::~VectorIndex() = default;

Result<std::unique_ptr<VectorIndex>> VectorIndex::Create(const VectorIndexOptions& options) {
  if (options.dimensions == 0 || options.dimensions > 65'536) {
    return Status::InvalidArgument("vector index: dimensions must be in 1..65536");
  }
  if (options.connectivity < 2 || options.expansion_add == 0 || options.expansion_search == 0) {
    return Status::InvalidArgument(
        "vector index: connectivity must be at least 2 and expansions positive");
  }
  const auto metric = UnitCosineMetric(options.dimensions);
  unum::usearch::index_dense_config_t config(options.connectivity, options.expansion_add,
                                             options.expansion_search);
  auto made = Dense::make(metric, config);
  if (!made) return UsearchError("create", made.error);
  auto impl = std::make_unique<Impl>();
  impl->index = std::move(made.index);
  impl->options = options;
  return std::unique_ptr<VectorIndex>(new VectorIndex(std::move(impl)));
}

Status VectorIndex::Add(std::uint64_t key, const float* vector) {
  // Adds share the index with searches and with each other (USearch locks per
  // node); growing the reservation needs it exclusively. `adding` counts adds in
  // flight, so a growth makes room for all of them.
  const std::size_t in_flight = ++impl_->adding;
  struct Done {
    std::atomic<std::size_t>& adding;
    ~Done() { --adding; }
  } done{impl_->adding};
  if (impl_->index.size() + in_flight > impl_->reserved.load()) {
    std::unique_lock lock(impl_->mu);
    const std::size_t needed = impl_->index.size() + impl_->adding.load();
    if (needed > impl_->capacity) {
      const std::size_t grown = std::max<std::size_t>({1024, impl_->capacity * 2, needed});
      if (!impl_->index.try_reserve(unum::usearch::index_limits_t(grown, kContexts))) {
        return Status::ResourceExhausted("vector index: cannot reserve " + std::to_string(grown) +
                                         " vectors");
      }
      impl_->capacity = grown;
      impl_->reserved = grown;
    }
  }
  std::shared_lock lock(impl_->mu);
  const Context context(impl_->contexts);
  if (impl_->index.contains(key)) {
    return Status::AlreadyExists("vector index: key " + std::to_string(key) + " exists");
  }
  auto added = impl_->index.add(key, vector);
  if (!added) return UsearchError("add", added.error);
  return Status::Ok();
}

Status VectorIndex::Remove(std::uint64_t key) {
  std::unique_lock lock(impl_->mu);
  auto removed = impl_->index.remove(key);
  if (!removed) return UsearchError("remove", removed.error);
  if (removed.completed == 0) {
    return Status::NotFound("vector index: key " + std::to_string(key) + " is absent");
  }
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
  std::shared_lock lock(impl_->mu);
  std::vector<VectorHit> hits;
  if (k == 0 || impl_->index.size() == 0) return hits;
  const Context context(impl_->contexts);
  auto found = filter ? impl_->index.filtered_search(
                            query, k, [&](std::uint64_t key) { return filter(key); },
                            Dense::any_thread(), exact)
                      : impl_->index.search(query, k, Dense::any_thread(), exact);
  if (!found) return UsearchError("search", found.error);
  hits.reserve(found.size());
  for (std::size_t i = 0; i < found.size(); ++i) {
    const auto match = found[i];
    hits.push_back({match.member.key, match.distance});
  }
  return hits;
}

Result<std::string> VectorIndex::Serialize() const {
  std::unique_lock lock(impl_->mu);
  std::string out;
  out.reserve(impl_->index.serialized_length());
  auto saved = impl_->index.save_to_stream([&](const void* data, std::size_t length) {
    out.append(static_cast<const char*>(data), length);
    return true;
  });
  if (!saved) return UsearchError("save", saved.error);
  return out;
}

Result<std::unique_ptr<VectorIndex>> VectorIndex::Deserialize(std::string_view bytes,
                                                              const VectorIndexOptions& options) {
  ONYX_ASSIGN_OR_RETURN(std::unique_ptr<VectorIndex> index, Create(options));
  std::size_t offset = 0;
  auto loaded = index->impl_->index.load_from_stream([&](void* data, std::size_t length) {
    if (length > bytes.size() - offset) return false;
    std::memcpy(data, bytes.data() + offset, length);
    offset += length;
    return true;
  });
  if (!loaded) {
    const std::string message = loaded.error.what() != nullptr ? loaded.error.what() : "";
    loaded.error.release();
    return Status::Corruption("vector index: USearch refused the snapshot: " + message);
  }
  Impl& impl = *index->impl_;
  if (impl.index.dimensions() != options.dimensions) {
    return Status::Corruption("vector index: snapshot has " +
                              std::to_string(impl.index.dimensions()) + " dimensions, expected " +
                              std::to_string(options.dimensions));
  }
  // The file records the metric's kind, not Onyx's kernel: put it back.
  impl.index.change_metric(UnitCosineMetric(options.dimensions));
  impl.index.change_expansion_search(options.expansion_search);
  impl.index.change_expansion_add(options.expansion_add);
  impl.capacity = impl.index.capacity();
  if (!impl.index.try_reserve(unum::usearch::index_limits_t(impl.capacity, kContexts))) {
    return Status::ResourceExhausted("vector index: cannot reserve search contexts");
  }
  impl.reserved = impl.capacity;
  return index;
}

std::size_t VectorIndex::size() const {
  std::shared_lock lock(impl_->mu);
  return impl_->index.size();
}

std::size_t VectorIndex::dimensions() const { return impl_->options.dimensions; }

void VectorIndex::set_expansion_search(std::size_t ef) {
  std::unique_lock lock(impl_->mu);
  impl_->index.change_expansion_search(std::max<std::size_t>(1, ef));
}

}  // namespace onyx::index
