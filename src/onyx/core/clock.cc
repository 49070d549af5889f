// Wall-clock helpers.
#include "onyx/core/clock.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace onyx::core {

std::int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string FormatTimeMicros(std::int64_t micros) {
  std::int64_t secs = micros / 1'000'000;
  std::int64_t frac = micros % 1'000'000;
  if (frac < 0) {
    frac += 1'000'000;
    --secs;
  }
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(frac));
  return buf;
}

std::optional<std::int64_t> ParseTimeMicros(std::string_view text) {
  if (text.starts_with("@")) {
    text.remove_prefix(1);
    if (text.empty() || text.size() > 12) return std::nullopt;
    std::int64_t secs = 0;
    for (const char c : text) {
      if (c < '0' || c > '9') return std::nullopt;
      secs = secs * 10 + (c - '0');
    }
    return secs * 1'000'000;
  }
  if (text.ends_with("Z")) text.remove_suffix(1);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  const std::string copy(text);
  int consumed = 0;
  if (copy.size() == 10) {
    if (std::sscanf(copy.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3) {
      return std::nullopt;
    }
  } else if (copy.size() == 19 && copy[10] == 'T') {
    if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s,
                    &consumed) != 6) {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  if (consumed != static_cast<int>(copy.size()) || y < 1970 || mo < 1 || mo > 12 || d < 1 ||
      h > 23 || mi > 59 || s > 59 || h < 0 || mi < 0 || s < 0) {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[mo - 1] + (mo == 2 && leap ? 1 : 0)) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<std::int64_t>(timegm(&tm)) * 1'000'000;
}

}  // namespace onyx::core
