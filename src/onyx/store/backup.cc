// Checkpoints and restores.
#include "onyx/store/backup.h"

#include <rocksdb/utilities/checkpoint.h>

#include <filesystem>

#include "onyx/core/clock.h"
#include "onyx/store/rocks.h"

namespace onyx::store {
namespace fs = std::filesystem;

Status Backup(const Store& store, const std::string& backup_dir) {
  std::error_code ec;
  if (fs::exists(backup_dir, ec)) {
    return Status::InvalidArgument("backup: " + backup_dir + " already exists");
  }
  rocksdb::Checkpoint* raw = nullptr;
  ONYX_RETURN_IF_ERROR(
      FromRocks(rocksdb::Checkpoint::Create(store.rocks_->db.get(), &raw), "backup: checkpoint"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // Flush first (log_size_for_flush 0), so the backup needs no WAL replay.
  return FromRocks(checkpoint->CreateCheckpoint(backup_dir, /*log_size_for_flush=*/0),
                   "backup: writing " + backup_dir);
}

Result<RestoreSummary> Restore(const std::string& backup_dir, const std::string& store_dir) {
  std::error_code ec;
  if (!fs::is_directory(backup_dir, ec) || !fs::exists(fs::path(backup_dir) / "CURRENT", ec)) {
    return Status::NotFound("restore: " + backup_dir + " is not a backup (no CURRENT file)");
  }
  const fs::path target = fs::weakly_canonical(store_dir, ec);
  if (ec) return Status::IOError("restore: " + store_dir + ": " + ec.message());
  // Refuse while another process has the store open (RocksDB's lock).
  if (fs::exists(target / "CURRENT", ec)) {
    StoreOptions probe;
    probe.create_if_missing = false;
    auto open = Store::Open(target.string(), probe);
    if (!open.ok()) {
      return Status::Aborted(
          "restore: the store at " + target.string() +
          " cannot be opened (in use by another process?): " + open.status().ToString());
    }
  }
  // Copy, then check the copy: a damaged backup never replaces anything.
  const std::string stamp = std::to_string(core::NowMicros());
  const fs::path staging = target.string() + ".restoring-" + stamp;
  fs::create_directories(staging.parent_path(), ec);
  fs::copy(backup_dir, staging, fs::copy_options::recursive, ec);
  if (ec) {
    fs::remove_all(staging, ec);
    return Status::IOError("restore: copying " + backup_dir + ": " + ec.message());
  }
  RestoreSummary summary;
  const auto check = [&]() -> Status {
    StoreOptions options;
    options.create_if_missing = false;
    ONYX_ASSIGN_OR_RETURN(const auto copy, Store::Open(staging.string(), options));
    ONYX_ASSIGN_OR_RETURN(const std::vector<Project> projects, copy->ListProjects());
    for (const Project& p : projects) ONYX_RETURN_IF_ERROR(copy->VerifyIntegrity(p.id));
    summary.projects = projects.size();
    return Status::Ok();
  };
  if (Status verified = check(); !verified.ok()) {
    fs::remove_all(staging, ec);
    return Status::Corruption("restore: the backup at " + backup_dir +
                              " does not check out: " + verified.ToString());
  }
  if (fs::exists(target, ec)) {
    summary.previous = target.string() + ".before-restore-" + stamp;
    fs::rename(target, summary.previous, ec);
    if (ec) {
      fs::remove_all(staging, ec);
      return Status::IOError("restore: moving the old store aside: " + ec.message());
    }
  }
  fs::rename(staging, target, ec);
  if (ec) return Status::IOError("restore: moving the restored store in place: " + ec.message());
  return summary;
}

}  // namespace onyx::store
