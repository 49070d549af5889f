// Fuzzes the JSON Lines import: bytes either fail with a Status, leaving the
// project without revisions, or import into a project that passes the store's
// integrity check and exports → imports → exports to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>

#include "fuzz_support.h"
#include "onyx/store/graph_jsonl.h"

namespace {

// One store for the whole run, in a temporary folder removed at exit.
struct FuzzEnv {
  FuzzEnv() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "onyx-jsonl-fuzz-XXXXXX").string();
    const char* made = ::mkdtemp(tmpl.data());
    ONYX_FUZZ_CHECK(made != nullptr);
    dir = made;
    onyx::store::StoreOptions options;
    options.sync = false;
    auto opened = onyx::store::Store::Open(dir, options);
    ONYX_FUZZ_CHECK(opened.ok());
    store = std::move(opened).value();
  }
  ~FuzzEnv() {
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::string dir;
  std::unique_ptr<onyx::store::Store> store;
};

onyx::store::Store& FuzzStore() {
  static FuzzEnv env;
  return *env.store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace onyx;
  store::Store& store = FuzzStore();
  auto project = store.CreateProject("input");
  ONYX_FUZZ_CHECK(project.ok());
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  store::ImportLimits limits;
  limits.max_line_bytes = 1 << 16;
  limits.max_lines = 10'000;
  auto imported = store::ImportJsonl(store, *project, in, limits);
  auto view = store.View(project->id);
  ONYX_FUZZ_CHECK(view.ok());
  if (imported.ok()) {
    ONYX_FUZZ_CHECK(store.VerifyIntegrity(project->id).ok());
    store::ExportOptions options;
    options.with_history = true;
    std::ostringstream first;
    ONYX_FUZZ_CHECK(store::ExportJsonl(*view, options, first).ok());
    auto copy = store.CreateProject("copy");
    ONYX_FUZZ_CHECK(copy.ok());
    std::istringstream again(first.str());
    ONYX_FUZZ_CHECK(store::ImportJsonl(store, *copy, again).ok());
    std::ostringstream second;
    ONYX_FUZZ_CHECK(store::ExportJsonl(*store.View(copy->id), options, second).ok());
    ONYX_FUZZ_CHECK(first.str() == second.str());
    ONYX_FUZZ_CHECK(store.DeleteProject("copy").ok());
  }
  ONYX_FUZZ_CHECK(store.DeleteProject("input").ok());
  return 0;
}
