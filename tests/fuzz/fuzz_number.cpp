// libFuzzer target: any pixels and strokes as a drawing to read as a number. Bytes: width
// (1..kMaxWidth) and height (1..kMaxHeight); a stroke count (0..kMaxStrokes); per stroke a
// point count (0..kMaxPoints) and its points, an (x, y) byte pair each, spread over the drawing
// and a margin around it; the rest, repeated as needed, are the RGBA bytes. The reader is a
// small dense network with fixed random weights and the "not a digit" output: what it reads
// does not matter, only that any input reads without trouble and within the reader's bounds.
#include <cstdint>
#include <vector>

#include "number_reading.hpp"

namespace {

constexpr int kMaxWidth = 32, kMaxHeight = 16, kMaxStrokes = 8, kMaxPoints = 16, kMargin = 8;

digitpad::Network& reader_network() {
  static digitpad::Network net = [] {
    digitpad::Network n(digitpad::parse_architecture("784-11"));
    n.init_params(1);
    return n;
  }();
  return net;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  size_t at = 0;
  const int width = 1 + data[at++] % kMaxWidth, height = 1 + data[at++] % kMaxHeight;
  const int stroke_count = data[at++] % (kMaxStrokes + 1);
  std::vector<digitpad::PenStroke> strokes;
  for (int s = 0; s < stroke_count && at < size; ++s) {
    const int points = data[at++] % (kMaxPoints + 1);
    digitpad::PenStroke stroke;
    for (int p = 0; p < points && at + 1 < size; ++p, at += 2)
      stroke.push_back({float(data[at]) * float(width + 2 * kMargin) / 255.0f - kMargin,
                        float(data[at + 1]) * float(height + 2 * kMargin) / 255.0f - kMargin});
    strokes.push_back(std::move(stroke));
  }
  if (at >= size) return 0;
  static std::vector<uint8_t> rgba;  // one buffer for every input
  rgba.resize(size_t(width) * height * 4);
  for (size_t i = 0; i < rgba.size(); ++i) rgba[i] = data[at + i % (size - at)];
  static digitpad::NumberReader reader;
  const digitpad::NumberReading r = reader.read(rgba.data(), width, height, strokes, reader_network());
  // One character per part; the state agrees with the parts.
  if (r.number.size() != r.parts.size()) __builtin_trap();
  if ((r.state == digitpad::NumberState::Empty) != r.parts.empty()) __builtin_trap();
  if (r.state == digitpad::NumberState::Number && r.parts.size() < 2) __builtin_trap();
  for (const digitpad::NumberPart& part : r.parts) {
    // Each box within the drawing (empty only when preprocessing thinned the strokes away).
    const auto& s = part.seen;
    if (s.box_width < 0 || s.box_height < 0 || s.box_x < 0 || s.box_y < 0 || s.box_x + s.box_width > width ||
        s.box_y + s.box_height > height)
      __builtin_trap();
    for (float v : part.seen.image)
      if (!(v >= 0.0f && v <= 1.0f)) __builtin_trap();
  }
  return 0;
}
