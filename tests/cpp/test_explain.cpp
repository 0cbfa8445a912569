// Network::explain and layer_weights: the studio's look inside a network. The input gradient
// must match central differences of the class score for every layer kind (each as the FIRST
// layer, whose input gradient training never computes), and the activations, gradient and
// weights of a tiny network must be the values worked out by hand below.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>

#include "architecture.hpp"
#include "model_format.hpp"
#include "network.hpp"
#include "test_util.hpp"

using namespace digitpad;
using digitpad::test::away_from_kinks;
using digitpad::test::expect_throw_message;
using digitpad::test::random_matrix;

namespace {

// Checks explain's gradient of class `target` against (score(x + eps) - score(x - eps)) / 2eps
// at up to 60 inputs: |numeric - analytic| <= tol * max(1, |numeric|, |analytic|).
void check_input_gradient(Network& net, const Matrix& x0, int target, double tol = 2e-2,
                          float eps = 1e-2f) {
  Explanation e;
  net.explain(x0, target, e);
  ASSERT_EQ(e.gradient.rows(), x0.rows());
  const int cls = e.target;
  auto score = [&](const Matrix& x) { return double(net.forward(x, ForwardContext{})(cls, 0)); };
  Matrix x = x0;
  const Eigen::Index step = std::max<Eigen::Index>(1, x.size() / 60);
  for (Eigen::Index i = 0; i < x.size(); i += step) {
    const float saved = x(i, 0);
    x(i, 0) = saved + eps;
    const double plus = score(x);
    x(i, 0) = saved - eps;
    const double minus = score(x);
    x(i, 0) = saved;
    const double numeric = (plus - minus) / (2 * eps), analytic = e.gradient(i, 0);
    const double scale = std::max({1.0, std::abs(numeric), std::abs(analytic)});
    EXPECT_NEAR(numeric, analytic, tol * scale) << net.architecture().spec() << " input " << i;
    EXPECT_FLOAT_EQ(e.gradient_times_input(i, 0), e.gradient(i, 0) * x0(i, 0));
  }
}

Network seeded(const std::string& spec, uint64_t seed = 3) {
  Network net(parse_architecture(spec));
  net.init_params(seed);
  // Non-zero biases, so no layer's output sits exactly on a kink by construction.
  for (int64_t i = 0; i < net.param_count(); ++i)
    if (net.decay_mask()[size_t(i)] == 0.0f) net.params()[i] = 0.01f * float(i % 7) - 0.03f;
  return net;
}

}  // namespace

TEST(InputGradient, DenseFirst) {
  Network net = seeded("input:1x1x12,dense:10");
  check_input_gradient(net, random_matrix(12, 1, 1), -1);
  check_input_gradient(net, random_matrix(12, 1, 1), 4);
}

TEST(InputGradient, Conv2DSameFirst) {
  Network net = seeded("input:6x5x2,conv:3x3:same,flatten,dense:10");
  check_input_gradient(net, random_matrix(60, 1, 2), -1);
}

TEST(InputGradient, Conv2DValidStride2First) {
  Network net = seeded("input:7x7x3,conv:4x3:valid:s2,flatten,dense:10");
  check_input_gradient(net, random_matrix(147, 1, 3), 7);
}

TEST(InputGradient, MaxPool2DFirst) {
  Network net = seeded("input:6x6x2,maxpool:2,flatten,dense:10");
  check_input_gradient(net, away_from_kinks(72, 1, 4, 0.05f), -1);
}

TEST(InputGradient, FlattenFirst) {
  Network net = seeded("input:3x3x2,flatten,dense:10");
  check_input_gradient(net, random_matrix(18, 1, 6), 2);
}

TEST(InputGradient, DropoutFirstIsIdentityAtInference) {
  Network net = seeded("input:1x1x30,dropout:0.4,dense:10");
  check_input_gradient(net, random_matrix(30, 1, 7), -1);
}

TEST(InputGradient, ActivationsFirst) {
  for (const char* activation : {"relu", "sigmoid", "tanh"}) {
    Network net = seeded(std::string("input:1x1x30,") + activation + ",dense:10");
    check_input_gradient(net, away_from_kinks(30, 1, 8, 0.05f), -1);
  }
}

TEST(InputGradient, WholeCnnEveryKind) {
  Network net = seeded("input:8x8x1,conv:3x3:same,tanh,conv:4x3:same,relu,maxpool:2,flatten,"
                       "dropout:0.3,dense:12,sigmoid,dense:11");
  for (int target : {-1, 0, 10}) check_input_gradient(net, random_matrix(64, 1, 9, 0, 1), target);
}

