#include "gemm.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "rng.hpp"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#else
#include <Eigen/Core>
#endif

namespace digitpad {

// ---- References: the definitions --------------------------------------------------------

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

#ifdef __wasm_simd128__

// ---- WebAssembly SIMD ---------------------------------------------------------------------
//
// One micro-kernel computes a tile of C, MV*4 rows x NR columns, held in MV*NR v128
// accumulators, over a block of the depth: per depth step p it loads MV vectors of op(A)'s
// column p and multiplies them by NR broadcast entries of op(B)'s row p (no FMA in 128-bit
// WebAssembly SIMD: a mul and an add). The operands are "panels" (pointer + stride per depth
// step):
//   A panel: op(A)(i0 + r, p) at a + p * a_step + r, for r < MV*4 (readable: zero-padded)
//   B panel: op(B)(p, j0 + q) at b + p * b_step + q, for q < NR
// A column-major A (gemm_nn, gemm_nt) is already a panel (a_step = lda); op(A) = A^T (gemm_tn)
// is packed. op(B) = B^T (gemm_nt) is already a panel (b_step = ldb); op(B) = B (gemm_nn,
// gemm_tn) is packed NR columns at a time, except one column (a GEMV), which is contiguous.
// At most 8 accumulators: V8 has 16 xmm registers, one of them scratch.

namespace {

constexpr int kDepthBlock = 256;  // depth steps per pass: a B panel (4 KB) stays in L1

struct Panel {
  const float* data;
  int step;  // floats per depth step
};

template <int MV, int NR>
void micro_kernel(int depth, Panel a, Panel b, float* c, int ldc, int rows, bool accumulate) {
  constexpr int MR = 4 * MV;
  v128_t acc[NR][MV];
  for (int q = 0; q < NR; ++q)
    for (int v = 0; v < MV; ++v) acc[q][v] = wasm_f32x4_const_splat(0.0f);
  const float* ap = a.data;
  const float* bp = b.data;
  for (int p = 0; p < depth; ++p, ap += a.step, bp += b.step) {
    v128_t av[MV];
    for (int v = 0; v < MV; ++v) av[v] = wasm_v128_load(ap + 4 * v);
    for (int q = 0; q < NR; ++q) {
      const v128_t bq = wasm_v128_load32_splat(bp + q);
      for (int v = 0; v < MV; ++v) acc[q][v] = wasm_f32x4_add(acc[q][v], wasm_f32x4_mul(av[v], bq));
    }
  }
  if (rows == MR) {
    for (int q = 0; q < NR; ++q)
      for (int v = 0; v < MV; ++v) {
        float* cp = c + q * ldc + 4 * v;
        wasm_v128_store(cp, accumulate ? wasm_f32x4_add(wasm_v128_load(cp), acc[q][v]) : acc[q][v]);
      }
  } else {  // a bottom edge tile: only `rows` rows exist in C
    float tile[NR][MR];
    for (int q = 0; q < NR; ++q)
      for (int v = 0; v < MV; ++v) wasm_v128_store(&tile[q][4 * v], acc[q][v]);
    for (int q = 0; q < NR; ++q)
      for (int r = 0; r < rows; ++r) c[q * ldc + r] = accumulate ? c[q * ldc + r] + tile[q][r] : tile[q][r];
  }
}

// MV (row vectors per tile) for the tiles of a product whose B panels have `cols` columns:
// 8 accumulators at most, and at least 4 where possible for the add latency to hide behind.
int vectors_for(int cols) { return cols == 1 ? 8 : cols == 2 ? 4 : 2; }

// Tiles of mv vectors x cols columns; mv = 8 comes with one column, mv = 4 with at most two
// (vectors_for, and edges of those products).
void run_tile(int mv, int cols, int depth, Panel a, Panel b, float* c, int ldc, int rows,
              bool accumulate) {
  switch (mv * 8 + cols) {
    case 8 * 8 + 1: micro_kernel<8, 1>(depth, a, b, c, ldc, rows, accumulate); break;
    case 4 * 8 + 2: micro_kernel<4, 2>(depth, a, b, c, ldc, rows, accumulate); break;
    case 4 * 8 + 1: micro_kernel<4, 1>(depth, a, b, c, ldc, rows, accumulate); break;
    case 2 * 8 + 4: micro_kernel<2, 4>(depth, a, b, c, ldc, rows, accumulate); break;
    case 2 * 8 + 3: micro_kernel<2, 3>(depth, a, b, c, ldc, rows, accumulate); break;
    case 2 * 8 + 2: micro_kernel<2, 2>(depth, a, b, c, ldc, rows, accumulate); break;
    case 2 * 8 + 1: micro_kernel<2, 1>(depth, a, b, c, ldc, rows, accumulate); break;
    case 1 * 8 + 4: micro_kernel<1, 4>(depth, a, b, c, ldc, rows, accumulate); break;
    case 1 * 8 + 3: micro_kernel<1, 3>(depth, a, b, c, ldc, rows, accumulate); break;
    case 1 * 8 + 2: micro_kernel<1, 2>(depth, a, b, c, ldc, rows, accumulate); break;
    default: micro_kernel<1, 1>(depth, a, b, c, ldc, rows, accumulate); break;
  }
}

// Vectors needed for a bottom edge of `rows` rows: 1, 2, 4 or 8.
int edge_vectors(int rows) {
  int mv = 1;
  while (4 * mv < rows) mv *= 2;
  return mv;
}

std::vector<float>& scratch_a() {
  static std::vector<float> buffer;
  return buffer;
}
std::vector<float>& scratch_b() {
  static std::vector<float> buffer;
  return buffer;
}

// How to read op(A) and op(B) for one product.
enum class Layout {
  Panel,      // op(X)(p, r) for a tile is at x + p * ld + r: read in place
  Transposed  // op(X)(p, r) is at x + r * ld + p: pack
};

// Packs rows [i0, i0 + rows) of op(A), depth [p0, p0 + depth), into an A panel of width
// 4*mv, zero-padded below `rows`.
void pack_a(Layout layout, const float* a, int lda, int i0, int rows, int p0, int depth, int mv,
            float* out) {
  const int width = 4 * mv;
  for (int p = 0; p < depth; ++p) {
    float* dst = out + p * width;
    if (layout == Layout::Panel) {
      std::memcpy(dst, a + (p0 + p) * size_t(lda) + i0, sizeof(float) * rows);
    } else {
      for (int r = 0; r < rows; ++r) dst[r] = a[(i0 + r) * size_t(lda) + p0 + p];
    }
    std::fill(dst + rows, dst + width, 0.0f);
  }
}

// C (m x n) = op(A) (m x k) * op(B) (k x n), where op(A) and op(B) are read as `a_layout`
// and `b_layout` say.
void blocked_gemm(int m, int n, int k, Layout a_layout, const float* a, int lda,
                  Layout b_layout, const float* b, int ldb, float* c, int ldc) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    for (int j = 0; j < n; ++j) std::fill_n(c + j * size_t(ldc), m, 0.0f);
    return;
  }
  const int nr = std::min(n, 4);  // columns per tile
  const int mv = vectors_for(nr);
  const int mr = 4 * mv;
  const int full_blocks = m / mr;
  const int edge_rows = m - full_blocks * mr;
  const int edge_mv = edge_rows ? edge_vectors(edge_rows) : 0;
  // Packed A for one depth block: every row block if op(A) is transposed, else only the edge.
  std::vector<float>& apack = scratch_a();
  const int packed_blocks = a_layout == Layout::Transposed ? full_blocks : 0;
  apack.resize(size_t(packed_blocks * mr + 4 * edge_mv) * std::min(k, kDepthBlock));
  std::vector<float>& bpack = scratch_b();
  bpack.resize(size_t(4) * std::min(k, kDepthBlock));

