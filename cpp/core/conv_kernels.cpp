#include "conv_kernels.hpp"

#include <algorithm>
#include <cstring>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace digitpad {

namespace {

// n floats from src to dst. In WebAssembly a memcpy is a call into a software loop (no bulk
// memory in this build), and im2col's copies are short (K*C floats): as memcpy calls they
// took 27% of the default CNN's time per digit. The v128 loop keeps them inline.
inline void copy_floats(float* dst, const float* src, int n) {
#ifdef __wasm_simd128__
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, wasm_v128_load(src + i));
  for (; i < n; ++i) dst[i] = src[i];
#else
  std::memcpy(dst, src, sizeof(float) * size_t(n));
#endif
}

}  // namespace

void im2col(const float* x, int batch, const ConvGeometry& g, float* cols) {
  const Shape in = g.input;
  const Shape out = g.output();
  const int C = in.channels, K = g.kernel, patch = g.patch();
  float* col = cols;
  for (int b = 0; b < batch; ++b) {
    const float* image = x + int64_t(b) * in.size();
    for (int oy = 0; oy < out.height; ++oy) {
      for (int ox = 0; ox < out.width; ++ox, col += patch) {
        float* dst = col;
        const int ix0 = ox * g.stride - g.padding;  // the patch's first column
        const bool row_inside = ix0 >= 0 && ix0 + K <= in.width;
        for (int ky = 0; ky < K; ++ky) {
          const int iy = oy * g.stride - g.padding + ky;
          if (iy < 0 || iy >= in.height) {
            std::fill_n(dst, K * C, 0.0f);
            dst += K * C;
            continue;
          }
          const float* row = image + (int64_t(iy) * in.width + ix0) * C;
          if (row_inside) {  // the K pixels of this patch row are K*C floats in a row (HWC)
            copy_floats(dst, row, K * C);
            dst += K * C;
            continue;
          }
          for (int kx = 0; kx < K; ++kx, dst += C) {
            const int ix = ix0 + kx;
            if (ix < 0 || ix >= in.width) std::fill_n(dst, C, 0.0f);
            else copy_floats(dst, row + kx * C, C);
          }
        }
      }
    }
  }
}

void col2im(const float* cols, int batch, const ConvGeometry& g, float* dx) {
  const Shape in = g.input;
  const Shape out = g.output();
  const int C = in.channels, K = g.kernel, patch = g.patch();
  std::memset(dx, 0, sizeof(float) * int64_t(in.size()) * batch);
  const float* col = cols;
  for (int b = 0; b < batch; ++b) {
    float* image = dx + int64_t(b) * in.size();
    for (int oy = 0; oy < out.height; ++oy) {
      for (int ox = 0; ox < out.width; ++ox, col += patch) {
        const float* src = col;
        for (int ky = 0; ky < K; ++ky) {
          const int iy = oy * g.stride - g.padding + ky;
          if (iy < 0 || iy >= in.height) {
            src += K * C;
            continue;
          }
          for (int kx = 0; kx < K; ++kx, src += C) {
            const int ix = ox * g.stride - g.padding + kx;
            if (ix < 0 || ix >= in.width) continue;
            float* pixel = image + (iy * in.width + ix) * C;
            for (int c = 0; c < C; ++c) pixel[c] += src[c];
          }
        }
      }
    }
  }
}

void conv2d_forward_reference(const Matrix& x, const Matrix& w, const Vector& b,
                              const ConvGeometry& g, Matrix& y) {
  const Shape in = g.input, out = g.output();
  const int K = g.kernel;
  y.resize(out.size(), x.cols());
  for (Eigen::Index n = 0; n < x.cols(); ++n)
    for (int oy = 0; oy < out.height; ++oy)
      for (int ox = 0; ox < out.width; ++ox)
        for (int f = 0; f < g.filters; ++f) {
          double sum = b(f);
          for (int ky = 0; ky < K; ++ky)
            for (int kx = 0; kx < K; ++kx)
              for (int c = 0; c < in.channels; ++c) {
                const int iy = oy * g.stride - g.padding + ky;
                const int ix = ox * g.stride - g.padding + kx;
                if (iy < 0 || iy >= in.height || ix < 0 || ix >= in.width) continue;
                sum += double(w(f, (ky * K + kx) * in.channels + c)) *
                       x((iy * in.width + ix) * in.channels + c, n);
              }
          y((oy * out.width + ox) * g.filters + f, n) = float(sum);
        }
}

void conv2d_backward_reference(const Matrix& x, const Matrix& w, const Matrix& dy,
                               const ConvGeometry& g, Matrix& dx, Matrix& dw, Vector& db) {
  const Shape in = g.input, out = g.output();
  const int K = g.kernel;
  dx.setZero(in.size(), x.cols());
  dw.setZero(w.rows(), w.cols());
  db.setZero(g.filters);
  for (Eigen::Index n = 0; n < x.cols(); ++n)
    for (int oy = 0; oy < out.height; ++oy)
      for (int ox = 0; ox < out.width; ++ox)
        for (int f = 0; f < g.filters; ++f) {
          const float grad = dy((oy * out.width + ox) * g.filters + f, n);
          db(f) += grad;
          for (int ky = 0; ky < K; ++ky)
            for (int kx = 0; kx < K; ++kx)
              for (int c = 0; c < in.channels; ++c) {
                const int iy = oy * g.stride - g.padding + ky;
                const int ix = ox * g.stride - g.padding + kx;
                if (iy < 0 || iy >= in.height || ix < 0 || ix >= in.width) continue;
                const int row = (iy * in.width + ix) * in.channels + c;
                const int wcol = (ky * K + kx) * in.channels + c;
                dw(f, wcol) += grad * x(row, n);
                dx(row, n) += grad * w(f, wcol);
              }
        }
}

}  // namespace digitpad
