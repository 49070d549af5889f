// Crash workload: deterministic revisions, a child that commits them, and a parent
// that kills it and verifies the store against the reference model.
#include "torture/crash_workload.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <random>

#include "onyx/store/read_view.h"
#include "onyx/store/revision_writer.h"
#include "onyx/store/store.h"
#include "testing/stage_op.h"

extern char** environ;

namespace onyx::torture {
namespace {

constexpr int kUniverse = 300;
constexpr char kProject[] = "torture";

Node WorkloadNode(int index, std::uint64_t rev, int variant) {
  Node n;
  n.kind = index % 10 == 0 ? NodeKind::kClass : NodeKind::kFunction;
  n.language = "go";
  n.path = "pkg/f" + std::to_string(index % 17) + ".go";
  n.name = "Sym" + std::to_string(index);
  n.qualified_name = "pkg." + n.name;
  // Half the variants carry the revision number, so most upserts change content.
  n.signature =
      variant < 2 ? "func(v" + std::to_string(variant) + ")" : "func(r" + std::to_string(rev) + ")";
  n.doc = std::string(static_cast<std::size_t>(variant) * 40, 'd');
  n.span = Span{0, 100, static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index + 9)};
  n.id = MakeNodeId(n.language, n.path, n.qualified_name, n.kind);
  return n;
}

bool ViewMatchesModel(const store::ReadView& view, const testing::TemporalModel& model,
                      RevisionNumber rev, std::string* why) {
  std::map<NodeId, Node> nodes;
  std::map<EdgeRef, Edge> edges;
  const Status a = view.ForEachNode([&](const Node& n) {
    nodes.emplace(n.id, n);
    return true;
  });
  const Status b = view.ForEachEdge([&](const Edge& e) {
    edges.emplace(EdgeRef{e.src, e.kind, e.dst}, e);
    return true;
  });
  if (!a.ok() || !b.ok()) {
    *why = "scan failed: " + (a.ok() ? b : a).ToString();
    return false;
  }
  const auto want_nodes = model.NodesAt(rev);
  const auto want_edges = model.EdgesAt(rev);
  if (nodes != want_nodes) {
    *why = "revision " + std::to_string(rev) + ": " + std::to_string(nodes.size()) +
           " nodes, model has " + std::to_string(want_nodes.size()) + " (or contents differ)";
    return false;
  }
  if (edges != want_edges) {
    *why = "revision " + std::to_string(rev) + ": " + std::to_string(edges.size()) +
           " edges, model has " + std::to_string(want_edges.size()) + " (or contents differ)";
    return false;
  }
  return true;
}

struct Child {
  pid_t pid = -1;
  int out = -1;
};

Result<Child> Spawn(const std::string& binary, const std::string& dir) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return Status::IOError(std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  std::vector<std::string> args = {binary, "child", dir};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return Status::IOError("spawning " + binary + ": " + std::strerror(rc));
  }
  return Child{pid, fds[0]};
}

// Reads "committed N" lines; returns the largest N seen so far in `reported`.
void ParseLines(std::string& buffer, std::uint64_t* reported) {
  std::size_t nl = 0;
  while ((nl = buffer.find('\n')) != std::string::npos) {
    const std::string line = buffer.substr(0, nl);
    buffer.erase(0, nl + 1);
    if (line.rfind("committed ", 0) == 0) {
      *reported = std::max<std::uint64_t>(*reported, std::stoull(line.substr(10)));
    }
  }
}

}  // namespace

std::vector<testing::StoreOp> RevisionOps(std::uint64_t rev) {
  std::mt19937_64 rng(rev * 0x9E3779B97F4A7C15ULL + 17);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  std::vector<testing::StoreOp> ops;
  for (int i = 0; i < 3; ++i) {
    ops.push_back(testing::RemoveNodeOp{WorkloadNode(pick(kUniverse), 0, 0).id});
  }
  // Upserts come after removals, so an id both removed and upserted ends upserted
  // and every edge below joins nodes that are open after the revision.
  std::vector<Node> upserted;
  for (int i = 0; i < 30; ++i) upserted.push_back(WorkloadNode(pick(kUniverse), rev, pick(4)));
  upserted.push_back(WorkloadNode(pick(kUniverse), rev, 3));  // always a change
  for (const Node& n : upserted) ops.push_back(testing::UpsertNodeOp{n});
  for (int i = 0; i < 40; ++i) {
    Edge e;
    e.src = upserted[static_cast<std::size_t>(pick(static_cast<int>(upserted.size())))].id;
    e.dst = upserted[static_cast<std::size_t>(pick(static_cast<int>(upserted.size())))].id;
    e.kind = pick(2) == 0 ? EdgeKind::kCalls : EdgeKind::kReferences;
    e.confidence = pick(3) == 0 ? 0.5F : 1.0F;
    e.resolution = e.confidence < 1.0F ? Resolution::kHeuristic : Resolution::kExact;
    ops.push_back(testing::UpsertEdgeOp{e});
  }
  for (int i = 0; i < 5; ++i) {
    const Node& a = upserted[static_cast<std::size_t>(pick(static_cast<int>(upserted.size())))];
    const Node& b = upserted[static_cast<std::size_t>(pick(static_cast<int>(upserted.size())))];
    ops.push_back(testing::RemoveEdgeOp{EdgeRef{a.id, EdgeKind::kCalls, b.id}});
  }
  return ops;
}

