#include "augment.hpp"

#include <algorithm>
#include <cmath>

namespace digitpad {

namespace {

// Separable Gaussian blur of a rows x cols field in place, zero beyond the border.
void gaussian_blur(std::vector<float>& field, int rows, int cols, float sigma,
                   AugmentScratch& s) {
  const int radius = std::max(1, int(std::ceil(3.0f * sigma)));
  s.kernel.resize(size_t(2 * radius + 1));
  float total = 0.0f;
  for (int i = -radius; i <= radius; ++i) {
    s.kernel[size_t(i + radius)] = std::exp(-0.5f * float(i * i) / (sigma * sigma));
    total += s.kernel[size_t(i + radius)];
  }
  for (float& k : s.kernel) k /= total;
  s.tmp.assign(field.size(), 0.0f);
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < cols; ++x) {
      float sum = 0.0f;
      for (int k = std::max(-radius, -x); k <= std::min(radius, cols - 1 - x); ++k)
        sum += s.kernel[size_t(k + radius)] * field[size_t(y * cols + x + k)];
      s.tmp[size_t(y * cols + x)] = sum;
    }
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < cols; ++x) {
      float sum = 0.0f;
      for (int k = std::max(-radius, -y); k <= std::min(radius, rows - 1 - y); ++k)
        sum += s.kernel[size_t(k + radius)] * s.tmp[size_t((y + k) * cols + x)];
      field[size_t(y * cols + x)] = sum;
    }
}

void random_field(std::vector<float>& field, int rows, int cols, const AugmentConfig& c, Rng& rng,
                  AugmentScratch& s) {
  field.resize(size_t(rows) * cols);
  for (float& v : field) v = rng.uniform(-1.0f, 1.0f);
  gaussian_blur(field, rows, cols, c.elastic_sigma, s);
  for (float& v : field) v *= c.elastic_alpha;
}

// Bilinear sample of a uint8 image at (x, y) in pixel coordinates, 0 outside.
float sample(const uint8_t* src, int rows, int cols, float x, float y) {
  const float fx = std::floor(x), fy = std::floor(y);
  const int x0 = int(fx), y0 = int(fy);
  const float ax = x - fx, ay = y - fy;
  auto at = [&](int yy, int xx) -> float {
    return (xx < 0 || yy < 0 || xx >= cols || yy >= rows) ? 0.0f : float(src[yy * cols + xx]);
  };
  const float top = at(y0, x0) * (1 - ax) + at(y0, x0 + 1) * ax;
  const float bottom = at(y0 + 1, x0) * (1 - ax) + at(y0 + 1, x0 + 1) * ax;
  return (top * (1 - ay) + bottom * ay) * (1.0f / 255.0f);
}

}  // namespace

void augment_image(const uint8_t* src, int rows, int cols, const AugmentConfig& c, Rng& rng,
                   AugmentScratch& scratch, float* dst) {
  const float angle = rng.uniform(-c.max_rotation_deg, c.max_rotation_deg) * 0.0174532925f;
  const float scale = rng.uniform(c.min_scale, c.max_scale);
  const float shift_x = rng.uniform(-c.max_shift_px, c.max_shift_px);
  const float shift_y = rng.uniform(-c.max_shift_px, c.max_shift_px);
  const bool elastic = c.elastic_alpha > 0.0f && rng.uniform() < c.elastic_probability;
  if (elastic) {
    random_field(scratch.dx, rows, cols, c, rng, scratch);
    random_field(scratch.dy, rows, cols, c, rng, scratch);
  }
  // Output pixel p maps back to source c + R(-angle) (p - c - shift) / scale (+ elastic).
  const float cx = 0.5f * float(cols - 1), cy = 0.5f * float(rows - 1);
  const float cos_a = std::cos(angle) / scale, sin_a = std::sin(angle) / scale;
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < cols; ++x) {
      const float px = float(x) - cx - shift_x, py = float(y) - cy - shift_y;
      float sx = cx + cos_a * px + sin_a * py;
      float sy = cy - sin_a * px + cos_a * py;
      if (elastic) {
        sx += scratch.dx[size_t(y * cols + x)];
        sy += scratch.dy[size_t(y * cols + x)];
      }
      dst[y * cols + x] = sample(src, rows, cols, sx, sy);
    }
}

}  // namespace digitpad
