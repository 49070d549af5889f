// Opening the store, the schema check, projects, and handing out views and writers.
#include "onyx/store/store.h"

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

#include <algorithm>
#include <filesystem>

#include "onyx/core/clock.h"
#include "onyx/core/coding.h"
#include "onyx/store/read_view.h"
#include "onyx/store/revision_writer.h"
#include "onyx/store/rocks.h"
#include "onyx/store/snapshot.h"
#include "onyx/store/values.h"

namespace onyx::store {
namespace {

constexpr ProjectId kMaxProjectId = 0xFFFFFFFEu;  // keeps ProjectPrefix(id + 1) valid

rocksdb::ColumnFamilyOptions FamilyOptions(Family family, const StoreOptions& options,
                                           const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions cf;
  if (options.tiny_write_buffers) {
    cf.write_buffer_size = 64 << 10;
    cf.target_file_size_base = 256 << 10;
    cf.max_bytes_for_level_base = 1 << 20;
  }
  const std::size_t write_buffer_bytes = cf.write_buffer_size;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  switch (family) {
    case Family::kNodeVersions:
    case Family::kEdgesOut:
    case Family::kEdgesIn:
      // project + node id: every read of these families stays inside one node's
      // keys, so a prefix bloom filter answers "no versions/edges" without I/O.
      cf.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(kNodePrefixBytes));
      table.whole_key_filtering = false;
      break;
    case Family::kBlobs:
      cf.compression = rocksdb::kNoCompression;  // values are zstd already
      break;
    case Family::kNodes:
      cf.prefix_extractor.reset(
          rocksdb::NewFixedPrefixTransform(kNodePrefixBytes));  // the whole key
      break;
    default: break;
  }
  // The families keyed by project + node id take most of a commit's keys, in
  // random order: a skiplist insert there walks a 64 MiB memtable (half of a
  // commit's time in perf). Hashed by that prefix, an insert touches one short
  // list: commits run ~1.5x faster. Point and per-node reads stay as fast; a
  // scan across nodes (topology, diff, export) first sorts a copy of the
  // unflushed keys, a cost bounded by the memtable (tens of ms after a large
  // ingest, nothing once flushed).
  switch (family) {
    case Family::kNodes:
    case Family::kNodeVersions:
    case Family::kEdgesOut:
    case Family::kEdgesIn:
      // About one bucket per KiB of write buffer (64K for 64 MiB): the
      // buckets are carved out of the memtable itself.
      cf.memtable_factory.reset(rocksdb::NewHashLinkListRepFactory(
          std::clamp<std::size_t>(write_buffer_bytes >> 10, 64, std::size_t{1} << 16)));
      break;
    default: break;
  }
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // Most commit-time lookups of new blobs miss: a memtable bloom filter
  // answers those without walking the skiplist. It is sized as a share of the
  // write buffer and zeroed whenever a memtable is made (every open): 1% of
  // 64 MiB is ~8 bits per key. The hashed families above answer a miss from
  // an empty bucket and need none (setting its bits cost 6% of a commit);
  // the families read by scans (meta, names, paths, vectors) neither.
  if (family == Family::kBlobs) {
    cf.memtable_prefix_bloom_size_ratio = 0.01;
    cf.memtable_whole_key_filtering = true;
  }
  return cf;
}

bool ValidProjectName(std::string_view name) {
  if (name.empty() || name.size() > StoreLimits::kMaxProjectNameBytes) return false;
  if (name.front() == '.' || name.front() == '-') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, const StoreOptions& options) {
  std::error_code ec;
  if (options.create_if_missing) std::filesystem::create_directories(path, ec);
  if (ec) return Status::IOError("store: cannot create folder " + path + ": " + ec.message());

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.allow_concurrent_memtable_write = false;  // hash memtables (below) need it
  db_options.keep_log_file_num = 4;
  db_options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);

