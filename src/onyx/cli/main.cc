// The `onyx` command: open a data folder, ingest a tree, and ask what is there.
// Exit codes: 0 ok, 1 error, 2 usage, 3 not found (docs/cli.md).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "onyx/cli/json_output.h"
#include "onyx/cli/progress.h"
#include "onyx/core/clock.h"
#include "onyx/engine.h"

namespace {

int ExitCode(const onyx::Status& status) {
  switch (status.code()) {
    case onyx::StatusCode::kOk: return 0;
    case onyx::StatusCode::kInvalidArgument: return 2;
    case onyx::StatusCode::kNotFound: return 3;
    default: return 1;
  }
}

int Fail(const onyx::Status& status) {
  std::cerr << "onyx: " << status.ToString() << "\n";
  return ExitCode(status);
}

std::string DefaultDataDir() {
  if (const char* env = std::getenv("ONYX_DATA_DIR"); env && *env) return env;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
    return std::string(xdg) + "/onyx";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::string(home) + "/.local/share/onyx";
  }
  return ".onyx";
}

void PrintStats(const onyx::GraphStats& stats) {
  fmt::print("revision   {}\n", stats.latest_revision);
  fmt::print("revisions  {}\n", stats.revisions);
  fmt::print("nodes      {} ({} versions)\n", stats.nodes(), stats.node_versions);
  for (const auto& [kind, n] : stats.nodes_by_kind) {
    fmt::print("  {:<12} {}\n", onyx::NodeKindName(kind), n);
  }
  fmt::print("edges      {} ({} versions)\n", stats.edges(), stats.edge_versions);
  for (const auto& [kind, n] : stats.edges_by_kind) {
    fmt::print("  {:<12} {}\n", onyx::EdgeKindName(kind), n);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"onyx: a memory of your codebase for agents and developers"};
  app.require_subcommand(1);
  std::string data_dir = DefaultDataDir();
  std::string project = "default";
  app.add_option("--data-dir", data_dir,
                 "Data folder (default: $ONYX_DATA_DIR, else "
                 "$XDG_DATA_HOME/onyx)");
  app.add_option("-p,--project", project, "Project name")->capture_default_str();
  onyx::EngineOptions engine_options;
  if (const char* env = std::getenv("ONYX_EMBEDDER"); env != nullptr && *env != 0) {
    engine_options.embedder = env;
  }
  app.add_option("--embedder", engine_options.embedder,
                 "hash, bert:FOLDER (a local sentence-transformers model) or "
                 "openai:MODEL@URL (an OpenAI-compatible endpoint); default: "
                 "$ONYX_EMBEDDER, else hash")
      ->capture_default_str();

  auto* init = app.add_subcommand("init", "Create the data folder and the project");
  auto* projects = app.add_subcommand("projects", "List projects");
  std::string ingest_path = ".";
  auto* ingest = app.add_subcommand("ingest", "Record a directory tree as a new revision");
  ingest->add_option("path", ingest_path, "Folder to ingest")->capture_default_str();
  onyx::IngestOptions ingest_options;
  ingest->add_option("--ignore", ingest_options.ignore,
                     "Also skip paths matching this .gitignore-style pattern (repeatable)");
  bool history = false;
  std::string since;
  onyx::HistoryOptions history_options;
  ingest->add_flag("--history", history,
                   "Ingest the git history (first parent), one revision per commit");
  ingest->add_option("--since", since, "With --history: commits from this date (2026-01-31)");
  ingest->add_option("--max-commits", history_options.max_commits,
                     "With --history: only the newest N commits");
  ingest->add_option("--ref", history_options.ref, "With --history: where the walk starts")
      ->capture_default_str();
  auto* stats = app.add_subcommand("stats", "Counts of nodes and edges by kind");
  std::string name;
  bool prefix = false;
  std::size_t limit = 20;
  std::optional<onyx::RevisionNumber> as_of;
  auto* find = app.add_subcommand("find", "Find nodes by name");
  find->add_option("name", name, "Name (case-insensitive)")->required();
  find->add_flag("--prefix", prefix, "Match names that start with NAME");
  find->add_option("-n,--limit", limit, "Most results")->capture_default_str();
  find->add_option("--as-of", as_of, "Answer as of this revision");
  auto* log = app.add_subcommand("log", "List revisions");
  std::string target;
  onyx::WalkLimits walk;
  std::optional<onyx::RevisionNumber> walk_as_of;
  auto* impact = app.add_subcommand("impact", "What may break if a symbol or file changes");
  auto* tests = app.add_subcommand("tests", "The tests that exercise a symbol or file");
  auto* history_cmd = app.add_subcommand("history", "Every version of a symbol, across renames");
  auto* show = app.add_subcommand("show", "A symbol with its signature, doc and source");
  for (CLI::App* cmd : {impact, tests, history_cmd, show}) {
    cmd->add_option("node", target, "Name, qualified name or 16-hex-digit id")->required();
    cmd->add_option("--as-of", walk_as_of, "Answer as of this revision");
  }
  for (CLI::App* cmd : {impact, tests}) {
    cmd->add_option("--depth", walk.max_depth, "Most edges walked")->capture_default_str();
    cmd->add_option("-n,--limit", walk.max_results, "Most results")->capture_default_str();
  }
  auto* reembed =
      app.add_subcommand("reembed", "Rebuild the search index with the configured embedder");
  std::string query;
  std::string mode = "hybrid";
  std::string kind_name;
  onyx::SearchOptions search_options;
  auto* search = app.add_subcommand("search", "Search definitions and docs by meaning and words");
  search->add_option("query", query, "What to look for")->required();
  search->add_option("-k,--limit", search_options.k, "Most results (1..1000)")
      ->capture_default_str();
  search->add_option("--as-of", search_options.as_of, "Answer as of this revision");
  search->add_option("--mode", mode, "hybrid, vector or lexical")->capture_default_str();
  search->add_option("--kind", kind_name, "Only this node kind (function, class, test, …)");
  search->add_option("--lang", search_options.filters.language, "Only this language");
  search->add_option("--path", search_options.filters.path_prefix, "Only paths starting so");

  bool json = false;
  for (CLI::App* cmd : {stats, find, log, search, impact, tests, history_cmd, show}) {
    cmd->add_flag("--json", json, "Print one JSON document (shape in docs/cli.md)");
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  auto engine = onyx::Engine::Open(data_dir, engine_options);
  if (!engine.ok()) return Fail(engine.status());
  onyx::Engine& e = **engine;

  if (init->parsed()) {
    auto p = e.OpenOrCreateProject(project);
    if (!p.ok()) return Fail(p.status());
    fmt::print("project {} (#{}) in {}\n", p->name, p->id, data_dir);
    return 0;
  }
  if (projects->parsed()) {
    auto list = e.ListProjects();
    if (!list.ok()) return Fail(list.status());
    for (const auto& p : *list) {
      fmt::print("{:>4}  {:<24} created {}\n", p.id, p.name,
                 onyx::core::FormatTimeMicros(p.created_micros));
    }
    return 0;
  }
  if (ingest->parsed()) {
    auto p = e.OpenOrCreateProject(project);
    if (!p.ok()) return Fail(p.status());
    if (!history && (!since.empty() || history_options.max_commits != 0)) {
      return Fail(onyx::Status::InvalidArgument("--since and --max-commits need --history"));
    }
    if (history) {
      if (!since.empty()) {
        const auto t = onyx::core::ParseTimeMicros(since);
        if (!t) {
          return Fail(onyx::Status::InvalidArgument("--since: '" + since +
                                                    "' is not a date (2026-01-31, "
                                                    "2026-01-31T12:00:00 or @SECONDS)"));
        }
        history_options.since_micros = *t;
      }
      history_options.ingest = ingest_options;
      onyx::cli::ProgressBar bar("commits");
      history_options.progress = [&bar](std::uint64_t done, std::uint64_t total) {
        bar.Update(done, total);
      };
      auto h = e.IngestHistory(project, ingest_path, history_options);
      bar.Finish();
      if (!h.ok()) return Fail(h.status());
      if (h->commits == 0) {
        fmt::print("no new commits; nothing to ingest\n");
        return 0;
      }
      fmt::print("ingested {} commits as revisions {}..{} in {:.2f}s ({} files parsed)\n",
                 h->commits, h->first_revision, h->last_revision, h->seconds, h->files_parsed);
      fmt::print("newest commit: {} files in {} directories\n", h->last.files, h->last.directories);
      for (const auto& [kind, n] : h->last.edges_by_kind) fmt::print("  {:<12} {}\n", kind, n);
      return 0;
    }
    onyx::cli::ProgressBar bar("files");
    ingest_options.progress = [&bar](std::uint64_t done, std::uint64_t total) {
      bar.Update(done, total);
    };
    auto summary = e.IngestTree(project, ingest_path, ingest_options);
    bar.Finish();
    if (!summary.ok()) return Fail(summary.status());
    fmt::print("ingested {} files ({} bytes) in {} directories in {:.2f}s\n", summary->files,
               summary->bytes, summary->directories, summary->seconds);
    for (const auto& [lang, n] : summary->files_by_language) {
      fmt::print("  {:<12} {}\n", lang.empty() ? "(other)" : lang, n);
    }
    fmt::print("parsed {} files ({} unchanged, {} with syntax errors)\n", summary->files_parsed,
               summary->files_unchanged, summary->files_with_syntax_errors);
    for (const auto& [kind, n] : summary->definitions_by_kind) {
      fmt::print("  {:<12} {}\n", kind, n);
    }
    for (const auto& [reason, n] : summary->skipped_by_reason) {
      fmt::print("  skipped {:<12} {}\n", reason, n);
    }
    fmt::print("linked {} files\n", summary->files_linked);
    for (const auto& [kind, n] : summary->edges_by_kind) {
      fmt::print("  {:<12} {}\n", kind, n);
    }
    if (!summary->unresolved_by_reason.empty()) {
      std::uint64_t total = 0;
      for (const auto& [reason, n] : summary->unresolved_by_reason) total += n;
      fmt::print("unresolved references: {}\n", total);
      for (const auto& [reason, n] : summary->unresolved_by_reason) {
        fmt::print("  {:<16} {}\n", reason, n);
      }
      const std::size_t shown = std::min<std::size_t>(5, summary->unresolved_by_file.size());
      for (std::size_t i = 0; i < shown; ++i) {
        fmt::print("  {:>6}  {}\n", summary->unresolved_by_file[i].second,
                   summary->unresolved_by_file[i].first);
      }
    }
    if (summary->revision) {
      const auto& c = summary->revision->changes;
      fmt::print("revision {}: nodes +{} ~{} -{}, edges +{} ~{} -{}\n", summary->revision->number,
                 c.nodes_added, c.nodes_changed, c.nodes_removed, c.edges_added, c.edges_changed,
                 c.edges_removed);
    } else {
      fmt::print("nothing changed; no revision committed\n");
    }
    return 0;
  }
  if (stats->parsed()) {
    auto s = e.Stats(project);
    if (!s.ok()) return Fail(s.status());
    if (json) {
      std::cout << onyx::cli::StatsJson(*s);
      return 0;
    }
    PrintStats(*s);
    return 0;
  }
  if (find->parsed()) {
    auto nodes = e.FindByName(project, name, prefix, limit, as_of);
    if (!nodes.ok()) return Fail(nodes.status());
    if (json) {
      std::cout << onyx::cli::NodesJson(*nodes);
      return nodes->empty() ? 3 : 0;
    }
    for (const auto& n : *nodes) {
      fmt::print("{:<10} {:<32} {}  [rev {}..{}]\n", onyx::NodeKindName(n.kind), n.name, n.path,
                 n.validity.from,
                 n.validity.IsOpen() ? std::string("") : std::to_string(n.validity.to));
    }
    if (nodes->empty()) {
      std::cerr << "onyx: no node named '" << name << "'\n";
      return 3;
    }
    return 0;
  }
  if (impact->parsed() || tests->parsed() || history_cmd->parsed() || show->parsed()) {
    if (walk.max_depth < 1 || walk.max_depth > 10 || walk.max_results < 1 ||
        walk.max_results > 10'000) {
      return Fail(onyx::Status::InvalidArgument("--depth must be 1..10 and --limit 1..10000"));
    }
    auto found = e.FindNodes(project, target, walk_as_of);
    if (!found.ok()) return Fail(found.status());
    if (found->empty()) {
      std::cerr << "onyx: no node named '" << target << "'\n";
      return 3;
    }
    if (found->size() > 1) {
      std::cerr << "onyx: '" << target << "' names " << found->size()
                << " nodes; use a qualified name or an id:\n";
      for (const auto& n : *found) {
        std::cerr << fmt::format("  {:016x}  {:<10} {}  {}\n", n.id, onyx::NodeKindName(n.kind),
                                 n.qualified_name, n.path);
      }
      return 2;
    }
    const onyx::Node& start = found->front();
    if (show->parsed()) {
      auto source = e.SourceOf(project, start, walk_as_of);
      if (!source.ok()) return Fail(source.status());
      if (json) {
        std::cout << onyx::cli::ShowJson(start, *source);
        return 0;
      }
      fmt::print(
          "{} {}\n  {}:{}-{}  id {:016x}  valid from revision {}{}\n",
          onyx::NodeKindName(start.kind), start.qualified_name, start.path, start.span.start_line,
          start.span.end_line, start.id, start.validity.from,
          start.validity.IsOpen() ? std::string() : " to " + std::to_string(start.validity.to));
      if (!start.doc.empty()) fmt::print("\n{}\n", start.doc);
      if (!source->empty()) fmt::print("\n{}\n", *source);
      return 0;
    }
    if (history_cmd->parsed()) {
      auto versions = e.History(project, start.id, walk_as_of);
      if (!versions.ok()) return Fail(versions.status());
      if (json) {
        std::cout << onyx::cli::HistoryJson(*versions);
        return 0;
      }
      fmt::print("history of {} {}: {} entries\n", onyx::NodeKindName(start.kind),
                 start.qualified_name, versions->versions.size());
      for (const auto& v : versions->versions) {
        std::string what;
        for (const auto& c : v.changes) what += (what.empty() ? "" : ", ") + c;
        const std::string subject =
            v.revision.info.message.substr(0, v.revision.info.message.find('\n'));
        fmt::print("  rev {:>4}  {}  {:<10} {:<28} {}:{}  {}\n", v.revision.number,
                   onyx::core::FormatTimeMicros(v.revision.info.time_micros).substr(0, 19),
                   v.revision.info.commit.substr(0, 10), what, v.node.path, v.node.span.start_line,
                   subject);
      }
      return 0;
    }
    auto result = impact->parsed() ? e.Impact(project, start.id, walk, walk_as_of)
                                   : e.TestsFor(project, start.id, walk, walk_as_of);
    if (!result.ok()) return Fail(result.status());
    if (json) {
      std::cout << onyx::cli::WalkJson(start, *result);
      return 0;
    }
    fmt::print("{} {} {} as of revision {}: {} {}{}\n", impact->parsed() ? "impact of" : "tests of",
               onyx::NodeKindName(start.kind), start.qualified_name, result->revision,
               result->nodes.size(), impact->parsed() ? "nodes" : "tests",
               result->partial ? " (partial: a limit was reached)" : "");
    int depth = 0;
    for (const auto& r : result->nodes) {
      if (impact->parsed() && r.depth != depth) {
        depth = r.depth;
        fmt::print("depth {}\n", depth);
      }
      std::string via;
      for (const auto& edge : r.path) {
        via += fmt::format("{}{}", via.empty() ? "" : " ", onyx::EdgeKindName(edge.kind));
      }
      fmt::print("  {:.2f}  {:<10} {}  {}:{}  via {}\n", r.confidence,
                 onyx::NodeKindName(r.node.kind), r.node.qualified_name, r.node.path,
                 r.node.span.start_line, via);
      if (impact->parsed() && !r.tests.empty()) {
        std::string names;
        for (const auto& t : r.tests) names += (names.empty() ? "" : ", ") + t.qualified_name;
        fmt::print("        tests: {}\n", names);
      }
    }
    return 0;
  }
  if (reembed->parsed()) {
    const auto started = std::chrono::steady_clock::now();
    auto documents = e.Reembed(project);
    if (!documents.ok()) return Fail(documents.status());
    fmt::print("re-embedded {} documents with {} in {:.2f}s\n", *documents, engine_options.embedder,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return 0;
  }
  if (search->parsed()) {
    const auto parsed_mode = onyx::ParseSearchMode(mode);
    if (!parsed_mode) {
      return Fail(
          onyx::Status::InvalidArgument("--mode: '" + mode + "' is not hybrid, vector or lexical"));
    }
    search_options.mode = *parsed_mode;
    if (!kind_name.empty()) {
      search_options.filters.kind = onyx::ParseNodeKind(kind_name);
      if (!search_options.filters.kind) {
        return Fail(
            onyx::Status::InvalidArgument("--kind: '" + kind_name + "' is not a node kind"));
      }
    }
    auto results = e.Search(project, query, search_options);
    if (!results.ok()) return Fail(results.status());
    if (json) {
      std::cout << onyx::cli::SearchJson(*results, search_options.mode);
      return results->hits.empty() ? 3 : 0;
    }
    fmt::print("{} hits as of revision {} ({}, {})\n", results->hits.size(), results->revision,
               onyx::SearchModeName(search_options.mode), results->model);
    int rank = 0;
    for (const auto& h : results->hits) {
      std::string why;
      for (const auto& [part, value] : h.parts) {
        if (!why.empty()) why += " ";
        why += fmt::format("{}={:.3g}", part, value);
      }
      fmt::print("{:>3}. {:.4f}  {:<10} {}  {}:{}\n       {}\n", ++rank, h.score,
                 onyx::NodeKindName(h.kind), h.qualified_name, h.path, h.span.start_line, why);
      const std::string first = h.snippet.substr(0, h.snippet.find('\n'));
      if (!first.empty()) fmt::print("       | {}\n", first);
    }
    if (results->hits.empty()) {
      std::cerr << "onyx: nothing matches '" << query << "'\n";
      return 3;
    }
    return 0;
  }
  if (log->parsed()) {
    auto revs = e.Revisions(project);
    if (!revs.ok()) return Fail(revs.status());
    if (json) {
      std::cout << onyx::cli::RevisionsJson(*revs);
      return 0;
    }
    for (const auto& r : *revs) {
      // One line each: the commit's short id and subject for git revisions.
      const std::string subject = r.info.message.substr(0, r.info.message.find('\n'));
      const std::string commit = r.info.commit.substr(0, 10);
      fmt::print("{:>5}  {}  {:<8} {:<10} nodes +{} ~{} -{}  {}\n", r.number,
                 onyx::core::FormatTimeMicros(r.info.time_micros),
                 onyx::RevisionSourceName(r.info.source), commit, r.changes.nodes_added,
                 r.changes.nodes_changed, r.changes.nodes_removed, subject);
    }
    return 0;
  }
  return 2;
}
