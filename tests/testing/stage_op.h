// Stages one reference-model operation on a real RevisionWriter.
#pragma once

#include <variant>

#include "onyx/store/revision_writer.h"
#include "testing/temporal_model.h"

namespace onyx::testing {

inline Status StageOp(store::RevisionWriter& writer, const StoreOp& op) {
  if (auto* u = std::get_if<UpsertNodeOp>(&op)) return writer.UpsertNode(u->node);
  if (auto* r = std::get_if<RemoveNodeOp>(&op)) return writer.RemoveNode(r->id);
  if (auto* u = std::get_if<UpsertEdgeOp>(&op)) return writer.UpsertEdge(u->edge);
  return writer.RemoveEdge(std::get<RemoveEdgeOp>(op).ref);
}

}  // namespace onyx::testing
