// query_bench: query latencies on a generated graph of about 1M nodes and 10M
// edges with the shape of a large code base (files of ~50 definitions, calls
// mostly local with a heavy tail of widely used helpers, imports, references),
// with a few revisions of history on top; and the same 3-hop reverse
// reachability as an SQLite recursive CTE over an indexed edge table (with
// validity columns, for as-of), side by side as a ratio. With --repo it also
// ingests a real repository and times node lookup, impact and hybrid search.
//
//   query_bench [--files N] [--per-file N] [--calls N] [--queries N] [--dir DIR]
//               [--repo PATH] [--no-peer] [--impact-rounds N]
//
// The generated store and SQLite file are kept in DIR (default
// /tmp/onyx-query-bench) and reused by later runs with the same shape.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "onyx/engine.h"
#include "onyx/query/impact.h"
#include "onyx/query/topology.h"
#include "onyx/query/traverse.h"
#include "onyx/store/read_view.h"
#include "onyx/store/revision_writer.h"
#include "onyx/store/store.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using onyx::Edge;
using onyx::EdgeKind;
using onyx::Node;
using onyx::NodeId;
using onyx::RevisionNumber;

struct Shape {
  std::uint64_t files = 20'000;
  std::uint64_t per_file = 50;  // definitions per file
  std::uint64_t calls = 8;      // calls per definition
  std::string Key() const {
    return std::to_string(files) + "x" + std::to_string(per_file) + "x" + std::to_string(calls);
  }
};

constexpr int kChangeRevisions = 5;

void Check(const onyx::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "query_bench: %s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}
template <typename T>
T Check(onyx::Result<T> r, const char* what) {
  Check(r.status(), what);
  return std::move(r).value();
}

double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Latency {
  double p50 = 0, p99 = 0;
};
Latency Percentiles(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return {};
  return {v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 99 / 100)]};
}

// Definition d of file f: a class every 10th, its next members methods, the
// rest functions.
Node Definition(std::uint64_t f, std::uint64_t d, std::uint64_t version = 0) {
  Node n;
  n.language = "python";
  n.path = "pkg/d" + std::to_string(f / 100) + "/mod_" + std::to_string(f) + ".py";
  const std::string module = "pkg.d" + std::to_string(f / 100) + ".mod_" + std::to_string(f);
  if (d % 10 == 0) {
    n.kind = onyx::NodeKind::kClass;
    n.name = "Service" + std::to_string(f) + "_" + std::to_string(d);
    n.qualified_name = module + "." + n.name;
  } else if (d % 10 < 4) {
    n.kind = onyx::NodeKind::kMethod;
    n.name = "handle_" + std::to_string(d);
    n.qualified_name =
        module + ".Service" + std::to_string(f) + "_" + std::to_string(d - d % 10) + "." + n.name;
  } else {
    n.kind = onyx::NodeKind::kFunction;
    n.name = "helper_" + std::to_string(f) + "_" + std::to_string(d);
    n.qualified_name = module + "." + n.name;
  }
  n.signature = "def " + n.name + "(request, timeout=" + std::to_string(30 + version) + "):";
  const auto line = static_cast<std::uint32_t>(d * 12 + 1);
  n.span = {static_cast<std::uint32_t>(d * 400), static_cast<std::uint32_t>(d * 400 + 380), line,
            line + 10};
  n.content_hash = onyx::HashContent(n.signature);
  n.id = onyx::MakeNodeId(n.language, n.path, n.qualified_name, n.kind);
  return n;
}

Node File(std::uint64_t f) {
  Node n;
  n.kind = onyx::NodeKind::kFile;
  n.language = "python";
  n.path = "pkg/d" + std::to_string(f / 100) + "/mod_" + std::to_string(f) + ".py";
  n.name = "mod_" + std::to_string(f) + ".py";
  n.qualified_name = n.path;
  n.content_hash = onyx::HashContent(n.path);
  n.id = onyx::MakeNodeId(n.language, n.path, n.qualified_name, n.kind);
  return n;
}

