// Fuzzes the edge value decoder (edges_out and edges_in values).
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "onyx/store/values.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace onyx;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Edge edge;
  edge.validity.from = 5;
  if (store::DecodeEdgeValue(bytes, &edge).ok()) {
    Edge again;
    again.validity.from = 5;
    ONYX_FUZZ_CHECK(
        store::DecodeEdgeValue(store::EncodeEdgeValue(edge, edge.validity.to), &again).ok());
    ONYX_FUZZ_CHECK(again == edge);
  }
  return 0;
}
