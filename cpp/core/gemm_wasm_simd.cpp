// gemm.hpp's products in the Emscripten build: hand-written wasm_simd128 kernels. CMake builds
// this file instead of gemm_eigen.cpp there (-msimd128 is required).
#include <wasm_simd128.h>

#include <algorithm>
#include <vector>

#include "gemm.hpp"

namespace digitpad {

// One micro-kernel computes a tile of C, MV*4 rows x NR columns, held in MV*NR v128
// accumulators, over a block of the depth: per depth step p it loads MV vectors of op(A)'s
// column p and multiplies them by NR broadcast entries of op(B)'s row p (no FMA in 128-bit
// WebAssembly SIMD: a mul and an add). 8x4 tiles (8 accumulators) measured fastest: V8 has 16
// xmm registers, one of them scratch; 12x4, 8x5 and 8x6 spill. The operands are read in place
// where their layout allows ("panels": pointer + stride per depth step):
//   A panel: op(A)(i0 + r, p) at a + p * step + r, for r < MV*4
//   B panel: op(B)(p, j0 + q) at b + p * step + q * col_step, for q < NR
// Column-major A (gemm_nn, gemm_nt) is an A panel as it is (step = lda); A^T (gemm_tn) is
// packed. op(B) is always read in place: B^T (gemm_nt) with step = ldb, col_step = 1, and B
// (gemm_nn, gemm_tn) with step = 1, col_step = ldb (packing B measured slower).

namespace {

constexpr int kDepthBlock = 256;  // depth steps per pass over C

struct Panel {
  const float* data;
  int step;          // floats per depth step
  int col_step = 0;  // floats between columns (B panels)
};

// Only rows [first, end) of the tile are stored: an edge tile may overlap its neighbour (so
// that it reads only rows that exist) or reach past C's last row (then A is zero-padded).
template <int MV, int NR>
void micro_kernel(int depth, Panel a, Panel b, float* c, int ldc, int first, int end,
                  bool accumulate) {
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
      const v128_t bq = wasm_v128_load32_splat(bp + q * b.col_step);
      for (int v = 0; v < MV; ++v) acc[q][v] = wasm_f32x4_add(acc[q][v], wasm_f32x4_mul(av[v], bq));
    }
  }
  if (first == 0 && end == MR) {
    for (int q = 0; q < NR; ++q)
      for (int v = 0; v < MV; ++v) {
        float* cp = c + q * ldc + 4 * v;
        wasm_v128_store(cp, accumulate ? wasm_f32x4_add(wasm_v128_load(cp), acc[q][v]) : acc[q][v]);
      }
  } else {
    float tile[NR][MR];
    for (int q = 0; q < NR; ++q)
      for (int v = 0; v < MV; ++v) wasm_v128_store(&tile[q][4 * v], acc[q][v]);
    for (int q = 0; q < NR; ++q)
      for (int r = first; r < end; ++r)
        c[q * ldc + r] = accumulate ? c[q * ldc + r] + tile[q][r] : tile[q][r];
  }
}

// The same tile over only the depth steps listed in `steps` (those where the 4 columns of B
// are not all zero): A's column p starts at a + offsets[t], B's row p is values[4t..4t+3].
// Skipped steps would add exact zeros, so the sums are bitwise those of micro_kernel.
template <int MV>
void indexed_kernel(int count, const int* offsets, const float* values, const float* a,
                    float* c, int ldc, int first, int end, bool accumulate) {
  constexpr int MR = 4 * MV;
  v128_t acc[4][MV];
  for (int q = 0; q < 4; ++q)
    for (int v = 0; v < MV; ++v) acc[q][v] = wasm_f32x4_const_splat(0.0f);
  for (int t = 0; t < count; ++t) {
    const float* ap = a + offsets[t];
    v128_t av[MV];
    for (int v = 0; v < MV; ++v) av[v] = wasm_v128_load(ap + 4 * v);
    for (int q = 0; q < 4; ++q) {
      const v128_t bq = wasm_v128_load32_splat(values + 4 * t + q);
      for (int v = 0; v < MV; ++v) acc[q][v] = wasm_f32x4_add(acc[q][v], wasm_f32x4_mul(av[v], bq));
    }
  }
  if (first == 0 && end == MR) {
    for (int q = 0; q < 4; ++q)
      for (int v = 0; v < MV; ++v) {
        float* cp = c + q * ldc + 4 * v;
        wasm_v128_store(cp, accumulate ? wasm_f32x4_add(wasm_v128_load(cp), acc[q][v]) : acc[q][v]);
      }
  } else {
    float tile[4][MR];
    for (int q = 0; q < 4; ++q)
      for (int v = 0; v < MV; ++v) wasm_v128_store(&tile[q][4 * v], acc[q][v]);
    for (int q = 0; q < 4; ++q)
      for (int r = first; r < end; ++r)
        c[q * ldc + r] = accumulate ? c[q * ldc + r] + tile[q][r] : tile[q][r];
  }
}

