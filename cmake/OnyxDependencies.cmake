# Finds the system libraries Onyx links (Debian packages, see scripts/bootstrap)
# and the npm-shipped sources under third_party/npm.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(RocksDB CONFIG REQUIRED)
find_package(zstd CONFIG QUIET)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(LIBGIT2 REQUIRED IMPORTED_TARGET libgit2)
pkg_check_modules(OPENBLAS REQUIRED IMPORTED_TARGET openblas)
pkg_check_modules(LIBEDIT REQUIRED IMPORTED_TARGET libedit)
# The allocator of Onyx's programs: jemalloc (RocksDB's recommendation), which
# keeps up with the many small strings a query's answer or an ingest builds
# where glibc's malloc falls into its slow paths (docs/benchmarks.md). Not with
# the sanitizers, which bring their own.
add_library(onyx_allocator INTERFACE)
if(ONYX_JEMALLOC AND NOT ONYX_SANITIZE)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
  target_link_libraries(onyx_allocator INTERFACE PkgConfig::JEMALLOC)
endif()
find_package(nlohmann_json CONFIG REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(Boost 1.81 REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(CLI11 CONFIG QUIET)
if(ONYX_BUILD_TESTS)
  find_package(GTest REQUIRED)
  find_package(rapidcheck CONFIG REQUIRED)
endif()
if(ONYX_BUILD_BENCH)
  find_package(benchmark CONFIG QUIET)
endif()

set(ONYX_NPM_DIR "${PROJECT_SOURCE_DIR}/third_party/npm/node_modules")
