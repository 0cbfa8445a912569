#include "pen.hpp"

#include <algorithm>
#include <cmath>

#include "preprocess.hpp"

namespace digitpad::synth {

void Canvas::segment(Point a, Point b, float radius) {
  // Coverage of a capsule: 1 inside, falling to 0 over one pixel at the edge (anti-aliasing).
  const int x0 = std::max(0, int(std::floor(std::min(a.x, b.x) - radius - 1)));
  const int y0 = std::max(0, int(std::floor(std::min(a.y, b.y) - radius - 1)));
  const int x1 = std::min(width_ - 1, int(std::ceil(std::max(a.x, b.x) + radius + 1)));
  const int y1 = std::min(height_ - 1, int(std::ceil(std::max(a.y, b.y) + radius + 1)));
  const float dx = b.x - a.x, dy = b.y - a.y, length2 = dx * dx + dy * dy;
  for (int y = y0; y <= y1; ++y)
    for (int x = x0; x <= x1; ++x) {
      const float px = float(x) + 0.5f - a.x, py = float(y) + 0.5f - a.y;
      const float t = length2 > 0 ? std::clamp((px * dx + py * dy) / length2, 0.0f, 1.0f) : 0.0f;
      const float ex = px - t * dx, ey = py - t * dy;
      const float coverage = std::clamp(radius + 0.5f - std::sqrt(ex * ex + ey * ey), 0.0f, 1.0f);
      float& v = ink_[size_t(y) * width_ + size_t(x)];
      v = std::max(v, coverage);
    }
}

void Canvas::stroke(const Stroke& points, float width) {
  if (points.empty()) return;
  const float radius = 0.5f * width;
  if (points.size() == 1) segment(points[0], points[0], radius);
  for (size_t i = 1; i < points.size(); ++i) segment(points[i - 1], points[i], radius);
}

void Canvas::paste(const std::vector<float>& image, int w, int h, float x, float y, float scale) {
  const int x0 = std::max(0, int(x)), y0 = std::max(0, int(y));
  const int x1 = std::min(width_ - 1, int(x + float(w) * scale)), y1 = std::min(height_ - 1, int(y + float(h) * scale));
  for (int cy = y0; cy <= y1; ++cy)
    for (int cx = x0; cx <= x1; ++cx) {
      const float sx = (float(cx) + 0.5f - x) / scale - 0.5f, sy = (float(cy) + 0.5f - y) / scale - 0.5f;
      if (sx < 0 || sy < 0 || sx > float(w - 1) || sy > float(h - 1)) continue;
      const int ix = std::min(int(sx), w - 2 < 0 ? 0 : w - 2), iy = std::min(int(sy), h - 2 < 0 ? 0 : h - 2);
      const float ax = sx - float(ix), ay = sy - float(iy);
      auto at = [&](int px, int py) { return image[size_t(std::min(py, h - 1)) * w + size_t(std::min(px, w - 1))]; };
      const float v = (at(ix, iy) * (1 - ax) + at(ix + 1, iy) * ax) * (1 - ay) +
                      (at(ix, iy + 1) * (1 - ax) + at(ix + 1, iy + 1) * ax) * ay;
      float& out = ink_[size_t(cy) * width_ + size_t(cx)];
      out = std::max(out, v);
    }
}

std::optional<Image28> network_input(const Canvas& canvas) {
  const int width = canvas.width(), height = canvas.height();
  std::vector<uint8_t> rgba(size_t(width) * height * 4);
  for (size_t i = 0; i < canvas.ink().size(); ++i) {
    const auto v = uint8_t(std::lround(255.0f * (1.0f - canvas.ink()[i])));
    rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = v;
    rgba[4 * i + 3] = 255;
  }
  const PreprocessResult seen = preprocess_drawing(rgba.data(), width, height);
  if (seen.ink == Ink::None) return std::nullopt;  // a dot or a flick is still ink the network reads
  Image28 out;
  for (size_t i = 0; i < out.size(); ++i) out[i] = uint8_t(std::lround(255.0f * seen.image[i]));
  return out;
}

std::vector<uint8_t> skeleton(const std::vector<float>& ink, int w, int h) {
  std::vector<uint8_t> m(ink.size());
  for (size_t i = 0; i < ink.size(); ++i) m[i] = ink[i] >= 0.5f;
  auto at = [&](int x, int y) -> int { return (x < 0 || y < 0 || x >= w || y >= h) ? 0 : m[size_t(y) * w + size_t(x)]; };
  bool changed = true;
  std::vector<size_t> remove;
  while (changed) {
    changed = false;
    for (int pass = 0; pass < 2; ++pass) {
      remove.clear();
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
          if (!at(x, y)) continue;
          // Neighbours clockwise from north: p[0] = N, p[2] = E, p[4] = S, p[6] = W.
          const int p[8] = {at(x, y - 1), at(x + 1, y - 1), at(x + 1, y), at(x + 1, y + 1),
                            at(x, y + 1), at(x - 1, y + 1), at(x - 1, y), at(x - 1, y - 1)};
          int neighbours = 0, transitions = 0;
          for (int k = 0; k < 8; ++k) neighbours += p[k], transitions += (!p[k] && p[(k + 1) % 8]);
          if (neighbours < 2 || neighbours > 6 || transitions != 1) continue;
          if (pass == 0 && ((p[0] && p[2] && p[4]) || (p[2] && p[4] && p[6]))) continue;
          if (pass == 1 && ((p[0] && p[2] && p[6]) || (p[0] && p[4] && p[6]))) continue;
          remove.push_back(size_t(y) * w + size_t(x));
        }
      for (size_t i : remove) m[i] = 0;
      changed = changed || !remove.empty();
    }
  }
  return m;
}