// MV (row vectors per tile) for a product whose tiles have `cols` columns: 8 accumulators
// at most, and at least 4 where possible for the add latency to hide behind.
int vectors_for(int cols) { return cols == 1 ? 8 : cols == 2 ? 4 : 2; }

// Tiles of mv vectors x cols columns; mv = 8 comes with one column, mv = 4 with at most two
// (vectors_for, and the edges of those products).
void run_tile(int mv, int cols, int depth, Panel a, Panel b, float* c, int ldc, int first,
              int end, bool accumulate) {
  switch (mv * 8 + cols) {
    case 8 * 8 + 1: micro_kernel<8, 1>(depth, a, b, c, ldc, first, end, accumulate); break;
    case 4 * 8 + 2: micro_kernel<4, 2>(depth, a, b, c, ldc, first, end, accumulate); break;
    case 4 * 8 + 1: micro_kernel<4, 1>(depth, a, b, c, ldc, first, end, accumulate); break;
    case 2 * 8 + 4: micro_kernel<2, 4>(depth, a, b, c, ldc, first, end, accumulate); break;
    case 2 * 8 + 3: micro_kernel<2, 3>(depth, a, b, c, ldc, first, end, accumulate); break;
    case 2 * 8 + 2: micro_kernel<2, 2>(depth, a, b, c, ldc, first, end, accumulate); break;
    case 2 * 8 + 1: micro_kernel<2, 1>(depth, a, b, c, ldc, first, end, accumulate); break;
    case 1 * 8 + 4: micro_kernel<1, 4>(depth, a, b, c, ldc, first, end, accumulate); break;
    case 1 * 8 + 3: micro_kernel<1, 3>(depth, a, b, c, ldc, first, end, accumulate); break;
    case 1 * 8 + 2: micro_kernel<1, 2>(depth, a, b, c, ldc, first, end, accumulate); break;
    default: micro_kernel<1, 1>(depth, a, b, c, ldc, first, end, accumulate); break;
  }
}

// One tile of the row tiling: rows [row, row + 4 * mv) of op(A), of which it stores rows
// [row + first, row + end) of C.
struct RowTile {
  int row, mv, first, end;
};

// Buffers of the drivers below live in statics: a local with a destructor would put the
// driver's body in a try block under -fwasm-exceptions, and once Binaryen inlines the
// kernels there, V8 runs them 1.5x slower (128x64x784: 373 -> 590 us).
std::vector<RowTile>& tile_buffer() {
  static std::vector<RowTile> buffer;
  return buffer;
}

// Covers m rows with tiles of at most max_mv vectors: full tiles, then smaller powers of two,
// then (for the last 1..3 rows) a 4-row tile that overlaps its neighbour. When m < 4 the
// single tile reads past row m: op(A) must then be packed (zero-padded).
void row_tiles(int m, int max_mv, std::vector<RowTile>& tiles) {
  tiles.clear();
  int row = 0;
  for (int mv = max_mv; mv >= 1; mv /= 2)
    for (; m - row >= 4 * mv; row += 4 * mv) tiles.push_back({row, mv, 0, 4 * mv});
  if (row < m) tiles.push_back(m >= 4 ? RowTile{m - 4, 1, 4 - (m - row), 4} : RowTile{0, 1, 0, m});
}

// y (m) = A (m x k, column-major) x (k): one sample through a dense layer. Zero entries of x
// are skipped (a drawing is about 80% background, a ReLU output about half zeros): adding a
// product with a zero changes no sum, and per depth block the additions come in the same
// order as in the tiles, so one sample gets bitwise the numbers it gets in a batch.
struct NonzeroEntries {
  std::vector<int> offsets;    // p * lda for each nonzero x[p]: where A's column p starts
  std::vector<float> values;   // x[p]
};

