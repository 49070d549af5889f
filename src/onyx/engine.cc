// The Engine facade: forwards to the store and the ingest pipeline.
#include "onyx/engine.h"

#include <algorithm>
#include <mutex>
#include <set>

#include "onyx/core/log.h"
#include "onyx/core/step_timer.h"
#include "onyx/embed/bert_embedder.h"
#include "onyx/embed/hash_embedder.h"
#include "onyx/embed/openai_embedder.h"
#include "onyx/index/code_search.h"
#include "onyx/ingest/history_ingest.h"
#include "onyx/ingest/tree_ingest.h"
#include "onyx/ingest/tree_watcher.h"
#include "onyx/ingest/worktree_changes.h"
#include "onyx/ingest/worktree_stat.h"
#include "onyx/query/diff.h"
#include "onyx/query/history.h"
#include "onyx/query/impact.h"
#include "onyx/query/notes.h"
#include "onyx/query/revisions.h"
#include "onyx/query/search_prior.h"
#include "onyx/query/topology.h"
#include "onyx/query/traverse.h"
#include "onyx/store/backup.h"
#include "onyx/store/graph_jsonl.h"
#include "onyx/store/read_view.h"
#include "onyx/store/revision_writer.h"
#include "onyx/store/store.h"

namespace onyx {

// What the engine keeps between questions: one built search index per
// project (for the revision it covers), topologies, staleness checks and
// ingest states.
struct Engine::Caches {
  std::mutex mu;
  std::unique_ptr<embed::Embedder> embedder;  // loaded on first use
  // Searches copy an index out under `mu`; one that only this map holds can
  // be caught up in place.
  std::map<ProjectId, std::shared_ptr<index::CodeSearch>> by_project;
  // With EngineOptions::cache_topology: each project's adjacency in memory.
  std::mutex topology_mu;
  std::map<ProjectId, std::shared_ptr<const query::Topology>> topologies;
  // The last staleness check that found each project's tree stale.
  struct StaleCheck {
    ingest::WorktreeStat stat;
    Freshness fresh;
  };
  std::mutex fresh_mu;
  std::map<ProjectId, StaleCheck> stale_checks;
  // Each project's tree as the last ingest here committed it: the next
  // ingest compares with it instead of reading every node back. An ingest
  // takes it out while it runs (a concurrent one reads from the store).
  std::mutex ingest_mu;
  std::map<ProjectId, ingest::GraphState> graph_states;
};

Result<std::shared_ptr<const query::Topology>> Engine::TopologyFor(
    const store::ReadView& view) const {
  if (!options_.cache_topology) return std::shared_ptr<const query::Topology>();
  std::lock_guard<std::mutex> lock(caches_->topology_mu);
  auto& cached = caches_->topologies[view.project()];
  if (!cached || cached->revision() < view.revision()) {
    ONYX_ASSIGN_OR_RETURN(cached, query::Topology::Build(view));
  }
  return cached;
}

Result<std::unique_ptr<Engine>> Engine::Open(const std::string& data_dir,
                                             const EngineOptions& options) {
  store::StoreOptions store_options;
  store_options.sync = options.sync;
  ONYX_ASSIGN_OR_RETURN(auto store, store::Store::Open(data_dir, store_options));
  const std::string& e = options.embedder;
  if (e != "hash" && !e.starts_with("bert:") &&
      !(e.starts_with("openai:") && e.find('@') != std::string::npos)) {
    return Status::InvalidArgument("engine: embedder '" + e +
                                   "' is not hash, bert:FOLDER or openai:MODEL@URL");
  }
  return std::unique_ptr<Engine>(new Engine(data_dir, options, std::move(store)));
}

Engine::Engine(std::string data_dir, const EngineOptions& options,
               std::unique_ptr<store::Store> store)
    : data_dir_(std::move(data_dir)),
      options_(options),
      store_(std::move(store)),
      caches_(std::make_unique<Caches>()) {}
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

std::string Engine::WorktreeStatPath(ProjectId project) const {
  return data_dir_ + "/worktree/" + std::to_string(project) + ".stat";
}

Result<IngestSummary> Engine::IngestTree(std::string_view project, const std::string& root,
                                         const IngestOptions& options) {
  ONYX_ASSIGN_OR_RETURN(const Project p, store_->GetProject(project));
  // The walk's stats, taken as it began: a file changed while ingesting
  // looks newer than them.
  ingest::WorktreeStat stat;
  ingest::GraphState state;
  {
    std::lock_guard<std::mutex> lock(caches_->ingest_mu);
    auto kept = caches_->graph_states.find(p.id);
    if (kept != caches_->graph_states.end()) {
      state = std::move(kept->second);
      caches_->graph_states.erase(kept);
    }
  }
  ONYX_ASSIGN_OR_RETURN(IngestSummary summary,
                        ingest::IngestTree(*store_, p, root, options, &stat, &state));
  ingest::FitToLimits(state, ingest::KeepLimits());
  if (state.valid || !state.walk.files.empty() || state.trees.size() > 0) {
    std::lock_guard<std::mutex> lock(caches_->ingest_mu);
    caches_->graph_states[p.id] = std::move(state);
  }
  // Remember the tree for staleness checks; derived data, so failing costs
  // the next check a full compare, no more.
  auto latest = store_->View(p.id);
  if (latest.ok()) {
    stat.revision = latest->latest();
    const Status saved = ingest::SaveWorktreeStat(stat, WorktreeStatPath(p.id));
    if (!saved.ok()) core::Log(core::LogLevel::kWarn, saved.ToString());
  }
  return summary;
}

Result<Freshness> Engine::CheckFreshness(std::string_view project, const std::string& root) const {
  ONYX_ASSIGN_OR_RETURN(const Project p, store_->GetProject(project));
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, store_->View(p.id));
  Freshness fresh;
  fresh.revision = view.latest();
  const std::string file = WorktreeStatPath(p.id);
  const std::optional<ingest::WorktreeStat> saved = ingest::LoadWorktreeStat(file);
  std::string tree = root;
  if (tree.empty()) {
    if (!saved) return fresh;  // no worktree ingest to compare with: unknown
    tree = saved->root;
  }
  // Walk as the ingest did (its ignore list and limits) when it is that tree.
  const bool same_tree = saved && saved->root == ingest::AbsoluteRoot(tree);
  auto now = ingest::StatWorktree(tree, same_tree ? saved->Options() : IngestOptions());
  if (!now.ok()) return fresh;  // the tree is gone or unreadable: unknown
  fresh.tree = now->root;
  if (saved && saved->revision == view.latest() && ingest::SameStat(*saved, *now)) {
    fresh.stale = false;
    return fresh;
  }
  // A tree whose stats are those of the last check that found it stale is
  // still stale: no need to read it all again.
  {
    std::lock_guard<std::mutex> lock(caches_->fresh_mu);
    const auto cached = caches_->stale_checks.find(p.id);
    if (cached != caches_->stale_checks.end() && cached->second.stat.revision == view.latest() &&
        cached->second.stat.root == now->root && cached->second.stat.files == now->files) {
      return cached->second.fresh;
    }
  }
  ONYX_ASSIGN_OR_RETURN(const WorktreeChanges changes,
                        ingest::CompareWorktree(view, tree, now->Options(), /*symbols=*/false));
  fresh.changed_files =
      changes.modified_files.size() + changes.added_files.size() + changes.removed_files.size();
  fresh.stale = changes.stale();
  now->revision = view.latest();
  if (!changes.stale()) {  // matched: next time the stats suffice
    const Status saved_now = ingest::SaveWorktreeStat(*now, file);
    if (!saved_now.ok()) core::Log(core::LogLevel::kDebug, saved_now.ToString());
  } else {
    std::lock_guard<std::mutex> lock(caches_->fresh_mu);
    caches_->stale_checks[p.id] = {std::move(*now), fresh};
  }
  return fresh;
}