TEST(InputGradient, ShippedDefaultModelOnAnMnistDigit) {
  std::ifstream file(std::string(DIGITPAD_MODELS_DIR) + "/not-digit-cnn.bin", std::ios::binary);
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(file), {}};
  Network net = deserialize_model(bytes.data(), bytes.size());
  // The MNIST test set's first digit, a 7, with its pixels scaled to 0..1.
  std::ifstream images(digitpad::test::mnist_path("t10k-images-idx3-ubyte"), std::ios::binary);
  images.seekg(16);
  std::vector<uint8_t> pixels(784);
  images.read(reinterpret_cast<char*>(pixels.data()), 784);
  Matrix x(784, 1);
  for (int i = 0; i < 784; ++i) x(i, 0) = float(pixels[size_t(i)]) / 255.0f;
  Explanation e;
  net.explain(x, -1, e);
  EXPECT_EQ(e.target, 7);
  // Background pixels are exactly 0, so ties in max-pooling (of equal background activations)
  // and ReLUs sitting on 0 make the score a kink there; a little noise moves the input to a
  // point where it is smooth, as drawings are. Even there a 41k-parameter ReLU network is
  // piecewise linear with pieces smaller than any useful step (each pixel's difference
  // quotient converges to the gradient only as the step shrinks to 1e-4, where float32 noise
  // takes over), so every 7th pixel's difference quotients as a whole must point where the
  // gradient points: cosine similarity over 0.99.
  const Matrix noisy = x + random_matrix(784, 1, 15, 0.0f, 0.05f);
  net.explain(noisy, 7, e);
  constexpr float kStep = 1e-3f;
  double dot = 0, numeric_norm = 0, analytic_norm = 0;
  Matrix probe = noisy;
  for (Eigen::Index i = 0; i < 784; i += 7) {
    probe(i, 0) = noisy(i, 0) + kStep;
    const double plus = net.forward(probe, ForwardContext{})(7, 0);
    probe(i, 0) = noisy(i, 0) - kStep;
    const double minus = net.forward(probe, ForwardContext{})(7, 0);
    probe(i, 0) = noisy(i, 0);
    const double numeric = (plus - minus) / (2 * kStep), analytic = e.gradient(i, 0);
    dot += numeric * analytic;
    numeric_norm += numeric * numeric;
    analytic_norm += analytic * analytic;
  }
  EXPECT_GT(dot / std::sqrt(numeric_norm * analytic_norm), 0.99);
}

// input 3x3x1 (rows):  0.9 0.1 0.2 / 0.3 0.4 0.8 / 0.5 0.6 0.7
// conv 1 filter 2x2 valid, w = [[1, 0], [0, -1]], b = 0.1: out(y, x) = in(y, x) - in(y+1, x+1) + 0.1
//   (0,0) 0.9-0.4+0.1 = 0.6   (0,1) 0.1-0.8+0.1 = -0.6   (1,0) 0.3-0.6+0.1 = -0.2   (1,1) 0.4-0.7+0.1 = -0.2
// relu: 0.6 0 0 0; maxpool:2 -> 0.6; flatten -> 0.6
// dense:10, w_k = 0.1k - 0.5, b_k = 0.01k: score_k = 0.6 (0.1k - 0.5) + 0.01k = 0.07k - 0.3, top 9 (0.33)
// d score_9 / d input: w_9 = 0.4 through the pool's winner (0,0) and the live ReLU to the conv's
//   taps: +0.4 at in(0,0), -0.4 at in(1,1), 0 elsewhere; times the input: 0.36 and -0.16.
TEST(Explain, HandCheckedTinyNetwork) {
  Network net(parse_architecture("input:3x3x1,conv:1x2:valid,relu,maxpool:2,flatten,dense:10"));
  ASSERT_EQ(net.param_count(), 4 + 1 + 10 + 10);
  float* p = net.params();  // [conv W (1 x 4) | conv b | dense W (10 x 1) | dense b]
  const float conv_w[4] = {1, 0, 0, -1};  // row index (ky*2 + kx)
  std::copy(conv_w, conv_w + 4, p);
  p[4] = 0.1f;
  for (int k = 0; k < 10; ++k) {
    p[5 + k] = 0.1f * float(k) - 0.5f;
    p[15 + k] = 0.01f * float(k);
  }
  Matrix x(9, 1);
  x << 0.9f, 0.1f, 0.2f, 0.3f, 0.4f, 0.8f, 0.5f, 0.6f, 0.7f;
  Explanation e;
  net.explain(x, -1, e);
  ASSERT_EQ(e.outputs.size(), 5u);
  const std::vector<std::vector<float>> expected = {
      {0.6f, -0.6f, -0.2f, -0.2f}, {0.6f, 0, 0, 0}, {0.6f}, {0.6f}, {}};
  for (size_t layer = 0; layer < 4; ++layer) {
    ASSERT_EQ(e.outputs[layer].size(), Eigen::Index(expected[layer].size())) << "layer " << layer;
    for (size_t i = 0; i < expected[layer].size(); ++i)
      EXPECT_NEAR(e.outputs[layer](Eigen::Index(i), 0), expected[layer][i], 1e-6)
          << "layer " << layer << " value " << i;
  }
  ASSERT_EQ(e.outputs[4].rows(), 10);
  for (int k = 0; k < 10; ++k) EXPECT_NEAR(e.outputs[4](k, 0), 0.07f * float(k) - 0.3f, 1e-6);
  EXPECT_EQ(e.target, 9);
  const float gradient[9] = {0.4f, 0, 0, 0, -0.4f, 0, 0, 0, 0};
  const float times_input[9] = {0.36f, 0, 0, 0, -0.16f, 0, 0, 0, 0};
  for (int i = 0; i < 9; ++i) {
    EXPECT_NEAR(e.gradient(i, 0), gradient[i], 1e-6) << i;
    EXPECT_NEAR(e.gradient_times_input(i, 0), times_input[i], 1e-6) << i;
  }
  // Another class: score_2's weight is -0.3 on the same path.
  net.explain(x, 2, e);
  EXPECT_EQ(e.target, 2);
  EXPECT_NEAR(e.gradient(0, 0), -0.3f, 1e-6);
  EXPECT_NEAR(e.gradient(4, 0), 0.3f, 1e-6);

  const Matrix filters = net.layer_weights(0);  // patch x filters
  ASSERT_EQ(filters.rows(), 4);
  ASSERT_EQ(filters.cols(), 1);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(filters(i, 0), conv_w[i]);
  const Matrix dense = net.layer_weights(4);  // fan_in 1 x 10 units
  ASSERT_EQ(dense.rows(), 1);
  ASSERT_EQ(dense.cols(), 10);
  EXPECT_FLOAT_EQ(dense(0, 9), 0.4f);
  EXPECT_NE(expect_throw_message([&] { net.layer_weights(1); }).find("has no weights"),
            std::string::npos);
  EXPECT_NE(expect_throw_message([&] { net.layer_weights(5); }).find("does not exist"),
            std::string::npos);
}

