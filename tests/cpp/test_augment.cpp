// Augmentation: the identity transform changes nothing, and random transforms stay images.
#include <gtest/gtest.h>

#include "augment.hpp"
#include "train_options.hpp"
#include "dataset.hpp"
#include "test_util.hpp"

using namespace digitpad;

namespace {

Dataset mnist_test_head(int n) {
  return read_idx_files(test::mnist_path("t10k-images-idx3-ubyte"),
                        test::mnist_path("t10k-labels-idx1-ubyte"))
      .head(n);
}

AugmentConfig identity() {
  AugmentConfig c = TrainOptions().augmentation;
  c.max_rotation_deg = 0;
  c.min_scale = c.max_scale = 1;
  c.max_shift_px = 0;
  c.elastic_alpha = 0;
  return c;
}

}  // namespace

TEST(Augment, IdentityConfigReturnsTheImage) {
  const Dataset d = mnist_test_head(1);
  Rng rng(1);
  AugmentScratch scratch;
  std::vector<float> out(784);
  augment_image(d.image(0), 28, 28, identity(), rng, scratch, out.data());
  for (int i = 0; i < 784; ++i) EXPECT_NEAR(out[size_t(i)], d.image(0)[i] / 255.0f, 1e-6);
}

TEST(Augment, ShiftMovesInkByWholePixels) {
  const Dataset d = mnist_test_head(1);
  AugmentConfig c = identity();
  c.max_shift_px = 3;
  Rng rng(3);
  AugmentScratch scratch;
  std::vector<float> out(784);
  augment_image(d.image(0), 28, 28, c, rng, scratch, out.data());
  // The centre of mass moves by the (random) shift: at most 3 px each way, and not zero.
  auto centre = [](auto pixel) {
    double mass = 0, cx = 0, cy = 0;
    for (int y = 0; y < 28; ++y)
      for (int x = 0; x < 28; ++x) {
        const double v = pixel(y * 28 + x);
        mass += v;
        cx += v * x;
        cy += v * y;
      }
    return std::make_pair(cx / mass, cy / mass);
  };
  const auto before = centre([&](int i) { return d.image(0)[i] / 255.0; });
  const auto after = centre([&](int i) { return double(out[size_t(i)]); });
  const double dx = after.first - before.first, dy = after.second - before.second;
  EXPECT_LE(std::abs(dx), 3.05);
  EXPECT_LE(std::abs(dy), 3.05);
  EXPECT_GT(std::abs(dx) + std::abs(dy), 0.1);
}

TEST(Augment, RandomTransformsKeepRangeAndMostInkAndAreSeeded) {
  const Dataset d = mnist_test_head(50);
  AugmentConfig c = TrainOptions().augmentation;  // defaults: rotation, scale, shift, elastic
  c.elastic_probability = 1.0f;
  Rng rng(9), rng_again(9);
  AugmentScratch scratch;
  std::vector<float> out(784), again(784);
  for (int i = 0; i < d.count; ++i) {
    augment_image(d.image(i), 28, 28, c, rng, scratch, out.data());
    augment_image(d.image(i), 28, 28, c, rng_again, scratch, again.data());
    EXPECT_EQ(out, again);
    double ink_before = 0, ink_after = 0;
    for (int p = 0; p < 784; ++p) {
      EXPECT_GE(out[size_t(p)], 0.0f);
      EXPECT_LE(out[size_t(p)], 1.0f);
      ink_before += d.image(i)[p] / 255.0;
      ink_after += out[size_t(p)];
    }
    EXPECT_GT(ink_after, 0.5 * ink_before);  // the digit stays in frame: scale 0.9..1.1, small shifts
    EXPECT_LT(ink_after, 2.0 * ink_before);  // elastic stretching adds some ink, not a blob
  }
}