Status Engine::WatchTree(std::string_view project, const std::string& root,
                         const IngestOptions& options, std::chrono::milliseconds quiet,
                         const std::function<bool(const Result<IngestSummary>&)>& on_ingest,
                         const std::atomic<bool>& stop) {
  // Watch first, so that nothing changed during the first ingest is missed.
  ONYX_ASSIGN_OR_RETURN(const auto watcher, ingest::TreeWatcher::Open(root));
  if (!on_ingest(IngestTree(project, root, options))) return Status::Ok();
  while (!stop.load()) {
    ONYX_ASSIGN_OR_RETURN(const std::size_t events,
                          watcher->WaitForChanges(quiet, std::chrono::seconds(2), stop));
    if (events == 0) break;  // stopped
    if (!on_ingest(IngestTree(project, root, options))) break;
  }
  return Status::Ok();
}

Result<HistorySummary> Engine::IngestHistory(std::string_view project, const std::string& repo_path,
                                             const HistoryOptions& options) {
  ONYX_ASSIGN_OR_RETURN(const Project p, store_->GetProject(project));
  return ingest::IngestHistory(*store_, p, repo_path, options);
}

// The configured embedder, loaded once (a BERT model takes a moment).
Status Engine::LoadEmbedder() {
  if (caches_->embedder) return Status::Ok();
  if (options_.embedder == "hash") {
    caches_->embedder = std::make_unique<embed::HashEmbedder>();
    return Status::Ok();
  }
  if (options_.embedder.starts_with("openai:")) {
    const std::string spec = options_.embedder.substr(7);
    embed::OpenAiOptions openai;
    openai.model = spec.substr(0, spec.find('@'));
    openai.url = spec.substr(spec.find('@') + 1);
    ONYX_ASSIGN_OR_RETURN(auto remote, embed::OpenAiEmbedder::Create(openai));
    caches_->embedder = std::move(remote);
    return Status::Ok();
  }
  ONYX_ASSIGN_OR_RETURN(auto bert, embed::BertEmbedder::Load(options_.embedder.substr(5)));
  caches_->embedder = std::move(bert);
  return Status::Ok();
}

