// Fuzzes the blob decoder (zstd frames with a recorded size and a content hash).
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "onyx/store/values.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace onyx;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The hash of what a valid blob in the corpus holds is unknown here, so decode
  // against the hash of the decompressed bytes' candidate: a blob may only decode
  // when its content matches the expected hash.
  auto raw = store::DecodeBlob(bytes, HashContent("fuzz"), 1 << 16);
  if (raw.ok()) ONYX_FUZZ_CHECK(*raw == "fuzz");
  return 0;
}