  std::vector<std::string> existing;
  const rocksdb::Status list = rocksdb::DB::ListColumnFamilies(db_options, path, &existing);
  if (!list.ok() && !options.create_if_missing) {
    return FromRocks(list, "store: opening " + path);
  }

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  for (int i = 0; i < kFamilyCount; ++i) {
    const auto family = static_cast<Family>(i);
    descriptors.emplace_back(std::string(FamilyName(family)),
                             FamilyOptions(family, options, cache));
  }
  // Families a newer build added must be opened too; they are never touched.
  for (const std::string& name : existing) {
    const bool known = std::any_of(descriptors.begin(), descriptors.end(),
                                   [&](const auto& d) { return d.name == name; });
    if (!known) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status s = rocksdb::DB::Open(db_options, path, descriptors, &handles, &raw);
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    // RocksDB's LOCK file: another process (or another Store here) has it.
    return Status::Aborted("store: " + path + " is in use by another process (" + s.ToString() +
                           ")");
  }
  if (!s.ok()) return FromRocks(s, "store: opening " + path);

  auto rocks = std::make_unique<RocksHandles>();
  rocks->db.reset(raw);
  rocks->sync = options.sync;
  // handles[0] is default; the known families follow in order; then the extras.
  rocks->extra_families.push_back(handles[0]);
  for (int i = 0; i < kFamilyCount; ++i) rocks->families[i] = handles[1 + i];
  for (std::size_t i = 1 + kFamilyCount; i < handles.size(); ++i) {
    rocks->extra_families.push_back(handles[i]);
  }

  std::unique_ptr<Store> store(new Store(path, options, std::move(rocks)));
  ONYX_RETURN_IF_ERROR(store->InitSchema());
  return store;
}

Store::Store(std::string path, StoreOptions options, std::unique_ptr<RocksHandles> rocks)
    : path_(std::move(path)), options_(options), rocks_(std::move(rocks)) {}

Store::~Store() = default;

Status Store::InitSchema() {
  std::string value;
  const std::string key = MetaKey(MetaTag::kSchema);
  rocksdb::Status s =
      rocks_->db->Get(rocksdb::ReadOptions(), rocks_->cf(Family::kMeta), key, &value);
  if (s.IsNotFound()) {
    // A store is new only when meta is empty; data without a schema record means
    // something else wrote this database.
    std::unique_ptr<rocksdb::Iterator> it(
        rocks_->db->NewIterator(rocksdb::ReadOptions(), rocks_->cf(Family::kMeta)));
    it->SeekToFirst();
    if (it->Valid()) {
      return Status::Corruption("store " + path_ + ": meta has records but no schema version");
    }
    return WriteSchemaVersion(key);
  }
  ONYX_RETURN_IF_ERROR(FromRocks(s, "store: reading schema version"));
  ONYX_ASSIGN_OR_RETURN(const std::uint64_t version, DecodeCounter(value, "schema record"));
  if (version == 0 || version > kSchemaVersion) {
    return Status::FailedPrecondition("store " + path_ + " has schema version " +
                                      std::to_string(version) +
                                      "; this build of onyx reads schema versions 1 to " +
                                      std::to_string(kSchemaVersion) + " (upgrade onyx)");
  }
  if (version < kSchemaVersion) {
    // Schema 1 kept each open node version in node_versions too; this build
    // reads such a store as it is (it skips those copies) and writes the
    // schema 2 way, which a schema 1 build would misread: mark it.
    ONYX_RETURN_IF_ERROR(WriteSchemaVersion(key));
  }
  schema_version_ = kSchemaVersion;
  return Status::Ok();
}

Status Store::WriteSchemaVersion(const std::string& key) {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  ONYX_RETURN_IF_ERROR(
      FromRocks(rocks_->db->Put(wo, rocks_->cf(Family::kMeta), key, EncodeCounter(kSchemaVersion)),
                "store: writing schema version"));
  schema_version_ = kSchemaVersion;
  return Status::Ok();
}