bool centre_line_describes(const std::vector<float>& image, int w, int h) {
  const std::vector<uint8_t> path = skeleton(image, w, h);
  const std::vector<float> to_path = signed_distance(std::vector<float>(path.begin(), path.end()), w, h);
  float farthest = 0;  // from any ink pixel to the centre line
  for (size_t i = 0; i < image.size(); ++i)
    if (image[i] >= 0.5f && !path[i]) farthest = std::max(farthest, 0.5f - to_path[i]);
  return farthest <= 0.8f * stroke_width(image, w, h);
}

std::vector<Stroke> trace_strokes(const std::vector<uint8_t>& path, int w, int h) {
  auto on = [&](int x, int y) { return x >= 0 && y >= 0 && x < w && y < h && path[size_t(y) * w + size_t(x)]; };
  auto neighbours = [&](int x, int y) {
    int n = 0;
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) n += (dx || dy) && on(x + dx, y + dy);
    return n;
  };
  std::vector<uint8_t> visited(path.size(), 0);
  std::vector<Stroke> strokes;
  auto walk = [&](int x, int y) {
    Stroke stroke;
    // Join the line it leaves from, so strokes meet where the skeleton's lines meet.
    for (int dy = -1; dy <= 1 && stroke.empty(); ++dy)
      for (int dx = -1; dx <= 1 && stroke.empty(); ++dx)
        if ((dx || dy) && on(x + dx, y + dy) && visited[size_t(y + dy) * w + size_t(x + dx)])
          stroke.push_back({float(x + dx) + 0.5f, float(y + dy) + 0.5f});
    int px = x, py = y, dir_x = 0, dir_y = 0;
    while (true) {
      visited[size_t(py) * w + size_t(px)] = 1;
      stroke.push_back({float(px) + 0.5f, float(py) + 0.5f});
      int best_x = 0, best_y = 0;
      float best = -10;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          if ((!dx && !dy) || !on(px + dx, py + dy) || visited[size_t(py + dy) * w + size_t(px + dx)]) continue;
          // Straight on first; among equals, the 4-neighbour (the 8-neighbour is its corner).
          const float straight = float(dx * dir_x + dy * dir_y) / std::sqrt(float(dx * dx + dy * dy)) -
                                 0.01f * float(dx * dx + dy * dy);
          if (straight > best) best = straight, best_x = dx, best_y = dy;
        }
      if (best == -10) break;
      dir_x = best_x, dir_y = best_y, px += best_x, py += best_y;
    }
    strokes.push_back(std::move(stroke));
  };
  // Free ends first (a stroke begins where a line does), then what is left: loops.
  for (int pass = 0; pass < 2; ++pass)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        if (on(x, y) && !visited[size_t(y) * w + size_t(x)] && (pass == 1 || neighbours(x, y) == 1)) walk(x, y);
  return strokes;
}

namespace {

// The transform of Redraw as a 2x2 matrix m (row-major) plus the canvas centre.
struct Affine {
  float m[4];
  Point centre;
  Point apply(float x, float y) const { return {centre.x + m[0] * x + m[1] * y, centre.y + m[2] * x + m[3] * y}; }
};

Affine affine_of(const Redraw& how) {
  // scale * rotation * [[aspect, aspect * slant], [0, 1]]
  const float c = std::cos(how.rotation), s = std::sin(how.rotation);
  const float a00 = how.aspect, a01 = how.aspect * how.slant, a10 = 0, a11 = 1;
  return {{how.scale * (c * a00 - s * a10), how.scale * (c * a01 - s * a11), how.scale * (s * a00 + c * a10),
           how.scale * (s * a01 + c * a11)},
          how.centre};
}

// A smooth random displacement: two plane waves per axis of about the shape's size.
struct Wobble {
  float amplitude = 0;
  float fx[2], fy[2], phase[2], gx[2], gy[2], gphase[2];
  Wobble(float amp, float size, Rng& rng) : amplitude(amp) {
    for (int k = 0; k < 2; ++k) {
      const float f = 6.2831853f / (size * rng.uniform(0.5f, 1.5f)), angle = rng.uniform(0, 6.2831853f);
      fx[k] = f * std::cos(angle), fy[k] = f * std::sin(angle), phase[k] = rng.uniform(0, 6.2831853f);
      const float g = 6.2831853f / (size * rng.uniform(0.5f, 1.5f)), angle2 = rng.uniform(0, 6.2831853f);
      gx[k] = g * std::cos(angle2), gy[k] = g * std::sin(angle2), gphase[k] = rng.uniform(0, 6.2831853f);
    }
  }
  Point at(float x, float y) const {
    Point d;
    for (int k = 0; k < 2; ++k) {
      d.x += 0.5f * amplitude * std::sin(fx[k] * x + fy[k] * y + phase[k]);
      d.y += 0.5f * amplitude * std::sin(gx[k] * x + gy[k] * y + gphase[k]);
    }
    return d;
  }
};

}  // namespace

