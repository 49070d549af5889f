// Helpers for the decoder fuzz targets: a decoder must either reject the bytes
// with a Status or return a value that survives encode → decode unchanged.
#pragma once

#include <cstdio>
#include <cstdlib>

#define ONYX_FUZZ_CHECK(cond)                                                             \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                       \
    }                                                                                     \
  } while (false)