std::string Engine::SnapshotPath(const Project& project) const {
  return data_dir_ + "/search/" + std::to_string(project.id) + "-" +
         std::string(caches_->embedder->model_id()) + ".snapshot";
}

namespace {

index::VectorIndexOptions VectorOptionsOf(const EngineOptions& engine, std::size_t dimensions) {
  index::VectorIndexOptions options;
  options.dimensions = dimensions;
  options.connectivity = engine.hnsw_m;
  options.expansion_add = engine.hnsw_ef_construction;
  options.expansion_search = engine.hnsw_ef_search;
  return options;
}

}  // namespace

Result<std::size_t> Engine::Reembed(std::string_view project) {
  ONYX_ASSIGN_OR_RETURN(const Project p, store_->GetProject(project));
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, store_->View(p.id));
  std::lock_guard lock(caches_->mu);
  ONYX_RETURN_IF_ERROR(LoadEmbedder());
  const index::VectorIndexOptions options =
      VectorOptionsOf(options_, caches_->embedder->dimensions());
  ONYX_ASSIGN_OR_RETURN(std::unique_ptr<index::CodeSearch> search,
                        index::CodeSearch::Build(view, *caches_->embedder, options));
  ONYX_RETURN_IF_ERROR(search->Save(SnapshotPath(p)));
  const std::size_t documents = search->documents();
  caches_->by_project[p.id] = std::move(search);
  return documents;
}

// The project's search index as of the view's latest revision: the snapshot
// file caught up, or a fresh build; saved whenever it changed.
Result<std::shared_ptr<index::CodeSearch>> Engine::LoadSearchIndex(const Project& project,
                                                                   const store::ReadView& view) {
  ONYX_RETURN_IF_ERROR(LoadEmbedder());
  const embed::Embedder& embedder = *caches_->embedder;
  const index::VectorIndexOptions options = VectorOptionsOf(options_, embedder.dimensions());
  const std::string path = SnapshotPath(project);
  auto loaded = index::CodeSearch::Load(path, project.id, embedder, options);
  std::unique_ptr<index::CodeSearch> search;
  bool changed = true;
  if (loaded.ok()) {
    search = std::move(loaded).value();
    changed = search->revision() != view.latest();
    const Status caught_up = search->CatchUp(view);
    if (!caught_up.ok()) {
      core::Log(core::LogLevel::kWarn, "search index of project '" + project.name +
                                           "' could not catch up (" + caught_up.ToString() +
                                           "); rebuilding it from the store");
      search.reset();
      changed = true;
    }
  } else if (!loaded.status().IsNotFound()) {
    core::Log(core::LogLevel::kWarn, "search index of project '" + project.name +
                                         "': " + loaded.status().ToString() +
                                         "; rebuilding it from the store");
  } else {
    core::Log(core::LogLevel::kInfo, "search index of project '" + project.name +
                                         "': no snapshot for " + std::string(embedder.model_id()) +
                                         " yet; building it from the store");
  }
  if (!search) {
    ONYX_ASSIGN_OR_RETURN(search, index::CodeSearch::Build(view, embedder, options));
  }
  if (changed) {
    // Derived data: failing to save costs the next process a rebuild, no more.
    const Status saved = search->Save(path);
    if (!saved.ok()) {
      core::Log(core::LogLevel::kWarn, "search index not saved: " + saved.ToString());
    }
  }
  return std::shared_ptr<index::CodeSearch>(std::move(search));
}

