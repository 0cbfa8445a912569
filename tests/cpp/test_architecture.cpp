// Architecture specs: what parses, what it means, and clear errors for what does not.
#include <gtest/gtest.h>

#include "errors.hpp"
#include "network.hpp"
#include "test_util.hpp"

using namespace digitpad;
using digitpad::test::expect_throw_message;
using ::testing::HasSubstr;

TEST(Architecture, MlpShorthandExpandsToDenseAndActivations) {
  const Architecture a = parse_architecture("784-128-64-10");
  EXPECT_EQ(a.spec(), "input:28x28x1,dense:128,relu,dense:64,relu,dense:10");
  EXPECT_EQ(parse_architecture("784-100-10:sigmoid").spec(), "input:28x28x1,dense:100,sigmoid,dense:10");
  EXPECT_EQ(Network::parameter_count(a), 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10);
}

TEST(Architecture, ShorthandCanBeFollowedByLayers) {
  EXPECT_EQ(parse_architecture("784-30-10:sigmoid,sigmoid").spec(),
            "input:28x28x1,dense:30,sigmoid,dense:10,sigmoid");
}

TEST(Architecture, CnnSpecRoundTrips) {
  const std::string spec =
      "input:28x28x1,conv:32x5:same,relu,maxpool:2,conv:64x3:valid:s2,relu,maxpool:3:s2,flatten,"
      "dropout:0.25,dense:10";
  EXPECT_EQ(parse_architecture(spec).spec(), spec);
  EXPECT_EQ(parse_architecture(parse_architecture(spec).spec()).layers, parse_architecture(spec).layers);
}

// An imported model's input normalisation: y = scale * x + shift, exact through the spec text.
TEST(Architecture, ScaleLayerRoundTripsExactly) {
  const std::string spec = "input:28x28x1,scale:3.2456996:-0.42421293,conv:4x3:same,relu,flatten,dense:10";
  const Architecture arch = parse_architecture(spec);
  EXPECT_EQ(arch.spec(), spec);
  EXPECT_EQ(arch.layers[0].scale, 3.2456996f);
  EXPECT_EQ(arch.layers[0].shift, -0.42421293f);
  EXPECT_THAT(expect_throw_message([] { Network n(parse_architecture("scale:0:1,dense:10")); }),
              HasSubstr("scale must be finite and nonzero"));
  EXPECT_THAT(expect_throw_message([] { parse_architecture("scale:2,dense:10"); }),
              HasSubstr("wrong number of arguments"));
}

TEST(Architecture, ShapesFlowThroughTheLayers) {
  Network net(parse_architecture("conv:8x5,relu,maxpool:2,conv:16x3:valid,maxpool:2,flatten,dense:10"));
  EXPECT_EQ(net.layer(0).output_shape(), (Shape{28, 28, 8}));
  EXPECT_EQ(net.layer(2).output_shape(), (Shape{14, 14, 8}));
  EXPECT_EQ(net.layer(3).output_shape(), (Shape{12, 12, 16}));
  EXPECT_EQ(net.layer(4).output_shape(), (Shape{6, 6, 16}));
  EXPECT_EQ(net.layer(5).output_shape(), (Shape{1, 1, 576}));
}

TEST(Architecture, ErrorsNameTheProblem) {
  EXPECT_THAT(expect_throw_message([] { parse_architecture("dense:10,softmax"); }),
              HasSubstr("unknown layer 'softmax'"));
  EXPECT_THAT(expect_throw_message([] { parse_architecture("dense:ten"); }),
              HasSubstr("bad number 'ten'"));
  EXPECT_THAT(expect_throw_message([] { parse_architecture(""); }), HasSubstr("empty"));
  EXPECT_THAT(expect_throw_message([] { parse_architecture("784-100-10:swish"); }),
              HasSubstr("unknown activation"));
  EXPECT_THAT(expect_throw_message([] { Network n(parse_architecture("784-100-7")); }),
              HasSubstr("10 outputs"));
  EXPECT_THAT(expect_throw_message([] { Network n(parse_architecture("input:4x4x1,conv:2x7:valid,flatten,dense:10")); }),
              HasSubstr("kernel does not fit"));
  EXPECT_THAT(expect_throw_message([] { Network n(parse_architecture("784-100000-10")); }),
              HasSubstr("units must be"));
  EXPECT_THAT(expect_throw_message([] { Network n(parse_architecture("784-100-10,dropout:1.5")); }),
              HasSubstr("dropout rate"));
}

TEST(Architecture, LossNames) {
  EXPECT_EQ(parse_loss("ce"), LossKind::SoftmaxCrossEntropy);
  EXPECT_EQ(parse_loss("mse"), LossKind::MeanSquaredError);
  EXPECT_THROW(parse_loss("hinge"), ConfigError);
}

TEST(Network, InitialisationIsSeededAndScaled) {
  Network a(parse_architecture("784-256-10")), b(parse_architecture("784-256-10"));
  a.init_params(5);
  b.init_params(5);
  EXPECT_EQ(std::vector<float>(a.params(), a.params() + a.param_count()),
            std::vector<float>(b.params(), b.params() + b.param_count()));
  // He init before ReLU: std sqrt(2/784) = 0.0505 for the first layer's weights.
  const Eigen::Map<const Eigen::ArrayXf> w(a.params(), 784 * 256);
  const float stddev = std::sqrt((w - w.mean()).square().mean());
  EXPECT_NEAR(stddev, std::sqrt(2.0f / 784), 0.002);
  // Xavier for the last layer (no ReLU after it): sqrt(2/(256+10)) = 0.0867.
  const Eigen::Map<const Eigen::ArrayXf> w2(a.params() + 784 * 256 + 256, 256 * 10);
  EXPECT_NEAR(std::sqrt(w2.square().mean()), std::sqrt(2.0f / 266), 0.01);
}
