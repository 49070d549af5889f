// Timing the steps of a question (explain): each step's name and the
// milliseconds since the step before it.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace onyx::core {

class StepTimer {
 public:
  using Steps = std::vector<std::pair<std::string, double>>;
  explicit StepTimer(Steps* steps) : steps_(steps), last_(std::chrono::steady_clock::now()) {}

  /// Records the time since the previous step (or the start) as `step`.
  void Step(std::string step) {
    const auto now = std::chrono::steady_clock::now();
    steps_->emplace_back(std::move(step),
                         std::chrono::duration<double, std::milli>(now - last_).count());
    last_ = now;
  }

  /// Starts the next step's clock now (the time since the last step was
  /// recorded elsewhere).
  void Restart() { last_ = std::chrono::steady_clock::now(); }

 private:
  Steps* steps_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace onyx::core
