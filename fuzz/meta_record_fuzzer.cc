// Fuzzes the meta family's record decoders; the first byte picks the decoder.
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "onyx/store/values.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace onyx::store;
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      auto rev = DecodeRevision(bytes, 1000);
      if (rev.ok()) {
        auto again = DecodeRevision(EncodeRevision(*rev), 1000);
        ONYX_FUZZ_CHECK(again.ok() && *again == *rev);
      }
      break;
    }
    case 1: {
      auto project = DecodeProject(bytes, 7);
      if (project.ok()) {
        auto again = DecodeProject(EncodeProject(*project), 7);
        ONYX_FUZZ_CHECK(again.ok() && *again == *project);
      }
      break;
    }
    case 2: {
      auto stats = DecodeGraphStats(bytes);
      if (stats.ok()) {
        auto again = DecodeGraphStats(EncodeGraphStats(*stats));
        ONYX_FUZZ_CHECK(again.ok() && *again == *stats);
      }
      break;
    }
    default: {
      auto counter = DecodeCounter(bytes, "counter");
      if (counter.ok()) {
        auto again = DecodeCounter(EncodeCounter(*counter), "counter");
        ONYX_FUZZ_CHECK(again.ok() && *again == *counter);
      }
      break;
    }
  }
  return 0;
}