  for (int p0 = 0; p0 < k; p0 += kDepthBlock) {
    const int depth = std::min(kDepthBlock, k - p0);
    const bool accumulate = p0 > 0;
    for (int blk = 0; blk < packed_blocks; ++blk)
      pack_a(a_layout, a, lda, blk * mr, mr, p0, depth, mv, apack.data() + size_t(blk) * mr * depth);
    float* edge_panel = apack.data() + size_t(packed_blocks) * mr * depth;
    if (edge_rows) pack_a(a_layout, a, lda, full_blocks * mr, edge_rows, p0, depth, edge_mv, edge_panel);

    for (int j0 = 0; j0 < n; j0 += nr) {
      const int cols = std::min(nr, n - j0);
      Panel bp;
      if (b_layout == Layout::Panel) {
        bp = {b + size_t(p0) * ldb + j0, ldb};
      } else if (cols == 1) {
        bp = {b + size_t(j0) * ldb + p0, 1};
      } else {
        for (int p = 0; p < depth; ++p)
          for (int q = 0; q < cols; ++q) bpack[size_t(p) * cols + q] = b[(j0 + q) * size_t(ldb) + p0 + p];
        bp = {bpack.data(), cols};
      }
      float* cj = c + size_t(j0) * ldc;
      for (int blk = 0; blk < full_blocks; ++blk) {
        const Panel ap = a_layout == Layout::Panel
                             ? Panel{a + size_t(p0) * lda + blk * mr, lda}
                             : Panel{apack.data() + size_t(blk) * mr * depth, mr};
        run_tile(mv, cols, depth, ap, bp, cj + blk * mr, ldc, mr, accumulate);
      }
      if (edge_rows)
        run_tile(edge_mv, cols, depth, Panel{edge_panel, 4 * edge_mv}, bp, cj + full_blocks * mr,
                 ldc, edge_rows, accumulate);
    }
  }
}

}  // namespace

