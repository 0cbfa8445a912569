// Turns a drawing (RGBA pixels of any size, as a canvas gives them) into the 28x28 input the
// networks were trained on, the way MNIST itself was made: find the ink, normalise the stroke
// thickness, fit the digit's bounding box into 20x20 keeping its aspect ratio with area
// averaging, and centre its centre of mass in the 28x28 frame.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace digitpad {

constexpr int kDigitSide = 28;
constexpr int kDigitBox = 20;  // MNIST fits the digit's bounding box into 20x20
// Mean stroke width of an MNIST digit whose longer side is 20 px, measured with
// stroke_width() on MNIST test digits upscaled 4x (tests/cpp/test_preprocess.cpp re-measures it).
constexpr float kMnistStrokeWidth = 2.45f;

// Shape rules: ink that cannot be a digit whatever a network makes of it. Measured in stroke
// widths (stroke_width() below), so they hold for a 2-px pen and a 30-px brush alike.
//
// A dot: every blob of ink has its longer side under this many stroke widths. A click of a
// round brush is a disc, whose measured stroke width is about 2/3 of its diameter: 1.5 stroke
// widths; a tap that slid a little stays under 2.5, and so do several taps. Drawn digits are
// longer: the closest of the robustness suite's 2,000 drawings is 2.97 (a bold MNIST 3 whose
// strokes are a third as wide as it is high), 2.77 over all 10,000 MNIST test digits drawn that way.
constexpr float kDotMaxLength = 2.5f;
// A flick: one short straight stroke, a slip of the pen rather than a 1. Straight: its breadth
// across its main axis (from the second moments, as for a filled bar) is under this many stroke
// widths; a bar's breadth is its stroke width, and a stroke bowed by its own width reaches 1.5.
constexpr float kFlickMaxBreadth = 1.5f;
// Short: its length along the main axis is under this share of the drawing's shorter side. The
// robustness suite's digits are 30-90% of the canvas high; those straight by the rule above are
// 24% of it long at the least (26% over all 10,000 MNIST test digits drawn that way); a 1 drawn
// as 40-60% of the page's 280-px pad is twice this long.
constexpr float kFlickMaxLengthShare = 0.2f;

// Specks: blobs of ink with under this share of the drawing's ink mass (a stray dot, dust on
// a photo) are dropped before anything else.
constexpr double kSpeckShare = 0.02;

// What the ink on a drawing is, before any network sees it.
enum class Ink {
  None,   // no ink at all: an empty pad
  Dot,    // a dot, or several (kDotMaxLength)
  Flick,  // one short straight stroke (kFlickMaxBreadth, kFlickMaxLengthShare)
  Shape,  // anything else: the network decides what it is
};
const char* ink_name(Ink ink);  // "none", "dot", "flick", "shape"

struct PreprocessResult {
  Ink ink = Ink::None;
  // What the network sees: 0 background .. 1 ink, row-major; made for every ink (a dot too),
  // all 0 when there is none.
  std::array<float, kDigitSide * kDigitSide> image{};
  // What was found, in source pixels: the digit's box and the pen's stroke width.
  int box_x = 0, box_y = 0, box_width = 0, box_height = 0;
  float stroke_width = 0;
};

// The drawings preprocessing takes: 1..kMaxDrawingSide pixels a side, kMaxDrawingPixels at
// most (a photo of a page, not a poster; the WASM heap holds several float copies of it).
constexpr int kMaxDrawingSide = 8192;
constexpr int64_t kMaxDrawingPixels = int64_t(1) << 25;
// Throws ConfigError naming the size when width x height is not such a drawing.
void check_drawing_size(int width, int height);

// rgba: width x height x 4 bytes, row-major. Ink may be dark on light, light on dark, or
// opaque on transparent. Throws ConfigError for sizes that are not an image.
// = preprocess_ink(ink_from_rgba(...)) with the flick rule measured against the drawing.
PreprocessResult preprocess_drawing(const uint8_t* rgba, int width, int height);

// The same from ink coverage (0..1, width x height, as ink_from_rgba makes it): specks, shape
// rules, stroke width, size and position. A stroke counts as a flick when it is straight and
// shorter than flick_max_length pixels (a drawing: kFlickMaxLengthShare of its shorter side).
// The box is in the ink's pixels. How each digit of a written number is preprocessed too.
PreprocessResult preprocess_ink(std::vector<float> ink, int width, int height, float flick_max_length);

// ---- Building blocks, exposed for tests ---------------------------------------------------

// A box of pixels, corners inclusive; empty (PixelBox::empty()) while x1 < x0.
struct PixelBox {
  int x0, y0, x1, y1;
  static PixelBox empty(int width, int height) { return {width, height, -1, -1}; }
  bool is_empty() const { return x1 < x0; }
  int width() const { return x1 - x0 + 1; }
  int height() const { return y1 - y0 + 1; }
  int longer_side() const { return std::max(width(), height()); }
  void include(int x, int y) {
    x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
  }
  void include(const PixelBox& b) {
    x0 = std::min(x0, b.x0), y0 = std::min(y0, b.y0), x1 = std::max(x1, b.x1), y1 = std::max(y1, b.y1);
  }
};

// The pixels of box (inside image, a width-wide row-major image) as an image of their own.
std::vector<float> crop(const std::vector<float>& image, int width, const PixelBox& box);

// Ink coverage 0..1 per pixel from RGBA, with the background decided from the border.
std::vector<float> ink_from_rgba(const uint8_t* rgba, int width, int height);

// Pixels with more ink than this are a blob's; fainter ones (anti-aliasing fringe, paper
// texture) belong to none and are dropped with the specks.
constexpr float kBlobInkThreshold = 0.2f;
// Labels the 8-connected blobs of ink > kBlobInkThreshold: label[p] is the blob's number
// (0..count-1, numbered in row-major order of their first pixel) or -1. Returns count.
int label_blobs(const std::vector<float>& ink, int width, int height, std::vector<int>& label);

// Signed distance to the stroke's edge for the mask ink >= 0.5, in pixels: positive inside
// (0.5 for an ink pixel touching the background), negative outside. Exact Euclidean
// (Felzenszwalb & Huttenlocher's distance transform).
std::vector<float> signed_distance(const std::vector<float>& ink, int width, int height);

// Mean stroke width of the mask ink >= 0.5: 4 x the mean inside distance (a stroke of width w
// has inside distances spread evenly over 0..w/2). 0 for no ink.
float stroke_width(const std::vector<float>& ink, int width, int height);

// Grows (offset > 0) or thins (offset < 0) every stroke by `offset` pixels on each side,
// with anti-aliased edges.
std::vector<float> offset_strokes(const std::vector<float>& ink, int width, int height, float offset);

// Resamples a width x height image to out_width x out_height: area averaging when shrinking
// (each output pixel is the mean of the source area it covers), bilinear when growing.
std::vector<float> resample(const std::vector<float>& image, int width, int height, int out_width,
                            int out_height);

}  // namespace digitpad
