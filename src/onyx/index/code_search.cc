// Building the indexes from the store, and hybrid search.
#include "onyx/index/code_search.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <unordered_map>

namespace onyx::index {
namespace {

constexpr std::size_t kMaxK = 1000;
constexpr float kRrfK = 60.0F;
constexpr std::size_t kMaxEmbedBytes = 4096;  // of source per document
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
  search->model_id_ = std::string(embedder.model_id());
  search->revision_ = view.latest();
  ONYX_ASSIGN_OR_RETURN(search->vectors_, VectorIndex::Create(options));

  // Documents, and the text each is embedded and indexed from.
  std::vector<std::string> texts;
  // Source of a file version by content hash (versions share files).
  std::unordered_map<std::string, std::string> file_text;  // key: path + '\0' + from
  ONYX_RETURN_IF_ERROR(view.ForEachNodeVersion([&](Node& n) {
    if (!Indexed(n.kind)) return true;
    Doc doc;
    doc.id = n.id;
    doc.kind = n.kind;
    doc.name = n.name;
    doc.qualified_name = n.qualified_name;
    doc.language = n.language;
    doc.path = n.path;
    doc.span = n.span;
    doc.validity = n.validity;
    std::string text = std::string(NodeKindName(n.kind)) + " " + n.qualified_name + "\n" +
                       n.signature + "\n" + n.doc;
    doc.snippet = n.signature;
    search->docs_.push_back(std::move(doc));
    texts.push_back(std::move(text));
    return true;
  }));

  // Source bodies: the file version valid when the definition's version began.
  std::unordered_map<std::string, std::shared_ptr<const std::string>> sources;
  for (std::size_t i = 0; i < search->docs_.size(); ++i) {
    Doc& doc = search->docs_[i];
    if (doc.kind == NodeKind::kDocSection) {
      texts[i] += "\n" + std::string(doc.snippet);
      continue;
    }
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
      texts[i] += "\n" + std::string(body.substr(0, kMaxEmbedBytes));
    }
  }

  // Embed and insert, in parallel.
  const std::size_t n = search->docs_.size();
  const int workers =
      threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::atomic<std::size_t> next{0};
  std::vector<Status> failures(static_cast<std::size_t>(workers));
  auto work = [&](int w) {
    std::vector<float> v(embedder.dimensions());
    for (std::size_t i = next++; i < n; i = next++) {
      const std::string_view t[] = {texts[i]};
      Status s = embedder.Embed(t, v.data());
      if (s.ok()) s = search->vectors_->Add(i, v.data());
      if (s.ok()) s = search->lexical_.Add(i, search->docs_[i].name, texts[i]);
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
                                                  RevisionNumber as_of, SearchMode mode) const {
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
  if (mode != SearchMode::kLexical) {
    ONYX_ASSIGN_OR_RETURN(std::vector<float> query, embedder_.EmbedOne(text));
    ONYX_ASSIGN_OR_RETURN(std::vector<VectorHit> hits,
                          vectors_->Search(query.data(), depth, passes));
    for (std::size_t r = 0; r < hits.size(); ++r) {
      SearchHit& h = hit_for(hits[r].key);
      h.parts["vector_rank"] = static_cast<float>(r + 1);
      h.parts["vector_similarity"] = 1.0F - hits[r].distance;
      h.score += mode == SearchMode::kVector ? 1.0F - hits[r].distance
                                             : 1.0F / (kRrfK + static_cast<float>(r + 1));
    }
  }
  if (mode != SearchMode::kVector) {
    const std::vector<LexicalHit> hits = lexical_.Search(text, depth, passes);
    for (std::size_t r = 0; r < hits.size(); ++r) {
      SearchHit& h = hit_for(hits[r].key);
      h.parts["lexical_rank"] = static_cast<float>(r + 1);
      h.parts["lexical_score"] = hits[r].score;
      h.score +=
          mode == SearchMode::kLexical ? hits[r].score : 1.0F / (kRrfK + static_cast<float>(r + 1));
    }
  }
  if (mode == SearchMode::kHybrid) {
    // A query that is a symbol's name puts that symbol first.
    std::size_t rank = 0;
    for (const std::uint64_t key : lexical_.ExactName(std::string(text))) {
      if (!passes(key)) continue;
      SearchHit& h = hit_for(key);
      h.parts["exact_name"] = 1.0F;
      h.score += 1.0F / (kRrfK + static_cast<float>(++rank)) + 1.0F / kRrfK;
    }
  }
  std::vector<SearchHit> out;
  out.reserve(fused.size());
  for (auto& [key, hit] : fused) out.push_back(std::move(hit));
  std::sort(out.begin(), out.end(), [](const SearchHit& a, const SearchHit& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.qualified_name < b.qualified_name;
  });
  if (out.size() > k) out.resize(k);
  return out;
}

}  // namespace onyx::index