template <int MV>
void sparse_gemv_tile(const NonzeroEntries& x, int count, const float* a, float* y, int first,
                      int end, bool accumulate) {
  v128_t acc[MV];
  for (int v = 0; v < MV; ++v) acc[v] = wasm_f32x4_const_splat(0.0f);
  const int* offset = x.offsets.data();
  const float* value = x.values.data();
  for (int t = 0; t < count; ++t) {
    const float* ap = a + offset[t];
    const v128_t xp = wasm_v128_load32_splat(value + t);
    for (int v = 0; v < MV; ++v)
      acc[v] = wasm_f32x4_add(acc[v], wasm_f32x4_mul(wasm_v128_load(ap + 4 * v), xp));
  }
  float tile[4 * MV];
  for (int v = 0; v < MV; ++v) wasm_v128_store(&tile[4 * v], acc[v]);
  for (int r = first; r < end; ++r) y[r] = accumulate ? y[r] + tile[r] : tile[r];
}

// The sparse path pays for its indexing when at least a third of x is zeros (measured: 3.5 us
// instead of 7.7 us for 128x784 with 80% zeros, 11 us instead of 7.7 us with none).
bool mostly_zeros(const float* x, int k) {
  int zeros = 0;
  for (int p = 0; p < k; ++p) zeros += x[p] == 0.0f;
  return 3 * zeros >= k;
}

// B (k x n) is at least 70% zeros, judged from about 1,000 entries spread over it: the input
// images are (~80% background); hidden activations, even after ReLU, rarely are. Below that,
// looking for all-zero depth steps costs more than it saves.
bool mostly_zeros_sampled(const float* b, int k, int n, int ldb) {
  const int col_step = std::max(1, n / 32), row_step = std::max(1, k / 32);
  int zeros = 0, samples = 0;
  for (int j = 0; j < n; j += col_step)
    for (int p = j % row_step; p < k; p += row_step, ++samples)
      zeros += b[size_t(j) * ldb + p] == 0.0f;
  return 10 * zeros >= 7 * samples;
}

void sparse_gemv(int m, int k, const float* a, int lda, const float* x, float* y) {
  static NonzeroEntries nonzero;
  for (int p0 = 0; p0 < k; p0 += kDepthBlock) {
    const int depth = std::min(kDepthBlock, k - p0);
    const bool accumulate = p0 > 0;
    nonzero.offsets.resize(size_t(depth));
    nonzero.values.resize(size_t(depth));
    int count = 0;
    for (int p = p0; p < p0 + depth; ++p) {  // without branches: x is as random as a drawing
      nonzero.offsets[size_t(count)] = p * lda;
      nonzero.values[size_t(count)] = x[p];
      count += x[p] != 0.0f;
    }
    if (m < 4) {  // too few rows for a vector
      for (int i = 0; i < m; ++i) {
        float sum = 0.0f;
        for (int t = 0; t < count; ++t) sum += a[i + nonzero.offsets[t]] * nonzero.values[t];
        y[i] = accumulate ? y[i] + sum : sum;
      }
      continue;
    }
    std::vector<RowTile>& tiles = tile_buffer();
    row_tiles(m, 8, tiles);
    for (const RowTile& t : tiles) {
      const float* at = a + t.row;
      float* yt = y + t.row;
      switch (t.mv) {
        case 8: sparse_gemv_tile<8>(nonzero, count, at, yt, t.first, t.end, accumulate); break;
        case 4: sparse_gemv_tile<4>(nonzero, count, at, yt, t.first, t.end, accumulate); break;
        case 2: sparse_gemv_tile<2>(nonzero, count, at, yt, t.first, t.end, accumulate); break;
        default: sparse_gemv_tile<1>(nonzero, count, at, yt, t.first, t.end, accumulate); break;
      }
    }
  }
}

std::vector<float>& packed_a() {
  static std::vector<float> buffer;
  return buffer;
}

