// Single-precision matrix products through OpenBLAS, loaded (dlopen) when the
// first BERT model loads rather than when the program starts: OpenBLAS starts
// a worker thread per core as it loads, and that thread spins for a while,
// taking a core from every command that never embeds.
#pragma once

#include "onyx/status.h"

namespace onyx::embed {

/// Loads OpenBLAS once (thread-safe; later calls return the first answer).
/// FailedPrecondition naming the library when it cannot be loaded.
Status LoadBlas();

/// C (m × n) = alpha · A' · B' + beta · C, row-major, where A' is A (m × k) or,
/// with `transpose_a`, Aᵀ; B' likewise (k × n). cblas_sgemm's contract;
/// LoadBlas() must have succeeded.
void Sgemm(bool transpose_a, bool transpose_b, int m, int n, int k, float alpha, const float* a,
           int lda, const float* b, int ldb, float beta, float* c, int ldc);

}  // namespace onyx::embed
