// Finite-difference gradient checks for every layer and loss: the analytic backward pass must
// match central differences of the forward pass.
#include <gtest/gtest.h>

#include "architecture.hpp"
#include "loss.hpp"
#include "network.hpp"
#include "test_util.hpp"

using namespace digitpad;
using digitpad::test::away_from_kinks;
using digitpad::test::random_matrix;

namespace {

constexpr float kEps = 1e-2f;

// Asserts |numeric - analytic| <= tol * max(1, |numeric|, |analytic|).
void expect_close(double numeric, double analytic, double tol, const std::string& what) {
  const double scale = std::max({1.0, std::abs(numeric), std::abs(analytic)});
  EXPECT_NEAR(numeric, analytic, tol * scale) << what;
}

// For L = sum(layer(x) .* r): checks dL/dx and dL/dparams at up to 40 entries each.
void check_layer(const LayerSpec& spec, Shape input, int batch, const Matrix& x0,
                 double tol = 2e-2) {
  std::unique_ptr<Layer> layer = make_layer(spec, input, 0);
  std::vector<float> params(size_t(layer->param_count())), grads(params.size());
  layer->bind(params.data(), grads.data());
  Rng init(7);
  for (float& p : params) p = init.uniform(-0.5f, 0.5f);
  const Matrix r = random_matrix(layer->output_shape().size(), batch, 99);
  Rng dropout_rng(5);
  auto loss = [&](const Matrix& x) {
    dropout_rng.reseed(5);  // the same dropout mask for every evaluation
    const Matrix& y = layer->forward(x, ForwardContext{true, &dropout_rng});
    return (y.cast<double>().array() * r.cast<double>().array()).sum();
  };
  Matrix x = x0;
  loss(x);
  const Matrix dx = layer->backward(x, r);
  const std::vector<float> analytic_grads = grads;
  ASSERT_EQ(dx.rows(), x.rows());
  const Eigen::Index step_x = std::max<Eigen::Index>(1, x.size() / 40);
  for (Eigen::Index i = 0; i < x.size(); i += step_x) {
    const float saved = x.data()[i];
    x.data()[i] = saved + kEps;
    const double plus = loss(x);
    x.data()[i] = saved - kEps;
    const double minus = loss(x);
    x.data()[i] = saved;
    expect_close((plus - minus) / (2 * kEps), dx.data()[i], tol,
                 spec.str() + " dx[" + std::to_string(i) + "]");
  }
  const size_t step_p = std::max<size_t>(1, params.size() / 40);
  for (size_t i = 0; i < params.size(); i += step_p) {
    const float saved = params[i];
    params[i] = saved + kEps;
    const double plus = loss(x);
    params[i] = saved - kEps;
    const double minus = loss(x);
    params[i] = saved;
    expect_close((plus - minus) / (2 * kEps), analytic_grads[i], tol,
                 spec.str() + " dparam[" + std::to_string(i) + "]");
  }
}

LayerSpec spec_of(const std::string& token) {
  return parse_architecture("input:1x1x1," + token).layers.at(0);
}

}  // namespace

TEST(GradientCheck, Dense) {
  check_layer(spec_of("dense:7"), Shape{1, 1, 12}, 5, random_matrix(12, 5, 1));
}

TEST(GradientCheck, Conv2DSamePadding) {
  const Shape in{6, 5, 2};
  check_layer(spec_of("conv:3x3:same"), in, 2, random_matrix(in.size(), 2, 2));
}

TEST(GradientCheck, Conv2DValidStride2) {
  const Shape in{7, 7, 3};
  check_layer(spec_of("conv:4x3:valid:s2"), in, 3, random_matrix(in.size(), 3, 3));
}

TEST(GradientCheck, MaxPool2D) {
  const Shape in{6, 6, 2};
  check_layer(spec_of("maxpool:2"), in, 2, away_from_kinks(in.size(), 2, 4, 0.05f));
}

TEST(GradientCheck, MaxPool2DOverlapping) {
  const Shape in{7, 7, 1};
  check_layer(spec_of("maxpool:3:s2"), in, 2, away_from_kinks(in.size(), 2, 5, 0.05f));
}

TEST(GradientCheck, Flatten) {
  const Shape in{3, 3, 2};
  check_layer(spec_of("flatten"), in, 2, random_matrix(in.size(), 2, 6));
}

TEST(GradientCheck, Dropout) {
  check_layer(spec_of("dropout:0.4"), Shape{1, 1, 30}, 4, random_matrix(30, 4, 7));
}

TEST(GradientCheck, ReLU) {
  check_layer(spec_of("relu"), Shape{1, 1, 30}, 4, away_from_kinks(30, 4, 8, 0.05f));
}

