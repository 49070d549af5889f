// Filling a QueryPlan (explain): each step's time and what it read.
#pragma once

#include "onyx/core/step_timer.h"
#include "onyx/query.h"
#include "onyx/query/topology.h"

namespace onyx::query {

class PlanTimer : public core::StepTimer {
 public:
  explicit PlanTimer(QueryPlan* plan) : StepTimer(&plan->steps), plan_(plan) {}

  /// Copies where adjacency came from and what it read.
  void Count(const Adjacency& adjacency) {
    plan_->source = adjacency.in_memory() ? "topology" : "store";
    plan_->counts = {{"nodes_expanded", adjacency.reads()},
                     {"edges_read", adjacency.edges_read()},
                     {"nodes_loaded", adjacency.nodes_read()}};
  }

 private:
  QueryPlan* plan_;
};

}  // namespace onyx::query
