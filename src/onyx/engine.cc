// The Engine facade: forwards to the store and the ingest pipeline.
#include "onyx/engine.h"

#include <mutex>

#include "onyx/embed/hash_embedder.h"
#include "onyx/index/code_search.h"
#include "onyx/ingest/history_ingest.h"
#include "onyx/ingest/tree_ingest.h"
#include "onyx/store/read_view.h"
#include "onyx/store/store.h"

namespace onyx {

// One built search index per project, for the revision it covers.
struct Engine::SearchCache {
  std::mutex mu;
  embed::HashEmbedder embedder;
  std::map<ProjectId, std::shared_ptr<const index::CodeSearch>> by_project;
};

Result<std::unique_ptr<Engine>> Engine::Open(const std::string& data_dir,
                                             const EngineOptions& options) {
  store::StoreOptions store_options;
  store_options.sync = options.sync;
  ONYX_ASSIGN_OR_RETURN(auto store, store::Store::Open(data_dir, store_options));
  return std::unique_ptr<Engine>(new Engine(std::move(store)));
}

Engine::Engine(std::unique_ptr<store::Store> store)
    : store_(std::move(store)), search_(std::make_unique<SearchCache>()) {}
Engine::~Engine() = default;

Result<Project> Engine::CreateProject(std::string_view name) { return store_->CreateProject(name); }

Result<Project> Engine::OpenOrCreateProject(std::string_view name) {
  auto found = store_->GetProject(name);
  if (found.ok() || !found.status().IsNotFound()) return found;
  auto created = store_->CreateProject(name);
  // Another thread may have created it in between.
  if (!created.ok() && created.status().code() == StatusCode::kAlreadyExists) {
    return store_->GetProject(name);
  }
  return created;
}

Result<std::vector<Project>> Engine::ListProjects() const { return store_->ListProjects(); }

Status Engine::DeleteProject(std::string_view name) { return store_->DeleteProject(name); }

Result<IngestSummary> Engine::IngestTree(std::string_view project, const std::string& root,
                                         const IngestOptions& options) {
  ONYX_ASSIGN_OR_RETURN(const Project p, store_->GetProject(project));
  return ingest::IngestTree(*store_, p, root, options);
}

Result<HistorySummary> Engine::IngestHistory(std::string_view project, const std::string& repo_path,
                                             const HistoryOptions& options) {
  ONYX_ASSIGN_OR_RETURN(const Project p, store_->GetProject(project));
  return ingest::IngestHistory(*store_, p, repo_path, options);
}

Result<SearchResults> Engine::Search(std::string_view project, std::string_view text,
                                     const SearchOptions& options) {
  ONYX_ASSIGN_OR_RETURN(const Project p, store_->GetProject(project));
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, store_->View(p.id));
  const RevisionNumber as_of = options.as_of.value_or(view.latest());
  if (as_of > view.latest()) {
    return Status::InvalidArgument("search: revision " + std::to_string(as_of) +
                                   " is after the latest (" + std::to_string(view.latest()) + ")");
  }
  std::shared_ptr<const index::CodeSearch> search;
  {
    std::lock_guard lock(search_->mu);
    auto& cached = search_->by_project[p.id];
    if (!cached || cached->revision() != view.latest()) {
      index::VectorIndexOptions vector_options;
      vector_options.dimensions = search_->embedder.dimensions();
      ONYX_ASSIGN_OR_RETURN(auto built,
                            index::CodeSearch::Build(view, search_->embedder, vector_options));
      cached = std::move(built);
    }
    search = cached;
  }
  SearchResults results;
  results.revision = as_of;
  results.model = std::string(search->model_id());
  ONYX_ASSIGN_OR_RETURN(results.hits,
                        search->Search(text, options.k, options.filters, as_of, options.mode));
  return results;
}

Result<GraphStats> Engine::Stats(std::string_view project) const {
  ONYX_ASSIGN_OR_RETURN(const Project p, store_->GetProject(project));
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, store_->View(p.id));
  return view.Stats();
}

Result<std::vector<Node>> Engine::FindByName(std::string_view project, std::string_view name,
                                             bool prefix, std::size_t limit,
                                             std::optional<RevisionNumber> as_of) const {
  ONYX_ASSIGN_OR_RETURN(const Project p, store_->GetProject(project));
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, store_->View(p.id, as_of));
  return view.FindByName(name, prefix, limit);
}

Result<std::vector<Revision>> Engine::Revisions(std::string_view project) const {
  ONYX_ASSIGN_OR_RETURN(const Project p, store_->GetProject(project));
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, store_->View(p.id));
  return view.Revisions();
}

}  // namespace onyx
