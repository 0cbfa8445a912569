// libFuzzer target: any pixels as a drawing. The first two bytes give its width and height
// (1..kMaxSide); the rest, repeated as needed, are its RGBA bytes. The sides are bounded so
// that each input costs little (the distance transforms grow with the area, and coverage
// counters slow them): every branch of preprocessing is reached at 32x32 already.
#include <cmath>
#include <cstdint>
#include <vector>

#include "preprocess.hpp"

namespace {
constexpr int kMaxSide = 32;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const int width = 1 + data[0] % kMaxSide, height = 1 + data[1] % kMaxSide;
  static std::vector<uint8_t> rgba;  // one buffer for every input
  rgba.resize(size_t(width) * height * 4);
  for (size_t i = 0; i < rgba.size(); ++i) rgba[i] = data[2 + i % (size - 2)];
  const digitpad::PreprocessResult r = digitpad::preprocess_drawing(rgba.data(), width, height);
  for (float v : r.image)
    if (!(v >= 0.0f && v <= 1.0f)) __builtin_trap();  // also catches NaN
  return 0;
}
