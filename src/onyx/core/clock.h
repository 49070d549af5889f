// Wall-clock time in microseconds since the Unix epoch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace onyx::core {

/// Microseconds since 1970-01-01T00:00:00Z.
std::int64_t NowMicros();

/// RFC 3339 in UTC with microseconds, e.g. "2026-11-24T17:16:17.123456Z".
std::string FormatTimeMicros(std::int64_t micros);

/// Parses a UTC date "2026-11-24", a time "2026-11-24T17:16:17" (optionally
/// ending in 'Z'), or "@SECONDS" since the epoch; nullopt for anything else or a
/// date that does not exist (month 13, February 30).
std::optional<std::int64_t> ParseTimeMicros(std::string_view text);

}  // namespace onyx::core