Result<SearchResults> Engine::Search(std::string_view project, std::string_view text,
                                     const SearchOptions& options) {
  const Deadline deadline(options.time);
  SearchResults results;
  core::StepTimer timer(&results.plan.steps);
  results.plan.source = "index";
  ONYX_ASSIGN_OR_RETURN(const Project p, store_->GetProject(project));
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, store_->View(p.id));
  const RevisionNumber as_of = options.as_of.value_or(view.latest());
  if (as_of > view.latest()) {
    return Status::InvalidArgument("search: revision " + std::to_string(as_of) +
                                   " is after the latest (" + std::to_string(view.latest()) + ")");
  }
  std::shared_ptr<const index::CodeSearch> search;
  {
    std::lock_guard lock(caches_->mu);
    auto& cached = caches_->by_project[p.id];
    // Behind the store and held by no search (they copy it under this lock):
    // catch it up in memory rather than read the snapshot back from disk.
    if (cached && cached->revision() < view.latest() && cached.use_count() == 1) {
      const Status caught_up = cached->CatchUp(view);
      if (caught_up.ok()) {
        // Derived data: failing to save costs the next process a catch-up.
        const Status saved = cached->Save(SnapshotPath(p));
        if (!saved.ok()) {
          core::Log(core::LogLevel::kWarn, "search index not saved: " + saved.ToString());
        }
      } else {
        core::Log(core::LogLevel::kWarn, "search index of project '" + p.name +
                                             "' could not catch up (" + caught_up.ToString() +
                                             "); reloading it");
        cached.reset();
      }
    }
    // An index newer than this view answers as of the view's revision too
    // (a question that began before a concurrent ingest committed).
    if (!cached || cached->revision() < view.latest()) {
      ONYX_ASSIGN_OR_RETURN(cached, LoadSearchIndex(p, view));
    }
    search = cached;
  }
  timer.Step("index up to date");
  results.revision = as_of;
  results.model = std::string(search->model_id());
  index::CodeSearch::Trace trace{&deadline, &results.plan};
  const auto ranked = [&] {
    results.partial = trace.partial;
    results.plan.counts.emplace_back("documents", search->documents());
    timer.Restart();  // the rankings timed their own steps
  };
  if (options.prior == SearchPrior::kNone) {
    ONYX_ASSIGN_OR_RETURN(results.hits, search->Search(text, options.k, options.filters, as_of,
                                                       options.mode, &trace));
    ranked();
    return results;
  }
  // The prior re-ranks a wider pool, so a well-connected hit just below the
  // first k can rise into them.
  // (A k out of range goes through as asked, to be refused.)
  const std::size_t pool =
      options.k == 0 || options.k > 1000
          ? options.k
          : std::min<std::size_t>(1000, std::max(options.k * 3, options.k + 20));
  ONYX_ASSIGN_OR_RETURN(results.hits,
                        search->Search(text, pool, options.filters, as_of, options.mode, &trace));
  ranked();
  if (deadline.Expired()) {
    results.partial = true;  // the prior is skipped: the rankings' order stands
  } else {
    ONYX_ASSIGN_OR_RETURN(const auto topology, TopologyFor(view));
    ONYX_ASSIGN_OR_RETURN(const store::ReadView at, view.AsOf(as_of));
    ONYX_RETURN_IF_ERROR(query::ApplyCentralityPrior(at, topology.get(), &results.hits));
    timer.Step("centrality prior");
  }
  if (results.hits.size() > options.k) results.hits.resize(options.k);
  return results;
}