void gemm_nn(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc) {
  blocked_gemm(m, n, k, Layout::Panel, a, lda, Layout::Transposed, b, ldb, c, ldc);
}

void gemm_nt(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc) {
  blocked_gemm(m, n, k, Layout::Panel, a, lda, Layout::Panel, b, ldb, c, ldc);
}

void gemm_tn(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc) {
  blocked_gemm(m, n, k, Layout::Transposed, a, lda, Layout::Transposed, b, ldb, c, ldc);
}

#else  // native: Eigen's products

namespace {
using ConstMap = Eigen::Map<const Eigen::MatrixXf, 0, Eigen::OuterStride<>>;
using Map = Eigen::Map<Eigen::MatrixXf, 0, Eigen::OuterStride<>>;
}  // namespace

void gemm_nn(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc) {
  Map(c, m, n, Eigen::OuterStride<>(ldc)).noalias() =
      ConstMap(a, m, k, Eigen::OuterStride<>(lda)) * ConstMap(b, k, n, Eigen::OuterStride<>(ldb));
}

void gemm_nt(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc) {
  Map(c, m, n, Eigen::OuterStride<>(ldc)).noalias() =
      ConstMap(a, m, k, Eigen::OuterStride<>(lda)) * ConstMap(b, n, k, Eigen::OuterStride<>(ldb)).transpose();
}

void gemm_tn(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc) {
  Map(c, m, n, Eigen::OuterStride<>(ldc)).noalias() =
      ConstMap(a, k, m, Eigen::OuterStride<>(lda)).transpose() * ConstMap(b, k, n, Eigen::OuterStride<>(ldb));
}

#endif

// ---- Self test ----------------------------------------------------------------------------

namespace {

using GemmFn = void (*)(int, int, int, const float*, int, const float*, int, float*, int);

// Largest |fast - reference| / (sum_p |a b| + 1e-30) for one shape, with leading dimensions
// padded by `pad` so strides are exercised.
double relative_error(GemmFn fast, GemmFn reference, bool a_transposed, bool b_transposed, int m,
                      int n, int k, int pad, Rng& rng) {
  const int a_rows = a_transposed ? k : m, a_cols = a_transposed ? m : k;
  const int b_rows = b_transposed ? n : k, b_cols = b_transposed ? k : n;
  const int lda = a_rows + pad, ldb = b_rows + pad, ldc = m + pad;
  std::vector<float> a(size_t(lda) * std::max(a_cols, 1)), b(size_t(ldb) * std::max(b_cols, 1));
  for (float& v : a) v = rng.uniform(-1.0f, 1.0f);
  for (float& v : b) v = rng.uniform(-1.0f, 1.0f);
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
