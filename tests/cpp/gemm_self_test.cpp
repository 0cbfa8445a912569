// The fast GEMM path against the plain-loop references over many shapes (test-only: run
// natively by tests/cpp/test_gemm.cpp and in WebAssembly by tests/wasm/gemm_self_test_main.cpp).
#include "gemm_self_test.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "gemm.hpp"
#include "rng.hpp"

namespace digitpad {

namespace {

using GemmFn = void (*)(int, int, int, const float*, int, const float*, int, float*, int);

// Largest |fast - reference| / (sum_p |a b| + 1e-30) for one shape, with leading dimensions
// padded by `pad` so strides are exercised.
double relative_error(GemmFn fast, GemmFn reference, bool a_transposed, bool b_transposed, int m,
                      int n, int k, int pad, Rng& rng, float b_zeros = 0.0f) {
  const int a_rows = a_transposed ? k : m, a_cols = a_transposed ? m : k;
  const int b_rows = b_transposed ? n : k, b_cols = b_transposed ? k : n;
  const int lda = a_rows + pad, ldb = b_rows + pad, ldc = m + pad;
  std::vector<float> a(size_t(lda) * std::max(a_cols, 1)), b(size_t(ldb) * std::max(b_cols, 1));
  for (float& v : a) v = rng.uniform(-1.0f, 1.0f);
  for (float& v : b) v = rng.uniform() < b_zeros ? 0.0f : rng.uniform(-1.0f, 1.0f);
  std::vector<float> abs_a(a.size()), abs_b(b.size());
  for (size_t i = 0; i < a.size(); ++i) abs_a[i] = std::fabs(a[i]);
  for (size_t i = 0; i < b.size(); ++i) abs_b[i] = std::fabs(b[i]);
  const float sentinel = 12345.0f;  // the padding of C must survive
  std::vector<float> c(size_t(ldc) * n, sentinel), c_ref(c.size()), magnitude(c.size());
  fast(m, n, k, a.data(), lda, b.data(), ldb, c.data(), ldc);
  reference(m, n, k, a.data(), lda, b.data(), ldb, c_ref.data(), ldc);
  reference(m, n, k, abs_a.data(), lda, abs_b.data(), ldb, magnitude.data(), ldc);
  double worst = 0.0;
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < m; ++i) {
      const size_t at = size_t(j) * ldc + i;
      const double error = std::fabs(double(c[at]) - c_ref[at]) / (double(magnitude[at]) + 1e-30);
      worst = std::isfinite(error) ? std::max(worst, error) : 1.0;
    }
    for (int i = m; i < ldc; ++i)
      if (c[size_t(j) * ldc + i] != sentinel) worst = std::max(worst, 1.0);
  }
  return worst;
}

}  // namespace

double gemm_self_test() {
  struct Case {
    GemmFn fast, reference;
    bool a_transposed, b_transposed;
  };
  const Case cases[] = {{gemm_nn, gemm_nn_reference, false, false},
                        {gemm_nt, gemm_nt_reference, false, true},
                        {gemm_tn, gemm_tn_reference, true, false}};
  Rng rng(7);
  double worst = 0.0;
  for (const Case& t : cases) {
    for (int m = 1; m <= 17; ++m)
      for (int n = 1; n <= 17; ++n)
        for (int k : {1, 5, 17})
          worst = std::max(worst, relative_error(t.fast, t.reference, t.a_transposed,
                                                 t.b_transposed, m, n, k, (m + n) % 3, rng));
    const int edges[] = {1, 3, 4, 8, 63, 65, 129};
    for (int m : edges)
      for (int n : edges)
        for (int k : {2, 64, 257})
          worst = std::max(worst, relative_error(t.fast, t.reference, t.a_transposed,
                                                 t.b_transposed, m, n, k, (m + k) % 2, rng));
    // Inputs that are mostly zeros (drawings, whose zeros gemm_nn skips), one sample and more.
    for (int m : {1, 2, 3, 4, 5, 7, 9, 13, 17, 31, 33, 63, 65, 129})
      for (int n : {1, 4, 7, 64})
        for (int k : {1, 5, 17, 300, 784})
          worst = std::max(worst, relative_error(t.fast, t.reference, t.a_transposed,
                                                 t.b_transposed, m, n, k, m % 2, rng, 0.8f));
    // The layers' shapes: 784-128-64-10 with batch 64 and 1, a 3x3x32 convolution.
    const int shapes[][3] = {{128, 64, 784}, {128, 1, 784}, {64, 64, 128}, {10, 64, 64},
                             {10, 1, 64},    {784, 64, 128}, {32, 200, 288}};
    for (const auto& s : shapes)
      worst = std::max(worst, relative_error(t.fast, t.reference, t.a_transposed, t.b_transposed,
                                             s[0], s[1], s[2], 0, rng));
  }
  return worst;
}

}  // namespace digitpad
