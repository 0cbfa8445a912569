// Pen drawings made by program: a canvas a round pen draws on, the way the page's pad draws
// (round caps and joins, anti-aliased), and re-drawing an image's strokes with another pen
// (its centre lines, moved by a slant, a stretch and a wobble, stroked again). Every synthetic
// sample, digit or not, ends as the page's drawings do: preprocess_drawing() makes the 28x28
// image the network sees. Native only (tools and tests), not part of the WebAssembly module.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "rng.hpp"

namespace digitpad::synth {

struct Point {
  float x = 0, y = 0;
};
using Stroke = std::vector<Point>;

// A canvas of ink coverage 0..1, row-major: square (a digit's) or wide (a number's).
class Canvas {
 public:
  explicit Canvas(int side) : Canvas(side, side) {}
  Canvas(int width, int height) : width_(width), height_(height), ink_(size_t(width) * size_t(height), 0.0f) {}
  int width() const { return width_; }
  int height() const { return height_; }
  const std::vector<float>& ink() const { return ink_; }

  // A round pen of `width` pixels along the points (one point: a dot).
  void stroke(const Stroke& points, float width);
  // Adds an image (ink 0..1, w x h) with its top-left corner at (x, y), scaled by `scale`.
  void paste(const std::vector<float>& image, int w, int h, float x, float y, float scale);

 private:
  void segment(Point a, Point b, float radius);
  int width_, height_;
  std::vector<float> ink_;
};

using Image28 = std::array<uint8_t, 28 * 28>;

// The network's input for this canvas, made as the page makes it (dark ink on white RGBA
// through preprocess_drawing); nothing for a canvas without ink.
std::optional<Image28> network_input(const Canvas& canvas);

// Zhang-Suen thinning of the mask ink >= 0.5 to one-pixel-wide lines: the path a pen took.
std::vector<uint8_t> skeleton(const std::vector<float>& ink, int w, int h);

// Whether the centre line describes the shape: no ink lies farther from it than 0.8 of the
// mean stroke width (a bold 8 whose loops are filled thins to a line that reads as 9).
bool centre_line_describes(const std::vector<float>& image, int w, int h);

// The skeleton as a pen's strokes: ordered points (pixel centres), each stroke starting at a
// line's free end where there is one and going straight on at crossings, as a hand would.
std::vector<Stroke> trace_strokes(const std::vector<uint8_t>& skeleton, int w, int h);

// How to re-draw an image's strokes. The transform maps the image's centre to the canvas
// point `centre`: x' = scale * (aspect * (x + slant * y)) rotated by `rotation` radians; y
// likewise without aspect.
struct Redraw {
  float scale = 1;        // canvas pixels per image pixel
  float aspect = 1;       // width stretch: 0.5 narrow .. 1.6 wide
  float slant = 0;        // shear: x moves by slant * y (positive leans right, y grows down)
  float rotation = 0;     // radians
  float wobble = 0;       // amplitude of a smooth random displacement, canvas pixels
  float pen_width = 4;    // canvas pixels
  Point centre{};
};

// Re-draws the strokes of `image` (ink 0..1, w x h) on the canvas. Where the centre line does
// not describe the shape (bold digits whose loops are filled thin to other digits), the
// image's own ink is warped instead, grown or thinned towards the pen's width.
void redraw(const std::vector<float>& image, int w, int h, const Redraw& how, Rng& rng, Canvas& canvas);

}  // namespace digitpad::synth
