// The synthetic drawings: the pen draws what it is asked to, skeletons are one pixel wide,
// each family of negatives and the font digits come out as network inputs, and the same seed
// gives the same drawings.
#include <gtest/gtest.h>

#include <numeric>

#include "families.hpp"
#include "test_util.hpp"

using namespace digitpad;
using namespace digitpad::synth;

TEST(Pen, DrawsARoundPenOfTheGivenWidth) {
  Canvas canvas(64);
  canvas.stroke({{10.5f, 32.5f}, {54.5f, 32.5f}}, 8);  // through pixel centres (x + 0.5, y + 0.5)
  const auto at = [&](int x, int y) { return canvas.ink()[size_t(y) * 64 + size_t(x)]; };
  EXPECT_FLOAT_EQ(at(32, 32), 1.0f);  // on the line
  EXPECT_FLOAT_EQ(at(32, 35), 1.0f);  // 3 px from it: inside an 8-px pen
  EXPECT_FLOAT_EQ(at(32, 36), 0.5f);  // 4 px: on the edge, half covered
  EXPECT_FLOAT_EQ(at(32, 37), 0.0f);  // 5 px: outside
  EXPECT_FLOAT_EQ(at(6, 32), 0.5f);   // the round cap's edge, 4 px before the start
  EXPECT_FLOAT_EQ(at(5, 32), 0.0f);
}

TEST(Pen, SkeletonIsOnePixelWide) {
  Canvas canvas(64);
  canvas.stroke({{10, 32}, {54, 32}}, 9);
  const std::vector<uint8_t> line = skeleton(canvas.ink(), 64, 64);
  for (int x = 16; x < 48; ++x) {
    int column = 0;
    for (int y = 0; y < 64; ++y) column += line[size_t(y) * 64 + size_t(x)];
    EXPECT_EQ(column, 1) << "column " << x;
  }
}

TEST(Synth, EveryFamilyAndFontDigitBecomesANetworkInput) {
  const Dataset mnist = read_idx_files(test::mnist_path("t10k-images-idx3-ubyte"), test::mnist_path("t10k-labels-idx1-ubyte"));
  const Dataset no_clothing;
  Generator generate(mnist, no_clothing);
  Rng rng(5);
  for (const FamilyInfo& f : families()) {
    if (f.family == Family::Clothing || f.family == Family::ClothingOther) continue;  // needs Fashion-MNIST
    int made = 0;
    for (int n = 0; n < 20; ++n) made += generate.negative(f.family, rng).has_value();
    // A glyph of another script is in a few of the fonts only: a draw that finds none of them
    // gives nothing, and the caller draws again (digitpad-synth's add_one).
    EXPECT_GE(made, f.family == Family::Glyph ? 12 : 18) << f.name;
  }
  for (int digit = 0; digit < 10; ++digit) {
    EXPECT_TRUE(generate.font_digit(digit, false, rng, false).has_value()) << digit;
    EXPECT_TRUE(generate.font_digit(digit, true, rng, true).has_value()) << digit;
  }
  const auto pen = generate.pen_digit(mnist.image(0), rng, false);
  ASSERT_TRUE(pen.has_value());
  EXPECT_GT(std::accumulate(pen->begin(), pen->end(), 0), 255 * 40);  // real ink, not a speck
}

TEST(Synth, TheSameSeedGivesTheSameDrawings) {
  const Dataset mnist = read_idx_files(test::mnist_path("t10k-images-idx3-ubyte"), test::mnist_path("t10k-labels-idx1-ubyte"));
  const Dataset no_clothing;
  Generator generate(mnist, no_clothing);
  Rng a(9), b(9);
  for (const Family family : {Family::Scribble, Family::Letter, Family::TwoDigits})
    EXPECT_EQ(generate.negative(family, a), generate.negative(family, b));
  EXPECT_EQ(generate.pen_digit(mnist.image(3), a, true), generate.pen_digit(mnist.image(3), b, true));
}
