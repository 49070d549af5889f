// Filling a WalkPlan (explain): each step's time and the adjacency's reads.
#pragma once

#include <chrono>
#include <string>

#include "onyx/query.h"
#include "onyx/query/topology.h"

namespace onyx::query {

class PlanTimer {
 public:
  explicit PlanTimer(WalkPlan* plan) : plan_(plan), last_(std::chrono::steady_clock::now()) {}

  /// Records the time since the previous step (or the start) as `step`.
  void Step(std::string step) {
    const auto now = std::chrono::steady_clock::now();
    plan_->steps.emplace_back(std::move(step),
                              std::chrono::duration<double, std::milli>(now - last_).count());
    last_ = now;
  }

  /// Copies where adjacency came from and what it read.
  void Count(const Adjacency& adjacency) {
    plan_->adjacency = adjacency.in_memory() ? "topology" : "store";
    plan_->nodes_expanded = adjacency.reads();
    plan_->edges_read = adjacency.edges_read();
    plan_->nodes_loaded = adjacency.nodes_read();
  }

 private:
  WalkPlan* plan_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace onyx::query
