// What the graph's questions return: nodes reached by walking edges back from
// a node (impact, tests_for), with their distance, confidence and path.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "onyx/types.h"

namespace onyx {

/// Bounds of a walk; past them it stops and says the result is partial.
struct WalkLimits {
  int max_depth = 3;
  std::size_t max_results = 200;
  std::chrono::milliseconds time_limit{2000};
};

/// A node reached by walking back from the start, with how.
struct Reached {
  Node node;
  int depth = 0;            ///< Edges from the start.
  float confidence = 1;     ///< Product of the edges' confidences on the path.
  std::vector<Edge> path;   ///< From this node to the start, edge by edge.
  std::vector<Node> tests;  ///< Tests that reach this node (impact only).
};

struct WalkResult {
  RevisionNumber revision = 0;
  std::vector<Reached> nodes;  ///< By depth, then confidence (highest first).
  bool partial = false;        ///< A limit cut the walk short.
};

/// One version of a node in its history, and what it changed.
struct NodeVersionChange {
  Node node;          ///< The version (with its validity).
  Revision revision;  ///< The revision it began at: commit, author, time, message.
  /// What differs from the version before: "added", "renamed" (it continues a
  /// node of another path), "signature", "body", "doc", "location"; a last
  /// entry "removed" when the node no longer exists (its node is the last
  /// version, its revision the one that removed it).
  std::vector<std::string> changes;
};

struct NodeHistory {
  std::vector<NodeVersionChange> versions;  ///< Oldest first, across renames.
};

}  // namespace onyx
