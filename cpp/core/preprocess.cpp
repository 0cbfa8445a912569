#include "preprocess.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "errors.hpp"

namespace digitpad {

namespace {

constexpr double kInf = 1e30;  // 'no source pixel on this line'

// 1-D squared distance transform (Felzenszwalb & Huttenlocher 2012): d[q] = min over p of
// (q - p)^2 + f[p], the lower envelope of parabolas rooted at each p. v: the envelope's
// parabolas, z: where each takes over (n + 1). Doubles: q^2 outgrows float's exact range.
void distance_1d(const double* f, int n, double* d, int* v, double* z) {
  int k = 0;
  v[0] = 0;
  z[0] = -kInf;
  z[1] = kInf;
  for (int q = 1; q < n; ++q) {
    double s = ((f[q] + double(q) * q) - (f[v[k]] + double(v[k]) * v[k])) / (2.0 * (q - v[k]));
    while (s <= z[k]) {
      --k;
      s = ((f[q] + double(q) * q) - (f[v[k]] + double(v[k]) * v[k])) / (2.0 * (q - v[k]));
    }
    ++k;
    v[k] = q;
    z[k] = s;
    z[k + 1] = kInf;
  }
  k = 0;
  for (int q = 0; q < n; ++q) {
    while (z[k + 1] < q) ++k;
    d[q] = double(q - v[k]) * (q - v[k]) + f[v[k]];
  }
}

// Squared Euclidean distance from each pixel to the nearest pixel where `is_source` holds.
// Columns first: there the sources are points, and the squared distance to the nearest one
// above or below is what distance_1d would give, found in two sweeps down the rows (a pass
// along rows keeps the memory in order). Rows then need the full transform.
std::vector<float> squared_distance_to(const std::vector<uint8_t>& is_source, int width, int height) {
  constexpr int kNone = std::numeric_limits<int>::max();
  // Scratch kept between calls (a number's digits are preprocessed one after another).
  thread_local std::vector<int> gap, nearest, v;
  thread_local std::vector<double> grid, d, z;
  gap.resize(is_source.size());
  nearest.assign(size_t(width), -1);  // per column: the row of the last source seen
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const size_t i = size_t(y) * width + size_t(x);
      if (is_source[i]) nearest[size_t(x)] = y;
      gap[i] = nearest[size_t(x)] < 0 ? kNone : y - nearest[size_t(x)];
    }
  std::fill(nearest.begin(), nearest.end(), -1);
  grid.resize(is_source.size());
  for (int y = height - 1; y >= 0; --y)
    for (int x = 0; x < width; ++x) {
      const size_t i = size_t(y) * width + size_t(x);
      if (is_source[i]) nearest[size_t(x)] = y;
      if (nearest[size_t(x)] >= 0) gap[i] = std::min(gap[i], nearest[size_t(x)] - y);
      grid[i] = gap[i] == kNone ? kInf : double(gap[i]) * gap[i];
    }
  const auto n = static_cast<size_t>(width);
  d.resize(n), z.resize(n + 1), v.resize(n);
  std::vector<float> out(grid.size());
  for (int y = 0; y < height; ++y) {  // rows
    const double* row = grid.data() + size_t(y) * width;
    if (std::all_of(row, row + width, [](double g) { return g == 0.0; })) continue;  // all sources: 0
    distance_1d(row, width, d.data(), v.data(), z.data());
    for (int x = 0; x < width; ++x) out[size_t(y) * width + size_t(x)] = float(d[size_t(x)]);
  }
  return out;
}

float luminance(const uint8_t* px) {
  return 0.299f * float(px[0]) + 0.587f * float(px[1]) + 0.114f * float(px[2]);
}

float median(std::vector<float> values) {
  if (values.empty()) return 0.0f;
  const auto mid = values.begin() + long(values.size() / 2);
  std::nth_element(values.begin(), mid, values.end());
  return *mid;
}

// The ink that stays once specks are gone: its bounding box, and the longer side of its
// longest blob (for the dot rule).
struct Blobs {
  PixelBox box;
  int longest_blob_side;
};

// Removes specks: blobs (label_blobs) with under kSpeckShare of the ink mass. Returns what
// stays; nothing when no ink does.
std::optional<Blobs> remove_specks(std::vector<float>& ink, int width, int height) {
  std::vector<int> label;
  const int count = label_blobs(ink, width, height, label);
  std::vector<double> mass(size_t(count), 0.0);
  std::vector<PixelBox> boxes(size_t(count), PixelBox{width, height, -1, -1});
  for (int p = 0; p < width * height; ++p) {
    const int id = label[size_t(p)];
    if (id < 0) continue;
    mass[size_t(id)] += ink[size_t(p)];
    boxes[size_t(id)].include(p % width, p / width);
  }
  double total = 0;
  for (double m : mass) total += m;
  auto is_speck = [&](int id) { return mass[size_t(id)] < kSpeckShare * total; };
  Blobs blobs{{width, height, -1, -1}, 0};
  for (int p = 0; p < width * height; ++p) {
    const int id = label[size_t(p)];
    // Faint pixels outside every component are anti-aliasing fringe or noise: they go too.
    if (id < 0 || is_speck(id)) {
      ink[size_t(p)] = 0.0f;
      continue;
    }
    blobs.box.include(p % width, p / width);
  }
  for (int id = 0; id < count; ++id)
    if (!is_speck(id)) blobs.longest_blob_side = std::max(blobs.longest_blob_side, boxes[size_t(id)].longer_side());
  if (blobs.box.x1 < 0) return std::nullopt;
  return blobs;
}

// Length and breadth of the ink along and across its main axis: sqrt(12 x the eigenvalues of
// its second moments), which for a filled bar are exactly its length and width.
struct Extent {
  float length, breadth;
};

Extent principal_extent(const std::vector<float>& ink, int width, const PixelBox& box) {
  double mass = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (int y = box.y0; y <= box.y1; ++y)
    for (int x = box.x0; x <= box.x1; ++x) {
      const double v = ink[size_t(y) * width + size_t(x)];
      mass += v, sx += v * x, sy += v * y;
      sxx += v * x * x, syy += v * y * y, sxy += v * x * y;
    }
  const double mx = sx / mass, my = sy / mass;
  const double vxx = sxx / mass - mx * mx, vyy = syy / mass - my * my, vxy = sxy / mass - mx * my;
  const double mean = 0.5 * (vxx + vyy);
  const double spread = std::sqrt(0.25 * (vxx - vyy) * (vxx - vyy) + vxy * vxy);
  // n pixels in a row have a variance of (n^2 - 1) / 12: the + 1 makes a 1-px line 1 px wide.
  return {float(std::sqrt(12.0 * (mean + spread) + 1.0)),
          float(std::sqrt(12.0 * std::max(0.0, mean - spread) + 1.0))};
}

// The shape rules (preprocess.hpp): a dot, a flick, or a shape for the network.
Ink classify_ink(const std::vector<float>& ink, int width, const Blobs& blobs, float pen, float flick_max_length) {
  if (float(blobs.longest_blob_side) < kDotMaxLength * pen) return Ink::Dot;
  const Extent extent = principal_extent(ink, width, blobs.box);
  const bool straight = extent.breadth < kFlickMaxBreadth * pen;
  const bool short_stroke = extent.length < flick_max_length;
  return straight && short_stroke ? Ink::Flick : Ink::Shape;
}

}  // namespace

