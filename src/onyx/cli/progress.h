// A progress bar on stderr when it is a terminal; silent otherwise (pipes, CI,
// NO_COLOR does not matter: no colour is used).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace onyx::cli {

class ProgressBar {
 public:
  /// `unit` names what is counted ("files", "commits").
  explicit ProgressBar(std::string unit);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  /// Records progress; redraws at most ten times a second. Thread-safe.
  void Update(std::uint64_t done, std::uint64_t total);
  /// Clears the bar (before the summary is printed).
  void Finish();

  bool enabled() const { return enabled_; }

 private:
  void Draw(std::uint64_t done, std::uint64_t total);

  std::string unit_;
  bool enabled_ = false;
  bool drawn_ = false;
  std::mutex mu_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace onyx::cli
