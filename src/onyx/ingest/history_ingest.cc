// The history loop: commits → snapshots → revisions.
#include "onyx/ingest/history_ingest.h"

#include <chrono>

#include "onyx/ingest/git_history.h"
#include "onyx/ingest/tree_ingest.h"
#include "onyx/store/read_view.h"

namespace onyx::ingest {

Result<HistorySummary> IngestHistory(store::Store& store, const Project& project,
                                     const std::string& repo_path, const HistoryOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  ONYX_ASSIGN_OR_RETURN(std::unique_ptr<GitRepository> repo, GitRepository::Open(repo_path));

  // Continue after the newest commit this project already holds.
  std::string after;
  {
    ONYX_ASSIGN_OR_RETURN(const store::ReadView view, store.View(project.id));
    ONYX_ASSIGN_OR_RETURN(std::vector<Revision> revisions, view.Revisions());
    for (auto it = revisions.rbegin(); it != revisions.rend(); ++it) {
      if (it->info.source == RevisionSource::kGit && !it->info.commit.empty()) {
        after = it->info.commit;
        break;
      }
    }
  }
  ONYX_ASSIGN_OR_RETURN(
      std::vector<GitCommit> commits,
      repo->FirstParentCommits(options.ref, after, options.since_micros, options.max_commits));
  HistorySummary history;
  history.commits_total = commits.size();
  const std::string root_name = repo->WorkdirName();
  // Each commit's snapshot compares with the one before: kept, not re-read.
  GraphState state;
  for (const GitCommit& commit : commits) {
    IngestSummary summary;
    ONYX_ASSIGN_OR_RETURN(std::vector<TreeEntry> entries,
                          repo->ReadTree(commit.id, options.ingest, &summary));
    RevisionInfo info;
    info.source = RevisionSource::kGit;
    info.commit = commit.id;
    info.author = commit.author;
    info.message = commit.message;
    info.time_micros = commit.time_micros;
    auto committed =
        IngestSnapshot(store, project, entries, root_name, std::move(info),
                       /*keep_if_empty=*/true, options.ingest, std::move(summary), &state);
    if (!committed.ok()) return committed.status().WithContext("commit " + commit.id);
    summary = std::move(committed).value();
    ++history.commits;
    history.files_parsed += summary.files_parsed;
    if (summary.revision) {
      if (history.first_revision == 0) history.first_revision = summary.revision->number;
      history.last_revision = summary.revision->number;
    }
    history.last = std::move(summary);
    if (options.progress) options.progress(history.commits, history.commits_total);
  }
  history.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return history;
}

}  // namespace onyx::ingest
