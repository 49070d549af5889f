// The crash workload shared by tests/store/crash_test.cc and tools/store_torture:
// a child process commits deterministic revisions in a loop and reports each one
// after Commit returns; the parent kills it with SIGKILL at random moments, reopens
// the store and checks that every reported revision is present and complete and
// that no revision is partly visible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "onyx/status.h"
#include "testing/temporal_model.h"

namespace onyx::torture {

/// The operations of revision `rev`: a pure function of `rev`, so the parent can
/// recompute the expected state of any revision without talking to the child.
/// Every revision changes something and none is rejected.
std::vector<testing::StoreOp> RevisionOps(std::uint64_t rev);

/// Child side: opens the store at `dir`, then commits revision after revision,
/// printing "committed N" on stdout (unbuffered) after each Commit returns, until
/// killed or `max_revisions` were committed. Returns only on error or at the end.
Status RunChild(const std::string& dir, std::uint64_t max_revisions);

struct CrashReport {
  int kills = 0;
  std::uint64_t revisions = 0;         ///< Latest revision after the last reopen.
  int killed_before_first_commit = 0;  ///< Kills that landed during open or recovery.
  int unreported_but_present = 0;      ///< Committed, killed before it could say so.
};

/// Parent side: runs `cycles` spawn → random delay → SIGKILL → reopen → verify
/// cycles of `child_binary child DIR`, with delays drawn from `seed`. Fails with
/// Corruption naming the revision when a check fails.
Result<CrashReport> RunCrashCycles(const std::string& child_binary, const std::string& dir,
                                   int cycles, std::uint64_t seed, int max_delay_ms = 400);

}  // namespace onyx::torture
