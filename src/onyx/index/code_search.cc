// Building the indexes from the store, and hybrid search.
#include "onyx/index/code_search.h"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <unordered_map>

#include "onyx/core/coding.h"
#include "onyx/core/step_timer.h"

namespace onyx::index {
namespace {

constexpr std::size_t kMaxK = 1000;
constexpr float kRrfK = 60.0F;
constexpr std::size_t kMaxEmbedBytes = 1024;  // of source per document
constexpr std::size_t kSnippetLines = 6;

bool Indexed(NodeKind kind) {
  switch (kind) {
    case NodeKind::kProject:
    case NodeKind::kDirectory:
    case NodeKind::kFile:
    case NodeKind::kNote: return false;
    default: return true;
  }
}

std::string FirstLines(std::string_view text, std::size_t lines) {
  std::size_t end = 0;
  for (std::size_t n = 0; n < lines && end != std::string_view::npos; ++n) {
    end = text.find('\n', end == 0 ? 0 : end + 1);
  }
  std::string out(text.substr(0, end == std::string_view::npos ? text.size() : end));
  if (out.size() > 600) out.resize(600);
  return out;
}

}  // namespace

Result<std::unique_ptr<CodeSearch>> CodeSearch::Build(const store::ReadView& view,
                                                      const embed::Embedder& embedder,
                                                      const VectorIndexOptions& options,
                                                      int threads) {
  if (options.dimensions != embedder.dimensions()) {
    return Status::InvalidArgument(
        "code search: the index has " + std::to_string(options.dimensions) + " dimensions, model " +
        std::string(embedder.model_id()) + " gives " + std::to_string(embedder.dimensions()));
  }
  std::unique_ptr<CodeSearch> search(new CodeSearch(embedder));
  search->project_ = view.project();
  search->model_id_ = std::string(embedder.model_id());
  search->revision_ = view.latest();
  ONYX_ASSIGN_OR_RETURN(search->vectors_, VectorIndex::Create(options));
  search->lexical_ = std::make_unique<LexicalIndex>();
  std::vector<Node> versions;
  ONYX_RETURN_IF_ERROR(view.ForEachNodeVersion([&](Node& n) {
    if (Indexed(n.kind)) versions.push_back(std::move(n));
    return true;
  }));
  ONYX_RETURN_IF_ERROR(search->AddDocuments(view, std::move(versions), threads));
  return search;
}

Status CodeSearch::CatchUp(const store::ReadView& view, int threads) {
  if (view.project() != project_) {
    return Status::InvalidArgument("code search: built for project " + std::to_string(project_) +
                                   ", not " + std::to_string(view.project()));
  }
  if (view.latest() == revision_) return Status::Ok();
  std::map<std::pair<NodeId, RevisionNumber>, std::size_t> known;
  for (std::size_t i = 0; i < docs_.size(); ++i) {
    known.emplace(std::make_pair(docs_[i].id, docs_[i].validity.from), i);
  }
  std::vector<Node> added;
  ONYX_RETURN_IF_ERROR(view.ForEachNodeVersion([&](Node& n) {
    if (!Indexed(n.kind)) return true;
    auto it = known.find({n.id, n.validity.from});
    if (it != known.end()) {
      docs_[it->second].validity = n.validity;  // it may have ended since
    } else {
      added.push_back(std::move(n));
    }
    return true;
  }));
  ONYX_RETURN_IF_ERROR(AddDocuments(view, std::move(added), threads));
  revision_ = view.latest();
  return Status::Ok();
}

Status CodeSearch::AddDocuments(const store::ReadView& view, std::vector<Node> versions,
                                int threads) {
  const std::size_t first = docs_.size();
  std::vector<std::string> texts;
  texts.reserve(versions.size());
  for (Node& n : versions) {
    Doc doc;
    doc.id = n.id;
    doc.kind = n.kind;
    doc.name = std::move(n.name);
    doc.qualified_name = std::move(n.qualified_name);
    doc.language = std::move(n.language);
    doc.path = std::move(n.path);
    doc.span = n.span;
    doc.validity = n.validity;
    texts.push_back(std::string(NodeKindName(doc.kind)) + " " + doc.qualified_name + "\n" +
                    n.signature + "\n" + n.doc);
    doc.snippet = doc.kind == NodeKind::kDocSection ? n.doc : std::move(n.signature);
    docs_.push_back(std::move(doc));
  }

  // Source bodies: the file version valid when the definition's version began.
  std::unordered_map<std::string, std::shared_ptr<const std::string>> sources;
  for (std::size_t i = first; i < docs_.size(); ++i) {
    Doc& doc = docs_[i];
    if (doc.kind == NodeKind::kDocSection) continue;
    const std::string key = doc.path + '\0' + std::to_string(doc.validity.from);
    auto it = sources.find(key);
    if (it == sources.end()) {
      std::shared_ptr<const std::string> text;
      auto at = view.AsOf(doc.validity.from);
      if (at.ok()) {
        auto nodes = at->FindByPath(doc.path);
        if (nodes.ok()) {
          for (const Node& f : *nodes) {
            if (f.kind != NodeKind::kFile) continue;
            auto blob = view.GetBlob(f.content_hash);
            if (blob.ok()) text = std::make_shared<const std::string>(std::move(blob).value());
          }
        }
      }
      it = sources.emplace(key, std::move(text)).first;
    }
    if (it->second && doc.span.end_byte <= it->second->size() &&
        doc.span.start_byte < doc.span.end_byte) {
      const std::string_view body =
          std::string_view(*it->second)
              .substr(doc.span.start_byte, doc.span.end_byte - doc.span.start_byte);
      doc.snippet = FirstLines(body, kSnippetLines);
      texts[i - first] += "\n" + std::string(body.substr(0, kMaxEmbedBytes));
    }
  }

  // Only texts not embedded before are embedded: a version whose text equals
  // an indexed one (a definition that moved, a file reverted) copies its
  // vector, and a text repeated within this call is embedded once.
  const std::size_t n = texts.size();
  std::vector<std::size_t> to_embed;
  std::vector<std::pair<std::size_t, std::uint64_t>> to_copy;  // (index, key to copy from)
  {
    std::unordered_map<std::uint64_t, std::size_t> first_in_call;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t h = XXH3_64bits(texts[i].data(), texts[i].size());
      docs_[first + i].text_hash = h;
      if (const auto known = by_text_.find(h); known != by_text_.end()) {
        to_copy.emplace_back(i, known->second);
      } else if (const auto seen = first_in_call.find(h); seen != first_in_call.end()) {
        to_copy.emplace_back(i, first + seen->second);
      } else {
        first_in_call.emplace(h, i);
        to_embed.push_back(i);
      }
    }
  }