Result<Project> Store::CreateProject(std::string_view name) {
  if (!ValidProjectName(name)) {
    return Status::InvalidArgument("project name '" + std::string(name.substr(0, 200)) +
                                   "' is invalid: use 1 to 128 of A-Z a-z 0-9 . _ -, not "
                                   "starting with . or -");
  }
  std::lock_guard lock(mu_);
  rocksdb::DB* db = rocks_->db.get();
  auto* meta = rocks_->cf(Family::kMeta);
  std::string value;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), meta, ProjectByNameKey(name), &value);
  if (s.ok()) return Status::AlreadyExists("project '" + std::string(name) + "' already exists");
  if (!s.IsNotFound()) return FromRocks(s, "store: looking up project");

  std::uint64_t next = 1;
  s = db->Get(rocksdb::ReadOptions(), meta, MetaKey(MetaTag::kNextProjectId), &value);
  if (s.ok()) {
    ONYX_ASSIGN_OR_RETURN(next, DecodeCounter(value, "next project id"));
  } else if (!s.IsNotFound()) {
    return FromRocks(s, "store: reading next project id");
  }
  if (next == 0 || next > kMaxProjectId) {
    return Status::ResourceExhausted("store: project ids are exhausted");
  }

  Project project{static_cast<ProjectId>(next), std::string(name), core::NowMicros()};
  rocksdb::WriteBatch batch;
  batch.Put(meta, MetaKey(MetaTag::kNextProjectId), EncodeCounter(next + 1));
  batch.Put(meta, ProjectByNameKey(name), EncodeCounter(project.id));
  batch.Put(meta, ProjectKey(MetaTag::kProject, project.id), EncodeProject(project));
  batch.Put(meta, ProjectKey(MetaTag::kProjectStats, project.id), EncodeGraphStats({}));
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  ONYX_RETURN_IF_ERROR(FromRocks(db->Write(wo, &batch), "store: creating project"));
  return project;
}

Result<Project> Store::GetProject(std::string_view name) const {
  std::string value;
  const rocksdb::Status s = rocks_->db->Get(rocksdb::ReadOptions(), rocks_->cf(Family::kMeta),
                                            ProjectByNameKey(name), &value);
  if (s.IsNotFound()) return Status::NotFound("project '" + std::string(name) + "' does not exist");
  ONYX_RETURN_IF_ERROR(FromRocks(s, "store: looking up project"));
  ONYX_ASSIGN_OR_RETURN(const std::uint64_t id, DecodeCounter(value, "project id"));
  if (id == 0 || id > kMaxProjectId) {
    return Status::Corruption("meta: project '" + std::string(name) + "' maps to invalid id " +
                              std::to_string(id));
  }
  return GetProjectById(static_cast<ProjectId>(id));
}

Result<Project> Store::GetProjectById(ProjectId id) const {
  std::string value;
  const rocksdb::Status s = rocks_->db->Get(rocksdb::ReadOptions(), rocks_->cf(Family::kMeta),
                                            ProjectKey(MetaTag::kProject, id), &value);
  if (s.IsNotFound()) return Status::NotFound("project #" + std::to_string(id) + " does not exist");
  ONYX_RETURN_IF_ERROR(FromRocks(s, "store: reading project"));
  return DecodeProject(value, id);
}

Result<std::vector<Project>> Store::ListProjects() const {
  std::vector<Project> out;
  const std::string prefix = MetaKey(MetaTag::kProject);
  std::string upper;
  rocksdb::Slice upper_slice;
  auto ro = PrefixReadOptions(nullptr, prefix, &upper, &upper_slice);
  std::unique_ptr<rocksdb::Iterator> it(rocks_->db->NewIterator(ro, rocks_->cf(Family::kMeta)));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const std::string_view key = ToView(it->key());
    if (key.size() != 5) return Status::Corruption("meta: bad project key " + core::HexBytes(key));
    const ProjectId id = core::DecodeBigEndian32(key.data() + 1);
    ONYX_ASSIGN_OR_RETURN(Project p, DecodeProject(ToView(it->value()), id));
    out.push_back(std::move(p));
  }
  ONYX_RETURN_IF_ERROR(FromRocks(it->status(), "store: listing projects"));
  return out;
}

