// Wall-clock time in microseconds since the Unix epoch.
#pragma once

#include <cstdint>
#include <string>

namespace onyx::core {

/// Microseconds since 1970-01-01T00:00:00Z.
std::int64_t NowMicros();

/// RFC 3339 in UTC with microseconds, e.g. "2026-11-24T17:16:17.123456Z".
std::string FormatTimeMicros(std::int64_t micros);

}  // namespace onyx::core
