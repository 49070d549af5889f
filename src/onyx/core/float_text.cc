#include "onyx/core/float_text.h"

#include <charconv>
#include <cstdlib>
#include <string>

namespace onyx::core {

double ShortestDouble(float f) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f);
  return ec == std::errc() ? std::strtod(std::string(buf, end).c_str(), nullptr) : f;
}

}  // namespace onyx::core
