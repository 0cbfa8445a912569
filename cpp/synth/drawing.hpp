// The robustness suite's renderer: an MNIST digit the way a person's drawing arrives from a
// canvas: scaled and placed on a larger canvas, with another pen width, in RGBA with a given
// background. The robustness test and `digitpad-synth` (its IDX copy) feed these to
// preprocess_drawing(). Also pen strokes drawn from points.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "pen.hpp"
#include "preprocess.hpp"
#include "rng.hpp"

namespace digitpad::test {

using synth::skeleton;

enum class Background { DarkOnLight, LightOnDark, Transparent };

struct DrawingStyle {
  int canvas = 280;
  float height_fraction = 0.6f;  // the digit's height over the canvas height
  float pen_width = 12.0f;       // stroke width on the canvas, pixels
  float x_fraction = 0.5f;       // where the digit sits, 0..1 of the free room
  float y_fraction = 0.5f;
  Background background = Background::DarkOnLight;
  bool always_follow_centre_line = false;  // a real pen even where it changes the digit
};

// Draws the path with a round pen of the given width, anti-aliased.
inline std::vector<float> stroke_path(const std::vector<uint8_t>& path, int w, int h, float pen) {
  std::vector<float> as_ink(path.begin(), path.end());
  const std::vector<float> sd = signed_distance(as_ink, w, h);  // 0.5 - distance, outside
  std::vector<float> ink(path.size());
  for (size_t i = 0; i < ink.size(); ++i) {
    const float distance = path[i] ? 0.0f : 0.5f - sd[i];
    ink[i] = std::clamp(0.5f * pen + 0.5f - distance, 0.0f, 1.0f);
  }
  return ink;
}

// The digit drawn with another pen. A pen following the digit's centre line gives real pen
// strokes. Where the centre line does not describe the digit (a bold MNIST 8 whose loops are
// filled thins to a line that reads as 9), some of the digit lies far from it: then the
// digit keeps its own strokes, thickened for a fatter pen (thinning them would break them).
inline std::vector<float> redraw_with_pen(const std::vector<float>& digit, int side, float pen,
                                          bool always_follow_centre_line) {
  if (always_follow_centre_line || synth::centre_line_describes(digit, side, side))
    return stroke_path(skeleton(digit, side, side), side, side, pen);
  const float natural = stroke_width(digit, side, side);
  return offset_strokes(digit, side, side, std::max(0.0f, 0.5f * (pen - natural)));
}

// One RGBA pixel with this much ink (0..1) on the background.
inline void put_ink(uint8_t* px, float ink, Background background) {
  switch (background) {
    case Background::DarkOnLight: {  // blue-black ink on white paper
      px[0] = uint8_t(250 - 230 * ink), px[1] = uint8_t(250 - 225 * ink), px[2] = uint8_t(250 - 160 * ink), px[3] = 255;
      break;
    }
    case Background::LightOnDark: {  // white chalk on a dark board
      const uint8_t v = uint8_t(30 + 225 * ink);
      px[0] = px[1] = px[2] = v, px[3] = 255;
      break;
    }
    case Background::Transparent: {  // a coloured pen on a transparent canvas
      px[0] = 200, px[1] = 40, px[2] = 40, px[3] = uint8_t(255 * ink);
      break;
    }
  }
}

// mnist: 28x28 uint8 (0 background, 255 ink). Returns canvas x canvas x 4 RGBA bytes.
inline std::vector<uint8_t> render_drawing(const uint8_t* mnist, const DrawingStyle& s) {
  std::vector<float> digit(784);
  int top = 28, bottom = -1, left = 28, right = -1;
  for (int i = 0; i < 784; ++i) {
    digit[size_t(i)] = mnist[i] / 255.0f;
    if (mnist[i] > 50) {
      top = std::min(top, i / 28), bottom = std::max(bottom, i / 28);
      left = std::min(left, i % 28), right = std::max(right, i % 28);
    }
  }
  const float ink_height = float(bottom - top + 1);
  float scale = s.height_fraction * float(s.canvas) / ink_height;
  scale = std::min(scale, 0.95f * float(s.canvas) / float(right - left + 1));  // wide digits fit too
  const int side = int(28 * scale);
  const std::vector<float> big = redraw_with_pen(resample(digit, 28, 28, side, side), side, s.pen_width,
                                                 s.always_follow_centre_line);
  // Free room around the digit's ink box decides where it can go.
  const int ink_left = int(float(left) * scale), ink_top = int(float(top) * scale);
  const int ink_w = int(float(right - left + 1) * scale), ink_h = int(ink_height * scale);
  const int pad = int(s.pen_width);
  const int x0 = pad + int(s.x_fraction * float(std::max(0, s.canvas - ink_w - 2 * pad))) - ink_left;
  const int y0 = pad + int(s.y_fraction * float(std::max(0, s.canvas - ink_h - 2 * pad))) - ink_top;
  std::vector<uint8_t> rgba(size_t(s.canvas) * s.canvas * 4);
  for (int y = 0; y < s.canvas; ++y)
    for (int x = 0; x < s.canvas; ++x) {
      const int sx = x - x0, sy = y - y0;
      const float ink = (sx < 0 || sy < 0 || sx >= side || sy >= side) ? 0.0f : big[size_t(sy) * side + size_t(sx)];
      put_ink(&rgba[(size_t(y) * s.canvas + size_t(x)) * 4], ink, s.background);
    }
  return rgba;
}

// The robustness suite: this many MNIST test digits (every fifth), styles drawn from this seed.
constexpr int kRobustnessDrawings = 2000;
constexpr uint64_t kRobustnessSeed = 2024;

// Pen strokes as the page's pad draws them: a round pen of `pen` px through each stroke's
// points (canvas pixels; a stroke of one point is a click), anti-aliased ink on a transparent
// canvas x canvas. Returns RGBA bytes.
using synth::Stroke;
inline std::vector<uint8_t> draw_strokes(const std::vector<Stroke>& strokes, float pen, int canvas = 280) {
  synth::Canvas ink(canvas);
  for (const Stroke& stroke : strokes) ink.stroke(stroke, pen);
  std::vector<uint8_t> rgba(size_t(canvas) * canvas * 4, 0);
  for (size_t i = 0; i < ink.ink().size(); ++i) {
    rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = 20;
    rgba[4 * i + 3] = uint8_t(std::lround(255 * ink.ink()[i]));
  }
  return rgba;
}

// A random style within the robustness suite's ranges.
inline DrawingStyle random_style(Rng& rng) {
  DrawingStyle s;
  s.height_fraction = rng.uniform(0.3f, 0.9f);
  const float digit_height = s.height_fraction * float(s.canvas);
  s.pen_width = rng.uniform(2.0f, std::min(30.0f, 0.22f * digit_height));
  s.x_fraction = rng.uniform();
  s.y_fraction = rng.uniform();
  s.background = Background(rng.below(3));
  return s;
}

}  // namespace digitpad::test
