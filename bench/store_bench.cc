// store_bench: durable commit throughput and point/adjacency read rates of the
// store, side by side with RocksDB's own db_bench (fillrandom --sync=1
// --batch_size=100; readrandom over a database filled with filluniquerandom,
// so that every read finds its key as Onyx's do) on the same machine, printed
// as ratios.
//
//   store_bench [--nodes N] [--reads R] [--rounds K] [--dir DIR] [--no-peer] [--no-sync]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "onyx/store/read_view.h"
#include "onyx/store/revision_writer.h"
#include "onyx/store/store.h"

namespace {

using Clock = std::chrono::steady_clock;
using onyx::Edge;
using onyx::EdgeKind;
using onyx::Node;
using onyx::NodeId;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

Node BenchNode(std::uint64_t i) {
  Node n;
  n.kind = onyx::NodeKind::kFunction;
  n.language = "python";
  n.path = "pkg/module_" + std::to_string(i / 50) + ".py";
  n.name = "handler_" + std::to_string(i);
  n.qualified_name = "pkg.module_" + std::to_string(i / 50) + "." + n.name;
  n.signature = "def " + n.name + "(request, *, timeout=30):";
  n.span = {
      static_cast<std::uint32_t>(i % 50) * 400, static_cast<std::uint32_t>(i % 50) * 400 + 380,
      static_cast<std::uint32_t>(i % 50) * 12 + 1, static_cast<std::uint32_t>(i % 50) * 12 + 11};
  n.content_hash = onyx::HashContent(n.signature);
  n.id = onyx::MakeNodeId(n.language, n.path, n.qualified_name, n.kind);
  return n;
}

void Check(const onyx::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "store_bench: %s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

// Runs db_bench and returns the ops/sec it printed for `benchmark`, or -1.
double DbBench(const std::string& args, const std::string& benchmark) {
  const std::string cmd = "db_bench " + args + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return -1;
  std::string out;
  char buf[4096];
  while (std::fgets(buf, sizeof(buf), pipe) != nullptr) out += buf;
  ::pclose(pipe);
  const std::regex line(benchmark + R"(\s*:\s*[0-9.]+ micros/op ([0-9]+) ops/sec)");
  std::smatch m;
  if (std::regex_search(out, m, line)) return std::stod(m[1]);
  std::fprintf(stderr, "store_bench: could not read db_bench output:\n%s\n", out.c_str());
  return -1;
}

struct Rates {
  double writes = -1;  // items (nodes + edges) per second
  double point = -1;   // node-by-id reads per second
  double adjacency = -1;
};

// One Onyx round: commits of 100 items (50 nodes + 50 calls edges) into a fresh
// store, then random point and adjacency reads through one pinned view.
Rates RunOnyx(const std::string& dir, std::uint64_t nodes, std::uint64_t reads, bool sync,
              std::uint64_t seed) {
  std::filesystem::remove_all(dir);
  onyx::store::StoreOptions options;
  options.sync = sync;
  auto store = onyx::store::Store::Open(dir, options);
  Check(store.status(), "open");
  auto project = (*store)->CreateProject("bench");
  Check(project.status(), "create project");
  std::mt19937_64 rng(seed);
  constexpr std::uint64_t kNodesPerRevision = 50;
  std::uint64_t items = 0;
  Rates rates;
  const auto write_start = Clock::now();
  for (std::uint64_t base = 0; base < nodes; base += kNodesPerRevision) {
    auto writer = (*store)->BeginRevision(project->id, {});
    Check(writer.status(), "begin");
    for (std::uint64_t i = base; i < base + kNodesPerRevision && i < nodes; ++i) {
      Check((*writer)->UpsertNode(BenchNode(i)), "upsert node");
      Edge e;
      e.src = BenchNode(i).id;
      e.kind = EdgeKind::kCalls;
      // Calls a node committed earlier (or itself in the first revision).
      e.dst = BenchNode(i < kNodesPerRevision ? i : rng() % base).id;
      e.confidence = 0.9F;
      e.resolution = onyx::Resolution::kImport;
      e.site = onyx::Span{10, 20, 2, 2};
      Check((*writer)->UpsertEdge(e), "upsert edge");
      items += 2;
    }
    Check((*writer)->Commit().status(), "commit");
  }
  rates.writes = static_cast<double>(items) / Seconds(write_start);

  // db_bench reads in a second process, from the files the first one left; do the
  // same: reopen, so that both read SST files through the block cache.
  const onyx::ProjectId project_id = project->id;
  store->reset();
  store = onyx::store::Store::Open(dir, options);
  Check(store.status(), "reopen");
  auto view = (*store)->View(project_id);
  Check(view.status(), "view");
  std::vector<NodeId> ids;
  ids.reserve(nodes);
  for (std::uint64_t i = 0; i < nodes; ++i) ids.push_back(BenchNode(i).id);
  std::uint64_t found = 0;
  const auto point_start = Clock::now();
  for (std::uint64_t r = 0; r < reads; ++r) found += view->GetNode(ids[rng() % nodes]).ok() ? 1 : 0;
  rates.point = static_cast<double>(reads) / Seconds(point_start);
  if (found != reads)
    std::fprintf(stderr, "store_bench: %llu point reads missed\n",
                 static_cast<unsigned long long>(reads - found));
  // One adjacency read is one node's edge list, outgoing and incoming alternately,
  // through an AdjacencyReader as a traversal reads them.
  std::uint64_t edges_seen = 0;
  onyx::store::AdjacencyReader adjacency(*view);
  const auto adj_start = Clock::now();
  for (std::uint64_t r = 0; r < reads; ++r) {
    const NodeId id = ids[rng() % nodes];
    auto edges = r % 2 == 0 ? adjacency.Out(id) : adjacency.In(id);
    edges_seen += edges.ok() ? edges->size() : 0;
  }
  rates.adjacency = static_cast<double>(reads) / Seconds(adj_start);
  if (edges_seen < reads / 2)
    std::fprintf(stderr, "store_bench: adjacency reads found too few edges\n");
  return rates;
}

// One db_bench round with the same number of keys as Onyx wrote items.
Rates RunPeer(const std::string& dir, std::uint64_t items, std::uint64_t reads) {
  std::filesystem::remove_all(dir);
  const std::string common = " --db=" + dir + " --num=" + std::to_string(items) +
                             " --key_size=20 --value_size=100 --cache_size=67108864"
                             " --compression_type=snappy --threads=1 --seed=42";
  Rates rates;
  rates.writes =
      DbBench("--benchmarks=fillrandom --sync=1 --batch_size=100" + common, "fillrandom");
  // fillrandom draws keys with repeats, so a readrandom over its database
  // misses ~18% of keys, and a miss is cheap (a bloom filter says no). Onyx
  // reads only nodes that exist: the reads run on a database where every key
  // was written once (filluniquerandom, not timed), so both sides find all.
  std::filesystem::remove_all(dir);
  DbBench("--benchmarks=filluniquerandom --sync=0 --batch_size=100" + common, "filluniquerandom");
  rates.point = DbBench(
      "--benchmarks=readrandom --use_existing_db=1 --reads=" + std::to_string(reads) + common,
      "readrandom");
  rates.adjacency = rates.point;
  return rates;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? -1 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t nodes = 100'000;
  std::uint64_t reads = 200'000;
  int rounds = 3;
  std::string dir = (std::filesystem::temp_directory_path() / "onyx-store-bench").string();
  bool peer = true;
  bool sync = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--nodes" && i + 1 < argc)
      nodes = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--reads" && i + 1 < argc)
      reads = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--rounds" && i + 1 < argc)
      rounds = std::atoi(argv[++i]);
    else if (a == "--dir" && i + 1 < argc)
      dir = argv[++i];
    else if (a == "--no-peer")
      peer = false;
    else if (a == "--no-sync")
      sync = false;
    else {
      std::fprintf(stderr,
                   "usage: store_bench [--nodes N] [--reads R] [--rounds K] [--dir DIR] "
                   "[--no-peer] [--no-sync]\n");
      return 2;
    }
  }
  if (nodes < 100 || reads == 0 || rounds < 1) {
    std::fprintf(stderr, "store_bench: need --nodes >= 100, --reads >= 1, --rounds >= 1\n");
    return 2;
  }
  // Rounds alternate Onyx and db_bench so that a noisy neighbour hurts both alike;
  // the table shows medians of the rounds and the median of the per-round ratios.
  std::vector<double> ow, op, oa, pw, pp, rw, rp, ra;
  for (int round = 0; round < rounds; ++round) {
    const Rates ours = RunOnyx(dir + "/onyx", nodes, reads, sync, 42 + round);
    ow.push_back(ours.writes);
    op.push_back(ours.point);
    oa.push_back(ours.adjacency);
    if (!peer) continue;
    const Rates theirs = RunPeer(dir + "/db_bench", 2 * nodes, reads);
    pw.push_back(theirs.writes);
    pp.push_back(theirs.point);
    rw.push_back(ours.writes / theirs.writes);
    rp.push_back(ours.point / theirs.point);
    ra.push_back(ours.adjacency / theirs.point);
  }
  std::filesystem::remove_all(dir);

  std::printf(
      "store_bench: %llu nodes + %llu edges in commits of 100 items (sync=%d), %llu reads, "
      "median of %d rounds\n",
      static_cast<unsigned long long>(nodes), static_cast<unsigned long long>(nodes), sync ? 1 : 0,
      static_cast<unsigned long long>(reads), rounds);
  std::printf("%-36s %12s %12s %8s\n", "measure", "onyx", "db_bench", "ratio");
  auto row = [&](const char* name, const std::vector<double>& ours,
                 const std::vector<double>& theirs, const std::vector<double>& ratio) {
    if (peer) {
      std::printf("%-36s %12.0f %12.0f %8.2f\n", name, Median(ours), Median(theirs), Median(ratio));
    } else {
      std::printf("%-36s %12.0f %12s %8s\n", name, Median(ours), "-", "-");
    }
  };
  row("durable writes (items/s | keys/s)", ow, pw, rw);
  row("point reads: node by id (/s)", op, pp, rp);
  row("adjacency reads: out or in (/s)", oa, pp, ra);
  std::printf(
      "(an item costs Onyx 2.5 RocksDB keys on average: a new node writes nodes, names and\n"
      " paths; an edge writes edges_out and edges_in; db_bench writes 1 key)\n");
  return 0;
}
