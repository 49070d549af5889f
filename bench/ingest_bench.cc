// ingest_bench: structural ingest (walk, parse, extract definitions, durable
// commit; no embeddings) of a real tree, side by side with `ctags -R` on the same
// tree, as a wall-time ratio, and what tree-sitter's parses alone take; then the
// latency of re-ingesting after a one-file change.
//
//   ingest_bench [--tree DIR] [--rounds K] [--edits N] [--no-peer]
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "onyx/engine.h"
#include "onyx/ingest/languages/language_spec.h"
#include "onyx/ingest/source_parser.h"
#include "onyx/ingest/tree_walk.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? -1 : v[v.size() / 2];
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return -1;
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

template <typename T>
T Check(onyx::Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "ingest_bench: %s: %s\n", what, r.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(r).value();
}

// The floor under any ingest built on tree-sitter: every file the ingest
// parses, read beforehand, parsed (no queries, nothing else) on one thread per
// core, as the ingest's parse phase does.
double ParseAloneSeconds(const std::string& root) {
  onyx::IngestSummary walked;
  auto entries = Check(onyx::ingest::WalkTree(root, onyx::IngestOptions{}, &walked), "walk");
  std::vector<const onyx::ingest::TreeEntry*> sources;
  for (const auto& e : entries) {
    if (!e.is_dir && onyx::ingest::SpecFor(onyx::ingest::LanguageForPath(e.path)) != nullptr) {
      sources.push_back(&e);
    }
  }
  // Biggest first, as the ingest orders its parses.
  std::stable_sort(sources.begin(), sources.end(), [](const auto* a, const auto* b) {
    return a->text().size() > b->text().size();
  });
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t k = next++; k < sources.size(); k = next++) {
      const auto& e = *sources[k];
      // A file past the time limit is skipped, as ingest skips it.
      onyx::ingest::ParseSource(onyx::ingest::LanguageForPath(e.path), std::string(e.text()))
          .status()
          .IgnoreError();
    }
  };
  const auto start = Clock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < std::max(1u, std::thread::hardware_concurrency()); ++t) {
    pool.emplace_back(work);
  }
  work();
  for (std::thread& t : pool) t.join();
  return Seconds(start);
}

}  // namespace

