#include "numbers.hpp"

#include <algorithm>
#include <cmath>

namespace digitpad::test {

namespace {

std::vector<float> traced_size(const uint8_t* mnist) {
  std::vector<float> image(784);
  for (int p = 0; p < 784; ++p) image[size_t(p)] = float(mnist[p]) / 255.0f;
  return resample(image, 28, 28, kTraceSide, kTraceSide);
}

}  // namespace

std::vector<synth::Stroke> digit_strokes(const uint8_t* mnist) {
  return synth::trace_strokes(synth::skeleton(traced_size(mnist), kTraceSide, kTraceSide), kTraceSide, kTraceSide);
}

bool centre_line_describes_digit(const uint8_t* mnist) {
  return synth::centre_line_describes(traced_size(mnist), kTraceSide, kTraceSide);
}

const char* spacing_name(Spacing spacing) { return spacing == Spacing::Separated ? "separated" : "touching"; }

namespace {

struct Bounds {
  float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
  void include(const synth::Point& p) {
    x0 = std::min(x0, p.x), y0 = std::min(y0, p.y), x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
  }
};

// A digit whose strokes describe it, from anywhere in the set.
std::vector<synth::Stroke> pick_digit(const Dataset& mnist, Rng& rng, int& label) {
  for (;;) {
    const int index = int(rng.below(uint32_t(mnist.count)));
    if (!centre_line_describes_digit(mnist.image(index))) continue;
    label = mnist.labels[size_t(index)];
    return digit_strokes(mnist.image(index));
  }
}

}  // namespace

WrittenNumber write_number(const Dataset& mnist, int length, Spacing spacing, Rng& rng) {
  WrittenNumber n;
  n.spacing = spacing;
  const float h = rng.uniform(40.0f, 100.0f);  // the digits' height, pixels
  n.digit_height = h;
  n.pen_width = rng.uniform(std::max(2.0f, 0.05f * h), 0.2f * h);
  n.slant = rng.uniform(-0.1f, 0.3f);
  const float pen = n.pen_width;
  // Each digit upright, its ink box (pen included) placed after the previous one's.
  float right = 0, previous_width = 0;
  for (int i = 0; i < length; ++i) {
    int label = 0;
    std::vector<synth::Stroke> strokes = pick_digit(mnist, rng, label);
    n.digits += char('0' + label);
    Bounds b;
    for (const synth::Stroke& s : strokes)
      for (const synth::Point& p : s) b.include(p);
    const float digit_h = h * rng.uniform(1.0f, 1.12f);
    const float scale = (digit_h - pen) / std::max(1.0f, b.y1 - b.y0);
    const float digit_w = (b.x1 - b.x0) * scale + pen;
    float gap = 0;
    if (i > 0) {
      const float widest = std::max(kSeparatedGap * h, 0.25f * (previous_width + digit_w));
      gap = spacing == Spacing::Separated ? rng.uniform(kSeparatedGap * h, widest)
                                          : rng.uniform(-kMostOverlap * h, kSeparatedGap * h);
    }
    const float left = i ? right + gap : 0.0f;
    const float bottom = rng.uniform(-0.06f, 0.06f) * h;  // the baseline wanders
    for (synth::Stroke& s : strokes) {
      for (synth::Point& p : s)
        p = {left + 0.5f * pen + (p.x - b.x0) * scale, bottom - 0.5f * pen - (b.y1 - p.y) * scale};
      n.strokes.push_back(std::move(s));
      n.stroke_digit.push_back(i);
    }
    right = left + digit_w;
    previous_width = digit_w;
  }
  // The slant, about the line's middle; then margins, and the canvas around it all.
  Bounds all;
  for (synth::Stroke& s : n.strokes)
    for (synth::Point& p : s) {
      p.x += n.slant * (-0.5f * h - p.y);
      all.include(p);
    }
  const float ink_w = all.x1 - all.x0 + pen, ink_h = all.y1 - all.y0 + pen;
  const float left_margin = rng.uniform(0.1f, 0.6f) * h, right_margin = rng.uniform(0.1f, 0.6f) * h;
  n.width = int(std::ceil(ink_w + left_margin + right_margin));
  n.height = int(std::ceil(std::max(ink_h + 0.2f * h, h / rng.uniform(0.4f, 0.8f))));
  const float top = rng.uniform(0.1f * h, std::max(0.1f * h, float(n.height) - ink_h - 0.1f * h));
  synth::Canvas canvas(n.width, n.height);
  for (synth::Stroke& s : n.strokes) {
    for (synth::Point& p : s) p = {p.x - all.x0 + 0.5f * pen + left_margin, p.y - all.y0 + 0.5f * pen + top};
    canvas.stroke(s, pen);
  }
  const auto background = Background(rng.below(3));
  n.rgba.resize(canvas.ink().size() * 4);
  for (size_t p = 0; p < canvas.ink().size(); ++p) put_ink(&n.rgba[4 * p], canvas.ink()[p], background);
  return n;
}

std::vector<WrittenNumber> number_suite(const Dataset& mnist, int count) {
  Rng rng(kNumberSuiteSeed);
  std::vector<WrittenNumber> suite;
  constexpr int kLengths = kLongestNumber - kShortestNumber + 1;
  for (int i = 0; i < count; ++i)
    suite.push_back(write_number(mnist, kShortestNumber + i % kLengths,
                                 (i / kLengths) % 2 ? Spacing::Touching : Spacing::Separated, rng));
  return suite;
}

}  // namespace digitpad::test
