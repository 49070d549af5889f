// Small builders for nodes and edges with valid ids, shared by the store tests.
#pragma once

#include <string>

#include "onyx/types.h"

namespace onyx::testing {

/// A function node `name` in file `path` with the given signature.
inline Node MakeFunction(const std::string& path, const std::string& name,
                         const std::string& signature = "()") {
  Node n;
  n.kind = NodeKind::kFunction;
  n.language = "python";
  n.path = path;
  n.name = name;
  n.qualified_name = path + "." + name;
  n.signature = signature;
  n.span = Span{0, 10, 1, 2};
  n.id = MakeNodeId(n.language, n.path, n.qualified_name, n.kind);
  return n;
}

inline Edge MakeEdge(NodeId src, EdgeKind kind, NodeId dst, float confidence = 1.0F) {
  Edge e;
  e.src = src;
  e.kind = kind;
  e.dst = dst;
  e.confidence = confidence;
  e.resolution = Resolution::kExact;
  return e;
}

}  // namespace onyx::testing
