// OpenBLAS through dlopen: the declarations come from <cblas.h>, the code from
// the library found at run time (Debian's libopenblas0, whichever variant the
// alternatives system points at).
#include "onyx/embed/blas.h"

#include <cblas.h>
#include <dlfcn.h>

#include <string>

namespace onyx::embed {
namespace {

constexpr const char* kLibrary = "libopenblas.so.0";

using SgemmFn = decltype(&cblas_sgemm);

struct Blas {
  SgemmFn sgemm = nullptr;
  std::string error;  // why it could not load
};

const Blas& Loaded() {
  static const Blas blas = [] {
    Blas b;
    void* handle = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = ::dlerror();
      b.error = why != nullptr ? why : "dlopen failed";
      return b;
    }
    // Kept loaded for the life of the process: its threads may still run.
    b.sgemm = reinterpret_cast<SgemmFn>(::dlsym(handle, "cblas_sgemm"));
    if (b.sgemm == nullptr) b.error = std::string(kLibrary) + " has no cblas_sgemm";
    return b;
  }();
  return blas;
}

}  // namespace

Status LoadBlas() {
  const Blas& blas = Loaded();
  if (blas.sgemm != nullptr) return Status::Ok();
  return Status::FailedPrecondition("bert: cannot load OpenBLAS (" + std::string(kLibrary) +
                                    ", Debian package libopenblas0): " + blas.error);
}

void Sgemm(bool transpose_a, bool transpose_b, int m, int n, int k, float alpha, const float* a,
           int lda, const float* b, int ldb, float beta, float* c, int ldc) {
  Loaded().sgemm(CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans,
                 transpose_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c,
                 ldc);
}

}  // namespace onyx::embed