std::vector<float> crop(const std::vector<float>& image, int width, const PixelBox& b) {
  std::vector<float> out(size_t(b.width()) * size_t(b.height()));
  for (int y = 0; y < b.height(); ++y)
    std::copy_n(image.begin() + long(size_t(b.y0 + y) * width + size_t(b.x0)), b.width(),
                out.begin() + long(size_t(y) * b.width()));
  return out;
}

const char* ink_name(Ink ink) {
  switch (ink) {
    case Ink::None: return "none";
    case Ink::Dot: return "dot";
    case Ink::Flick: return "flick";
    case Ink::Shape: return "shape";
  }
  return "?";
}

int label_blobs(const std::vector<float>& ink, int width, int height, std::vector<int>& label) {
  label.assign(ink.size(), -1);
  // Pixels as (x, y) on the stack, neighbours clamped to the image: no division or bounds test
  // per neighbour (in WebAssembly, p % width and p / width per pixel made this 13% of reading
  // a six-digit number).
  std::vector<std::pair<int, int>> stack;
  int count = 0;
  for (int y0 = 0; y0 < height; ++y0)
    for (int x0 = 0; x0 < width; ++x0) {
      const size_t start = size_t(y0) * size_t(width) + size_t(x0);
      if (ink[start] <= kBlobInkThreshold || label[start] >= 0) continue;
      const int id = count++;
      label[start] = id;
      stack.push_back({x0, y0});
      while (!stack.empty()) {
        const auto [px, py] = stack.back();
        stack.pop_back();
        const int x_first = std::max(px - 1, 0), x_last = std::min(px + 1, width - 1);
        for (int qy = std::max(py - 1, 0); qy <= std::min(py + 1, height - 1); ++qy)
          for (int qx = x_first; qx <= x_last; ++qx) {
            const size_t q = size_t(qy) * size_t(width) + size_t(qx);
            if (ink[q] > kBlobInkThreshold && label[q] < 0) {
              label[q] = id;
              stack.push_back({qx, qy});
            }
          }
      }
    }
  return count;
}