Status RunChild(const std::string& dir, std::uint64_t max_revisions) {
  store::StoreOptions options;
  options.sync = true;
  options.tiny_write_buffers = true;  // flushes and compactions race with the kill
  ONYX_ASSIGN_OR_RETURN(auto store, store::Store::Open(dir, options));
  auto project = store->GetProject(kProject);
  if (!project.ok() && project.status().IsNotFound()) project = store->CreateProject(kProject);
  ONYX_RETURN_IF_ERROR(project.status());
  for (std::uint64_t i = 0; i < max_revisions; ++i) {
    ONYX_ASSIGN_OR_RETURN(auto writer, store->BeginRevision(project->id, {}));
    const RevisionNumber rev = writer->number();
    for (const auto& op : RevisionOps(rev)) ONYX_RETURN_IF_ERROR(testing::StageOp(*writer, op));
    ONYX_ASSIGN_OR_RETURN(const auto committed, writer->Commit());
    if (!committed || committed->number != rev) {
      return Status::Internal("revision " + std::to_string(rev) + " committed nothing");
    }
    const std::string line = "committed " + std::to_string(rev) + "\n";
    if (::write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
      return Status::IOError("child: stdout closed");
    }
  }
  return Status::Ok();
}

Result<CrashReport> RunCrashCycles(const std::string& child_binary, const std::string& dir,
                                   int cycles, std::uint64_t seed, int max_delay_ms) {
  std::mt19937_64 rng(seed);
  CrashReport report;
  testing::TemporalModel model;
  std::uint64_t acknowledged = 0;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    ONYX_ASSIGN_OR_RETURN(Child child, Spawn(child_binary, dir));
    const auto delay =
        std::chrono::milliseconds(rng() % static_cast<std::uint64_t>(max_delay_ms + 1));
    const auto deadline = std::chrono::steady_clock::now() + delay;
    std::string buffer;
    std::uint64_t reported = 0;
    char chunk[4096];
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd pfd{child.out, POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
      const ssize_t n = ::read(child.out, chunk, sizeof(chunk));
      if (n <= 0) break;  // the child exited on its own: an error, reported below
      buffer.append(chunk, static_cast<std::size_t>(n));
      ParseLines(buffer, &reported);
    }
    ::kill(child.pid, SIGKILL);
    int wstatus = 0;
    ::waitpid(child.pid, &wstatus, 0);
    // Lines written before the kill are acknowledged commits too.
    ssize_t n = 0;
    while ((n = ::read(child.out, chunk, sizeof(chunk))) > 0) {
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    ::close(child.out);
    ParseLines(buffer, &reported);
    if (!(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL)) {
      return Status::Internal("cycle " + std::to_string(cycle) +
                              ": the child ended by itself (status " + std::to_string(wstatus) +
                              ") instead of being killed");
    }
    ++report.kills;
    if (reported == 0) ++report.killed_before_first_commit;
    acknowledged = std::max(acknowledged, reported);

    ONYX_ASSIGN_OR_RETURN(auto store, store::Store::Open(dir));
    auto project = store->GetProject(kProject);
    if (!project.ok() && project.status().IsNotFound() && acknowledged == 0) continue;
    ONYX_RETURN_IF_ERROR(project.status());
    ONYX_ASSIGN_OR_RETURN(const store::ReadView view, store->View(project->id));
    const RevisionNumber latest = view.latest();
    const std::string where = "cycle " + std::to_string(cycle) + ": ";
    if (latest < acknowledged) {
      return Status::Corruption(where + "revision " + std::to_string(acknowledged) +
                                " was acknowledged but the store's latest is " +
                                std::to_string(latest));
    }
    if (latest > acknowledged + 1) {
      return Status::Corruption(where + "latest revision " + std::to_string(latest) +
                                " is more than one past the acknowledged " +
                                std::to_string(acknowledged));
    }
    if (latest == acknowledged + 1) ++report.unreported_but_present;
    acknowledged = latest;
    while (model.latest() < latest) {
      if (model.Apply(RevisionOps(model.latest() + 1)) !=
          testing::TemporalModel::Outcome::kCommitted) {
        return Status::Internal("workload revision " + std::to_string(model.latest() + 1) +
                                " does not commit in the model");
      }
    }
    // The newest revision is complete (no partial batch), an older one drawn at
    // random is still exactly what it was, and the raw invariants hold.
    std::string why;
    if (!ViewMatchesModel(view, model, latest, &why)) return Status::Corruption(where + why);
    if (latest > 1) {
      const RevisionNumber past = 1 + rng() % (latest - 1);
      ONYX_ASSIGN_OR_RETURN(const store::ReadView old, view.AsOf(past));
      if (!ViewMatchesModel(old, model, past, &why)) return Status::Corruption(where + why);
    }
    ONYX_ASSIGN_OR_RETURN(const auto revisions, view.Revisions());
    if (revisions.size() != latest) {
      return Status::Corruption(where + std::to_string(revisions.size()) +
                                " revision records for latest revision " + std::to_string(latest));
    }
    ONYX_ASSIGN_OR_RETURN(const GraphStats stats, view.Stats());
    if (stats != model.Stats()) return Status::Corruption(where + "stats disagree with the model");
    ONYX_RETURN_IF_ERROR(store->VerifyIntegrity(project->id).WithContext(where));
  }
  report.revisions = acknowledged;
  return report;
}

}  // namespace onyx::torture