TEST(Explain, LeavesTrainingGradientsAlone) {
  Network net = seeded("input:6x6x1,conv:2x3:same,relu,maxpool:2,flatten,dense:10");
  const Matrix x = random_matrix(36, 2, 14, 0, 1);
  Matrix dout = Matrix::Constant(10, 2, 0.1f);
  net.forward(x, ForwardContext{});
  net.backward(dout);
  const std::vector<float> before(net.grads(), net.grads() + net.param_count());
  Explanation e;
  net.explain(x.col(0), -1, e);
  EXPECT_TRUE(std::equal(before.begin(), before.end(), net.grads()));
  // Training's backward still computes parameter gradients afterwards.
  net.forward(x, ForwardContext{});
  net.backward(dout);
  EXPECT_TRUE(std::equal(before.begin(), before.end(), net.grads()));
}

TEST(Explain, RejectsBadTargetsAndShapes) {
  Network net = seeded("input:1x1x12,dense:10");
  Explanation e;
  EXPECT_NE(expect_throw_message([&] { net.explain(random_matrix(12, 1, 1), 10, e); })
                .find("must be -1 (the top one) or 0..9, got 10"),
            std::string::npos);
  EXPECT_NE(expect_throw_message([&] { net.explain(random_matrix(11, 1, 1), -1, e); })
                .find("one input of 12 values"),
            std::string::npos);
}

// 28x28x1 -> conv 4 filters 3x3 same: 28x28x4, 4*9 + 4 = 40 parameters, 28*28*4*9 = 28,224
// multiply-adds; maxpool 2: 14x14x4; flatten: 784; dense 10: 7,850 parameters, 7,840 multiply-adds.
TEST(Summary, ShapesParametersAndMultiplyAddsByHand) {
  const auto layers = Network::summarize(parse_architecture("conv:4x3:same,relu,maxpool:2,flatten,dense:10"));
  ASSERT_EQ(layers.size(), 5u);
  EXPECT_EQ(layers[0].name, "conv:4x3:same");
  EXPECT_EQ(layers[0].output, (Shape{28, 28, 4}));
  EXPECT_EQ(layers[0].parameters, 40);
  EXPECT_EQ(layers[0].multiply_adds, 28224);
  EXPECT_EQ(layers[1].multiply_adds, 0);
  EXPECT_EQ(layers[2].output, (Shape{14, 14, 4}));
  EXPECT_EQ(layers[3].output, (Shape{1, 1, 784}));
  EXPECT_EQ(layers[4].parameters, 7850);
  EXPECT_EQ(layers[4].multiply_adds, 7840);
  EXPECT_NE(expect_throw_message([] { Network::summarize(parse_architecture("conv:4x3,flatten,dense:12")); })
                .find("the last layer must give 10 outputs"),
            std::string::npos);
}
