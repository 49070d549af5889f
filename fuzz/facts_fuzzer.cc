// Fuzzes the file facts decoder (derived blobs): bad bytes give a clear error,
// and what decodes encodes back to the same facts.
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "onyx/ingest/file_facts.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace onyx::ingest;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto facts = DecodeFileFacts(bytes);
  if (facts.ok()) {
    auto again = DecodeFileFacts(EncodeFileFacts(*facts));
    ONYX_FUZZ_CHECK(again.ok());
    ONYX_FUZZ_CHECK(*again == *facts);
  }
  return 0;
}
