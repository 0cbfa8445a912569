// The im2col + GEMM convolution must equal the plain-loop reference, forward and backward.
#include <gtest/gtest.h>

#include "conv_kernels.hpp"
#include "test_util.hpp"

using namespace digitpad;
using digitpad::test::random_matrix;

namespace {

struct Case {
  Shape input;
  int filters, kernel, stride, padding;
};

class ConvMatchesReference : public ::testing::TestWithParam<Case> {};

}  // namespace

TEST_P(ConvMatchesReference, ForwardAndBackward) {
  const Case c = GetParam();
  LayerSpec spec;
  spec.kind = LayerKind::Conv2D;
  spec.units = c.filters;
  spec.kernel = c.kernel;
  spec.stride = c.stride;
  spec.padding = c.padding;
  const int batch = 3;
  auto layer = make_layer(spec, c.input, 0);
  std::vector<float> params(size_t(layer->param_count())), grads(params.size());
  layer->bind(params.data(), grads.data());
  Rng rng(1);
  for (float& p : params) p = rng.uniform(-1, 1);
  const ConvGeometry g{c.input, c.filters, c.kernel, c.stride, c.padding};
  const Eigen::Map<Matrix> w(params.data(), c.filters, g.patch());
  const Eigen::Map<Vector> b(params.data() + w.size(), c.filters);

  const Matrix x = random_matrix(c.input.size(), batch, 2);
  const Matrix y_fast = layer->forward(x, ForwardContext{});
  Matrix y_ref;
  conv2d_forward_reference(x, w, b, g, y_ref);
  ASSERT_EQ(y_fast.rows(), y_ref.rows());
  EXPECT_LT((y_fast - y_ref).cwiseAbs().maxCoeff(), 1e-4);

  const Matrix dy = random_matrix(y_ref.rows(), batch, 3);
  const Matrix dx_fast = layer->backward(x, dy);
  Matrix dx_ref, dw_ref;
  Vector db_ref;
  conv2d_backward_reference(x, w, dy, g, dx_ref, dw_ref, db_ref);
  EXPECT_LT((dx_fast - dx_ref).cwiseAbs().maxCoeff(), 1e-4);
  const Eigen::Map<Matrix> dw_fast(grads.data(), c.filters, g.patch());
  const Eigen::Map<Vector> db_fast(grads.data() + w.size(), c.filters);
  EXPECT_LT((dw_fast - dw_ref).cwiseAbs().maxCoeff(), 1e-4);
  EXPECT_LT((db_fast - db_ref).cwiseAbs().maxCoeff(), 1e-4);
}

INSTANTIATE_TEST_SUITE_P(
    Geometries, ConvMatchesReference,
    ::testing::Values(Case{{28, 28, 1}, 8, 5, 1, 2},   // the default CNN's first layer
                      Case{{14, 14, 4}, 6, 3, 1, 1},   // multi-channel, same padding
                      Case{{9, 7, 3}, 5, 3, 2, 0},     // stride 2, valid, non-square
                      Case{{5, 5, 2}, 2, 5, 1, 4},     // padding larger than half the kernel
                      Case{{4, 4, 3}, 3, 1, 1, 0}),    // 1x1 convolution
    [](const ::testing::TestParamInfo<Case>& info) {
      const Case& c = info.param;
      return c.input.str() + "_f" + std::to_string(c.filters) + "k" + std::to_string(c.kernel) +
             "s" + std::to_string(c.stride) + "p" + std::to_string(c.padding);
    });

TEST(Im2Col, ZeroPaddingAndLayout) {
  // A 2x2 single-channel image with a 3x3 kernel and padding 1: the centre of the patch at
  // output (0,0) is pixel (0,0), and everything above or left of it is padding.
  const ConvGeometry g{{2, 2, 1}, 1, 3, 1, 1};
  const std::vector<float> x = {1, 2, 3, 4};
  std::vector<float> cols(size_t(g.patch() * 4));
  im2col(x.data(), 1, g, cols.data());
  const std::vector<float> first_patch(cols.begin(), cols.begin() + 9);
  EXPECT_EQ(first_patch, (std::vector<float>{0, 0, 0, 0, 1, 2, 0, 3, 4}));
}