// C (m x n) = op(A) (m x k) * op(B) (k x n). op(A) is read in place when a_transposed is
// false (A column-major, m x k) and packed otherwise (A is k x m); op(B) is B^T (B n x k)
// when b_transposed, else B (k x n).
void blocked_gemm(int m, int n, int k, bool a_transposed, const float* a, int lda,
                  bool b_transposed, const float* b, int ldb, float* c, int ldc,
                  bool skip_zero_steps = false) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    for (int j = 0; j < n; ++j) std::fill_n(c + j * size_t(ldc), m, 0.0f);
    return;
  }
  const int nr = std::min(n, 4);  // columns per tile
  std::vector<RowTile>& tiles = tile_buffer();
  row_tiles(m, vectors_for(nr), tiles);
  // Packed op(A) for one depth block, tile after tile (zero rows past m for a tile with m < 4).
  const bool pack = a_transposed || m < 4;
  std::vector<float>& apack = packed_a();
  if (pack) apack.resize(size_t(m + 4) * std::min(k, kDepthBlock));  // tiles overlap by < 4 rows
  static NonzeroEntries steps;  // offsets: A column of each kept step; values: B's 4 entries
  if (skip_zero_steps) {
    steps.offsets.resize(size_t(std::min(k, kDepthBlock)));
    steps.values.resize(size_t(4) * std::min(k, kDepthBlock));
  }

  for (int p0 = 0; p0 < k; p0 += kDepthBlock) {
    const int depth = std::min(kDepthBlock, k - p0);
    const bool accumulate = p0 > 0;
    static std::vector<Panel> a_panels;
    a_panels.clear();
    float* out = apack.data();
    for (const RowTile& t : tiles) {
      if (!pack) {
        a_panels.push_back({a + size_t(p0) * lda + t.row, lda});
        continue;
      }
      const int width = 4 * t.mv;
      for (int p = 0; p < depth; ++p)
        for (int r = 0; r < width; ++r) {
          const int i = t.row + r;
          out[size_t(p) * width + r] = i >= m               ? 0.0f
                                       : a_transposed ? a[size_t(i) * lda + p0 + p]
                                                      : a[size_t(p0 + p) * lda + i];
        }
      a_panels.push_back({out, width});
      out += size_t(width) * depth;
    }
    for (int j0 = 0; j0 < n; j0 += nr) {
      const int cols = std::min(nr, n - j0);
      const Panel bp = b_transposed ? Panel{b + size_t(p0) * ldb + j0, ldb, 1}
                                    : Panel{b + size_t(j0) * ldb + p0, 1, ldb};
      float* cj = c + size_t(j0) * ldc;
      if (skip_zero_steps && cols == 4 && !pack) {
        // Depth steps where the 4 columns of B are all zero (background pixels of 4 images,
        // padding and background of im2col patches) are left out when that pays.
        int count = 0;
        for (int p = 0; p < depth; ++p) {  // without branches: the pattern is data
          const float* row = bp.data + p;
          float* packed = steps.values.data() + 4 * count;
          packed[0] = row[0];
          packed[1] = row[ldb];
          packed[2] = row[2 * ldb];
          packed[3] = row[3 * ldb];
          steps.offsets[size_t(count)] = (p0 + p) * lda;
          count += (packed[0] != 0.0f) | (packed[1] != 0.0f) | (packed[2] != 0.0f) |
                   (packed[3] != 0.0f);
        }
        if (4 * count <= 3 * depth) {
          const int* offsets = steps.offsets.data();
          const float* values = steps.values.data();
          for (const RowTile& t : tiles) {
            float* ct = cj + t.row;
            const float* at = a + t.row;
            if (t.mv == 2)
              indexed_kernel<2>(count, offsets, values, at, ct, ldc, t.first, t.end, accumulate);
            else
              indexed_kernel<1>(count, offsets, values, at, ct, ldc, t.first, t.end, accumulate);
          }
          continue;
        }
      }
      for (size_t t = 0; t < tiles.size(); ++t)
        run_tile(tiles[t].mv, cols, depth, a_panels[t], bp, cj + tiles[t].row, ldc,
                 tiles[t].first, tiles[t].end, accumulate);
    }
  }
}

}  // namespace

void gemm_nn(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
             int ldc) {
  if (n == 1 && m > 0 && mostly_zeros(b, k)) return sparse_gemv(m, k, a, lda, b, c);
  blocked_gemm(m, n, k, false, a, lda, false, b, ldb, c, ldc, mostly_zeros_sampled(b, k, n, ldb));
}

void gemm_nt(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
             int ldc) {
  blocked_gemm(m, n, k, false, a, lda, true, b, ldb, c, ldc);
}

void gemm_tn(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
             int ldc) {
  blocked_gemm(m, n, k, true, a, lda, false, b, ldb, c, ldc);
}

}  // namespace digitpad
