// The commands that ask: stats, find, log, search, show, neighbors, impact,
// tests, history, diff. Human-readable by default, one JSON document with
// --json (shapes in docs/cli.md).
#include <CLI/CLI.hpp>
#include <iostream>
#include <sstream>

#include "onyx/cli/command.h"
#include "onyx/cli/json_output.h"
#include "onyx/core/clock.h"
#include "onyx/query/cursor.h"
#include "onyx/query/diff.h"

namespace onyx::cli {
namespace {

std::string Kind(NodeKind kind) { return Styled(fmt::format("{:<10}", NodeKindName(kind)), "36"); }
std::string Name(const std::string& name) { return Styled(name, "1"); }
std::string Location(const Node& n) { return fmt::format("{}:{}", n.path, n.span.start_line); }
std::string Where(const Node& n) { return Styled(Location(n), "2"); }

// Columns of a list: `text` styled, then padded to `width` characters (the
// widest entry of the list, at most 60, so that a long one does not push
// every line over).
constexpr std::size_t kMostColumnWidth = 60;
std::string Column(const std::string& text, std::size_t width, std::string_view sgr) {
  const std::size_t pad = text.size() < width ? width - text.size() : 0;
  return Styled(text, sgr) + std::string(pad, ' ');
}
template <typename List, typename Text>
std::size_t ColumnWidth(const List& list, Text text) {
  std::size_t width = 0;
  for (const auto& item : list) width = std::max(width, text(item).size());
  return std::min(width, kMostColumnWidth);
}
// What a partial answer's first line adds.
constexpr const char* kPartial = " (partial: a limit was reached)";

std::string Until(const Validity& v) { return v.IsOpen() ? std::string() : std::to_string(v.to); }

// The one node `spec` names as of `as_of`; prints why not and sets `exit`
// otherwise. With `any_revision`, an id of a node that no longer exists
// names its last version (a removed symbol still has a history).
std::optional<Node> PickNode(Engine& e, const std::string& project, const std::string& spec,
                             std::optional<RevisionNumber> as_of, int* exit,
                             bool any_revision = false) {
  auto found = e.FindNodes(project, spec, as_of);
  if (!found.ok()) {
    *exit = Fail(found.status());
    return std::nullopt;
  }
  if (const auto id = ParseNodeId(spec); found->empty() && id && any_revision) {
    auto past = e.History(project, *id, as_of);
    if (past.ok() && !past->versions.empty()) return past->versions.back().node;
  }
  if (found->empty()) {
    std::cerr << "onyx: no node named '" << spec << "'"
              << (as_of ? " at revision " + std::to_string(*as_of) : std::string())
              << " (a removed symbol: `onyx history ID`, ids from `onyx diff --json`)\n";
    *exit = kExitNotFound;
    return std::nullopt;
  }
  if (found->size() > 1) {
    std::cerr << "onyx: '" << spec << "' names " << found->size()
              << " nodes; use a qualified name or an id:\n";
    for (const auto& n : *found) {
      std::cerr << fmt::format("  {:016x}  {:<10} {}  {}\n", n.id, NodeKindName(n.kind),
                               n.qualified_name, n.path);
    }
    *exit = kExitUsage;
    return std::nullopt;
  }
  return found->front();
}

// Comma-separated kinds ("calls,imports") parsed by `parse`.
template <typename Kind, typename Parse>
Result<std::vector<Kind>> ParseKinds(const std::vector<std::string>& items, Parse parse,
                                     std::string_view option) {
  std::vector<Kind> kinds;
  for (const std::string& item : items) {
    std::stringstream parts(item);
    std::string part;
    while (std::getline(parts, part, ',')) {
      const auto kind = parse(part);
      if (!kind) {
        return Status::InvalidArgument(std::string(option) + ": '" + part + "' is not a kind");
      }
      kinds.push_back(*kind);
    }
  }
  return kinds;
}

void PrintStats(const GraphStats& stats) {
  fmt::print("revision   {}\n", stats.latest_revision);
  fmt::print("revisions  {}\n", stats.revisions);
  fmt::print("nodes      {} ({} versions)\n", stats.nodes(), stats.node_versions);
  for (const auto& [kind, n] : stats.nodes_by_kind) {
    fmt::print("  {:<12} {}\n", NodeKindName(kind), n);
  }
  fmt::print("edges      {} ({} versions)\n", stats.edges(), stats.edge_versions);
  for (const auto& [kind, n] : stats.edges_by_kind) {
    fmt::print("  {:<12} {}\n", EdgeKindName(kind), n);
  }
}

std::string Via(const std::vector<Edge>& path) {
  std::string via;
  for (const Edge& edge : path) {
    via += fmt::format("{}{}", via.empty() ? "" : " ", EdgeKindName(edge.kind));
  }
  return via;
}

std::string Label(const Node& n) { return n.qualified_name.empty() ? n.path : n.qualified_name; }

// impact, tests and neighbors print reached nodes alike.
void PrintWalk(const WalkResult& result, bool by_depth, bool with_tests) {
  const std::size_t name_width =
      ColumnWidth(result.nodes, [](const Reached& r) { return Label(r.node); });
  const std::size_t where_width =
      ColumnWidth(result.nodes, [](const Reached& r) { return Location(r.node); });
  int depth = 0;
  for (const auto& r : result.nodes) {
    if (by_depth && r.depth != depth) {
      depth = r.depth;
      fmt::print("depth {}\n", depth);
    }
    fmt::print("  {:.2f}  {} {}  {}  via {}\n", r.confidence, Kind(r.node.kind),
               Column(Label(r.node), name_width, "1"), Column(Location(r.node), where_width, "2"),
               Via(r.path));
    if (with_tests && !r.tests.empty()) {
      std::string names;
      for (const auto& t : r.tests) names += (names.empty() ? "" : ", ") + t.qualified_name;
      fmt::print("        tests: {}\n", names);
    }
  }
}

// Options of the commands that take one node.
// Keeps the page of `items` that starts at `offset` (`page` items; 0: all
// the rest); the cursor of the next page, pinned to `revision`, or "".
template <typename T>
std::string TakePageWithCursor(std::vector<T>& items, std::uint64_t offset, std::size_t page,
                               RevisionNumber revision, std::uint64_t key) {
  const auto more = query::TakePage(items, offset, page == 0 ? SIZE_MAX : page);
  return query::NextCursor(revision, more, key);
}

struct NodeArgs {
  std::string node;
  std::string as_of;
  WalkLimits limits;
  std::vector<std::string> edge_kinds;
  std::vector<std::string> node_kinds;
  std::string direction = "both";
  std::string path_prefix;
  bool explain = false;             ///< --explain: how the question ran
  std::int64_t time_limit_ms = 0;   ///< --time-limit (set from limits.time_limit)
  std::size_t page = 0;             ///< --page N: results per page (0: all)
  std::string cursor;               ///< --cursor C: the page after the one that gave C
  std::string name;                 ///< the command, for the cursor's query key
  std::optional<query::Cursor> at;  ///< the decoded cursor
  bool any_revision = false;        ///< history: an id may name a node that no longer exists
  bool changed = false;             ///< impact --changed: the working tree's changes
  std::string tree = ".";
  std::string commit;  ///< impact --commit REV: the changes a revision made
  TraverseSpec spec;   ///< Made from the above by Check().