Edge MakeEdge(NodeId src, EdgeKind kind, NodeId dst, float confidence) {
  Edge e;
  e.src = src;
  e.kind = kind;
  e.dst = dst;
  e.confidence = confidence;
  e.resolution = confidence == 1.0F ? onyx::Resolution::kExact : onyx::Resolution::kImport;
  return e;
}

// The callee of call c of definition (f, d): mostly the same file or a nearby
// one, sometimes a widely used helper (a power law over files).
std::pair<std::uint64_t, std::uint64_t> Callee(const Shape& s, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  const double pick = u(rng);
  std::uint64_t f = 0;
  if (pick < 0.5) {
    f = static_cast<std::uint64_t>(u(rng) * 3);  // same file or the next two
  } else if (pick < 0.8) {
    f = static_cast<std::uint64_t>(u(rng) * 200);  // the same package area
  } else {
    f = static_cast<std::uint64_t>(std::pow(u(rng), 4) * static_cast<double>(s.files));
  }
  return {f, 4 + static_cast<std::uint64_t>(u(rng) * static_cast<double>(s.per_file - 4))};
}

// Generates the graph into `store`.
void Generate(const Shape& s, onyx::store::Store& store, onyx::ProjectId project) {
  const auto started = Clock::now();
  const auto commit = [&](const char* what, const auto& stage) {
    auto writer = Check(store.BeginRevision(project, {}), what);
    stage(*writer);
    Check(writer->Commit().status(), what);
  };
  // Nodes, 1000 files per revision.
  for (std::uint64_t f0 = 0; f0 < s.files; f0 += 1000) {
    commit("nodes", [&](onyx::store::RevisionWriter& w) {
      for (std::uint64_t f = f0; f < std::min(s.files, f0 + 1000); ++f) {
        Check(w.UpsertNode(File(f)), "file");
        for (std::uint64_t d = 0; d < s.per_file; ++d) Check(w.UpsertNode(Definition(f, d)), "def");
      }
    });
  }
  std::fprintf(stderr, "  nodes written in %.1fs\n",
               std::chrono::duration<double>(Clock::now() - started).count());
  // Edges, 500 files' worth per revision.
  std::mt19937_64 rng(20261125);
  for (std::uint64_t f0 = 0; f0 < s.files; f0 += 500) {
    std::vector<Edge> edges;
    for (std::uint64_t f = f0; f < std::min(s.files, f0 + 500); ++f) {
      const NodeId file = File(f).id;
      for (int i = 0; i < 5; ++i) {
        const auto [df, dd] = Callee(s, rng);
        const std::uint64_t target = (f + df + 1) % s.files;
        edges.push_back(MakeEdge(file, EdgeKind::kImports, File(target).id, 1.0F));
      }
      for (std::uint64_t d = 0; d < s.per_file; ++d) {
        const NodeId def = Definition(f, d).id;
        edges.push_back(MakeEdge(file, EdgeKind::kContains, def, 1.0F));
        for (std::uint64_t c = 0; c < s.calls; ++c) {
          const auto [df, dd] = Callee(s, rng);
          const NodeId callee = Definition((f + df) % s.files, dd).id;
          if (callee != def) edges.push_back(MakeEdge(def, EdgeKind::kCalls, callee, 0.95F));
        }
        const auto [rf, rd] = Callee(s, rng);
        edges.push_back(MakeEdge(def, EdgeKind::kReferences,
                                 Definition((f + rf) % s.files, (rd / 10) * 10).id, 0.9F));
      }
    }
    commit("edges", [&](onyx::store::RevisionWriter& w) {
      for (Edge& e : edges) Check(w.UpsertEdge(std::move(e)), "edge");
    });
  }
  std::fprintf(stderr, "  edges written in %.1fs\n",
               std::chrono::duration<double>(Clock::now() - started).count());
  // History: each change revision edits 2000 definitions' signatures and
  // re-targets one call of each.
  for (int r = 1; r <= kChangeRevisions; ++r) {
    commit("change", [&](onyx::store::RevisionWriter& w) {
      for (int i = 0; i < 2000; ++i) {
        const std::uint64_t f = rng() % s.files;
        const std::uint64_t d = 4 + rng() % (s.per_file - 4);
        const Node def = Definition(f, d, r);
        Check(w.UpsertNode(def), "change");
        const auto [df, dd] = Callee(s, rng);
        Check(w.UpsertEdge(
                  MakeEdge(def.id, EdgeKind::kCalls, Definition((f + df) % s.files, dd).id, 0.95F)),
              "change edge");
      }
    });
  }
  std::fprintf(stderr, "  graph generated in %.1fs\n",
               std::chrono::duration<double>(Clock::now() - started).count());
}