Result<store::ReadView> Engine::ViewOf(std::string_view project,
                                       std::optional<RevisionNumber> as_of) const {
  ONYX_ASSIGN_OR_RETURN(const Project p, store_->GetProject(project));
  ONYX_ASSIGN_OR_RETURN(store::ReadView view, store_->View(p.id));
  if (!as_of) return view;
  if (*as_of == 0 || *as_of > view.latest()) {
    return Status::InvalidArgument("revision " + std::to_string(*as_of) + " is not in 1.." +
                                   std::to_string(view.latest()));
  }
  return view.AsOf(*as_of);
}

Result<std::optional<Revision>> Engine::LatestRevision(std::string_view project) const {
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, ViewOf(project));
  if (view.latest() == 0) return std::optional<Revision>();
  ONYX_ASSIGN_OR_RETURN(Revision last, view.GetRevision(view.latest()));
  return std::optional<Revision>(std::move(last));
}

Result<std::vector<Node>> Engine::FindNodes(std::string_view project, std::string_view spec,
                                            std::optional<RevisionNumber> as_of) const {
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, ViewOf(project, as_of));
  return query::FindNodes(view, spec);
}

Result<std::string> Engine::SourceOf(std::string_view project, const Node& node,
                                     std::optional<RevisionNumber> as_of) const {
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, ViewOf(project, as_of));
  return query::SourceOf(view, node);
}

Result<WalkResult> Engine::Impact(std::string_view project, NodeId node, const WalkLimits& limits,
                                  std::optional<RevisionNumber> as_of) const {
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, ViewOf(project, as_of));
  ONYX_ASSIGN_OR_RETURN(const auto topology, TopologyFor(view));
  return query::Impact(view, node, limits, topology.get());
}

Result<WalkResult> Engine::TestsFor(std::string_view project, NodeId node, const WalkLimits& limits,
                                    std::optional<RevisionNumber> as_of) const {
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, ViewOf(project, as_of));
  ONYX_ASSIGN_OR_RETURN(const auto topology, TopologyFor(view));
  return query::TestsFor(view, node, limits, topology.get());
}

Result<NodeHistory> Engine::History(std::string_view project, NodeId node,
                                    std::optional<RevisionNumber> as_of,
                                    const TimeLimit& time) const {
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, ViewOf(project, as_of));
  return query::History(view, node, time);
}

Result<NoteWritten> Engine::Remember(std::string_view project, const NoteRequest& request) {
  ONYX_ASSIGN_OR_RETURN(const Project p, store_->GetProject(project));
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, store_->View(p.id));
  std::optional<Node> replaced;
  if (request.replaces) {
    auto old = view.GetNode(*request.replaces);
    if (!old.ok() && !old.status().IsNotFound()) return std::move(old).status();
    if (!old.ok() || old->kind != NodeKind::kNote) {
      return Status::NotFound("remember: no note " + FormatNodeId(*request.replaces) + " now");
    }
    replaced = std::move(old).value();
  }
  ONYX_ASSIGN_OR_RETURN(Node note, query::MakeNote(request, replaced ? &*replaced : nullptr));
  const std::set<NodeId> unique(request.about.begin(), request.about.end());
  const std::vector<NodeId> about(unique.begin(), unique.end());
  ONYX_ASSIGN_OR_RETURN(const auto targets, view.GetNodes(about));
  for (std::size_t i = 0; i < about.size(); ++i) {
    if (!targets[i]) {
      return Status::NotFound("remember: no node " + FormatNodeId(about[i]) + " now");
    }
    if (targets[i]->kind == NodeKind::kNote) {
      return Status::InvalidArgument("remember: a note is about code, not about another note");
    }
  }
  RevisionInfo info;
  info.source = RevisionSource::kApi;
  info.author = request.author;
  info.message = "note: " + note.name;
  ONYX_ASSIGN_OR_RETURN(auto writer, store_->BeginRevision(p.id, std::move(info)));
  writer->KeepIfEmpty();  // the same note again still answers with a revision
  ONYX_RETURN_IF_ERROR(writer->UpsertNode(note));
  for (const NodeId target : about) {
    Edge edge;
    edge.src = note.id;
    edge.kind = EdgeKind::kAbout;
    edge.dst = target;
    ONYX_RETURN_IF_ERROR(writer->UpsertEdge(std::move(edge)));
  }
  if (replaced) {  // links the new version drops
    ONYX_ASSIGN_OR_RETURN(const auto old_links, view.OutEdges(note.id, EdgeKind::kAbout));
    for (const Edge& e : old_links) {
      if (unique.count(e.dst) == 0)
        ONYX_RETURN_IF_ERROR(writer->RemoveEdge({e.src, e.kind, e.dst}));
    }
  }
  ONYX_ASSIGN_OR_RETURN(const auto revision, writer->Commit());
  NoteWritten written;
  written.revision = revision ? revision->number : view.latest();
  note.validity.from = written.revision;
  written.note = std::move(note);
  return written;
}