TEST(GradientCheck, Sigmoid) {
  check_layer(spec_of("sigmoid"), Shape{1, 1, 30}, 4, random_matrix(30, 4, 9, -3, 3));
}

TEST(GradientCheck, Tanh) {
  check_layer(spec_of("tanh"), Shape{1, 1, 30}, 4, random_matrix(30, 4, 10, -2, 2));
}

TEST(GradientCheck, Scale) {
  check_layer(spec_of("scale:3.2457:-0.4242"), Shape{1, 1, 30}, 4, random_matrix(30, 4, 11));
}

namespace {

template <typename LossFn>
void check_loss(LossFn fn, const Matrix& out0) {
  const std::vector<uint8_t> labels = {3, 0, 9, 3, 7};
  Matrix grad, scratch;
  fn(out0, labels.data(), grad);
  Matrix out = out0;
  for (Eigen::Index i = 0; i < out.size(); ++i) {
    const float saved = out.data()[i];
    out.data()[i] = saved + 1e-2f;
    const double plus = fn(out, labels.data(), scratch);
    out.data()[i] = saved - 1e-2f;
    const double minus = fn(out, labels.data(), scratch);
    out.data()[i] = saved;
    expect_close((plus - minus) / 2e-2, grad.data()[i], 1e-2, "loss d[" + std::to_string(i) + "]");
  }
}

}  // namespace

TEST(GradientCheck, SoftmaxCrossEntropy) {
  check_loss(softmax_cross_entropy, random_matrix(10, 5, 11, -3, 3));
}

TEST(GradientCheck, MeanSquaredError) {
  check_loss(mean_squared_error, random_matrix(10, 5, 12, 0, 1));
}

TEST(Loss, FusedSoftmaxCrossEntropyMatchesReference) {
  const Matrix logits = random_matrix(10, 8, 13, -5, 5);
  const std::vector<uint8_t> labels = {0, 1, 2, 3, 4, 5, 6, 7};
  Matrix fused_grad, reference_grad;
  const float fused = softmax_cross_entropy(logits, labels.data(), fused_grad);
  const float reference = softmax_cross_entropy_reference(logits, labels.data(), reference_grad);
  EXPECT_NEAR(fused, reference, 1e-5);
  EXPECT_LT((fused_grad - reference_grad).cwiseAbs().maxCoeff(), 1e-6);
}

TEST(Loss, FusedSoftmaxCrossEntropyIsStableForHugeLogits) {
  Matrix logits = Matrix::Zero(10, 1);
  logits(2, 0) = 1000.0f;  // exp(1000) overflows float; the fused form never computes it
  logits(5, 0) = -1000.0f;
  const std::vector<uint8_t> label = {5};
  Matrix grad;
  const float loss = softmax_cross_entropy(logits, label.data(), grad);
  EXPECT_NEAR(loss, 2000.0f, 1e-2);
  EXPECT_TRUE(grad.allFinite());
  EXPECT_NEAR(grad(2, 0), 1.0f, 1e-6);
  EXPECT_NEAR(grad(5, 0), -1.0f, 1e-6);
}

TEST(Loss, MeanSquaredErrorByHand) {
  Matrix out = Matrix::Zero(10, 1);
  out(1, 0) = 0.5f;
  const std::vector<uint8_t> label = {1};
  Matrix grad;
  // 0.5 * (0.5 - 1)^2 = 0.125; gradient 0.5 - 1 = -0.5 at the label
  EXPECT_FLOAT_EQ(mean_squared_error(out, label.data(), grad), 0.125f);
  EXPECT_FLOAT_EQ(grad(1, 0), -0.5f);
  EXPECT_FLOAT_EQ(grad(0, 0), 0.0f);
}

// The whole chain through Network::backward: a tiny CNN with every trainable layer kind.
TEST(GradientCheck, WholeNetworkThroughLoss) {
  Network net(parse_architecture(
      "input:6x6x1,conv:2x3:same,tanh,maxpool:2,flatten,dense:8,sigmoid,dense:10"));
  net.init_params(3);
  const Matrix x = random_matrix(36, 3, 14, 0, 1);
  const std::vector<uint8_t> labels = {1, 4, 8};
  Matrix dout;
  auto loss = [&] {
    return double(softmax_cross_entropy(net.forward(x, ForwardContext{}), labels.data(), dout));
  };
  loss();
  net.backward(dout);
  const std::vector<float> analytic(net.grads(), net.grads() + net.param_count());
  for (int64_t i = 0; i < net.param_count(); i += 3) {
    float& p = net.params()[i];
    const float saved = p;
    p = saved + kEps;
    const double plus = loss();
    p = saved - kEps;
    const double minus = loss();
    p = saved;
    expect_close((plus - minus) / (2 * kEps), analytic[size_t(i)], 2e-2,
                 "param " + std::to_string(i));
  }
}