  // Embed and insert, in parallel. Workers take batches, so an embedder that
  // batches (a BERT forward pass, an HTTP request) gets several texts per call.
  const std::size_t m = to_embed.size();
  const int workers =
      threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  constexpr std::size_t kBatch = 16;
  const std::size_t dims = embedder_.dimensions();
  std::atomic<std::size_t> next{0};
  std::vector<Status> failures(static_cast<std::size_t>(workers));
  auto work = [&](int w) {
    std::vector<float> v(kBatch * dims);
    std::vector<std::string_view> batch;
    for (std::size_t begin = next.fetch_add(kBatch); begin < m; begin = next.fetch_add(kBatch)) {
      const std::size_t end = std::min(m, begin + kBatch);
      batch.clear();
      for (std::size_t j = begin; j < end; ++j) batch.push_back(texts[to_embed[j]]);
      Status s = embedder_.Embed(batch, v.data());
      for (std::size_t j = begin; s.ok() && j < end; ++j) {
        const std::size_t i = to_embed[j];
        s = vectors_->Add(first + i, v.data() + (j - begin) * dims);
        if (s.ok()) s = lexical_->Add(first + i, docs_[first + i].name, texts[i]);
      }
      if (!s.ok()) {
        failures[static_cast<std::size_t>(w)] = std::move(s);
        return;
      }
    }
  };
  std::vector<std::thread> pool;
  for (int w = 1; w < workers; ++w) pool.emplace_back(work, w);
  work(0);
  for (std::thread& t : pool) t.join();
  for (Status& s : failures) ONYX_RETURN_IF_ERROR(std::move(s));
  std::vector<float> v(dims);
  for (const auto& [i, from] : to_copy) {
    ONYX_RETURN_IF_ERROR(vectors_->Get(from, v.data()));
    ONYX_RETURN_IF_ERROR(vectors_->Add(first + i, v.data()));
    ONYX_RETURN_IF_ERROR(lexical_->Add(first + i, docs_[first + i].name, texts[i]));
  }
  for (std::size_t i = 0; i < n; ++i) by_text_.try_emplace(docs_[first + i].text_hash, first + i);
  return Status::Ok();
}

