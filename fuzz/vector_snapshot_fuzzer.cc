// Fuzzes the vector index snapshot decoder (VectorIndex::Deserialize): bytes
// are refused with a Status, or make an index that searches, removes and adds.
#include <cmath>
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "onyx/index/vector_index.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace onyx::index;
  // The seeds are written with these options (tools/make_fuzz_seeds).
  const VectorIndexOptions options{8, 4, 16, 16};
  auto index = VectorIndex::Deserialize(std::string_view(reinterpret_cast<const char*>(data), size),
                                        options);
  if (!index.ok()) return 0;
  const float query[8] = {0.5F, 0.5F, 0.5F, 0.5F, 0, 0, 0, 0};
  auto hits = (*index)->Search(query, 4);
  ONYX_FUZZ_CHECK(hits.ok());
  ONYX_FUZZ_CHECK(hits->size() <= 4);
  ONYX_FUZZ_CHECK((*index)->ExactSearch(query, 4).ok());
  for (const VectorHit& hit : *hits) ONYX_FUZZ_CHECK((*index)->Remove(hit.key).ok());
  const onyx::Status added = (*index)->Add(std::uint64_t{1} << 62, query);
  ONYX_FUZZ_CHECK(added.ok() || added.code() == onyx::StatusCode::kAlreadyExists);
  ONYX_FUZZ_CHECK((*index)->Search(query, 4).ok());
  return 0;
}