std::vector<float> ink_from_rgba(const uint8_t* rgba, int width, int height) {
  const size_t n = size_t(width) * size_t(height);
  // The border decides what background is: mostly transparent, or the median luminance.
  std::vector<float> border_alpha, border_luma;
  auto sample_border = [&](int x, int y) {
    const uint8_t* px = rgba + 4 * (size_t(y) * width + x);
    border_alpha.push_back(px[3]);
    border_luma.push_back(luminance(px));
  };
  for (int x = 0; x < width; ++x) {
    sample_border(x, 0);
    sample_border(x, height - 1);
  }
  for (int y = 1; y + 1 < height; ++y) {
    sample_border(0, y);
    sample_border(width - 1, y);
  }
  // A floor under 15% removes paper texture and JPEG noise; the rest is stretched to 0..1.
  const auto floored = [](float v) { return std::clamp((v - 0.15f) / 0.7f, 0.0f, 1.0f); };
  std::vector<float> ink(n);
  if (median(border_alpha) < 128.0f) {
    for (size_t i = 0; i < n; ++i) ink[i] = floored(float(rgba[4 * i + 3]) / 255.0f);  // coverage
  } else {
    // Opaque: ink is how far a pixel's luminance is from the background's, relative to the
    // contrast of the ink itself (the 90th percentile of the clearly-not-background pixels,
    // so a faint pencil on grey paper still reaches 1 and a few black specks change nothing).
    const float background = median(border_luma);
    const bool light_background = background >= 128.0f;
    std::vector<float> contrast(n), strong;
    for (size_t i = 0; i < n; ++i) {
      const float l = luminance(rgba + 4 * i);
      contrast[i] = std::max(0.0f, light_background ? background - l : l - background);
      if (contrast[i] >= 24.0f) strong.push_back(contrast[i]);
    }
    if (strong.empty()) return std::vector<float>(n, 0.0f);  // no contrast: no ink
    const auto p90 = strong.begin() + long(0.9 * double(strong.size() - 1));
    std::nth_element(strong.begin(), p90, strong.end());
    const float full = *p90;
    for (size_t i = 0; i < n; ++i) ink[i] = floored(std::min(1.0f, contrast[i] / full));
  }
  return ink;
}

std::vector<float> signed_distance(const std::vector<float>& ink, int width, int height) {
  std::vector<uint8_t> inside(ink.size());
  for (size_t i = 0; i < ink.size(); ++i) inside[i] = ink[i] >= 0.5f;
  std::vector<uint8_t> outside(ink.size());
  for (size_t i = 0; i < ink.size(); ++i) outside[i] = !inside[i];
  const std::vector<float> to_outside = squared_distance_to(outside, width, height);
  const std::vector<float> to_inside = squared_distance_to(inside, width, height);
  std::vector<float> sd(ink.size());
  for (size_t i = 0; i < ink.size(); ++i)
    sd[i] = inside[i] ? std::sqrt(to_outside[i]) - 0.5f : 0.5f - std::sqrt(to_inside[i]);
  return sd;
}