namespace {

constexpr std::string_view kMagic = "onyx-search";  // then a NUL
constexpr std::uint8_t kSnapshotFormat = 4;
constexpr std::size_t kMaxSnapshotBytes = std::size_t{8} << 30;

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("search snapshot: writing " + path + ": " + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

Status SyncFolder(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0)
    return Status::IOError("search snapshot: opening " + folder + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0)
    return Status::IOError("search snapshot: syncing " + folder + ": " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace

Status CodeSearch::Save(const std::string& path) const {
  std::string out(kMagic);
  out.push_back('\0');
  out.push_back(static_cast<char>(kSnapshotFormat));
  core::PutVarint64(&out, project_);
  core::PutVarint64(&out, revision_);
  core::PutLengthPrefixed(&out, model_id_);
  core::PutVarint64(&out, vectors_->dimensions());
  core::PutVarint64(&out, docs_.size());
  for (const Doc& d : docs_) {
    core::PutBigEndian64(&out, d.id);
    out.push_back(static_cast<char>(d.kind));
    core::PutLengthPrefixed(&out, d.name);
    core::PutLengthPrefixed(&out, d.qualified_name);
    core::PutLengthPrefixed(&out, d.language);
    core::PutLengthPrefixed(&out, d.path);
    core::PutSpan(&out, d.span);
    core::PutVarint64(&out, d.validity.from);
    core::PutVarint64(&out, d.validity.IsOpen() ? 0 : d.validity.to);
    core::PutLengthPrefixed(&out, d.snippet);
    core::PutBigEndian64(&out, d.text_hash);
  }
  core::PutLengthPrefixed(&out, lexical_->Serialize());
  ONYX_ASSIGN_OR_RETURN(const std::string vectors, vectors_->Serialize());
  core::PutVarint64(&out, vectors.size());
  out.append(vectors);
  core::PutBigEndian64(&out, XXH3_64bits(out.data(), out.size()));

  const std::filesystem::path target(path);
  std::error_code ec;
  std::filesystem::create_directories(target.parent_path(), ec);
  if (ec)
    return Status::IOError("search snapshot: creating " + target.parent_path().string() + ": " +
                           ec.message());
  const std::string temp = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return Status::IOError("search snapshot: creating " + temp + ": " + std::strerror(errno));
  Status written = WriteAll(fd, out, temp);
  if (written.ok() && ::fsync(fd) != 0) {
    written = Status::IOError("search snapshot: syncing " + temp + ": " + std::strerror(errno));
  }
  ::close(fd);
  if (written.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    written = Status::IOError("search snapshot: renaming to " + path + ": " + std::strerror(errno));
  }
  if (!written.ok()) {
    ::unlink(temp.c_str());
    return written;
  }
  return SyncFolder(target.parent_path().string());
}

Result<std::unique_ptr<CodeSearch>> CodeSearch::Load(const std::string& path, ProjectId project,
                                                     const embed::Embedder& embedder,
                                                     const VectorIndexOptions& options) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Status::NotFound("search snapshot: no file " + path);
  if (size > kMaxSnapshotBytes)
    return Status::Corruption("search snapshot: " + path + " is too large");
  std::string bytes(static_cast<std::size_t>(size), '\0');
  std::ifstream in(path, std::ios::binary);
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) {
    return Status::IOError("search snapshot: reading " + path);
  }
  const auto corrupt = [&](const std::string& why) {
    return Status::Corruption("search snapshot " + path + ": " + why);
  };
  if (bytes.size() < kMagic.size() + 10 ||
      std::string_view(bytes).substr(0, kMagic.size()) != kMagic) {
    return corrupt("not a snapshot");
  }
  const std::size_t body = bytes.size() - 8;
  if (core::DecodeBigEndian64(bytes.data() + body) != XXH3_64bits(bytes.data(), body)) {
    return corrupt("checksum mismatch");
  }
  core::ByteReader r(std::string_view(bytes).substr(kMagic.size() + 1, body - kMagic.size() - 1));
  std::uint8_t format = 0;
  std::uint64_t stored_project = 0;
  std::uint64_t revision = 0;
  std::string model;
  std::uint64_t dimensions = 0;
  std::uint64_t count = 0;
  if (!(r.ReadByte(&format) && r.ReadVarint64(&stored_project) && r.ReadVarint64(&revision) &&
        r.ReadLengthPrefixed(&model) && r.ReadVarint64(&dimensions) && r.ReadVarint64(&count))) {
    return r.Error("search snapshot " + path);
  }
  if (format != kSnapshotFormat) return corrupt("format " + std::to_string(format));
  if (stored_project != project)
    return corrupt("written for project " + std::to_string(stored_project));
  if (model != embedder.model_id()) return corrupt("written for model " + model);
  if (dimensions != options.dimensions) return corrupt("written with other dimensions");
  if (count > r.remaining()) return corrupt("document count");
  std::unique_ptr<CodeSearch> search(new CodeSearch(embedder));
  search->project_ = project;
  search->model_id_ = model;
  search->revision_ = revision;
  search->docs_.resize(static_cast<std::size_t>(count));
  for (Doc& d : search->docs_) {
    std::string_view id;
    std::string_view text_hash;
    std::uint8_t kind = 0;
    std::uint64_t to = 0;
    if (!(r.ReadBytes(8, &id) && r.ReadByte(&kind) && r.ReadLengthPrefixed(&d.name) &&
          r.ReadLengthPrefixed(&d.qualified_name) && r.ReadLengthPrefixed(&d.language) &&
          r.ReadLengthPrefixed(&d.path) && r.ReadSpan(&d.span) &&
          r.ReadVarint64(&d.validity.from) && r.ReadVarint64(&to) &&
          r.ReadLengthPrefixed(&d.snippet) && r.ReadBytes(8, &text_hash))) {
      return r.Error("search snapshot " + path);
    }
    if (!IsValidNodeKind(kind)) return corrupt("node kind " + std::to_string(kind));
    d.id = core::DecodeBigEndian64(id.data());
    d.kind = static_cast<NodeKind>(kind);
    d.validity.to = to == 0 ? kOpenRevision : to;
    d.text_hash = core::DecodeBigEndian64(text_hash.data());
  }
  for (std::size_t i = 0; i < search->docs_.size(); ++i) {
    search->by_text_.try_emplace(search->docs_[i].text_hash, i);
  }
  std::string_view lexical;
  std::uint64_t vector_bytes = 0;
  if (!(r.ReadLengthPrefixed(&lexical, kMaxSnapshotBytes) && r.ReadVarint64(&vector_bytes)) ||
      vector_bytes != r.remaining()) {
    return corrupt("index sections");
  }
  ONYX_ASSIGN_OR_RETURN(search->lexical_, LexicalIndex::Deserialize(lexical));
  ONYX_ASSIGN_OR_RETURN(search->vectors_, VectorIndex::Deserialize(r.Rest(), options));
  if (search->vectors_->size() != count || search->lexical_->size() != count) {
    return corrupt("index sizes differ from the document count");
  }
  return search;
}

bool CodeSearch::Passes(std::uint64_t key, const SearchFilters& filters,
                        RevisionNumber as_of) const {
  if (key >= docs_.size()) return false;
  const Doc& d = docs_[key];
  if (!d.validity.Contains(as_of)) return false;
  if (filters.kind && d.kind != *filters.kind) return false;
  if (!filters.language.empty() && d.language != filters.language) return false;
  if (!filters.path_prefix.empty() && !d.path.starts_with(filters.path_prefix)) return false;
  return true;
}

Result<std::vector<SearchHit>> CodeSearch::Search(std::string_view text, std::size_t k,
                                                  const SearchFilters& filters,
                                                  RevisionNumber as_of, SearchMode mode,
                                                  Trace* trace) const {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status::InvalidArgument("search: the query is empty");
  }
  if (k == 0 || k > kMaxK) {
    return Status::InvalidArgument("search: k must be in 1.." + std::to_string(kMaxK));
  }
  const auto passes = [&](std::uint64_t key) { return Passes(key, filters, as_of); };
  const std::size_t depth = std::max<std::size_t>(k * 4, 50);
  std::unordered_map<std::uint64_t, SearchHit> fused;
  const auto hit_for = [&](std::uint64_t key) -> SearchHit& {
    auto [it, inserted] = fused.try_emplace(key);
    if (inserted) {
      const Doc& d = docs_[key];
      SearchHit& h = it->second;
      h.id = d.id;
      h.kind = d.kind;
      h.name = d.name;
      h.qualified_name = d.qualified_name;
      h.language = d.language;
      h.path = d.path;
      h.span = d.span;
      h.validity = d.validity;
      h.snippet = d.snippet;
    }
    return it->second;
  };
  QueryPlan unused;
  QueryPlan& plan = trace != nullptr && trace->plan != nullptr ? *trace->plan : unused;
  core::StepTimer timer(&plan.steps);
  bool ranked = false;  // a ranking ran: the next may be skipped when out of time
  const auto skip = [&] {
    if (!ranked || trace == nullptr || trace->deadline == nullptr) return false;
    if (!trace->deadline->Expired()) return false;
    trace->partial = true;
    return true;
  };
  if (mode != SearchMode::kLexical) {
    ranked = true;
    ONYX_ASSIGN_OR_RETURN(std::vector<float> query, embedder_.EmbedOne(text));
    timer.Step("embed query");
    ONYX_ASSIGN_OR_RETURN(std::vector<VectorHit> hits,
                          vectors_->Search(query.data(), depth, passes));
    for (std::size_t r = 0; r < hits.size(); ++r) {
      SearchHit& h = hit_for(hits[r].key);
      h.parts["vector_rank"] = static_cast<float>(r + 1);
      h.parts["vector_similarity"] = 1.0F - hits[r].distance;
      h.score += mode == SearchMode::kVector ? 1.0F - hits[r].distance
                                             : 1.0F / (kRrfK + static_cast<float>(r + 1));
    }
    timer.Step("vector ranking");
    plan.counts.emplace_back("vector_hits", hits.size());
  }
  if (mode != SearchMode::kVector && !skip()) {
    ranked = true;
    const std::vector<LexicalHit> hits = lexical_->Search(text, depth, passes);
    for (std::size_t r = 0; r < hits.size(); ++r) {
      SearchHit& h = hit_for(hits[r].key);
      h.parts["lexical_rank"] = static_cast<float>(r + 1);
      h.parts["lexical_score"] = hits[r].score;
      h.score +=
          mode == SearchMode::kLexical ? hits[r].score : 1.0F / (kRrfK + static_cast<float>(r + 1));
    }
    timer.Step("lexical ranking");
    plan.counts.emplace_back("lexical_hits", hits.size());
  }
  if (mode == SearchMode::kHybrid && !skip()) {
    // A query that is a symbol's name puts that symbol first.
    std::size_t rank = 0;
    for (const std::uint64_t key : lexical_->ExactName(std::string(text))) {
      if (!passes(key)) continue;
      SearchHit& h = hit_for(key);
      h.parts["exact_name"] = 1.0F;
      h.score += 1.0F / (kRrfK + static_cast<float>(++rank)) + 1.0F / kRrfK;
    }
    timer.Step("exact names");
    plan.counts.emplace_back("exact_name_hits", rank);
  }
  std::vector<SearchHit> out;
  out.reserve(fused.size());
  for (auto& [key, hit] : fused) out.push_back(std::move(hit));
  std::sort(out.begin(), out.end(), [](const SearchHit& a, const SearchHit& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.qualified_name < b.qualified_name;
  });
  if (out.size() > k) out.resize(k);
  timer.Step("fuse");
  return out;
}

}  // namespace onyx::index