Result<std::vector<RecalledNote>> Engine::Recall(std::string_view project, std::string_view query,
                                                 std::optional<NodeId> about, std::size_t k,
                                                 std::optional<RevisionNumber> as_of) const {
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, ViewOf(project, as_of));
  return query::RecallNotes(view, query, about, k);
}

Result<WalkResult> Engine::Traverse(std::string_view project, const TraverseSpec& spec,
                                    std::optional<RevisionNumber> as_of) const {
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, ViewOf(project, as_of));
  ONYX_ASSIGN_OR_RETURN(const auto topology, TopologyFor(view));
  return query::Traverse(view, spec, topology.get());
}

Result<WorktreeChanges> Engine::CompareWorktree(std::string_view project, const std::string& root,
                                                const IngestOptions& options, bool symbols) const {
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, ViewOf(project));
  return ingest::CompareWorktree(view, root, options, symbols);
}

Result<ChangeImpact> Engine::ImpactOfWorktree(std::string_view project, const std::string& root,
                                              const WalkLimits& limits,
                                              const IngestOptions& options) const {
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, ViewOf(project));
  ONYX_ASSIGN_OR_RETURN(WorktreeChanges changes, ingest::CompareWorktree(view, root, options));
  ONYX_ASSIGN_OR_RETURN(const auto topology, TopologyFor(view));
  return query::ImpactOfChange(view, std::move(changes.symbols), limits, topology.get());
}

Result<ChangeImpact> Engine::ImpactOfRevision(std::string_view project, RevisionNumber rev,
                                              const WalkLimits& limits) const {
  ONYX_ASSIGN_OR_RETURN(const store::ReadView latest, ViewOf(project));
  if (rev < 2 || rev > latest.latest()) {
    return Status::InvalidArgument("impact: revision " + std::to_string(rev) +
                                   " has no revision before it in 2.." +
                                   std::to_string(latest.latest()));
  }
  ONYX_ASSIGN_OR_RETURN(const store::ReadView at, latest.AsOf(rev));
  // One time limit for the whole question: the diff's scan, then the walk.
  const auto started = std::chrono::steady_clock::now();
  ONYX_ASSIGN_OR_RETURN(GraphDiff diff, query::Diff(at, rev - 1, 1'000'000, limits.time()));
  // Each change named by what differs ("signature, body", "doc", …); a
  // symbol that moved to another path or id counts as changed (what named
  // it by its old place may break), one that only shifted lines does not.
  const auto label = [](const std::vector<std::string>& changes) {
    std::string text;
    for (const std::string& c : changes) {
      if (c != "location") text += (text.empty() ? "" : ", ") + c;
    }
    return text;
  };
  std::vector<SymbolChange> changed;
  for (NodeChange& c : diff.changed) {
    std::string what = label(c.changes);
    changed.push_back({std::move(c.before), what.empty() ? "body" : std::move(what)});
  }
  for (NodeChange& c : diff.moved) {
    if (std::find(c.changes.begin(), c.changes.end(), "renamed") == c.changes.end()) continue;
    changed.push_back({std::move(c.before), label(c.changes)});
  }
  for (Node& n : diff.removed) changed.push_back({std::move(n), "removed"});
  for (Node& n : diff.added) changed.push_back({std::move(n), "added"});
  // As for a working tree: an edited file is its own change only when no
  // definition in it changed (its imports, top-level code).
  std::set<std::string> paths_with_definitions;
  for (const SymbolChange& c : changed) {
    if (c.node.kind != NodeKind::kFile) paths_with_definitions.insert(c.node.path);
  }
  changed.erase(std::remove_if(changed.begin(), changed.end(),
                               [&](const SymbolChange& c) {
                                 return c.node.kind == NodeKind::kFile &&
                                        c.change.find("renamed") == std::string::npos &&
                                        paths_with_definitions.count(c.node.path) != 0;
                               }),
                changed.end());
  ONYX_ASSIGN_OR_RETURN(const store::ReadView before, latest.AsOf(rev - 1));
  ONYX_ASSIGN_OR_RETURN(const auto topology, TopologyFor(before));
  const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  WalkLimits rest = limits;
  rest.time_limit = std::max(std::chrono::milliseconds(0), limits.time_limit - spent);
  ONYX_ASSIGN_OR_RETURN(ChangeImpact impact,
                        query::ImpactOfChange(before, std::move(changed), rest, topology.get()));
  if (diff.out_of_time) impact.impact.partial = true;  // changes past the scan are missing
  for (auto& step : diff.plan.steps) step.first = "diff: " + step.first;
  auto& steps = impact.impact.plan.steps;
  steps.insert(steps.begin(), diff.plan.steps.begin(), diff.plan.steps.end());
  return impact;
}

