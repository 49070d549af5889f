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

/// Asserts that a Status or Result is ok, printing the error otherwise. The
/// temporary is named per expansion so that nested uses (an EXPECT_OK inside a
/// lambda passed to another) do not shadow each other.
#define ONYX_TEST_CONCAT_INNER_(a, b) a##b
#define ONYX_TEST_CONCAT_(a, b) ONYX_TEST_CONCAT_INNER_(a, b)
#define ONYX_TEST_CHECK_OK_(check, expr, var)            \
  do {                                                   \
    const auto& var = (expr);                            \
    check(var.ok()) << ::onyx::testing::StatusText(var); \
  } while (false)
#define ASSERT_OK(expr) \
  ONYX_TEST_CHECK_OK_(ASSERT_TRUE, expr, ONYX_TEST_CONCAT_(onyx_ok_, __COUNTER__))
#define EXPECT_OK(expr) \
  ONYX_TEST_CHECK_OK_(EXPECT_TRUE, expr, ONYX_TEST_CONCAT_(onyx_ok_, __COUNTER__))

#include "onyx/status.h"
namespace onyx::testing {
inline std::string StatusText(const Status& s) { return s.ToString(); }
template <typename T>
std::string StatusText(const Result<T>& r) {
  return r.status().ToString();
}
}  // namespace onyx::testing