int main(int argc, char** argv) {
  std::string tree = "/usr/lib/python3/dist-packages/numpy";
  int rounds = 3;
  int edits = 40;
  bool peer = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--tree" && i + 1 < argc)
      tree = argv[++i];
    else if (a == "--rounds" && i + 1 < argc)
      rounds = std::atoi(argv[++i]);
    else if (a == "--edits" && i + 1 < argc)
      edits = std::atoi(argv[++i]);
    else if (a == "--no-peer")
      peer = false;
    else {
      std::fprintf(stderr,
                   "usage: ingest_bench [--tree DIR] [--rounds K] [--edits N] [--no-peer]\n");
      return 2;
    }
  }
  if (!fs::is_directory(tree) || rounds < 1 || edits < 1) {
    std::fprintf(stderr, "ingest_bench: --tree must be a folder; --rounds and --edits >= 1\n");
    return 2;
  }
  const fs::path scratch = fs::temp_directory_path() / "onyx-ingest-bench";
  fs::remove_all(scratch);
  // Work on a copy, so the edits below never touch the original tree; it keeps
  // the tree's name (a Python package's imports name it).
  fs::path name = fs::path(tree).lexically_normal().filename();
  if (name.empty()) name = fs::path(tree).lexically_normal().parent_path().filename();
  // A name ctags is told to skip (below) would drop the whole root for it.
  if (name.empty() || name.string().starts_with(".") ||
      onyx::ingest::IsSkippedFolder(name.string())) {
    name = "tree";
  }
  const fs::path copy = scratch / name;
  fs::create_directories(copy);
  fs::copy(tree, copy, fs::copy_options::recursive | fs::copy_options::skip_symlinks);

  std::vector<double> ours, theirs, ratios;
  std::vector<double> parse_seconds;  // of each full ingest: tree-sitter parse and queries
  std::vector<double> parse_alone;    // tree-sitter parses alone, files read beforehand
  onyx::IngestSummary summary;
  for (int round = 0; round < rounds; ++round) {
    const fs::path data = scratch / ("data" + std::to_string(round));
    auto engine = Check(onyx::Engine::Open(data.string()), "open");
    Check(engine->CreateProject("bench"), "project");
    const auto start = Clock::now();
    summary = Check(engine->IngestTree("bench", copy.string()), "ingest");
    ours.push_back(Seconds(start));
    parse_seconds.push_back(summary.phase_seconds["parse"]);
    parse_alone.push_back(ParseAloneSeconds(copy.string()));
    if (std::getenv("ONYX_BENCH_PHASES") != nullptr) {
      std::fprintf(stderr, "full ingest, round %d:\n", round + 1);
      for (const auto& [phase, seconds] : summary.phase_seconds) {
        std::fprintf(stderr, "  %-10s %7.1f ms\n", phase.c_str(), seconds * 1000.0);
      }
    }
    if (!peer) continue;
    // ctags skips what WalkTree skips: hidden entries and generated or
    // third-party folders (it still reads files .gitignore lists).
    std::string cmd = "ctags -R --exclude='.*'";
    for (const std::string_view folder : onyx::ingest::kSkippedFolders) {
      cmd += " --exclude='" + std::string(folder) + "'";
    }
    cmd += " -f " + (scratch / "tags").string() + " '" + copy.string() + "'";
    const auto peer_start = Clock::now();
    const int rc = std::system(cmd.c_str());
    theirs.push_back(Seconds(peer_start));
    if (rc != 0) {
      std::fprintf(stderr, "ingest_bench: ctags failed (%d)\n", rc);
      return 1;
    }
    ratios.push_back(ours.back() / theirs.back());
  }

  // One-file incremental updates: append a function to one Python file, re-ingest.
  std::vector<double> updates;
  std::vector<double> first_edits;  // the first edit of each file
  {
    auto engine = Check(onyx::Engine::Open((scratch / "data0").string()), "reopen");
    // Edits spread over the tree's Python files (evenly spaced in path order):
    // big and small modules, tests, packages' __init__.py.
    std::vector<fs::path> sources;
    for (const auto& e : fs::recursive_directory_iterator(copy)) {
      if (e.is_regular_file() && e.path().extension() == ".py") sources.push_back(e.path());
    }
    std::sort(sources.begin(), sources.end());
    constexpr std::size_t kEditedFiles = 20;
    std::vector<fs::path> targets;
    for (std::size_t k = 0; k < kEditedFiles && !sources.empty(); ++k) {
      targets.push_back(sources[k * sources.size() / kEditedFiles]);
    }
    for (int i = 0; i < edits && !targets.empty(); ++i) {
      const fs::path& target = targets[static_cast<std::size_t>(i) % targets.size()];
      std::ofstream(target, std::ios::app)
          << "\n\ndef bench_edit_" << i << "():\n    return " << i << "\n";
      const auto start = Clock::now();
      const auto s = Check(engine->IngestTree("bench", copy.string()), "incremental ingest");
      updates.push_back(Seconds(start) * 1000.0);
      if (static_cast<std::size_t>(i) < targets.size()) first_edits.push_back(updates.back());
      if (std::getenv("ONYX_BENCH_PHASES") != nullptr) {
        std::fprintf(stderr, "edit %2d %-44s %6.1f ms:", i,
                     fs::relative(target, copy).string().c_str(), updates.back());
        for (const auto& [phase, seconds] : s.phase_seconds) {
          std::fprintf(stderr, " %s %.1f", phase.c_str(), seconds * 1000.0);
        }
        std::fprintf(stderr, "\n");
      }
      if (!s.revision) std::fprintf(stderr, "ingest_bench: an edit committed nothing\n");
    }
  }
  fs::remove_all(scratch);

  std::uint64_t definitions = 0;
  for (const auto& [kind, n] : summary.definitions_by_kind) definitions += n;
  const double t = Median(ours);
  std::printf(
      "ingest_bench: %s: %llu files (%llu parsed), %.1f MB, %llu definitions; median of %d "
      "rounds\n",
      tree.c_str(), static_cast<unsigned long long>(summary.files),
      static_cast<unsigned long long>(summary.files_parsed),
      static_cast<double>(summary.bytes) / 1e6, static_cast<unsigned long long>(definitions),
      rounds);
  std::printf("%-36s %10s %10s %8s\n", "measure", "onyx", "ctags -R", "ratio");
  if (peer) {
    std::printf("%-36s %10.3f %10.3f %8.2f\n", "full ingest wall time (s)", t, Median(theirs),
                Median(ratios));
  } else {
    std::printf("%-36s %10.3f %10s %8s\n", "full ingest wall time (s)", t, "-", "-");
  }
  // The parse phase alone (tree-sitter parses and queries on every core):
  // what any ingest built on tree-sitter spends before it resolves or writes.
  if (peer) {
    std::printf("%-36s %10.3f %10.3f %8.2f\n", "  of which parse + queries (s)",
                Median(parse_seconds), Median(theirs), Median(parse_seconds) / Median(theirs));
  } else {
    std::printf("%-36s %10.3f %10s %8s\n", "  of which parse + queries (s)", Median(parse_seconds),
                "-", "-");
  }
  // No ingest that parses with tree-sitter can beat this row.
  if (peer) {
    std::printf("%-36s %10.3f %10.3f %8.2f\n", "tree-sitter parse alone (s)", Median(parse_alone),
                Median(theirs), Median(parse_alone) / Median(theirs));
  } else {
    std::printf("%-36s %10.3f %10s %8s\n", "tree-sitter parse alone (s)", Median(parse_alone), "-",
                "-");
  }
  std::printf("%-36s %10.0f\n", "files/s", static_cast<double>(summary.files) / t);
  std::printf("%-36s %10.1f\n", "MB/s", static_cast<double>(summary.bytes) / 1e6 / t);
  // The first update after the engine opens reads the graph and every file;
  // the later ones (as `ingest --watch` and the servers run) start from what
  // the engine kept.
  const double cold = updates.empty() ? 0.0 : updates.front();
  if (!updates.empty()) updates.erase(updates.begin());
  if (cold > 0.0) std::printf("%-36s %10.1f\n", "first update after open (ms)", cold);
  if (!updates.empty()) {
    std::printf("%-36s %10.1f\n", "one-file update p50 (ms)", Percentile(updates, 0.5));
    std::printf("%-36s %10.1f\n", "one-file update p95 (ms)", Percentile(updates, 0.95));
  }
  // The first edit of each file parses it whole; later ones parse only the
  // edit (the engine keeps recent files' syntax trees).
  if (first_edits.size() > 1) {
    std::printf("%-36s %10.1f\n", "  p95 of first edits of a file (ms)",
                Percentile(std::vector<double>(first_edits.begin() + 1, first_edits.end()), 0.95));
  }
  return 0;
}
