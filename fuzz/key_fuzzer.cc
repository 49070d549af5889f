// Fuzzes every key decoder; a decoded key must re-encode to the same bytes (keys,
// unlike values, have exactly one encoding).
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "onyx/store/keys.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace onyx::store;
  const std::string_view key(reinterpret_cast<const char*>(data), size);
  onyx::ProjectId project = 0;
  if (auto node = DecodeNodeKey(key, &project); node.ok()) {
    ONYX_FUZZ_CHECK(NodeKey(project, *node) == key);
  }
  if (auto v = DecodeNodeVersionKey(key); v.ok()) {
    ONYX_FUZZ_CHECK(NodeVersionKey(v->project, v->node, v->from) == key);
  }
  if (auto e = DecodeEdgeKey(key); e.ok()) {
    ONYX_FUZZ_CHECK(EdgeKey(e->project, e->near, e->kind, e->far, e->from) == key);
  }
  if (auto t = DecodeTextIndexKey(key); t.ok()) {
    ONYX_FUZZ_CHECK(TextIndexKey(t->project, t->text, t->node) == key);
  }
  if (auto r = DecodeRevisionKey(key, &project); r.ok()) {
    ONYX_FUZZ_CHECK(RevisionKey(project, *r) == key);
  }
  return 0;
}
