// A fresh store in a temporary folder with one project, for the tests of the
// layers above the store. Derived fixtures call StoreFixture::SetUp() first.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "onyx/store/store.h"
#include "testing/temp_dir.h"

namespace onyx::testing {

class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::Store::Open(data_.path());
    ASSERT_OK(store);
    store_ = std::move(store).value();
    auto project = store_->CreateProject("fixture");
    ASSERT_OK(project);
    project_ = *project;
  }

  TempDir data_;
  std::unique_ptr<store::Store> store_;
  Project project_;
};

}  // namespace onyx::testing
