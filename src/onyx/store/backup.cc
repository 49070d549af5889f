// Checkpoints and restores.
#include "onyx/store/backup.h"

#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

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

namespace {

// Copies every key of every column family of `from` (read as it stands) into
// a new database at `to`, with the same families; flushed to table files.
Status CopyDatabase(rocksdb::DB& from, const std::vector<rocksdb::ColumnFamilyHandle*>& families,
                    const std::string& to) {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.error_if_exists = true;
  options.create_missing_column_families = true;
  options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (rocksdb::ColumnFamilyHandle* family : families) {
    descriptors.emplace_back(family->GetName(), rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ONYX_RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(options, to, descriptors, &handles, &raw),
                                 "backup: creating " + to));
  std::unique_ptr<rocksdb::DB> copy(raw);
  const auto close = [&](Status status) {
    for (rocksdb::ColumnFamilyHandle* h : handles) {
      if (Status s = FromRocks(copy->DestroyColumnFamilyHandle(h), "backup");
          !s.ok() && status.ok()) {
        status = s;
      }
    }
    if (Status s = FromRocks(copy->Close(), "backup: closing " + to); !s.ok() && status.ok()) {
      status = s;
    }
    return status;
  };
  // The iterators are made first, so that every family is read at one state.
  std::vector<std::unique_ptr<rocksdb::Iterator>> iterators;
  for (rocksdb::ColumnFamilyHandle* family : families) {
    iterators.emplace_back(from.NewIterator(rocksdb::ReadOptions(), family));
  }
  rocksdb::WriteOptions write;
  write.disableWAL = true;  // flushed below; a failed backup is thrown away
  constexpr std::size_t kBatchBytes = 4 << 20;
  for (std::size_t i = 0; i < families.size(); ++i) {
    rocksdb::Iterator& it = *iterators[i];
    rocksdb::WriteBatch batch;
    for (it.SeekToFirst(); it.Valid(); it.Next()) {
      if (Status s = FromRocks(batch.Put(handles[i], it.key(), it.value()), "backup"); !s.ok()) {
        return close(s);
      }
      if (batch.GetDataSize() >= kBatchBytes) {
        if (Status s = FromRocks(copy->Write(write, &batch), "backup: writing " + to); !s.ok()) {
          return close(s);
        }
        batch.Clear();
      }
    }
    if (Status s = FromRocks(it.status(), "backup: reading the store"); !s.ok()) return close(s);
    if (Status s = FromRocks(copy->Write(write, &batch), "backup: writing " + to); !s.ok()) {
      return close(s);
    }
  }
  rocksdb::FlushOptions flush;
  flush.wait = true;
  return close(FromRocks(copy->Flush(flush, handles), "backup: flushing " + to));
}

}  // namespace

Status BackupInUse(const std::string& store_dir, const std::string& backup_dir) {
  std::error_code ec;
  if (fs::exists(backup_dir, ec)) {
    return Status::InvalidArgument("backup: " + backup_dir + " already exists");
  }
  if (!fs::exists(fs::path(store_dir) / "CURRENT", ec)) {
    return Status::NotFound("backup: no store in " + store_dir);
  }
  const std::string stamp = std::to_string(core::NowMicros());
  const std::string follower_dir = backup_dir + ".follower-" + stamp;
  const std::string staging = backup_dir + ".partial-" + stamp;
  const auto cleanup = [&] {
    fs::remove_all(follower_dir, ec);
    fs::remove_all(staging, ec);
  };
  rocksdb::DBOptions options;
  // A secondary must hold every table file open: the owner may delete one
  // (compaction) while it is read here.
  options.max_open_files = -1;
  options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  std::vector<std::string> names;
  ONYX_RETURN_IF_ERROR(FromRocks(rocksdb::DB::ListColumnFamilies(options, store_dir, &names),
                                 "backup: reading " + store_dir));
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  // Read in key order, whole: no family's prefix extractor is needed.
  for (const std::string& name : names)
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status opened;
  // A table file can go between reading the manifest and opening it: retry.
  for (int attempt = 0; attempt < 5; ++attempt) {
    handles.clear();
    opened =
        rocksdb::DB::OpenAsSecondary(options, store_dir, follower_dir, descriptors, &handles, &raw);
    if (opened.ok() || !opened.IsPathNotFound()) break;
  }
  if (!opened.ok()) {
    cleanup();
    return FromRocks(opened, "backup: following " + store_dir);
  }
  std::unique_ptr<rocksdb::DB> follower(raw);
  Status copied = FromRocks(follower->TryCatchUpWithPrimary(), "backup: catching up");
  if (copied.ok()) copied = CopyDatabase(*follower, handles, staging);
  for (rocksdb::ColumnFamilyHandle* h : handles) {
    Status s = FromRocks(follower->DestroyColumnFamilyHandle(h), "backup");
    if (!s.ok() && copied.ok()) copied = s;
  }
  follower.reset();
  if (copied.ok()) {
    fs::rename(staging, backup_dir, ec);
    if (ec) copied = Status::IOError("backup: moving the copy in place: " + ec.message());
  }
  cleanup();
  return copied;
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
