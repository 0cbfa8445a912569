// A small, portable random number generator. std::mt19937 is portable but the standard
// distributions are not (libstdc++ and Emscripten's libc++ give different numbers), and the
// native and WebAssembly builds must train identically from the same seed, so the
// distributions are written out here.
#pragma once
#include <cmath>
#include <cstdint>

namespace digitpad {

// PCG32 (O'Neill, pcg-random.org): 64-bit state, 32-bit output.
class Rng {
 public:
  explicit Rng(uint64_t seed = 1) { reseed(seed); }

  void reseed(uint64_t seed) {
    state_ = 0;
    next_u32();
    state_ += seed;
    next_u32();
  }

  uint32_t next_u32() {
    uint64_t old = state_;
    state_ = old * 6364136223846793005ULL + 1442695040888963407ULL;
    auto xorshifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
    auto rot = static_cast<uint32_t>(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((32 - rot) & 31));
  }

  // Uniform in [0, 1) with 24 bits of precision (exact in float).
  float uniform() { return static_cast<float>(next_u32() >> 8) * (1.0f / 16777216.0f); }

  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }

  // Uniform integer in [0, n), n > 0 (Lemire's method without the rejection step: the bias
  // of at most n / 2^32 is irrelevant for shuffling at most a few million samples).
  uint32_t below(uint32_t n) {
    return static_cast<uint32_t>((static_cast<uint64_t>(next_u32()) * n) >> 32);
  }

  // Standard normal by Box-Muller; one value per call keeps the sequence simple.
  float normal() {
    float u1 = uniform();
    float u2 = uniform();
    if (u1 < 1e-7f) u1 = 1e-7f;
    return std::sqrt(-2.0f * std::log(u1)) * std::cos(6.28318530718f * u2);
  }

 private:
  uint64_t state_ = 0;
};

// Fisher-Yates shuffle driven by Rng, so the order is the same on every platform.
template <typename T>
void shuffle(T* items, uint32_t count, Rng& rng) {
  for (uint32_t i = count; i > 1; --i) {
    uint32_t j = rng.below(i);
    T tmp = items[i - 1];
    items[i - 1] = items[j];
    items[j] = tmp;
  }
}

}  // namespace digitpad