Status Store::DeleteProject(std::string_view name) {
  ONYX_ASSIGN_OR_RETURN(const Project project, GetProject(name));
  std::lock_guard lock(mu_);
  if (writers_.count(project.id) != 0) {
    return Status::Aborted("project '" + project.name + "' has a revision being written");
  }
  rocksdb::WriteBatch batch;
  const std::string begin = ProjectPrefix(project.id);
  const std::string end = ProjectPrefix(project.id + 1);
  for (Family f : {Family::kNodes, Family::kNodeVersions, Family::kEdgesOut, Family::kEdgesIn,
                   Family::kNames, Family::kPaths, Family::kVectors}) {
    batch.DeleteRange(rocks_->cf(f), begin, end);
  }
  auto* meta = rocks_->cf(Family::kMeta);
  batch.DeleteRange(meta, RevisionPrefix(project.id), PrefixSuccessor(RevisionPrefix(project.id)));
  batch.Delete(meta, ProjectKey(MetaTag::kProject, project.id));
  batch.Delete(meta, ProjectKey(MetaTag::kProjectStats, project.id));
  batch.Delete(meta, ProjectByNameKey(project.name));
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  return FromRocks(rocks_->db->Write(wo, &batch), "store: deleting project '" + project.name + "'");
}

Result<std::unique_ptr<RevisionWriter>> Store::BeginRevision(ProjectId project, RevisionInfo info) {
  for (const std::string* text : {&info.commit, &info.author, &info.message}) {
    if (text->size() > StoreLimits::kMaxRevisionTextBytes) {
      return Status::InvalidArgument("revision: commit, author or message exceeds " +
                                     std::to_string(StoreLimits::kMaxRevisionTextBytes) + " bytes");
    }
  }
  if (!IsValidRevisionSource(static_cast<std::uint8_t>(info.source))) {
    return Status::InvalidArgument("revision: source is not defined");
  }
  std::lock_guard lock(mu_);
  ONYX_RETURN_IF_ERROR(GetProjectById(project).status());
  if (!writers_.insert(project).second) {
    return Status::Aborted("project #" + std::to_string(project) +
                           " already has an open revision writer (one writer per project)");
  }
  // Reading the latest revision under mu_ with the writer slot held: no other
  // writer of this project can commit in between.
  auto latest = LatestRevision(*rocks_, nullptr, project);
  if (!latest.ok()) {
    writers_.erase(project);
    return std::move(latest).status();
  }
  return std::unique_ptr<RevisionWriter>(
      new RevisionWriter(this, project, *latest + 1, *latest, std::move(info)));
}

void Store::ReleaseWriter(ProjectId project) {
  std::lock_guard lock(mu_);
  writers_.erase(project);
}

Result<ReadView> Store::View(ProjectId project, std::optional<RevisionNumber> as_of) const {
  auto pinned = std::make_shared<const PinnedSnapshot>(rocks_->db.get());
  // The project's existence is checked under the same snapshot as the reads.
  std::string value;
  rocksdb::ReadOptions ro;
  ro.snapshot = pinned->snapshot;
  const rocksdb::Status s = rocks_->db->Get(ro, rocks_->cf(Family::kMeta),
                                            ProjectKey(MetaTag::kProject, project), &value);
  if (s.IsNotFound()) {
    return Status::NotFound("project #" + std::to_string(project) + " does not exist");
  }
  ONYX_RETURN_IF_ERROR(FromRocks(s, "store: reading project"));
  ONYX_ASSIGN_OR_RETURN(const RevisionNumber latest,
                        LatestRevision(*rocks_, pinned->snapshot, project));
  const RevisionNumber rev = as_of.value_or(latest);
  if (rev > latest) {
    return Status::InvalidArgument("revision " + std::to_string(rev) +
                                   " is after the latest revision " + std::to_string(latest));
  }
  return ReadView(rocks_.get(), std::move(pinned), project, rev, latest, options_.max_blob_bytes);
}

Result<std::string> Store::GetBlob(const ContentHash& hash) const {
  std::string value;
  const rocksdb::Status s =
      rocks_->db->Get(rocksdb::ReadOptions(), rocks_->cf(Family::kBlobs), BlobKey(hash), &value);
  if (s.IsNotFound()) return Status::NotFound("blob " + hash.ToHex() + " does not exist");
  ONYX_RETURN_IF_ERROR(FromRocks(s, "store: reading blob"));
  return DecodeBlob(value, hash, options_.max_blob_bytes);
}

}  // namespace onyx::store
