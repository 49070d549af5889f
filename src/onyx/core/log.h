// A minimal log on stderr: one line per message, "onyx: LEVEL: message". The
// level comes from $ONYX_LOG (error, warn, info, debug; default warn).
#pragma once

#include <string_view>

namespace onyx::core {

enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

/// True when messages of `level` are written.
bool LogEnabled(LogLevel level);
/// Writes `message` when `level` is enabled. Thread-safe.
void Log(LogLevel level, std::string_view message);

}  // namespace onyx::core