void redraw(const std::vector<float>& image, int w, int h, const Redraw& how, Rng& rng, Canvas& canvas) {
  const Affine t = affine_of(how);
  const Wobble wobble(how.wobble, float(std::max(w, h)), rng);
  const float cx = 0.5f * float(w), cy = 0.5f * float(h);
  auto place = [&](float x, float y) {  // image pixel centre -> canvas point
    const float u = x + 0.5f - cx, v = y + 0.5f - cy;
    const Point p = t.apply(u, v), d = wobble.at(u, v);
    return Point{p.x + d.x, p.y + d.y};
  };

  const std::vector<uint8_t> path = skeleton(image, w, h);
  if (centre_line_describes(image, w, h)) {
    const float radius = 0.5f * how.pen_width;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        if (!path[size_t(y) * w + size_t(x)]) continue;
        const Point a = place(float(x), float(y));
        bool joined = false;
        // Each 8-neighbour pair once: east, south-west, south, south-east; and north-east.
        const int dxs[4] = {1, -1, 0, 1}, dys[4] = {0, 1, 1, 1};
        for (int k = 0; k < 4; ++k) {
          const int nx = x + dxs[k], ny = y + dys[k];
          if (nx < 0 || ny < 0 || nx >= w || ny >= h || !path[size_t(ny) * w + size_t(nx)]) continue;
          canvas.stroke({a, place(float(nx), float(ny))}, 2 * radius);
          joined = true;
        }
        if (!joined) canvas.stroke({a}, 2 * radius);
      }
    return;
  }
  // Warp the ink itself, its strokes first brought to the pen's width (in image pixels).
  const float natural = stroke_width(image, w, h);
  const float offset = 0.5f * (how.pen_width / std::max(how.scale, 1e-3f) - natural);
  const std::vector<float> ink = offset_strokes(image, w, h, offset);
  const float det = t.m[0] * t.m[3] - t.m[1] * t.m[2];
  if (std::abs(det) < 1e-6f) return;
  const float inv[4] = {t.m[3] / det, -t.m[1] / det, -t.m[2] / det, t.m[0] / det};
  const float reach = std::max(float(w), float(h)) * how.scale * 1.6f + how.wobble;
  const int width = canvas.width(), height = canvas.height();
  std::vector<float> layer(size_t(width) * height, 0.0f);
  for (int y = std::max(0, int(how.centre.y - reach)); y < std::min(height, int(how.centre.y + reach)); ++y)
    for (int x = std::max(0, int(how.centre.x - reach)); x < std::min(width, int(how.centre.x + reach)); ++x) {
      const float px = float(x) + 0.5f - how.centre.x, py = float(y) + 0.5f - how.centre.y;
      const float u = inv[0] * px + inv[1] * py, v = inv[2] * px + inv[3] * py;
      const Point d = wobble.at(u, v);
      const float su = inv[0] * (px - d.x) + inv[1] * (py - d.y) + cx - 0.5f;
      const float sv = inv[2] * (px - d.x) + inv[3] * (py - d.y) + cy - 0.5f;
      if (su < 0 || sv < 0 || su >= float(w - 1) || sv >= float(h - 1)) continue;
      const int ix = int(su), iy = int(sv);
      const float ax = su - float(ix), ay = sv - float(iy);
      auto at = [&](int qx, int qy) { return ink[size_t(qy) * w + size_t(qx)]; };
      layer[size_t(y) * width + size_t(x)] = (at(ix, iy) * (1 - ax) + at(ix + 1, iy) * ax) * (1 - ay) +
                                            (at(ix, iy + 1) * (1 - ax) + at(ix + 1, iy + 1) * ax) * ay;
    }
  canvas.paste(layer, width, height, 0, 0, 1);
}

}  // namespace digitpad::synth
