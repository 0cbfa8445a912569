// Convolution kernels: the fast im2col/col2im pair used by Conv2DLayer, and the plain-loop
// reference (llm.c style) that tests hold the fast path to.
#pragma once
#include "architecture.hpp"
#include "tensor.hpp"

namespace digitpad {

struct ConvGeometry {
  Shape input;
  int filters = 1, kernel = 1, stride = 1, padding = 0;
  Shape output() const {
    return {(input.height + 2 * padding - kernel) / stride + 1,
            (input.width + 2 * padding - kernel) / stride + 1, filters};
  }
  int patch() const { return kernel * kernel * input.channels; }
};

// x: in.size() x batch (HWC columns) -> cols: patch x (Ho*Wo*batch), zero where padded.
void im2col(const float* x, int batch, const ConvGeometry& g, float* cols);
// The adjoint of im2col: adds each column entry back to the input pixel it came from.
// dx must hold in.size() x batch floats; it is overwritten.
void col2im(const float* cols, int batch, const ConvGeometry& g, float* dx);

// Reference convolution with plain loops. w: filters x patch (row index as in im2col),
// b: filters; y: out.size() x batch.
void conv2d_forward_reference(const Matrix& x, const Matrix& w, const Vector& b,
                              const ConvGeometry& g, Matrix& y);
void conv2d_backward_reference(const Matrix& x, const Matrix& w, const Matrix& dy,
                               const ConvGeometry& g, Matrix& dx, Matrix& dw, Vector& db);

}  // namespace digitpad