  // The query's canonical text: what a cursor must match.
  std::uint64_t Key(const std::string& project) const {
    std::string text = name + "\n" + project + "\n" + node + "\n" + direction + "\n" + path_prefix +
                       "\n" + std::to_string(limits.max_depth) + "\n" +
                       std::to_string(limits.max_results) + "\n" + (changed ? "changed " : "") +
                       (changed ? tree : "") + "\n" + commit;
    for (const auto* list : {&edge_kinds, &node_kinds}) {
      for (const std::string& k : *list) text += "\n" + k;
    }
    return query::QueryKey(text);
  }

  // Slices `items` (answered at `revision`) to the page asked for; the next
  // page's cursor, or "".
  template <typename T>
  std::string Page(std::vector<T>& items, RevisionNumber revision,
                   const std::string& project) const {
    if (page == 0 && !at) return {};
    return TakePageWithCursor(items, at ? at->offset : 0, page, revision, Key(project));
  }

  // `walk` with the page asked for (--page, --cursor): walks build only it.
  WalkLimits Window(WalkLimits walk) const {
    walk.offset = at ? at->offset : 0;
    if (page != 0) walk.page = page;
    return walk;
  }

  // The cursor of the page after `result` (answered with Window's limits), or "".
  std::string Next(const WalkResult& result, const std::string& project) const {
    if (page == 0) return {};
    const std::uint64_t end = (at ? at->offset : 0) + result.nodes.size();
    return query::NextCursor(result.revision, end, result.total, Key(project));
  }

