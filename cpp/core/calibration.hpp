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

// Where a model with the "not a digit" output draws its line: the smallest shift s >= 0 such
// that, with the kNotDigit logit lowered by s, at most `max_share` of the data's digits are
// answered "not a digit" (its output the largest). Digits a person drew are what the page must
// not turn away; the share is chosen on held-out digits, never the test set. Throws ConfigError
// for a model without the output, an MSE model, no data, data with "not a digit" labels, or a
// share outside [0, 1].
float fit_not_digit_shift(Network& network, const Dataset& digits, double max_share);

// Lowers the kNotDigit logit by `shift` for good: the last layer's bias for that output. Throws
// ConfigError when the last layer is not a dense layer with that output.
void shift_not_digit_logit(Network& network, float shift);

}  // namespace digitpad
