// An Engine over a fresh data folder with a copy of the Python resolution
// fixture (tests/fixtures/resolve/python, a small shop) ingested as revision 1
// of project "shop": for tests above the query layer.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "onyx/engine.h"
#include "testing/temp_dir.h"

namespace onyx::testing {

class ShopEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tree_ = work_.Sub("shop");
    std::filesystem::copy(SourceDir() + "/tests/fixtures/resolve/python", tree_,
                          std::filesystem::copy_options::recursive);
    auto engine = Engine::Open(work_.Sub("data"), Options());
    ASSERT_OK(engine);
    engine_ = std::move(engine).value();
    ASSERT_OK(engine_->CreateProject("shop"));
    ASSERT_OK(engine_->IngestTree("shop", tree_));
  }

  /// The engine's options; a test may change them.
  virtual EngineOptions Options() const { return {}; }

  TempDir work_;
  std::string tree_;  ///< The copy ingested; tests may edit it.
  std::unique_ptr<Engine> engine_;
};

}  // namespace onyx::testing
