// Calibration: how far a model's confidence is from how often it is right (expected
// calibration error), and the temperature that brings them together (Guo et al. 2017, "On
// Calibration of Modern Neural Networks").
#pragma once
#include <cstdint>

#include "dataset.hpp"
#include "network.hpp"
#include "tensor.hpp"

namespace digitpad {

// Bins of top-class confidence the ECE is measured over, equal-width on (0, 1].
constexpr int kCalibrationBins = 15;

// probs: classes x n (columns sum to 1), labels: n classes. The samples are binned by their
// top probability (bin b holds (b/bins, (b+1)/bins]); ECE is the mean over samples of
// |accuracy - mean confidence| of their bin: sum over bins of n_b/n * |acc_b - conf_b|.
// 0 for no samples.
double expected_calibration_error(const Matrix& probs, const uint8_t* labels,
                                  int bins = kCalibrationBins);

// The temperature in [kMinTemperature, kMaxTemperature] that minimises the mean negative
// log-likelihood of the data's labels under softmax(logits / T). It does not change the
// network; set it with Network::set_temperature. Throws ConfigError for an MSE model (its
// outputs are not logits), an empty data set, or data that do not fit the network.
float fit_temperature(Network& network, const Dataset& data);

}  // namespace digitpad