void Sql(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::fprintf(stderr, "query_bench: sqlite: %s: %s\n", sql, error);
    std::exit(1);
  }
}

sqlite3_stmt* Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "query_bench: sqlite: %s: %s\n", sql, sqlite3_errmsg(db));
    std::exit(1);
  }
  return stmt;
}

// The peer's tables: every edge version and node version with its validity,
// indexed the way an engineer would for walks in both directions.
sqlite3* OpenSqlite(const std::string& path, const onyx::store::ReadView* fill_from) {
  if (fill_from != nullptr) fs::remove(path);
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    std::fprintf(stderr, "query_bench: cannot open %s\n", path.c_str());
    std::exit(1);
  }
  Sql(db, "PRAGMA cache_size=-4000000");  // 4 GB: everything stays in memory
  // SQLite 3.38+ may put a Bloom filter on the recursive step's join, which
  // then scans the edge table on every step (105 ms instead of 3 ms for one
  // 3-hop query on the small graph): turn that optimisation off, so the peer
  // runs at its best.
  constexpr int kBloomFilter = 0x00080000;  // SQLITE_BloomFilter in sqliteInt.h
  sqlite3_test_control(SQLITE_TESTCTRL_OPTIMIZATIONS, db, kBloomFilter);
  if (fill_from == nullptr) return db;
  Sql(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
  Sql(db,
      "CREATE TABLE edges(src INTEGER NOT NULL, kind INTEGER NOT NULL, dst INTEGER NOT NULL, "
      "confidence REAL NOT NULL, from_rev INTEGER NOT NULL, to_rev INTEGER NOT NULL)");
  Sql(db,
      "CREATE TABLE nodes(id INTEGER NOT NULL, from_rev INTEGER NOT NULL, to_rev INTEGER NOT NULL, "
      "kind INTEGER NOT NULL, name TEXT NOT NULL, qualified_name TEXT NOT NULL, path TEXT NOT "
      "NULL, start_line INTEGER NOT NULL, signature TEXT NOT NULL, PRIMARY KEY(id, from_rev)) "
      "WITHOUT ROWID");
  Sql(db, "BEGIN");
  const auto until = [](const onyx::Validity& v) {
    return static_cast<sqlite3_int64>(v.IsOpen() ? INT64_MAX : v.to);
  };
  sqlite3_stmt* edge = Prepare(db, "INSERT INTO edges VALUES(?,?,?,?,?,?)");
  Check(fill_from->ForEachEdgeVersion([&](const Edge& e) {
    sqlite3_bind_int64(edge, 1, static_cast<sqlite3_int64>(e.src));
    sqlite3_bind_int(edge, 2, static_cast<int>(e.kind));
    sqlite3_bind_int64(edge, 3, static_cast<sqlite3_int64>(e.dst));
    sqlite3_bind_double(edge, 4, e.confidence);
    sqlite3_bind_int64(edge, 5, static_cast<sqlite3_int64>(e.validity.from));
    sqlite3_bind_int64(edge, 6, until(e.validity));
    sqlite3_step(edge);
    sqlite3_reset(edge);
    return true;
  }),
        "edges");
  sqlite3_finalize(edge);
  sqlite3_stmt* node = Prepare(db, "INSERT INTO nodes VALUES(?,?,?,?,?,?,?,?,?)");
  Check(fill_from->ForEachNodeVersion([&](Node& n) {
    sqlite3_bind_int64(node, 1, static_cast<sqlite3_int64>(n.id));
    sqlite3_bind_int64(node, 2, static_cast<sqlite3_int64>(n.validity.from));
    sqlite3_bind_int64(node, 3, until(n.validity));
    sqlite3_bind_int(node, 4, static_cast<int>(n.kind));
    sqlite3_bind_text(node, 5, n.name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(node, 6, n.qualified_name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(node, 7, n.path.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(node, 8, static_cast<int>(n.span.start_line));
    sqlite3_bind_text(node, 9, n.signature.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(node);
    sqlite3_reset(node);
    return true;
  }),
        "nodes");
  sqlite3_finalize(node);
  Sql(db, "COMMIT");
  Sql(db, "CREATE INDEX edges_by_dst ON edges(dst, kind, from_rev, to_rev, src, confidence)");
  Sql(db, "CREATE INDEX edges_by_src ON edges(src, kind, from_rev, to_rev, dst, confidence)");
  Sql(db, "ANALYZE");
  return db;
}

// What may break: nodes reaching `start` over the impact edge kinds within 3
// edges, valid at `rev`: their ids only, and their rows (kind, names, path,
// line, signature) with their distance, as Onyx answers.
constexpr const char* kSqlReach3 =
    "WITH RECURSIVE r(id, depth) AS ("
    "  SELECT ?1, 0"
    "  UNION"
    "  SELECT e.src, r.depth + 1 FROM r JOIN edges e ON e.dst = r.id"
    "  WHERE r.depth < 3 AND e.kind IN (2, 3, 4, 5, 6) AND e.from_rev <= ?2 AND ?2 < e.to_rev)"
    "SELECT COUNT(DISTINCT id) - 1 FROM r";
constexpr const char* kSqlImpact3 =
    "WITH RECURSIVE r(id, depth) AS ("
    "  SELECT ?1, 0"
    "  UNION"
    "  SELECT e.src, r.depth + 1 FROM r JOIN edges e ON e.dst = r.id"
    "  WHERE r.depth < 3 AND e.kind IN (2, 3, 4, 5, 6) AND e.from_rev <= ?2 AND ?2 < e.to_rev),"
    " d(id, depth) AS (SELECT id, MIN(depth) FROM r GROUP BY id HAVING MIN(depth) > 0)"
    "SELECT n.id, n.kind, n.name, n.qualified_name, n.path, n.start_line, n.signature, d.depth"
    "  FROM d JOIN nodes n ON n.id = d.id AND n.from_rev <= ?2 AND ?2 < n.to_rev"
    "  ORDER BY d.depth";
// The first page of that answer (what `onyx impact` and MCP's impact show by
// default) and the size of the whole, at SQLite's best: the page is chosen on
// ids (by depth, then id) and only its 50 rows are read.
constexpr std::size_t kPage = 50;
constexpr const char* kSqlImpact3Page =
    "WITH RECURSIVE r(id, depth) AS ("
    "  SELECT ?1, 0"
    "  UNION"
    "  SELECT e.src, r.depth + 1 FROM r JOIN edges e ON e.dst = r.id"
    "  WHERE r.depth < 3 AND e.kind IN (2, 3, 4, 5, 6) AND e.from_rev <= ?2 AND ?2 < e.to_rev),"
    " d(id, depth) AS MATERIALIZED ("
    "  SELECT id, MIN(depth) FROM r GROUP BY id HAVING MIN(depth) > 0),"
    " p(id, depth) AS (SELECT id, depth FROM d ORDER BY depth, id LIMIT 50)"
    "SELECT n.id, n.kind, n.name, n.qualified_name, n.path, n.start_line, n.signature, p.depth,"
    "  (SELECT COUNT(*) FROM d)"
    "  FROM p JOIN nodes n ON n.id = p.id AND n.from_rev <= ?2 AND ?2 < n.to_rev"
    "  ORDER BY p.depth";

// Runs a prepared 3-hop statement; returns the rows (or the count it selects).
std::int64_t SqlRun(sqlite3_stmt* stmt, NodeId start, RevisionNumber rev, bool count) {
  sqlite3_reset(stmt);
  sqlite3_bind_int64(stmt, 1, static_cast<sqlite3_int64>(start));
  sqlite3_bind_int64(stmt, 2, static_cast<sqlite3_int64>(rev));
  std::int64_t rows = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    if (count) return sqlite3_column_int64(stmt, 0);
    // Read the columns as a client would.
    for (int c = 0; c < 8; ++c) {
      if (sqlite3_column_type(stmt, c) == SQLITE_TEXT) sqlite3_column_text(stmt, c);
    }
    ++rows;
  }
  return rows;
}

void Row(const char* what, const Latency& onyx, const Latency* peer = nullptr) {
  if (peer == nullptr) {
    std::printf("  %-34s p50 %8.3f ms  p99 %8.3f ms\n", what, onyx.p50, onyx.p99);
  } else {
    std::printf(
        "  %-34s p50 %8.3f ms  p99 %8.3f ms   sqlite p50 %8.3f ms  p99 %8.3f ms   "
        "%.1fx faster (p50)\n",
        what, onyx.p50, onyx.p99, peer->p50, peer->p99, peer->p50 / onyx.p50);
  }
}

template <typename Fn>
Latency Time(std::size_t n, Fn fn) {
  std::vector<double> ms;
  ms.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto t = Clock::now();
    fn(i);
    ms.push_back(Millis(Clock::now() - t));
  }
  return Percentiles(std::move(ms));
}

void RunGenerated(const Shape& shape, const std::string& dir, std::size_t queries, bool peer,
                  std::size_t impact_rounds) {
  const std::string store_dir = dir + "/store-" + shape.Key();
  const std::string sqlite_path = dir + "/graph-" + shape.Key() + ".sqlite";
  const bool fresh = !fs::exists(store_dir + "/.complete");
  onyx::store::StoreOptions options;
  options.sync = false;  // generation only; queries do not write
  options.block_cache_bytes = std::size_t{4} << 30;
  if (fresh) {
    fs::remove_all(store_dir);
    std::fprintf(stderr, "query_bench: generating %s (once; kept in %s)\n", shape.Key().c_str(),
                 dir.c_str());
  }
  auto store = Check(onyx::store::Store::Open(store_dir, options), "open");
  onyx::Project project;
  if (fresh) {
    project = Check(store->CreateProject("bench"), "project");
    Generate(shape, *store, project.id);
  } else {
    project = Check(store->GetProject("bench"), "project");
  }
  const auto view = Check(store->View(project.id), "view");
  sqlite3* db = nullptr;
  if (peer) {
    const bool build = fresh || !fs::exists(sqlite_path + ".complete");
    const auto t = Clock::now();
    db = OpenSqlite(sqlite_path, build ? &view : nullptr);
    if (build) {
      std::ofstream(sqlite_path + ".complete") << "ok\n";
      std::fprintf(stderr, "  sqlite tables and indexes built in %.1fs\n",
                   std::chrono::duration<double>(Clock::now() - t).count());
    }
  }
  if (fresh) std::ofstream(store_dir + "/.complete") << "ok\n";

  const RevisionNumber head = view.latest();
  const RevisionNumber before = head - kChangeRevisions;
  const auto past = Check(view.AsOf(before), "as of");
  const onyx::GraphStats stats = Check(view.Stats(), "stats");
  std::printf(
      "query_bench: generated graph %s: %llu nodes, %llu edges (%llu node versions, "
      "%llu edge versions), %llu revisions\n",
      shape.Key().c_str(), static_cast<unsigned long long>(stats.nodes()),
      static_cast<unsigned long long>(stats.edges()),
      static_cast<unsigned long long>(stats.node_versions),
      static_cast<unsigned long long>(stats.edge_versions), static_cast<unsigned long long>(head));
  const auto built = Clock::now();
  const auto topology = Check(onyx::query::Topology::Build(view), "topology");
  std::printf("  topology: built in %.1fs, %.0f MB for %zu edge versions\n",
              std::chrono::duration<double>(Clock::now() - built).count(),
              static_cast<double>(topology->memory_bytes()) / 1e6, topology->edge_versions());

  // Random functions (their impact starts from them alone: no members).
  std::mt19937_64 rng(7);
  std::vector<Node> starts;
  for (std::size_t i = 0; i < queries; ++i) {
    starts.push_back(Definition(rng() % shape.files, 4 + rng() % (shape.per_file - 4)));
  }
  const onyx::WalkLimits limits{3, 1'000'000, std::chrono::seconds(10)};
  // Steady state: both sides read every node row once, so that the queries
  // below measure warm caches (RocksDB's block cache, SQLite's page cache).
  {
    const auto t = Clock::now();
    std::size_t n = 0;
    Check(view.ForEachNodeVersion([&](Node&) { return ++n > 0; }), "warm");
    Check(view.ForEachNode([&](Node&) { return ++n > 0; }), "warm");
    if (db != nullptr) {
      Sql(db,
          "SELECT count(*), sum(length(name) + length(qualified_name) + length(path)) FROM nodes");
      Sql(db,
          "SELECT count(*) FROM edges INDEXED BY edges_by_dst WHERE dst > -9223372036854775807");
    }
    std::fprintf(stderr, "  caches warmed in %.1fs\n",
                 std::chrono::duration<double>(Clock::now() - t).count());
  }
  for (std::size_t i = 0; i < std::min<std::size_t>(queries, 200); ++i) {
    Check(onyx::query::Impact(view, starts[i].id, limits), "warm");
  }

  if (impact_rounds > 0) {
    // Only the first page of impact, round after round: to compare changes
    // to the walk on this noisy machine (the best round is the least disturbed).
    onyx::WalkLimits page_limits = limits;
    page_limits.page = kPage;
    for (std::size_t round = 0; round < impact_rounds; ++round) {
      std::vector<std::pair<std::string, double>> steps;
      const Latency page = Time(queries, [&](std::size_t i) {
        const auto r =
            Check(onyx::query::Impact(view, starts[i].id, page_limits, topology.get()), "impact");
        for (std::size_t s = 0; s < r.plan.steps.size(); ++s) {
          if (steps.size() <= s) steps.emplace_back(r.plan.steps[s].first, 0.0);
          steps[s].second += r.plan.steps[s].second;
        }
      });
      std::printf("  round %zu: impact first page p50 %.3f ms p99 %.3f ms;", round, page.p50,
                  page.p99);
      for (const auto& [step, ms] : steps) {
        std::printf(" %s %.3f;", step.c_str(), ms / static_cast<double>(queries));
      }
      std::printf("\n");
    }
    return;
  }
  Row("node by id",
      Time(queries, [&](std::size_t i) { Check(view.GetNode(starts[i].id), "get"); }));
  Row("node by name", Time(queries, [&](std::size_t i) {
        if (Check(view.FindByName(starts[i].name), "name").empty()) std::exit(2);
      }));
  const auto hops = [&](const onyx::store::ReadView& v, int depth, onyx::Direction direction,
                        const onyx::query::Topology* t) {
    return [&v, depth, direction, t, &starts](std::size_t i) {
      onyx::TraverseSpec spec;
      spec.starts = {starts[i].id};
      spec.direction = direction;
      spec.edge_kinds = {EdgeKind::kCalls};
      spec.limits = {depth, 1'000'000, std::chrono::seconds(10)};
      Check(onyx::query::Traverse(v, spec, t), "traverse");
    };
  };
  const onyx::query::Topology* t = topology.get();
  Row("neighbors 1 hop (calls, both ways)",
      Time(queries, hops(view, 1, onyx::Direction::kBoth, t)));
  const Latency callees = Time(queries, hops(view, 3, onyx::Direction::kOut, t));
  const Latency callees_past = Time(queries, hops(past, 3, onyx::Direction::kOut, t));
  Row("neighbors 3 hops (callees)", callees);
  Row("neighbors 3 hops, as of HEAD~5", callees_past);
  Row("neighbors 3 hops, store adjacency",
      Time(queries, hops(view, 3, onyx::Direction::kOut, nullptr)));

  double reached = 0;
  std::vector<std::pair<std::string, double>> plan;  // mean ms per step (explain)
  onyx::WalkLimits page_limits = limits;
  page_limits.page = kPage;
  const auto impact = [&](const onyx::store::ReadView& v, const onyx::query::Topology* with,
                          const onyx::WalkLimits& asked) {
    plan.clear();
    reached = 0;
    return [&, with](std::size_t i) {
      const auto r = Check(onyx::query::Impact(v, starts[i].id, asked, with), "impact");
      reached += static_cast<double>(r.total);
      for (std::size_t s = 0; s < r.plan.steps.size(); ++s) {
        if (plan.size() <= s) plan.emplace_back(r.plan.steps[s].first, 0.0);
        plan[s].second += r.plan.steps[s].second;
      }
    };
  };
  const auto print_plan = [&](const char* what) {
    std::printf("  %s steps (mean):", what);
    for (const auto& [step, ms] : plan) {
      std::printf(" %s %.3f ms;", step.c_str(), ms / static_cast<double>(queries));
    }
    std::printf("\n");
  };
  const Latency impact_head = Time(queries, impact(view, t, limits));
  const double mean_reached = reached / static_cast<double>(queries);
  print_plan("impact depth 3, whole answer");
  const Latency page_head = Time(queries, impact(view, t, page_limits));
  print_plan("impact depth 3, first page");
  const Latency impact_past = Time(queries, impact(past, t, limits));
  const Latency page_past = Time(queries, impact(past, t, page_limits));
  // The walk alone, counting what it reaches: the same work as SQLite's "ids
  // only" query.
  const auto breaks = [](EdgeKind k) {
    return k == EdgeKind::kCalls || k == EdgeKind::kReferences || k == EdgeKind::kImports ||
           k == EdgeKind::kInherits || k == EdgeKind::kImplements;
  };
  onyx::query::Topology::Reach reach;
  const Latency walk_only = Time(
      queries, [&](std::size_t i) { t->WalkIn({starts[i].id}, head, breaks, limits, &reach); });
  const Latency impact_store = Time(queries, impact(view, nullptr, limits));
  if (db != nullptr) {
    sqlite3_stmt* reach_sql = Prepare(db, kSqlReach3);
    sqlite3_stmt* impact_sql = Prepare(db, kSqlImpact3);
    sqlite3_stmt* page_sql = Prepare(db, kSqlImpact3Page);
    const auto sql = [&](sqlite3_stmt* stmt, RevisionNumber rev, bool count) {
      return Time(queries,
                  [&, stmt, rev, count](std::size_t i) { SqlRun(stmt, starts[i].id, rev, count); });
    };
    const Latency sql_head = sql(impact_sql, head, false);
    const Latency sql_past = sql(impact_sql, before, false);
    const Latency sql_page = sql(page_sql, head, false);
    const Latency sql_page_past = sql(page_sql, before, false);
    const Latency sql_reach = sql(reach_sql, head, true);
    Row("impact depth 3, first page of 50", page_head, &sql_page);
    Row("  as of HEAD~5", page_past, &sql_page_past);
    Row("impact depth 3, whole answer", impact_head, &sql_head);
    Row("  as of HEAD~5", impact_past, &sql_past);
    Row("  store adjacency", impact_store, &sql_head);
    Row("reached ids only (the walk)", walk_only, &sql_reach);
    // Both agree on what is reached.
    std::size_t mismatches = 0;
    const std::size_t checked = std::min<std::size_t>(queries, 100);
    for (std::size_t i = 0; i < checked; ++i) {
      const auto r = Check(onyx::query::Impact(view, starts[i].id, limits, t), "impact");
      t->WalkIn({starts[i].id}, head, breaks, limits, &reach);
      const auto walked = static_cast<std::int64_t>(reach.steps.size() - 1);
      if (static_cast<std::int64_t>(r.nodes.size()) !=
              SqlRun(impact_sql, starts[i].id, head, false) ||
          walked != SqlRun(reach_sql, starts[i].id, head, true)) {
        ++mismatches;
      }
    }
    std::printf(
        "  impact reaches %.0f nodes on average; answers differing from SQLite: %zu of "
        "%zu\n",
        mean_reached, mismatches, checked);
    sqlite3_finalize(reach_sql);
    sqlite3_finalize(impact_sql);
    sqlite3_finalize(page_sql);
    sqlite3_close(db);
  } else {
    Row("impact depth 3, first page of 50", page_head);
    Row("  as of HEAD~5", page_past);
    Row("impact depth 3, whole answer", impact_head);
    Row("  as of HEAD~5", impact_past);
    Row("  store adjacency", impact_store);
  }
  std::printf(
      "  as of HEAD~5 / at HEAD (p50): impact %.2fx (first page %.2fx), 3-hop neighbors %.2fx "
      "(target <= 1.5x)\n",
      impact_past.p50 / impact_head.p50, page_past.p50 / page_head.p50,
      callees_past.p50 / callees.p50);
}

void RunRepo(const std::string& repo, const std::string& dir, std::size_t queries) {
  const std::string data = dir + "/repo-data";
  fs::remove_all(data);
  auto engine = Check(onyx::Engine::Open(data), "engine");
  Check(engine->OpenOrCreateProject("repo"), "project");
  const auto t = Clock::now();
  const auto summary = Check(engine->IngestTree("repo", repo), "ingest");
  std::printf("query_bench: %s: %llu files ingested in %.1fs\n", repo.c_str(),
              static_cast<unsigned long long>(summary.files),
              std::chrono::duration<double>(Clock::now() - t).count());
  // Functions and methods of the repository, in a fixed random order.
  std::vector<Node> defs;
  auto view = Check(engine->store().View(Check(engine->store().GetProject("repo"), "p").id), "v");
  Check(view.ForEachNode([&](Node& n) {
    if (n.kind == onyx::NodeKind::kFunction || n.kind == onyx::NodeKind::kMethod) {
      defs.push_back(std::move(n));
    }
    return true;
  }),
        "scan");
  if (defs.empty()) return;
  std::shuffle(defs.begin(), defs.end(), std::mt19937_64(11));
  const std::size_t n = std::min(queries, defs.size());
  Row("find node by qualified name", Time(n, [&](std::size_t i) {
        Check(engine->FindNodes("repo", defs[i].qualified_name), "find");
      }));
  Row("impact depth 3", Time(n, [&](std::size_t i) {
        Check(engine->Impact("repo", defs[i].id, {3, 10'000, std::chrono::seconds(5)}), "impact");
      }));
  Row("tests_for", Time(n, [&](std::size_t i) {
        Check(engine->TestsFor("repo", defs[i].id, {3, 10'000, std::chrono::seconds(5)}), "tests");
      }));
  const auto first = Clock::now();
  Check(engine->Search("repo", "warm up the index"), "search");
  std::printf("  search index built in %.1fs\n",
              std::chrono::duration<double>(Clock::now() - first).count());
  const std::size_t searches = std::min<std::size_t>(n, 200);
  Row("hybrid search (k=10)", Time(searches, [&](std::size_t i) {
        Check(engine->Search("repo", defs[i].name + " " + defs[(i + 1) % n].name), "search");
      }));
}

}  // namespace

int main(int argc, char** argv) {
  Shape shape;
  std::size_t queries = 2000;
  std::string dir = "/tmp/onyx-query-bench";
  std::string repo;
  bool peer = true;
  std::size_t impact_rounds = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "query_bench: %s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--files") {
      shape.files = std::stoull(next());
    } else if (arg == "--per-file") {
      shape.per_file = std::max<std::uint64_t>(10, std::stoull(next()));
    } else if (arg == "--calls") {
      shape.calls = std::stoull(next());
    } else if (arg == "--queries") {
      queries = std::stoull(next());
    } else if (arg == "--dir") {
      dir = next();
    } else if (arg == "--repo") {
      repo = next();
    } else if (arg == "--no-peer") {
      peer = false;
    } else if (arg == "--impact-rounds") {
      impact_rounds = std::stoull(next());
    } else {
      std::fprintf(stderr,
                   "usage: query_bench [--files N] [--per-file N] [--calls N] [--queries N] "
                   "[--dir DIR] [--repo PATH] [--no-peer] [--impact-rounds N]\n");
      return 2;
    }
  }
  fs::create_directories(dir);
  RunGenerated(shape, dir, queries, peer, impact_rounds);
  if (!repo.empty()) RunRepo(repo, dir, queries);
  return 0;
}
