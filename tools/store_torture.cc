// store_torture: kill -9 torture for the store. `store_torture run DIR [CYCLES]
// [SEED]` runs CYCLES spawn/kill/verify cycles (default 500) against DIR;
// `store_torture child DIR` is the child it spawns.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "torture/crash_workload.h"

int main(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[1]) == "child") {
    const onyx::Status s = onyx::torture::RunChild(argv[2], UINT64_MAX);
    std::fprintf(stderr, "store_torture child: %s\n", s.ToString().c_str());
    return 1;
  }
  if (argc >= 3 && std::string(argv[1]) == "run") {
    const int cycles = argc >= 4 ? std::atoi(argv[3]) : 500;
    const std::uint64_t seed = argc >= 5 ? std::strtoull(argv[4], nullptr, 10) : 1;
    auto report = onyx::torture::RunCrashCycles("/proc/self/exe", argv[2], cycles, seed);
    if (!report.ok()) {
      std::fprintf(stderr, "store_torture: FAILED: %s\n", report.status().ToString().c_str());
      return 1;
    }
    std::printf(
        "store_torture: %d kills, %llu revisions verified, %d kills before the first "
        "commit of their run, %d revisions committed but unreported when killed\n",
        report->kills, static_cast<unsigned long long>(report->revisions),
        report->killed_before_first_commit, report->unreported_but_present);
    return 0;
  }
  std::fprintf(stderr, "usage: store_torture run DIR [CYCLES] [SEED] | store_torture child DIR\n");
  return 2;
}
