// The stderr log.
#include "onyx/core/log.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace onyx::core {
namespace {

LogLevel Threshold() {
  static const LogLevel level = [] {
    const char* env = std::getenv("ONYX_LOG");
    const std::string_view v = env != nullptr ? env : "";
    if (v == "error") return LogLevel::kError;
    if (v == "info") return LogLevel::kInfo;
    if (v == "debug") return LogLevel::kDebug;
    return LogLevel::kWarn;
  }();
  return level;
}

const char* Name(LogLevel level) {
  switch (level) {
    case LogLevel::kError: return "error";
    case LogLevel::kWarn: return "warning";
    case LogLevel::kInfo: return "info";
    case LogLevel::kDebug: return "debug";
  }
  return "log";
}

}  // namespace

bool LogEnabled(LogLevel level) { return level <= Threshold(); }

void Log(LogLevel level, std::string_view message) {
  if (!LogEnabled(level)) return;
  static std::mutex mu;
  std::lock_guard lock(mu);
  std::fprintf(stderr, "onyx: %s: %.*s\n", Name(level), static_cast<int>(message.size()),
               message.data());
}

}  // namespace onyx::core
