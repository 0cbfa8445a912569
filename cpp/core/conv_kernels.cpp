#include "conv_kernels.hpp"

#include <cstring>

namespace digitpad {

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
        for (int ky = 0; ky < K; ++ky) {
          const int iy = oy * g.stride - g.padding + ky;
          if (iy < 0 || iy >= in.height) {
            std::memset(dst, 0, sizeof(float) * K * C);
            dst += K * C;
            continue;
          }
          for (int kx = 0; kx < K; ++kx, dst += C) {
            const int ix = ox * g.stride - g.padding + kx;
            const bool outside = ix < 0 || ix >= in.width;
            if (C == 1) {
              // One channel (the first layer): in WebAssembly a memcpy call per pixel costs
              // far more than the copy (it was 100 of the small CNN's 230 us per digit).
              *dst = outside ? 0.0f : image[iy * in.width + ix];
            } else if (outside) {
              std::memset(dst, 0, sizeof(float) * C);
            } else {
              std::memcpy(dst, image + (iy * in.width + ix) * C, sizeof(float) * C);
            }
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
