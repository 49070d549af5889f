// A fresh temporary folder per test, removed when the test ends.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace onyx::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "onyx-test-XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    path_ = made != nullptr ? std::string(made) : std::string();
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// The source tree (set by CTest as ONYX_SOURCE_DIR).
inline std::string SourceDir() {
  const char* dir = std::getenv("ONYX_SOURCE_DIR");
  return dir != nullptr ? dir : ".";
}

}  // namespace onyx::testing

/// Asserts that a Status or Result is ok, printing the error otherwise.
#define ASSERT_OK(expr)                                                                \
  do {                                                                                 \
    const auto& onyx_assert_ok_ = (expr);                                              \
    ASSERT_TRUE(onyx_assert_ok_.ok()) << ::onyx::testing::StatusText(onyx_assert_ok_); \
  } while (false)
#define EXPECT_OK(expr)                                                                \
  do {                                                                                 \
    const auto& onyx_expect_ok_ = (expr);                                              \
    EXPECT_TRUE(onyx_expect_ok_.ok()) << ::onyx::testing::StatusText(onyx_expect_ok_); \
  } while (false)

#include "onyx/status.h"
namespace onyx::testing {
inline std::string StatusText(const Status& s) { return s.ToString(); }
template <typename T>
std::string StatusText(const Result<T>& r) {
  return r.status().ToString();
}
}  // namespace onyx::testing