  // Validates the options (before any node is looked up) into `spec`.
  Status Check() {
    if (limits.max_depth < 1 || limits.max_depth > 10 || limits.max_results < 1 ||
        limits.max_results > 10'000) {
      return Status::InvalidArgument("--depth must be 1..10 and --limit 1..10000");
    }
    if (time_limit_ms != 0) limits.time_limit = std::chrono::milliseconds(time_limit_ms);
    spec.limits = limits;
    spec.path_prefix = path_prefix;
    if (direction == "out") {
      spec.direction = Direction::kOut;
    } else if (direction == "in") {
      spec.direction = Direction::kIn;
    } else if (direction == "both") {
      spec.direction = Direction::kBoth;
    } else {
      return Status::InvalidArgument("--direction: '" + direction + "' is not out, in or both");
    }
    ONYX_ASSIGN_OR_RETURN(spec.edge_kinds,
                          ParseKinds<EdgeKind>(edge_kinds, ParseEdgeKind, "--edge"));
    ONYX_ASSIGN_OR_RETURN(spec.node_kinds,
                          ParseKinds<NodeKind>(node_kinds, ParseNodeKind, "--kind"));
    return Status::Ok();
  }
};

int RunChangeImpact(Session& session, NodeArgs& args);
void PrintNext(const std::string& next);
void PrintPlan(const QueryPlan& plan);

CLI::App* AddNodeCommand(
    CLI::App& app, Commands& commands, const std::string& name, const std::string& help,
    std::shared_ptr<NodeArgs> args,
    std::function<int(Session&, Engine&, const Node&, std::optional<RevisionNumber>)> run) {
  CLI::App* cmd = commands.Add(app, name, help, [args, run](Session& session) {
    if (Status s = args->Check(); !s.ok()) return Fail(s);
    if (args->changed || !args->commit.empty()) return RunChangeImpact(session, *args);
    if (args->node.empty()) {
      return Fail(Status::InvalidArgument("name a node: a name, qualified name, path or id"));
    }
    ONYX_ASSIGN_OR_RETURN_EXIT(Engine * e, session.engine());
    args->at.reset();
    std::optional<RevisionNumber> as_of;
    if (!args->cursor.empty()) {
      // A cursor pins the revision of the first page.
      if (!args->as_of.empty()) {
        return Fail(Status::InvalidArgument("--cursor already names a revision; drop --as-of"));
      }
      ONYX_ASSIGN_OR_RETURN_EXIT(
          args->at, query::DecodeCursor(args->cursor, args->Key(session.globals().project)));
      as_of = args->at->revision;
    } else {
      ONYX_ASSIGN_OR_RETURN_EXIT(as_of, session.AsOf(args->as_of));
    }
    int exit = kExitOk;
    const auto start =
        PickNode(*e, session.globals().project, args->node, as_of, &exit, args->any_revision);
    if (!start) return exit;
    return run(session, *e, *start, as_of);
  });
  cmd->add_option("node", args->node, "Name, qualified name, path or 16-hex-digit id");
  cmd->add_option("--as-of", args->as_of, "Answer as of this revision, commit or date");
  args->name = name;
  return cmd;
}

// impact --changed / --commit: the change, then what it may break.
int RunChangeImpact(Session& session, NodeArgs& args) {
  if (!args.node.empty() || (args.changed && !args.commit.empty())) {
    return Fail(Status::InvalidArgument("impact takes a node, --changed or --commit REV: one"));
  }
  if (!args.as_of.empty()) {
    return Fail(Status::InvalidArgument(
        "--as-of does not apply to --changed or --commit: the change names its revision"));
  }
  ONYX_ASSIGN_OR_RETURN_EXIT(Engine * e, session.engine());
  const std::string& project = session.globals().project;
  args.at.reset();
  if (!args.cursor.empty()) {
    ONYX_ASSIGN_OR_RETURN_EXIT(args.at, query::DecodeCursor(args.cursor, args.Key(project)));
  }
  ChangeImpact change;
  std::string what;
  if (args.changed) {
    ONYX_ASSIGN_OR_RETURN_EXIT(change, e->ImpactOfWorktree(project, args.tree, args.limits,
                                                           session.globals().defaults.ingest));
    what = "the working tree " + args.tree;
  } else {
    ONYX_ASSIGN_OR_RETURN_EXIT(const RevisionNumber rev, e->ResolveRevision(project, args.commit));
    ONYX_ASSIGN_OR_RETURN_EXIT(change, e->ImpactOfRevision(project, rev, args.limits));
    what = "revision " + std::to_string(rev);
  }
  // Pages: the walk covers the whole change (its tests to run need all of
  // it); the list of what may break is cut. A cursor is good while the
  // graph stays at the revision of its first page.
  if (args.at && args.at->revision != change.revision) {
    return Fail(
        Status::InvalidArgument("--cursor: the graph moved on since the first page (revision " +
                                std::to_string(args.at->revision) + ", now " +
                                std::to_string(change.revision) + "): start again"));
  }
  const std::string next = args.Page(change.impact.nodes, change.revision, project);
  if (session.globals().json) {
    std::cout << ChangeImpactJson(change, args.explain, next);
    return kExitOk;
  }
  fmt::print("changes of {} against revision {}: {} symbols\n", what, change.revision,
             change.changed.size());
  const std::size_t name_width =
      ColumnWidth(change.changed, [](const SymbolChange& c) { return Label(c.node); });
  const std::size_t where_width =
      ColumnWidth(change.changed, [](const SymbolChange& c) { return Location(c.node); });
  for (const SymbolChange& c : change.changed) {
    fmt::print("  {} {} {}  {}  ({})\n",
               c.change == "added"     ? Styled("+", "32")
               : c.change == "removed" ? Styled("-", "31")
                                       : Styled("~", "33"),
               Kind(c.node.kind), Column(Label(c.node), name_width, "1"),
               Column(Location(c.node), where_width, "2"), c.change);
  }
  fmt::print("impact: {} nodes{}\n", change.impact.total, change.impact.partial ? kPartial : "");
  PrintWalk(change.impact, true, true);
  PrintNext(next);
  std::string tests;
  for (const Node& t : change.tests) tests += (tests.empty() ? "" : ", ") + t.qualified_name;
  fmt::print("tests to run: {}\n", change.tests.empty() ? "none found" : tests);
  if (args.explain) PrintPlan(change.impact.plan);
  return kExitOk;
}

// --time-limit MS (default: query.time_limit_ms) and --explain, of every
// question that may take long.
void AddTimeAndExplain(CLI::App* cmd, std::int64_t* time_limit_ms, bool* explain,
                       std::chrono::milliseconds fallback) {
  *time_limit_ms = fallback.count();
  cmd->add_option("--time-limit", *time_limit_ms,
                  "Milliseconds the question may run; past them it answers what it has, "
                  "marked partial")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{600'000}));
  cmd->add_flag("--explain", *explain,
                "Also print how the question ran: its source, what it read, time per step");
}

void AddWalkLimits(CLI::App* cmd, NodeArgs& args) {
  cmd->add_option("--depth", args.limits.max_depth, "Most edges walked")->capture_default_str();
  cmd->add_option("-n,--limit", args.limits.max_results, "Most results")->capture_default_str();
  AddTimeAndExplain(cmd, &args.time_limit_ms, &args.explain, args.limits.time_limit);
  cmd->add_option("--page", args.page, "Results per page (the answer ends with the next cursor)");
  cmd->add_option("--cursor", args.cursor, "The next page of the query that printed it");
}

void PrintNext(const std::string& next) {
  if (!next.empty()) fmt::print("next page: --cursor {}\n", next);
}

// Where a page of a list answer starts: the revision asked (a cursor pins
// it), the offset, and the revision a next cursor pins.
struct PagePosition {
  std::optional<RevisionNumber> as_of;
  std::uint64_t offset = 0;
  bool paging = false;
  RevisionNumber revision = 0;
};

// --page N and --cursor C of a command whose answer is a list.
struct PageArgs {
  std::size_t page = 0;
  std::string cursor;

  void AddOptions(CLI::App* cmd) {
    cmd->add_option("--page", page, "Results per page (the answer ends with the next cursor)");
    cmd->add_option("--cursor", cursor, "The next page of the query that printed it");
  }

  // From the cursor (of this query; it replaces --as-of), else from --as-of;
  // a first page pins the latest revision for the pages after it.
  Result<PagePosition> Resolve(Session& session, Engine& e, const std::string& as_of,
                               std::uint64_t key) const {
    PagePosition at;
    at.paging = page != 0 || !cursor.empty();
    if (!cursor.empty()) {
      if (!as_of.empty()) {
        return Status::InvalidArgument("--cursor already names a revision; drop --as-of");
      }
      ONYX_ASSIGN_OR_RETURN(const query::Cursor c, query::DecodeCursor(cursor, key));
      at.as_of = c.revision;
      at.offset = c.offset;
      at.revision = c.revision;
      return at;
    }
    ONYX_ASSIGN_OR_RETURN(at.as_of, session.AsOf(as_of));
    if (at.as_of) {
      at.revision = *at.as_of;
    } else if (at.paging) {
      ONYX_ASSIGN_OR_RETURN(const std::optional<Revision> last,
                            e.LatestRevision(session.globals().project));
      at.revision = last ? last->number : 0;
      at.as_of = last ? std::optional<RevisionNumber>(last->number) : std::nullopt;
    }
    return at;
  }

  // Keeps the page of `items`; the next page's cursor, or "".
  template <typename T>
  std::string Next(std::vector<T>& items, const PagePosition& at, std::uint64_t key) const {
    if (!at.paging) return {};
    return TakePageWithCursor(items, at.offset, page, at.revision, key);
  }
};

void PrintPlan(const QueryPlan& plan) {
  double total = 0;
  for (const auto& [step, ms] : plan.steps) total += ms;
  std::string counts;
  for (const auto& [name, n] : plan.counts) {
    counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n, name);
  }
  fmt::print("plan: from the {}; {}; {:.3f} ms\n", plan.source, counts.empty() ? "-" : counts,
             total);
  for (const auto& [step, ms] : plan.steps) fmt::print("  {:<28} {:>9.3f} ms\n", step, ms);
}

// Whether the graph still matches the working tree it was ingested from.
// People are told on stderr when it does not; JSON answers carry "stale".
Freshness Fresh(Session& session, Engine& e) {
  auto fresh = e.CheckFreshness(session.globals().project);
  if (!fresh.ok()) return {};  // unknown; the answer itself still stands
  if (fresh->stale.value_or(false) && !session.globals().json) {
    fmt::print(stderr,
               "onyx: note: the graph is stale: {} file(s) under {} changed since revision {} "
               "(run `onyx ingest {}`)\n",
               fresh->changed_files, fresh->tree, fresh->revision, fresh->tree);
  }
  return *std::move(fresh);
}

// neighbors and covers: a traversal from `start`, paged, as text or JSON.
// `title` begins the first line ("neighbors of function x").
int RunTraversal(Session& session, Engine& e, const Node& start, TraverseSpec spec,
                 std::optional<RevisionNumber> as_of, const NodeArgs& a, const std::string& title) {
  spec.starts = {start.id};
  spec.limits = a.Window(spec.limits);
  ONYX_ASSIGN_OR_RETURN_EXIT(WalkResult result, e.Traverse(session.globals().project, spec, as_of));
  const std::size_t total = result.total;
  const std::string next = a.Next(result, session.globals().project);
  const Freshness fresh = Fresh(session, e);
  if (session.globals().json) {
    std::cout << WalkJson(fresh, start, result, a.explain, next);
    return kExitOk;
  }
  fmt::print("{} as of revision {}: {} nodes{}\n", title, result.revision, total,
             result.partial ? kPartial : "");
  PrintWalk(result, spec.limits.max_depth > 1, false);
  PrintNext(next);
  if (a.explain) PrintPlan(result.plan);
  return kExitOk;
}

}  // namespace

void AddQueryCommands(CLI::App& app, Globals& globals, Commands& commands) {
  const auto json_flag = [&globals](CLI::App* cmd) {
    cmd->add_flag("--json", globals.json, "Print one JSON document (shape in docs/cli.md)");
  };

  auto stats_as_of = std::make_shared<std::string>();
  CLI::App* stats = commands.Add(
      app, "stats", "Counts of nodes and edges by kind", [stats_as_of](Session& session) {
        ONYX_ASSIGN_OR_RETURN_EXIT(Engine * e, session.engine());
        ONYX_ASSIGN_OR_RETURN_EXIT(const std::optional<RevisionNumber> as_of,
                                   session.AsOf(*stats_as_of));
        ONYX_ASSIGN_OR_RETURN_EXIT(const GraphStats s, e->Stats(session.globals().project, as_of));
        if (session.globals().json) {
          std::cout << StatsJson(s);
        } else {
          PrintStats(s);
        }
        return kExitOk;
      });
  stats->add_option("--as-of", *stats_as_of, "Counts as of this revision, commit or date");
  json_flag(stats);

  struct FindArgs {
    std::string name;
    bool prefix = false;
    std::size_t limit = 20;
    std::string as_of;
    PageArgs paging;
    std::uint64_t Key(const std::string& project) const {
      return query::QueryKey("find\n" + project + "\n" + name + "\n" + (prefix ? "1" : "0") + "\n" +
                             std::to_string(limit));
    }
  };
  auto find_args = std::make_shared<FindArgs>();
  CLI::App* find = commands.Add(app, "find", "Find nodes by name", [find_args](Session& session) {
    FindArgs& a = *find_args;
    ONYX_ASSIGN_OR_RETURN_EXIT(Engine * e, session.engine());
    const std::string& project = session.globals().project;
    ONYX_ASSIGN_OR_RETURN_EXIT(const PagePosition at,
                               a.paging.Resolve(session, *e, a.as_of, a.Key(project)));
    ONYX_ASSIGN_OR_RETURN_EXIT(std::vector<Node> nodes,
                               e->FindByName(project, a.name, a.prefix, a.limit, at.as_of));
    const std::string next = a.paging.Next(nodes, at, a.Key(project));
    const Freshness fresh = Fresh(session, *e);
    if (session.globals().json) {
      std::cout << NodesJson(fresh, nodes, next);
      return nodes.empty() && at.offset == 0 ? kExitNotFound : kExitOk;
    }
    for (const auto& n : nodes) {
      fmt::print("{} {:<32} {}  [rev {}..{}]\n", Kind(n.kind), n.name, n.path, n.validity.from,
                 Until(n.validity));
    }
    PrintNext(next);
    if (nodes.empty() && at.offset == 0) {
      std::cerr << "onyx: no node named '" << find_args->name << "'\n";
      return kExitNotFound;
    }
    return kExitOk;
  });
  find->add_option("name", find_args->name, "Name (case-insensitive)")->required();
  find->add_flag("--prefix", find_args->prefix, "Match names that start with NAME");
  find->add_option("-n,--limit", find_args->limit, "Most results")->capture_default_str();
  find->add_option("--as-of", find_args->as_of, "Answer as of this revision, commit or date");
  find_args->paging.AddOptions(find);
  json_flag(find);

  auto log_as_of = std::make_shared<std::string>();
  CLI::App* log = commands.Add(app, "log", "List revisions", [log_as_of](Session& session) {
    ONYX_ASSIGN_OR_RETURN_EXIT(Engine * e, session.engine());
    ONYX_ASSIGN_OR_RETURN_EXIT(std::vector<Revision> revs, e->Revisions(session.globals().project));
    ONYX_ASSIGN_OR_RETURN_EXIT(const std::optional<RevisionNumber> as_of, session.AsOf(*log_as_of));
    if (as_of) {
      std::erase_if(revs, [&](const Revision& r) { return r.number > *as_of; });
    }
    if (session.globals().json) {
      std::cout << RevisionsJson(revs);
      return kExitOk;
    }
    for (const auto& r : revs) {
      // One line each: the commit's short id and subject for git revisions.
      const std::string subject = r.info.message.substr(0, r.info.message.find('\n'));
      fmt::print("{:>5}  {}  {:<8} {:<10} nodes +{} ~{} -{}  {}\n", r.number,
                 core::FormatTimeMicros(r.info.time_micros), RevisionSourceName(r.info.source),
                 r.info.commit.substr(0, 10), r.changes.nodes_added, r.changes.nodes_changed,
                 r.changes.nodes_removed, subject);
    }
    return kExitOk;
  });
  log->add_option("--as-of", *log_as_of, "Only the revisions up to this one");
  json_flag(log);

  struct SearchArgs {
    std::string query;
    std::string mode = "hybrid";
    std::string prior = "none";
    std::string kind;
    std::string as_of;
    SearchOptions options;
    std::size_t page = 0;
    std::string cursor;
    std::int64_t time_limit_ms = 0;
    bool explain = false;
    std::uint64_t Key(const std::string& project) const {
      return query::QueryKey("search\n" + project + "\n" + query + "\n" + mode + "\n" + prior +
                             "\n" + kind + "\n" + options.filters.language + "\n" +
                             options.filters.path_prefix + "\n" + std::to_string(options.k));
    }
  };
  auto search_args = std::make_shared<SearchArgs>();
  search_args->options.k = globals.defaults.search_k;
  search_args->mode = globals.defaults.search_mode;
  CLI::App* search = commands.Add(
      app, "search", "Search definitions and docs by meaning and words",
      [search_args](Session& session) {
        SearchArgs& a = *search_args;
        SearchOptions options = a.options;
        options.time.limit = std::chrono::milliseconds(a.time_limit_ms);
        const auto mode = ParseSearchMode(a.mode);
        if (!mode) {
          return Fail(
              Status::InvalidArgument("--mode: '" + a.mode + "' is not hybrid, vector or lexical"));
        }
        options.mode = *mode;
        const auto prior = ParseSearchPrior(a.prior);
        if (!prior) {
          return Fail(
              Status::InvalidArgument("--prior: '" + a.prior + "' is not none or centrality"));
        }
        options.prior = *prior;
        if (!a.kind.empty()) {
          options.filters.kind = ParseNodeKind(a.kind);
          if (!options.filters.kind) {
            return Fail(Status::InvalidArgument("--kind: '" + a.kind + "' is not a node kind"));
          }
        }
        ONYX_ASSIGN_OR_RETURN_EXIT(Engine * e, session.engine());
        const std::string& project = session.globals().project;
        std::optional<query::Cursor> at;
        if (!a.cursor.empty()) {
          if (!a.as_of.empty()) {
            return Fail(Status::InvalidArgument("--cursor already names a revision; drop --as-of"));
          }
          ONYX_ASSIGN_OR_RETURN_EXIT(at, query::DecodeCursor(a.cursor, a.Key(project)));
          options.as_of = at->revision;
        } else {
          ONYX_ASSIGN_OR_RETURN_EXIT(options.as_of, session.AsOf(a.as_of));
        }
        ONYX_ASSIGN_OR_RETURN_EXIT(SearchResults results, e->Search(project, a.query, options));
        const std::size_t total = results.hits.size();
        std::string next;
        if (a.page != 0 || at) {
          next = TakePageWithCursor(results.hits, at ? at->offset : 0, a.page, results.revision,
                                    a.Key(project));
        }
        const Freshness fresh = Fresh(session, *e);
        if (session.globals().json) {
          std::cout << SearchJson(fresh, results, options.mode, next, a.explain);
          return total == 0 ? kExitNotFound : kExitOk;
        }
        fmt::print("{} hits as of revision {} ({}, {}){}\n", total, results.revision,
                   SearchModeName(options.mode), results.model, results.partial ? kPartial : "");
        int rank = at ? static_cast<int>(at->offset) : 0;
        for (const auto& h : results.hits) {
          std::string why;
          for (const auto& [part, value] : h.parts) {
            why += fmt::format("{}{}={:.3g}", why.empty() ? "" : " ", part, value);
          }
          fmt::print("{:>3}. {:.4f}  {} {}  {}\n       {}\n", ++rank, h.score, Kind(h.kind),
                     Name(h.qualified_name),
                     Styled(fmt::format("{}:{}", h.path, h.span.start_line), "2"), why);
          const std::string first = h.snippet.substr(0, h.snippet.find('\n'));
          if (!first.empty()) fmt::print("       | {}\n", first);
        }
        PrintNext(next);
        if (a.explain) PrintPlan(results.plan);
        if (total == 0) {
          std::cerr << "onyx: nothing matches '" << a.query << "'\n";
          return kExitNotFound;
        }
        return kExitOk;
      });
  search->add_option("query", search_args->query, "What to look for")->required();
  search->add_option("-k,--limit", search_args->options.k, "Most results (1..1000)")
      ->capture_default_str();
  search->add_option("--as-of", search_args->as_of, "Answer as of this revision, commit or date");
  search->add_option("--mode", search_args->mode, "hybrid, vector or lexical")
      ->capture_default_str();
  search->add_option("--prior", search_args->prior,
                     "none, or centrality: lift hits the code depends on more");
  search->add_option("--kind", search_args->kind, "Only this node kind (function, class, test, …)");
  search->add_option("--lang", search_args->options.filters.language, "Only this language");
  search->add_option("--path", search_args->options.filters.path_prefix, "Only paths starting so");
  search->add_option("--page", search_args->page,
                     "Hits per page (the answer ends with the next cursor)");
  search->add_option("--cursor", search_args->cursor,
                     "The next page of the search that printed it");
  AddTimeAndExplain(search, &search_args->time_limit_ms, &search_args->explain,
                    globals.defaults.walk.time_limit);
  json_flag(search);

  auto show_args = std::make_shared<NodeArgs>();
  json_flag(AddNodeCommand(
      app, commands, "show", "A symbol with its signature, doc and source", show_args,
      [](Session& session, Engine& e, const Node& start, std::optional<RevisionNumber> as_of) {
        ONYX_ASSIGN_OR_RETURN_EXIT(const std::string source,
                                   e.SourceOf(session.globals().project, start, as_of));
        const Freshness fresh = Fresh(session, e);
        if (session.globals().json) {
          std::cout << ShowJson(fresh, start, source);
          return kExitOk;
        }
        fmt::print(
            "{} {}\n  {}  id {:016x}  valid from revision {}{}\n", NodeKindName(start.kind),
            Name(start.qualified_name),
            Styled(fmt::format("{}:{}-{}", start.path, start.span.start_line, start.span.end_line),
                   "2"),
            start.id, start.validity.from,
            start.validity.IsOpen() ? std::string() : " to " + Until(start.validity));
        if (!start.signature.empty()) fmt::print("  {}\n", start.signature);
        if (!start.doc.empty()) fmt::print("\n{}\n", start.doc);
        if (!source.empty()) fmt::print("\n{}\n", source);
        return kExitOk;
      }));

  auto neighbors_args = std::make_shared<NodeArgs>();
  neighbors_args->limits = globals.defaults.walk;
  neighbors_args->limits.max_depth = 1;
  CLI::App* neighbors = AddNodeCommand(
      app, commands, "neighbors", "The nodes one (or more) edges away from a symbol",
      neighbors_args,
      [neighbors_args](Session& session, Engine& e, const Node& start,
                       std::optional<RevisionNumber> as_of) {
        return RunTraversal(session, e, start, neighbors_args->spec, as_of, *neighbors_args,
                            "neighbors of " + std::string(NodeKindName(start.kind)) + " " +
                                Name(start.qualified_name));
      });
  AddWalkLimits(neighbors, *neighbors_args);
  neighbors->add_option("--edge", neighbors_args->edge_kinds,
                        "Only these edge kinds (calls,imports,…; repeatable)");
  neighbors
      ->add_option("--direction", neighbors_args->direction,
                   "out (what it uses), in (what uses it) or both")
      ->capture_default_str();
  neighbors->add_option("--kind", neighbors_args->node_kinds, "Only nodes of these kinds");
  neighbors->add_option("--path", neighbors_args->path_prefix, "Only nodes whose path starts so");
  json_flag(neighbors);

  for (const bool is_impact : {true, false}) {
    auto args = std::make_shared<NodeArgs>();
    args->limits = globals.defaults.walk;
    CLI::App* cmd = AddNodeCommand(
        app, commands, is_impact ? "impact" : "tests",
        is_impact ? "What may break if a symbol or file changes"
                  : "The tests that exercise a symbol or file",
        args,
        [args, is_impact](Session& session, Engine& e, const Node& start,
                          std::optional<RevisionNumber> as_of) {
          const std::string& project = session.globals().project;
          const WalkLimits limits = args->Window(args->limits);
          ONYX_ASSIGN_OR_RETURN_EXIT(WalkResult result,
                                     is_impact ? e.Impact(project, start.id, limits, as_of)
                                               : e.TestsFor(project, start.id, limits, as_of));
          const std::size_t total = result.total;
          const std::string next = args->Next(result, project);
          const Freshness fresh = Fresh(session, e);
          if (session.globals().json) {
            std::cout << WalkJson(fresh, start, result, args->explain, next);
            return kExitOk;
          }
          fmt::print("{} {} {} as of revision {}: {} {}{}\n", is_impact ? "impact of" : "tests of",
                     NodeKindName(start.kind), Name(start.qualified_name), result.revision, total,
                     is_impact ? "nodes" : "tests", result.partial ? kPartial : "");
          PrintWalk(result, is_impact, is_impact);
          PrintNext(next);
          if (args->explain) PrintPlan(result.plan);
          return kExitOk;
        });
    AddWalkLimits(cmd, *args);
    json_flag(cmd);
    if (is_impact) {
      cmd->add_flag("--changed", args->changed,
                    "Instead of a node: the working tree's changes since the last ingest");
      cmd->add_option("--tree", args->tree, "With --changed: the working tree")
          ->capture_default_str();
      cmd->add_option("--commit", args->commit,
                      "Instead of a node: the changes a revision or commit made");
    }
  }

  struct StatusArgs {
    std::string tree = ".";
  };
  auto status_args = std::make_shared<StatusArgs>();
  CLI::App* status = commands.Add(
      app, "status", "The latest revision, and whether the working tree has moved on",
      [status_args](Session& session) {
        ONYX_ASSIGN_OR_RETURN_EXIT(Engine * e, session.engine());
        const std::string& project = session.globals().project;
        ONYX_ASSIGN_OR_RETURN_EXIT(const std::optional<Revision> latest,
                                   e->LatestRevision(project));
        ONYX_ASSIGN_OR_RETURN_EXIT(
            const WorktreeChanges changes,
            e->CompareWorktree(project, status_args->tree, session.globals().defaults.ingest,
                               /*symbols=*/false));
        const Revision* last = latest ? &*latest : nullptr;
        if (session.globals().json) {
          std::cout << StatusJson(last, changes);
          return kExitOk;
        }
        if (last == nullptr) {
          fmt::print("project {}: no revision yet\n", project);
        } else {
          fmt::print("project {}: revision {} ({}, {}{})\n", project, last->number,
                     core::FormatTimeMicros(last->info.time_micros).substr(0, 19),
                     RevisionSourceName(last->info.source),
                     last->info.commit.empty() ? "" : " " + last->info.commit.substr(0, 10));
        }
        if (!changes.stale()) {
          fmt::print("up to date with {}\n", status_args->tree);
          return kExitOk;
        }
        fmt::print("stale against {}: {} modified, {} added, {} removed (onyx ingest to update)\n",
                   status_args->tree, changes.modified_files.size(), changes.added_files.size(),
                   changes.removed_files.size());
        for (const auto* list :
             {&changes.modified_files, &changes.added_files, &changes.removed_files}) {
          const char* sign = list == &changes.modified_files ? "~"
                             : list == &changes.added_files  ? "+"
                                                             : "-";
          for (const std::string& path : *list) fmt::print("  {} {}\n", sign, path);
        }
        return kExitOk;
      });
  status->add_option("--tree", status_args->tree, "The working tree")->capture_default_str();
  json_flag(status);

  // The reverse of tests: what a test covers.
  auto covers_args = std::make_shared<NodeArgs>();
  covers_args->limits = globals.defaults.walk;
  CLI::App* covers = AddNodeCommand(
      app, commands, "covers", "What a test exercises: what it tests, and the calls beneath",
      covers_args,
      [covers_args](Session& session, Engine& e, const Node& start,
                    std::optional<RevisionNumber> as_of) {
        if (start.kind != NodeKind::kTest) {
          return Fail(Status::InvalidArgument(start.qualified_name + " is a " +
                                              std::string(NodeKindName(start.kind)) +
                                              ", not a test (see: onyx tests NODE)"));
        }
        TraverseSpec spec = covers_args->spec;
        spec.direction = Direction::kOut;
        spec.edge_kinds = {EdgeKind::kTests, EdgeKind::kCalls};
        return RunTraversal(session, e, start, spec, as_of, *covers_args,
                            "covered by test " + Name(start.qualified_name));
      });
  AddWalkLimits(covers, *covers_args);
  json_flag(covers);

  auto history_args = std::make_shared<NodeArgs>();
  history_args->any_revision = true;
  CLI::App* history = AddNodeCommand(
      app, commands, "history", "Every version of a symbol, across renames", history_args,
      [history_args](Session& session, Engine& e, const Node& start,
                     std::optional<RevisionNumber> as_of) {
        const NodeArgs& a = *history_args;
        const std::string& project = session.globals().project;
        // A first page pins the latest revision for the pages after it.
        if (!as_of && a.page != 0) {
          ONYX_ASSIGN_OR_RETURN_EXIT(const std::optional<Revision> last, e.LatestRevision(project));
          if (last) as_of = last->number;
        }
        ONYX_ASSIGN_OR_RETURN_EXIT(NodeHistory versions,
                                   e.History(project, start.id, as_of, a.limits.time()));
        const std::size_t total = versions.versions.size();
        const std::string next = a.Page(versions.versions, as_of.value_or(0), project);
        const Freshness fresh = Fresh(session, e);
        if (session.globals().json) {
          std::cout << HistoryJson(fresh, versions, next, a.explain);
          return kExitOk;
        }
        fmt::print("history of {} {}: {} entries{}\n", NodeKindName(start.kind),
                   Name(start.qualified_name), total, versions.partial ? kPartial : "");
        for (const auto& v : versions.versions) {
          std::string what;
          for (const auto& c : v.changes) what += (what.empty() ? "" : ", ") + c;
          const std::string subject =
              v.revision.info.message.substr(0, v.revision.info.message.find('\n'));
          const std::string& author = v.revision.info.author;
          fmt::print("  rev {:>4}  {}  {:<10} {:<28} {}  {}{}\n", v.revision.number,
                     core::FormatTimeMicros(v.revision.info.time_micros).substr(0, 19),
                     v.revision.info.commit.substr(0, 10), what, Where(v.node), subject,
                     author.empty() ? std::string() : "  (" + author.substr(0, 40) + ")");
        }
        PrintNext(next);
        if (a.explain) PrintPlan(versions.plan);
        return kExitOk;
      });
  AddTimeAndExplain(history, &history_args->time_limit_ms, &history_args->explain,
                    globals.defaults.walk.time_limit);
  history->add_option("--page", history_args->page,
                      "Versions per page (the answer ends with the next cursor)");
  history->add_option("--cursor", history_args->cursor,
                      "The next page of the history that printed it");
  json_flag(history);

  struct DiffArgs {
    std::string from;
    std::string to;
    std::size_t limit = 1000;
    PageArgs paging;
    std::int64_t time_limit_ms = 0;
    bool explain = false;
  };
  auto diff_args = std::make_shared<DiffArgs>();
  CLI::App* diff = commands.Add(
      app, "diff", "What changed between two revisions", [diff_args](Session& session) {
        const DiffArgs& a = *diff_args;
        ONYX_ASSIGN_OR_RETURN_EXIT(Engine * e, session.engine());
        const std::string& project = session.globals().project;
        ONYX_ASSIGN_OR_RETURN_EXIT(const RevisionNumber from, e->ResolveRevision(project, a.from));
        // Pages pin the newer end (a cursor holds it) and the older one (in
        // the query's key, so a cursor cannot page another diff).
        const std::uint64_t key = query::QueryKey("diff\n" + project + "\n" + std::to_string(from) +
                                                  "\n" + a.to + "\n" + std::to_string(a.limit));
        std::optional<RevisionNumber> to;
        std::uint64_t offset = 0;
        if (!a.paging.cursor.empty()) {
          ONYX_ASSIGN_OR_RETURN_EXIT(const query::Cursor c,
                                     query::DecodeCursor(a.paging.cursor, key));
          to = c.revision;
          offset = c.offset;
        } else if (!a.to.empty()) {
          ONYX_ASSIGN_OR_RETURN_EXIT(to, e->ResolveRevision(project, a.to));
        } else {
          ONYX_ASSIGN_OR_RETURN_EXIT(to, session.AsOf());  // the REPL's :as-of, if set
        }
        const bool paging = a.paging.page != 0 || !a.paging.cursor.empty();
        // Sizes are capped so that the sums below cannot wrap.
        constexpr std::uint64_t kMost = std::uint64_t{1} << 32;
        const std::size_t size = static_cast<std::size_t>(
            std::min<std::uint64_t>(a.paging.page == 0 ? a.limit : a.paging.page, kMost));
        // Paged, each list is read as far as the page needs (and one more, to
        // know that more follow); -n applies to unpaged answers.
        const std::size_t limit =
            paging ? static_cast<std::size_t>(std::min(offset, kMost) + size + 1) : a.limit;
        const TimeLimit time{std::chrono::milliseconds(a.time_limit_ms)};
        ONYX_ASSIGN_OR_RETURN_EXIT(GraphDiff d, e->Diff(project, from, to, limit, time));
        std::string next;
        if (paging) {
          const auto more = query::PageDiff(d, offset, size);
          next = query::NextCursor(d.to, more, key);
        }
        const Freshness fresh = Fresh(session, *e);
        if (session.globals().json) {
          std::cout << DiffJson(fresh, d, next, a.explain);
          return kExitOk;
        }
        const GraphDiff::Counts& c = d.counts;
        fmt::print("diff {}..{}: {} added, {} removed, {} changed, {} moved; edges +{} -{}{}\n",
                   d.from, d.to, c.added, c.removed, c.changed, c.moved, c.edges_added,
                   c.edges_removed,
                   d.out_of_time ? " (partial: the time limit was reached)"
                   : d.partial   ? " (lists cut at --limit)"
                                 : "");
        // One name column across the node lists; a location column where
        // something follows it (the changes).
        std::size_t name_width = 0;
        std::size_t where_width = 0;
        for (const auto* list : {&d.added, &d.removed}) {
          name_width = std::max(name_width, ColumnWidth(*list, Label));
        }
        for (const auto* list : {&d.changed, &d.moved}) {
          name_width = std::max(
              name_width, ColumnWidth(*list, [](const NodeChange& ch) { return Label(ch.after); }));
          where_width =
              std::max(where_width,
                       ColumnWidth(*list, [](const NodeChange& ch) { return Location(ch.after); }));
        }
        for (const auto& [sign, list] :
             {std::pair{Styled("+", "32"), &d.added}, std::pair{Styled("-", "31"), &d.removed}}) {
          for (const Node& n : *list) {
            fmt::print("  {} {} {}  {}\n", sign, Kind(n.kind), Column(Label(n), name_width, "1"),
                       Styled(Location(n), "2"));
          }
        }
        for (const auto* list : {&d.changed, &d.moved}) {
          for (const NodeChange& ch : *list) {
            std::string what;
            for (const auto& x : ch.changes) what += (what.empty() ? "" : ", ") + x;
            fmt::print("  {} {} {}  {}  ({})\n", Styled("~", "33"), Kind(ch.after.kind),
                       Column(Label(ch.after), name_width, "1"),
                       Column(Location(ch.after), where_width, "2"), what);
          }
        }
        for (const auto& [sign, list] :
             {std::pair{"+", &d.edges_added}, std::pair{"-", &d.edges_removed}}) {
          for (const NamedEdge& ne : *list) {
            fmt::print("  {} {} {} -> {}\n", sign, EdgeKindName(ne.edge.kind), ne.src, ne.dst);
          }
        }
        PrintNext(next);
        if (a.explain) PrintPlan(d.plan);
        return kExitOk;
      });
  diff->add_option("from", diff_args->from, "The older revision (number, HEAD~N, commit, date)")
      ->required();
  diff->add_option("to", diff_args->to, "The newer revision (default: the latest)");
  diff->add_option("-n,--limit", diff_args->limit, "Most entries in each list")
      ->capture_default_str();
  diff_args->paging.AddOptions(diff);
  AddTimeAndExplain(diff, &diff_args->time_limit_ms, &diff_args->explain,
                    globals.defaults.walk.time_limit);
  json_flag(diff);
}

}  // namespace onyx::cli