Result<GraphDiff> Engine::Diff(std::string_view project, RevisionNumber from,
                               std::optional<RevisionNumber> to, std::size_t limit,
                               const TimeLimit& time) const {
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, ViewOf(project, to));
  return query::Diff(view, from, limit, time);
}

Result<RevisionNumber> Engine::ResolveRevision(std::string_view project,
                                               std::string_view spec) const {
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, ViewOf(project));
  return query::ResolveRevision(view, spec);
}

Result<TransferSummary> Engine::Export(std::string_view project, std::ostream& out,
                                       const ExportOptions& options,
                                       std::optional<RevisionNumber> as_of) const {
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, ViewOf(project, as_of));
  return store::ExportJsonl(view, options, out);
}

Result<TransferSummary> Engine::Import(std::string_view project, std::istream& in) {
  const bool existed = store_->GetProject(project).ok();
  ONYX_ASSIGN_OR_RETURN(const Project p, OpenOrCreateProject(project));
  auto imported = store::ImportJsonl(*store_, p, in);
  if (!imported.ok() && !existed) {
    const Status dropped = store_->DeleteProject(project);
    if (!dropped.ok()) {
      core::Log(core::LogLevel::kWarn, "import: could not delete project '" + std::string(project) +
                                           "': " + dropped.ToString());
    }
  }
  return imported;
}

Status Engine::Backup(const std::string& backup_dir) const {
  return store::Backup(*store_, backup_dir);
}

Status Engine::BackupInUse(const std::string& data_dir, const std::string& backup_dir) {
  return store::BackupInUse(data_dir, backup_dir);
}

Result<RestoreSummary> Engine::Restore(const std::string& backup_dir, const std::string& data_dir) {
  return store::Restore(backup_dir, data_dir);
}

Result<GraphStats> Engine::Stats(std::string_view project,
                                 std::optional<RevisionNumber> as_of) const {
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, ViewOf(project, as_of));
  if (view.revision() < view.latest()) return query::StatsAt(view);
  return view.Stats();
}

Result<std::vector<Node>> Engine::FindByName(std::string_view project, std::string_view name,
                                             bool prefix, std::size_t limit,
                                             std::optional<RevisionNumber> as_of) const {
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, ViewOf(project, as_of));
  return view.FindByName(name, prefix, limit);
}

Result<std::vector<Revision>> Engine::Revisions(std::string_view project) const {
  ONYX_ASSIGN_OR_RETURN(const store::ReadView view, ViewOf(project));
  return view.Revisions();
}

}  // namespace onyx