float stroke_width(const std::vector<float>& ink, int width, int height) {
  // signed_distance()'s inside half only: the distance from each ink pixel to the background.
  std::vector<uint8_t> outside(ink.size());
  for (size_t i = 0; i < ink.size(); ++i) outside[i] = !(ink[i] >= 0.5f);
  const std::vector<float> to_outside = squared_distance_to(outside, width, height);
  double sum = 0;
  int64_t count = 0;
  for (size_t i = 0; i < ink.size(); ++i) {
    if (outside[i]) continue;
    const float d = std::sqrt(to_outside[i]) - 0.5f;
    if (d > 0) {
      sum += d;
      ++count;
    }
  }
  return count ? float(4.0 * sum / double(count)) : 0.0f;
}

std::vector<float> offset_strokes(const std::vector<float>& ink, int width, int height, float offset) {
  const std::vector<float> sd = signed_distance(ink, width, height);
  std::vector<float> out(ink.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = std::clamp(sd[i] + offset + 0.5f, 0.0f, 1.0f);
  return out;
}

std::vector<float> resample(const std::vector<float>& image, int width, int height, int out_width,
                            int out_height) {
  std::vector<float> out(size_t(out_width) * size_t(out_height), 0.0f);
  const float sx = float(width) / float(out_width), sy = float(height) / float(out_height);
  if (sx >= 1.0f && sy >= 1.0f) {
    // Area averaging: output pixel (ox, oy) covers source [ox*sx, (ox+1)*sx) x [oy*sy, ...).
    for (int oy = 0; oy < out_height; ++oy) {
      const float y0 = float(oy) * sy, y1 = y0 + sy;
      for (int ox = 0; ox < out_width; ++ox) {
        const float x0 = float(ox) * sx, x1 = x0 + sx;
        double sum = 0;
        for (int y = int(y0); y < std::min(height, int(std::ceil(y1))); ++y) {
          const float wy = std::min(y1, float(y + 1)) - std::max(y0, float(y));
          for (int x = int(x0); x < std::min(width, int(std::ceil(x1))); ++x) {
            const float wx = std::min(x1, float(x + 1)) - std::max(x0, float(x));
            sum += double(wx * wy) * image[size_t(y) * width + size_t(x)];
          }
        }
        out[size_t(oy) * out_width + size_t(ox)] = float(sum / (double(sx) * sy));
      }
    }
    return out;
  }
  // Bilinear, pixel centres aligned (an axis that shrinks here is rare: a very thin digit).
  for (int oy = 0; oy < out_height; ++oy) {
    const float fy = std::clamp((float(oy) + 0.5f) * sy - 0.5f, 0.0f, float(height - 1));
    const int y0 = int(fy), y1 = std::min(y0 + 1, height - 1);
    const float ay = fy - float(y0);
    for (int ox = 0; ox < out_width; ++ox) {
      const float fx = std::clamp((float(ox) + 0.5f) * sx - 0.5f, 0.0f, float(width - 1));
      const int x0 = int(fx), x1 = std::min(x0 + 1, width - 1);
      const float ax = fx - float(x0);
      auto at = [&](int x, int y) { return image[size_t(y) * width + size_t(x)]; };
      out[size_t(oy) * out_width + size_t(ox)] =
          (at(x0, y0) * (1 - ax) + at(x1, y0) * ax) * (1 - ay) + (at(x0, y1) * (1 - ax) + at(x1, y1) * ax) * ay;
    }
  }
  return out;
}

void check_drawing_size(int width, int height) {
  if (width < 1 || height < 1 || width > kMaxDrawingSide || height > kMaxDrawingSide ||
      int64_t(width) * height > kMaxDrawingPixels)
    throw ConfigError("drawing size " + std::to_string(width) + "x" + std::to_string(height) +
                      " is out of range (1.." + std::to_string(kMaxDrawingSide) + " a side, at most " +
                      std::to_string(kMaxDrawingPixels >> 20) + " megapixels)");
}

PreprocessResult preprocess_drawing(const uint8_t* rgba, int width, int height) {
  check_drawing_size(width, height);
  return preprocess_ink(ink_from_rgba(rgba, width, height), width, height,
                        kFlickMaxLengthShare * float(std::min(width, height)));
}

PreprocessResult preprocess_ink(std::vector<float> ink, int width, int height, float flick_max_length) {
  PreprocessResult result;
  const std::optional<Blobs> blobs = remove_specks(ink, width, height);
  if (!blobs) return result;  // Ink::None
  const PixelBox box = blobs->box;
  // Only the box and a 1-px ring of background around it matter to the inside distances (the
  // nearest background pixel of an ink pixel is never farther than the ring), so the distance
  // transform runs on that crop rather than the whole canvas: the same width, far less work.
  const PixelBox ringed{std::max(0, box.x0 - 1), std::max(0, box.y0 - 1), std::min(width - 1, box.x1 + 1),
                   std::min(height - 1, box.y1 + 1)};
  const float measured = stroke_width(crop(ink, width, ringed), ringed.width(), ringed.height());
  // Ink too faint to reach half coverage anywhere has no measured width; a pixel is the least.
  result.ink = classify_ink(ink, width, *blobs, std::max(1.0f, measured), flick_max_length);
  result.stroke_width = measured;

  // Normalise the stroke: MNIST's strokes are about kMnistStrokeWidth / kDigitBox of the
  // digit's longer side. Widths within MNIST's own spread are left alone; a thin pen or a fat
  // brush is brought to MNIST's width by growing or thinning every stroke evenly.
  const int long_side = box.longer_side();
  const float target = kMnistStrokeWidth * float(long_side) / float(kDigitBox);
  const float ratio = measured / target;
  const float offset = (ratio < 0.7f || ratio > 1.4f) ? 0.5f * (target - measured) : 0.0f;
  const int margin = std::max(1, int(std::ceil(std::max(0.0f, offset))) + 1);
  const PixelBox work{std::max(0, box.x0 - margin), std::max(0, box.y0 - margin),
                 std::min(width - 1, box.x1 + margin), std::min(height - 1, box.y1 + margin)};
  std::vector<float> digit = crop(ink, width, work);
  if (offset != 0.0f) digit = offset_strokes(digit, work.width(), work.height(), offset);

  // Bounding box of the normalised strokes, then fit it into 20x20 keeping the aspect ratio.
  PixelBox tight{work.width(), work.height(), -1, -1};
  for (int y = 0; y < work.height(); ++y)
    for (int x = 0; x < work.width(); ++x)
      if (digit[size_t(y) * work.width() + size_t(x)] > 0.0f) tight.include(x, y);
  if (tight.x1 < 0) return result;  // thinned away entirely: the network sees nothing
  digit = crop(digit, work.width(), tight);
  const int longest = std::max(tight.width(), tight.height());
  const int out_w = std::max(1, int(std::lround(float(kDigitBox) * tight.width() / longest)));
  const int out_h = std::max(1, int(std::lround(float(kDigitBox) * tight.height() / longest)));
  const std::vector<float> small = resample(digit, tight.width(), tight.height(), out_w, out_h);

  // Centre of mass to pixel (14, 14), where MNIST's digits have theirs (whole-pixel shift).
  double mass = 0, cx = 0, cy = 0;
  for (int y = 0; y < out_h; ++y)
    for (int x = 0; x < out_w; ++x) {
      const double v = small[size_t(y) * out_w + size_t(x)];
      mass += v;
      cx += v * x;
      cy += v * y;
    }
  if (mass <= 0) return result;
  const int left = int(std::lround(kDigitSide / 2 - cx / mass));
  const int top = int(std::lround(kDigitSide / 2 - cy / mass));
  for (int y = 0; y < out_h; ++y)
    for (int x = 0; x < out_w; ++x) {
      const int tx = x + left, ty = y + top;
      if (tx < 0 || ty < 0 || tx >= kDigitSide || ty >= kDigitSide) continue;
      result.image[size_t(ty * kDigitSide + tx)] = std::clamp(small[size_t(y) * out_w + size_t(x)], 0.0f, 1.0f);
    }
  result.box_x = work.x0 + tight.x0;
  result.box_y = work.y0 + tight.y0;
  result.box_width = tight.width();
  result.box_height = tight.height();
  return result;
}

}  // namespace digitpad
