// Fuzzes the node version decoders (node_versions and nodes values).
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "onyx/store/values.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace onyx::store;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto node = DecodeNodeVersion(bytes, 42, 3);
  if (node.ok()) {
    auto again = DecodeNodeVersion(EncodeNodeVersion(*node, node->validity), 42, 3);
    ONYX_FUZZ_CHECK(again.ok() && *again == *node);
  }
  auto current = DecodeCurrentNode(bytes, 42);
  if (current.ok()) {
    auto again = DecodeCurrentNode(EncodeCurrentNode(*current, current->validity.from), 42);
    ONYX_FUZZ_CHECK(again.ok() && *again == *current);
  }
  return 0;
}
