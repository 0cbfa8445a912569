// On-the-fly training augmentation: a random affine transform (rotation, scale, shift) and
// an elastic distortion (Simard, Steinkraus & Platt 2003: a random displacement field
// smoothed by a Gaussian), applied together by one bilinear resampling.
#pragma once
#include <cstdint>
#include <vector>

#include "rng.hpp"

namespace digitpad {

struct AugmentConfig {
  float max_rotation_deg = 12.0f;  // uniform in [-max, max]
  float min_scale = 0.9f;          // uniform in [min, max], both axes alike
  float max_scale = 1.1f;
  float max_shift_px = 2.0f;       // uniform in [-max, max] on each axis
  float elastic_alpha = 34.0f;     // displacement scale, pixels (0 turns it off)
  float elastic_sigma = 4.0f;      // smoothing of the displacement field, pixels
  float elastic_probability = 0.5f;
};

// Reusable scratch buffers so the hot loop does not allocate.
struct AugmentScratch {
  std::vector<float> dx, dy, tmp, kernel;
};

// src: rows x cols uint8 (row-major) -> dst: rows x cols floats in 0..1.
void augment_image(const uint8_t* src, int rows, int cols, const AugmentConfig& config, Rng& rng,
                   AugmentScratch& scratch, float* dst);

}  // namespace digitpad
