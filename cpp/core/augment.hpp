// On-the-fly training augmentation: a random affine transform (rotation, scale, shift) and
// an elastic distortion (Simard, Steinkraus & Platt 2003: a random displacement field
// smoothed by a Gaussian), applied together by one bilinear resampling.
#pragma once
#include <cstdint>
#include <vector>

#include "rng.hpp"

namespace digitpad {

// The defaults and allowed ranges are in the training options' table (train_options.cpp).
struct AugmentConfig {
  float max_rotation_deg;  // uniform in [-max, max]
  float min_scale;         // uniform in [min, max], both axes alike
  float max_scale;
  float max_shift_px;      // uniform in [-max, max] on each axis
  float elastic_alpha;     // displacement scale, pixels (0 turns it off)
  float elastic_sigma;     // smoothing of the displacement field, pixels
  float elastic_probability;
};

// Reusable scratch buffers so the hot loop does not allocate.
struct AugmentScratch {
  std::vector<float> dx, dy, tmp, kernel;
};

// src: rows x cols uint8 (row-major) -> dst: rows x cols floats in 0..1.
void augment_image(const uint8_t* src, int rows, int cols, const AugmentConfig& config, Rng& rng,
                   AugmentScratch& scratch, float* dst);

}  // namespace digitpad
