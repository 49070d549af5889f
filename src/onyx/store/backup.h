// Backups of a whole store: a RocksDB checkpoint taken while the store is in
// use, and a restore that swaps a checked copy of one into place.
#pragma once

#include <string>

#include "onyx/status.h"
#include "onyx/store/store.h"
#include "onyx/transfer.h"

namespace onyx::store {

/// Writes a consistent checkpoint of `store` (every project, every committed
/// revision up to the moment it starts) to `backup_dir`, which must not exist.
/// Files are hard-linked where the file system allows, so a backup on the same
/// disk is cheap; writers may keep committing meanwhile.
Status Backup(const Store& store, const std::string& backup_dir);

/// The same, of the store at `store_dir` that another process has open (and
/// keeps writing): follows it read-only (a RocksDB secondary instance) and
/// copies every key as of one moment, which holds every revision committed
/// before the call. Slower than Backup (a full copy, no hard links).
Status BackupInUse(const std::string& store_dir, const std::string& backup_dir);

using onyx::RestoreSummary;

/// Replaces the store at `store_dir` (which no process may have open) with a
/// copy of the backup at `backup_dir`. The copy is opened and every project's
/// integrity verified before anything is replaced; the old store is kept
/// beside it as `<store_dir>.before-restore-<time>`. Derived files (the
/// search/ snapshots) are not restored: they are rebuilt on first use.
Result<RestoreSummary> Restore(const std::string& backup_dir, const std::string& store_dir);

}  // namespace onyx::store
