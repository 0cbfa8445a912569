// The definitions of the three products: plain loops summing in double. The fast paths
// (gemm_eigen.cpp, gemm_wasm_simd.cpp) are tested against these.
#include "gemm.hpp"

namespace digitpad {

void gemm_nn_reference(int m, int n, int k, const float* a, int lda, const float* b, int ldb,
                       float* c, int ldc) {
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i) {
      double sum = 0.0;  // C(i,j) = sum_p A(i,p) B(p,j)
      for (int p = 0; p < k; ++p) sum += double(a[i + p * lda]) * b[p + j * ldb];
      c[i + j * ldc] = float(sum);
    }
}

void gemm_nt_reference(int m, int n, int k, const float* a, int lda, const float* b, int ldb,
                       float* c, int ldc) {
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i) {
      double sum = 0.0;  // C(i,j) = sum_p A(i,p) B(j,p)
      for (int p = 0; p < k; ++p) sum += double(a[i + p * lda]) * b[j + p * ldb];
      c[i + j * ldc] = float(sum);
    }
}

void gemm_tn_reference(int m, int n, int k, const float* a, int lda, const float* b, int ldb,
                       float* c, int ldc) {
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i) {
      double sum = 0.0;  // C(i,j) = sum_p A(p,i) B(p,j)
      for (int p = 0; p < k; ++p) sum += double(a[p + i * lda]) * b[p + j * ldb];
      c[i + j * ldc] = float(sum);
    }
}

}  // namespace digitpad
