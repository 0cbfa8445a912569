// Preprocessing: the building blocks are exact, and drawings become MNIST-like digits.
#include <gtest/gtest.h>

#include <cmath>

#include "dataset.hpp"
#include "drawing.hpp"
#include "preprocess.hpp"
#include "test_util.hpp"

using namespace digitpad;
using digitpad::test::Background;
using digitpad::test::DrawingStyle;
using digitpad::test::render_drawing;

namespace {

const Dataset& mnist_test() {
  static const Dataset d = read_idx_files(test::mnist_path("t10k-images-idx3-ubyte"),
                                          test::mnist_path("t10k-labels-idx1-ubyte"));
  return d;
}

// Pearson correlation of two images.
double correlation(const float* a, const float* b, int n) {
  double ma = 0, mb = 0;
  for (int i = 0; i < n; ++i) ma += a[i], mb += b[i];
  ma /= n, mb /= n;
  double sab = 0, saa = 0, sbb = 0;
  for (int i = 0; i < n; ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

std::vector<uint8_t> blank(int w, int h, uint8_t r, uint8_t g, uint8_t b, uint8_t a) {
  std::vector<uint8_t> rgba(size_t(w) * h * 4);
  for (size_t i = 0; i < rgba.size(); i += 4) rgba[i] = r, rgba[i + 1] = g, rgba[i + 2] = b, rgba[i + 3] = a;
  return rgba;
}

}  // namespace

TEST(Preprocess, SignedDistanceMatchesBruteForce) {
  const int w = 23, h = 17;
  Rng rng(4);
  std::vector<float> ink(size_t(w * h));
  for (float& v : ink) v = rng.uniform() < 0.3f ? 1.0f : 0.0f;
  const std::vector<float> sd = signed_distance(ink, w, h);
  for (int p = 0; p < w * h; ++p) {
    double best = 1e9;
    for (int q = 0; q < w * h; ++q)
      if ((ink[size_t(q)] >= 0.5f) != (ink[size_t(p)] >= 0.5f))
        best = std::min(best, std::hypot(p % w - q % w, p / w - q / w));
    const double expected = ink[size_t(p)] >= 0.5f ? best - 0.5 : 0.5 - best;
    EXPECT_NEAR(sd[size_t(p)], expected, 1e-4) << "pixel " << p;
  }
}

TEST(Preprocess, StrokeWidthOfBarsAndDiagonals) {
  const int n = 200;
  for (int width : {3, 8, 20}) {
    std::vector<float> bar(size_t(n * n)), diagonal(size_t(n * n));
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x) {
        bar[size_t(y * n + x)] = (y >= 100 && y < 100 + width && x > 20 && x < 180) ? 1.0f : 0.0f;
        const float across = std::abs(float(x - y)) / std::sqrt(2.0f);
        diagonal[size_t(y * n + x)] = (across < width / 2 && x > 20 && x < 180) ? 1.0f : 0.0f;
      }
    // Thin strokes pay for the pixel grid: a 3-px bar's inside distances are 0.5, 1.5, 0.5.
    EXPECT_NEAR(stroke_width(bar, n, n), width, 0.12f * width) << "bar " << width;
    EXPECT_NEAR(stroke_width(diagonal, n, n), width, 0.25f * width) << "diagonal " << width;
  }
}

TEST(Preprocess, OffsetStrokesGrowsAndThins) {
  const int n = 120;
  std::vector<float> bar(size_t(n * n));
  for (int y = 50; y < 60; ++y)
    for (int x = 10; x < 110; ++x) bar[size_t(y * n + x)] = 1.0f;  // 10 px wide
  EXPECT_NEAR(stroke_width(offset_strokes(bar, n, n, 5.0f), n, n), 20.0f, 2.0f);
  EXPECT_NEAR(stroke_width(offset_strokes(bar, n, n, -3.0f), n, n), 4.0f, 1.0f);
}

TEST(Preprocess, ResampleAreaAveragingKeepsTheMean) {
  Rng rng(2);
  std::vector<float> image(100 * 70);
  for (float& v : image) v = rng.uniform();
  const std::vector<float> small = resample(image, 100, 70, 20, 14);
  double a = 0, b = 0;
  for (float v : image) a += v;
  for (float v : small) b += v;
  EXPECT_NEAR(a / double(image.size()), b / double(small.size()), 1e-4);
  // A 5x5 block average by hand.
  double block = 0;
  for (int y = 0; y < 5; ++y)
    for (int x = 0; x < 5; ++x) block += image[size_t(y * 100 + x)];
  EXPECT_NEAR(small[0], block / 25, 1e-5);
}

// The stroke width preprocess_drawing() aims for is MNIST's own, re-measured here on the
// digits upscaled 4x (where the measure is precise) and scaled to each digit's 20-px box.
TEST(Preprocess, MnistStrokeWidthConstantIsMeasured) {
  const Dataset& test = mnist_test();
  double sum = 0;
  const int count = 500;
  for (int i = 0; i < count; ++i) {
    std::vector<float> digit(784);
    int top = 28, bottom = -1, left = 28, right = -1;
    for (int p = 0; p < 784; ++p) {
      digit[size_t(p)] = test.image(i)[p] / 255.0f;
      if (test.image(i)[p] > 50) {
        top = std::min(top, p / 28), bottom = std::max(bottom, p / 28);
        left = std::min(left, p % 28), right = std::max(right, p % 28);
      }
    }
    const std::vector<float> big = resample(digit, 28, 28, 112, 112);
    const float long_side = float(std::max(bottom - top + 1, right - left + 1));
    sum += stroke_width(big, 112, 112) / 4.0f * (kDigitBox / long_side);
  }
  EXPECT_NEAR(sum / count, kMnistStrokeWidth, 0.15) << "measured " << sum / count;
}

TEST(Preprocess, AnAlreadyCentredMnistDigitComesBackClose) {
  const Dataset& test = mnist_test();
  double total = 0;
  const int count = 200;
  for (int i = 0; i < count; ++i) {
    // The MNIST digit itself, as light ink on a dark 28x28 canvas.
    std::vector<uint8_t> rgba(784 * 4);
    for (int p = 0; p < 784; ++p) rgba[size_t(4 * p)] = rgba[size_t(4 * p + 1)] = rgba[size_t(4 * p + 2)] = test.image(i)[p], rgba[size_t(4 * p + 3)] = 255;
    const PreprocessResult r = preprocess_drawing(rgba.data(), 28, 28);
    ASSERT_EQ(r.ink, Ink::Shape) << i;
    std::vector<float> original(784);
    for (int p = 0; p < 784; ++p) original[size_t(p)] = test.image(i)[p] / 255.0f;
    total += correlation(original.data(), r.image.data(), 784);
  }
  EXPECT_GT(total / count, 0.95) << "mean correlation";
}

TEST(Preprocess, ADrawingOfAnyStyleBecomesTheSameDigit) {
  // A 2-px pen across most of the canvas and a 24-px brush on a small digit: after
  // preprocessing both look alike.
  const Dataset& test = mnist_test();
  double total = 0;
  const int count = 30;
  for (int i = 0; i < count; ++i) {
    DrawingStyle thin, fat;
    thin.height_fraction = 0.85f, thin.pen_width = 2.0f, thin.x_fraction = 0.1f, thin.y_fraction = 0.9f;
    fat.height_fraction = 0.4f, fat.pen_width = 24.0f, fat.x_fraction = 0.8f, fat.y_fraction = 0.2f;
    fat.background = Background::Transparent;
    thin.always_follow_centre_line = fat.always_follow_centre_line = true;
    const std::vector<uint8_t> a = render_drawing(test.image(i), thin);
    const std::vector<uint8_t> b = render_drawing(test.image(i), fat);
    const PreprocessResult ra = preprocess_drawing(a.data(), 280, 280);
    const PreprocessResult rb = preprocess_drawing(b.data(), 280, 280);
    ASSERT_EQ(ra.ink, Ink::Shape);
    ASSERT_EQ(rb.ink, Ink::Shape);
    EXPECT_LT(ra.stroke_width, 4.0f);  // a 2-px pen anti-aliased covers 3 px at half ink
    EXPECT_GT(rb.stroke_width, 18.0f);
    const double c = correlation(ra.image.data(), rb.image.data(), 784);
    EXPECT_GT(c, 0.6) << "digit " << i;
    total += c;
  }
  EXPECT_GT(total / count, 0.85);
}

TEST(Preprocess, BackgroundsDarkLightAndTransparentAgree) {
  const Dataset& test = mnist_test();
  DrawingStyle s;
  std::vector<PreprocessResult> results;
  for (Background b : {Background::DarkOnLight, Background::LightOnDark, Background::Transparent}) {
    s.background = b;
    const std::vector<uint8_t> rgba = render_drawing(test.image(3), s);
    results.push_back(preprocess_drawing(rgba.data(), 280, 280));
  }
  EXPECT_GT(correlation(results[0].image.data(), results[1].image.data(), 784), 0.97);
  EXPECT_GT(correlation(results[0].image.data(), results[2].image.data(), 784), 0.97);
}

TEST(Preprocess, EmptyDrawingsHaveNoInk) {
  EXPECT_EQ(preprocess_drawing(blank(280, 280, 255, 255, 255, 255).data(), 280, 280).ink, Ink::None);
  EXPECT_EQ(preprocess_drawing(blank(280, 280, 0, 0, 0, 255).data(), 280, 280).ink, Ink::None);
  EXPECT_EQ(preprocess_drawing(blank(280, 280, 0, 0, 0, 0).data(), 280, 280).ink, Ink::None);
  EXPECT_EQ(preprocess_drawing(blank(1, 1, 0, 0, 0, 255).data(), 1, 1).ink, Ink::None);
  // Faint noise everywhere (paper texture) is not ink.
  std::vector<uint8_t> noisy = blank(280, 280, 240, 240, 240, 255);
  Rng rng(1);
  for (size_t i = 0; i < noisy.size(); i += 4) noisy[i] = noisy[i + 1] = noisy[i + 2] = uint8_t(230 + rng.below(20));
  const PreprocessResult r = preprocess_drawing(noisy.data(), 280, 280);
  EXPECT_EQ(r.ink, Ink::None);
  for (float v : r.image) ASSERT_EQ(v, 0.0f);
}

// The page's pad: 280x280, a 20-px brush by default (6 to 40 px with the slider).
TEST(Preprocess, AClickIsADotWithAnyBrush) {
  for (float pen : {1.0f, 2.0f, 6.0f, 20.0f, 40.0f}) {
    const PreprocessResult r = preprocess_drawing(test::draw_strokes({{{100, 120}}}, pen).data(), 280, 280);
    EXPECT_EQ(r.ink, Ink::Dot) << pen << " px";
  }
}

TEST(Preprocess, SeveralTapsAreDots) {
  const PreprocessResult r = preprocess_drawing(
      test::draw_strokes({{{50, 50}}, {{200, 60}}, {{120, 220}, {123, 221}}}, 20.0f).data(), 280, 280);
  EXPECT_EQ(r.ink, Ink::Dot);
  EXPECT_GT(r.box_width, 150);  // the taps span the pad; each of them is a dot
}

TEST(Preprocess, ATinyDragIsNotADigitShape) {
  for (float pen : {2.0f, 6.0f, 20.0f, 40.0f}) {
    const PreprocessResult r = preprocess_drawing(test::draw_strokes({{{100, 100}, {103, 100}}}, pen).data(), 280, 280);
    EXPECT_TRUE(r.ink == Ink::Dot || r.ink == Ink::Flick) << pen << " px: " << ink_name(r.ink);
  }
}

TEST(Preprocess, AShortStraightStrokeIsAFlick) {
  // 35 px of a 280-px pad in any direction, with pens too thin for it to be a dot.
  for (float pen : {2.0f, 6.0f, 12.0f})
    for (const test::Stroke& stroke : {test::Stroke{{100, 100}, {135, 100}}, test::Stroke{{100, 100}, {100, 135}},
                                       test::Stroke{{100, 100}, {125, 125}}}) {
      const PreprocessResult r = preprocess_drawing(test::draw_strokes({stroke}, pen).data(), 280, 280);
      EXPECT_EQ(r.ink, Ink::Flick) << pen << " px";
    }
}

TEST(Preprocess, AStraightOneOfDigitSizeIsAShape) {
  // One vertical stroke of 40% and 60% of the pad, with the page's brushes: still a 1.
  for (float pen : {6.0f, 20.0f, 40.0f})
    for (float length : {0.4f * 280, 0.6f * 280}) {
      const PreprocessResult r = preprocess_drawing(
          test::draw_strokes({{{140, 140 - length / 2}, {140, 140 + length / 2}}}, pen).data(), 280, 280);
      EXPECT_EQ(r.ink, Ink::Shape) << pen << " px, " << length << " px long";
    }
}

TEST(Preprocess, AShortCurvedStrokeIsLeftToTheNetwork) {
  // As short as a flick but bowed by several pen widths: a small c (or half a 0), no slip.
  test::Stroke arc;
  for (int k = 0; k <= 20; ++k) {
    const float a = 3.14159f * float(k) / 20;
    arc.push_back({100 + 15 * std::cos(a), 100 + 15 * std::sin(a)});
  }
  EXPECT_EQ(preprocess_drawing(test::draw_strokes({arc}, 4.0f).data(), 280, 280).ink, Ink::Shape);
}

TEST(Preprocess, ADotStillGivesTheImageTheNetworkSees) {
  const PreprocessResult r = preprocess_drawing(test::draw_strokes({{{100, 120}}}, 20.0f).data(), 280, 280);
  ASSERT_EQ(r.ink, Ink::Dot);
  float ink = 0;
  for (float v : r.image) ink += v;
  EXPECT_GT(ink, 20.0f);
  EXPECT_NEAR(r.stroke_width, 13.0f, 2.0f);  // a disc's mean width: 2/3 of its diameter
}

TEST(Preprocess, StrayPixelsDoNotMoveTheDigit) {
  const Dataset& test = mnist_test();
  DrawingStyle s;
  std::vector<uint8_t> clean = render_drawing(test.image(0), s);
  std::vector<uint8_t> dirty = clean;
  for (int k : {5, 270}) {  // two specks in far corners
    for (int y = k; y < k + 3; ++y)
      for (int x = k; x < k + 3; ++x) dirty[size_t((y * 280 + x) * 4)] = dirty[size_t((y * 280 + x) * 4 + 1)] = dirty[size_t((y * 280 + x) * 4 + 2)] = 0;
  }
  const PreprocessResult a = preprocess_drawing(clean.data(), 280, 280);
  const PreprocessResult b = preprocess_drawing(dirty.data(), 280, 280);
  EXPECT_EQ(a.box_x, b.box_x);
  EXPECT_EQ(a.box_width, b.box_width);
  EXPECT_GT(correlation(a.image.data(), b.image.data(), 784), 0.999);
}

TEST(Preprocess, TheDigitFitsA20PixelBoxCentredByMass) {
  const Dataset& test = mnist_test();
  DrawingStyle s;
  s.height_fraction = 0.7f;
  const PreprocessResult r = preprocess_drawing(render_drawing(test.image(1), s).data(), 280, 280);
  int top = 28, bottom = -1, left = 28, right = -1;
  double mass = 0, cx = 0, cy = 0;
  for (int p = 0; p < 784; ++p) {
    const float v = r.image[size_t(p)];
    if (v > 0.01f) top = std::min(top, p / 28), bottom = std::max(bottom, p / 28), left = std::min(left, p % 28), right = std::max(right, p % 28);
    mass += v, cx += v * (p % 28), cy += v * (p / 28);
  }
  EXPECT_EQ(std::max(bottom - top + 1, right - left + 1), 20);
  EXPECT_NEAR(cx / mass, 14.0, 0.6);  // where MNIST's digits have their centre of mass
  EXPECT_NEAR(cy / mass, 14.0, 0.6);
}

TEST(Preprocess, RejectsImpossibleSizes) {
  EXPECT_THROW(preprocess_drawing(nullptr, 0, 10), std::invalid_argument);
  EXPECT_THROW(preprocess_drawing(nullptr, 10000, 10), std::invalid_argument);
}
