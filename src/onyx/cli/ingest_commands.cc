// The commands that write: init, projects, ingest, reembed.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "onyx/cli/command.h"
#include "onyx/cli/progress.h"
#include "onyx/core/clock.h"

namespace onyx::cli {
namespace {

struct IngestArgs {
  std::string path = ".";
  bool watch = false;
  IngestOptions options;
  bool history = false;
  std::string since;
  HistoryOptions history_options;
};

std::atomic<bool> g_stop_watching{false};

void StopWatching(int /*signal*/) { g_stop_watching.store(true); }

// ingest --watch: one line per ingest until SIGINT or SIGTERM.
int Watch(Engine& e, const std::string& project, const IngestArgs& args) {
  g_stop_watching.store(false);
  struct sigaction action {};
  action.sa_handler = StopWatching;
  sigemptyset(&action.sa_mask);
  struct sigaction old_int {
  }, old_term{};
  sigaction(SIGINT, &action, &old_int);
  sigaction(SIGTERM, &action, &old_term);
  bool first = true;
  const Status watched = e.WatchTree(
      project, args.path, args.options, std::chrono::milliseconds(300),
      [&](const Result<IngestSummary>& summary) {
        if (!summary.ok()) {
          std::cerr << "onyx: " << summary.status().ToString() << "\n";
        } else if (summary->revision) {
          const auto& c = summary->revision->changes;
          fmt::print(
              "revision {}: {} files parsed, nodes +{} ~{} -{}, edges +{} ~{} -{} in {:.2f}s\n",
              summary->revision->number, summary->files_parsed, c.nodes_added, c.nodes_changed,
              c.nodes_removed, c.edges_added, c.edges_changed, c.edges_removed, summary->seconds);
        } else {
          fmt::print("no change\n");
        }
        if (first) {
          fmt::print("watching {} (Ctrl-C to stop)\n", args.path);
          first = false;
        }
        std::fflush(stdout);
        return true;
      },
      g_stop_watching);
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  if (!watched.ok()) return Fail(watched);
  fmt::print("stopped watching\n");
  return kExitOk;
}

void PrintTreeSummary(const IngestSummary& summary) {
  fmt::print("ingested {} files ({} bytes) in {} directories in {:.2f}s\n", summary.files,
             summary.bytes, summary.directories, summary.seconds);
  for (const auto& [lang, n] : summary.files_by_language) {
    fmt::print("  {:<12} {}\n", lang.empty() ? "(other)" : lang, n);
  }
  fmt::print("parsed {} files ({} unchanged, {} with syntax errors)\n", summary.files_parsed,
             summary.files_unchanged, summary.files_with_syntax_errors);
  for (const auto& [kind, n] : summary.definitions_by_kind) fmt::print("  {:<12} {}\n", kind, n);
  for (const auto& [reason, n] : summary.skipped_by_reason) {
    fmt::print("  skipped {:<12} {}\n", reason, n);
  }
  fmt::print("linked {} files\n", summary.files_linked);
  for (const auto& [kind, n] : summary.edges_by_kind) fmt::print("  {:<12} {}\n", kind, n);
  if (!summary.unresolved_by_reason.empty()) {
    std::uint64_t total = 0;
    for (const auto& [reason, n] : summary.unresolved_by_reason) total += n;
    fmt::print("unresolved references: {}\n", total);
    for (const auto& [reason, n] : summary.unresolved_by_reason) {
      fmt::print("  {:<16} {}\n", reason, n);
    }
    const std::size_t shown = std::min<std::size_t>(5, summary.unresolved_by_file.size());
    for (std::size_t i = 0; i < shown; ++i) {
      fmt::print("  {:>6}  {}\n", summary.unresolved_by_file[i].second,
                 summary.unresolved_by_file[i].first);
    }
  }
  if (summary.revision) {
    const auto& c = summary.revision->changes;
    fmt::print("revision {}: nodes +{} ~{} -{}, edges +{} ~{} -{}\n", summary.revision->number,
               c.nodes_added, c.nodes_changed, c.nodes_removed, c.edges_added, c.edges_changed,
               c.edges_removed);
  } else {
    fmt::print("nothing changed; no revision committed\n");
  }
}

int RunIngest(Session& session, IngestArgs& args) {
  ONYX_ASSIGN_OR_RETURN_EXIT(Engine * e, session.engine());
  const std::string& project = session.globals().project;
  auto p = e->OpenOrCreateProject(project);
  if (!p.ok()) return Fail(p.status());
  if (!args.history && (!args.since.empty() || args.history_options.max_commits != 0)) {
    return Fail(Status::InvalidArgument("--since and --max-commits need --history"));
  }
  if (args.watch) {
    if (args.history) return Fail(Status::InvalidArgument("--watch and --history do not mix"));
    return Watch(*e, project, args);
  }
  if (args.history) {
    HistoryOptions options = args.history_options;
    if (!args.since.empty()) {
      const auto t = core::ParseTimeMicros(args.since);
      if (!t) {
        return Fail(Status::InvalidArgument("--since: '" + args.since +
                                            "' is not a date (2026-01-31, "
                                            "2026-01-31T12:00:00 or @SECONDS)"));
      }
      options.since_micros = *t;
    }
    options.ingest = args.options;
    ProgressBar bar("commits");
    options.progress = [&bar](std::uint64_t done, std::uint64_t total) { bar.Update(done, total); };
    auto h = e->IngestHistory(project, args.path, options);
    bar.Finish();
    if (!h.ok()) return Fail(h.status());
    if (h->commits == 0) {
      fmt::print("no new commits; nothing to ingest\n");
      return kExitOk;
    }
    fmt::print("ingested {} commits as revisions {}..{} in {:.2f}s ({} files parsed)\n", h->commits,
               h->first_revision, h->last_revision, h->seconds, h->files_parsed);
    fmt::print("newest commit: {} files in {} directories\n", h->last.files, h->last.directories);
    for (const auto& [kind, n] : h->last.edges_by_kind) fmt::print("  {:<12} {}\n", kind, n);
    return kExitOk;
  }
  IngestOptions options = args.options;
  ProgressBar bar("files");
  options.progress = [&bar](std::uint64_t done, std::uint64_t total) { bar.Update(done, total); };
  auto summary = e->IngestTree(project, args.path, options);
  bar.Finish();
  if (!summary.ok()) return Fail(summary.status());
  PrintTreeSummary(*summary);
  return kExitOk;
}

}  // namespace

void AddIngestCommands(CLI::App& app, Globals& globals, Commands& commands) {
  commands.Add(app, "init", "Create the data folder and the project", [](Session& session) {
    ONYX_ASSIGN_OR_RETURN_EXIT(Engine * e, session.engine());
    auto p = e->OpenOrCreateProject(session.globals().project);
    if (!p.ok()) return Fail(p.status());
    fmt::print("project {} (#{}) in {}\n", p->name, p->id, session.globals().data_dir);
    return kExitOk;
  });

  commands.Add(app, "projects", "List projects", [](Session& session) {
    ONYX_ASSIGN_OR_RETURN_EXIT(Engine * e, session.engine());
    auto list = e->ListProjects();
    if (!list.ok()) return Fail(list.status());
    for (const auto& p : *list) {
      fmt::print("{:>4}  {:<24} created {}\n", p.id, p.name,
                 core::FormatTimeMicros(p.created_micros));
    }
    return kExitOk;
  });

  auto args = std::make_shared<IngestArgs>();
  args->options = globals.defaults.ingest;
  CLI::App* ingest = commands.Add(app, "ingest", "Record a directory tree as a new revision",
                                  [args](Session& session) { return RunIngest(session, *args); });
  ingest->add_option("path", args->path, "Folder to ingest")->capture_default_str();
  ingest->add_option("--ignore", args->options.ignore,
                     "Also skip paths matching this .gitignore-style pattern (repeatable)");
  ingest->add_flag("--watch", args->watch,
                   "After the ingest, watch the tree and ingest again on every change");
  ingest->add_flag("--history", args->history,
                   "Ingest the git history (first parent), one revision per commit");
  ingest->add_option("--since", args->since, "With --history: commits from this date (2026-01-31)");
  ingest->add_option("--max-commits", args->history_options.max_commits,
                     "With --history: only the newest N commits");
  ingest->add_option("--ref", args->history_options.ref, "With --history: where the walk starts")
      ->capture_default_str();

  commands.Add(
      app, "reembed", "Rebuild the search index with the configured embedder",
      [&globals](Session& session) {
        ONYX_ASSIGN_OR_RETURN_EXIT(Engine * e, session.engine());
        const auto started = std::chrono::steady_clock::now();
        auto documents = e->Reembed(globals.project);
        if (!documents.ok()) return Fail(documents.status());
        fmt::print(
            "re-embedded {} documents with {} in {:.2f}s\n", *documents, globals.engine.embedder,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        return kExitOk;
      });
}

}  // namespace onyx::cli
