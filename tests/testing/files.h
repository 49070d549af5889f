// Reading fixture and source files in tests.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "testing/temp_dir.h"

namespace onyx::testing {

/// The whole file, or "" when it cannot be read.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// tests/fixtures/<relative> in the source tree.
inline std::string FixturePath(const std::string& relative) {
  return SourceDir() + "/tests/fixtures/" + relative;
}

}  // namespace onyx::testing
