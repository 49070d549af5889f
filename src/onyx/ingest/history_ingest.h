// Ingests a git repository's first-parent history: one revision per commit,
// oldest first, continuing after the last commit already ingested.
#pragma once

#include <string>

#include "onyx/engine.h"
#include "onyx/status.h"
#include "onyx/store/store.h"

namespace onyx::ingest {

/// See Engine::IngestHistory.
Result<HistorySummary> IngestHistory(store::Store& store, const Project& project,
                                     const std::string& repo_path, const HistoryOptions& options);

}  // namespace onyx::ingest
