#include "calibration.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "errors.hpp"
#include "loss.hpp"
#include "trainer.hpp"

namespace digitpad {

double expected_calibration_error(const Matrix& probs, const uint8_t* labels, int bins) {
  std::vector<double> confidence(size_t(bins), 0.0), correct(size_t(bins), 0.0);
  for (Eigen::Index n = 0; n < probs.cols(); ++n) {
    Eigen::Index top = 0;
    const double p = probs.col(n).maxCoeff(&top);
    const size_t bin = size_t(std::clamp(int(std::ceil(p * bins)) - 1, 0, bins - 1));
    confidence[bin] += p;
    correct[bin] += top == labels[n];
  }
  // n_b/n * |correct_b/n_b - confidence_b/n_b| = |correct_b - confidence_b| / n
  double sum = 0.0;
  for (size_t b = 0; b < size_t(bins); ++b) sum += std::fabs(correct[b] - confidence[b]);
  return probs.cols() ? sum / double(probs.cols()) : 0.0;
}

namespace {

// Both fits read the last layer's outputs as logits.
void check_logits(Network& network) {
  if (network.architecture().loss != LossKind::SoftmaxCrossEntropy)
    throw ConfigError("calibration needs a cross-entropy model: the outputs of an mse model are "
                      "not logits");
}

void check_calibration_set(Network& network, const Dataset& data) {
  if (data.count <= 0) throw ConfigError("the calibration set is empty");
  check_data_fits(network, data, "calibration");
}

void check_not_digit_model(Network& network) {
  if (network.classes() <= kNotDigit)
    throw ConfigError("the model has no \"not a digit\" output (" + std::to_string(network.classes()) + " outputs)");
  check_logits(network);
}

}  // namespace

float fit_temperature(Network& network, const Dataset& data) {
  check_logits(network);
  check_calibration_set(network, data);
  Matrix logits, scaled, unused_gradient;
  network_outputs(network, data, logits);
  const auto mean_nll = [&](double log_t) {
    scaled = logits * float(std::exp(-log_t));
    return softmax_cross_entropy(scaled, data.labels.data(), unused_gradient);
  };
  // Golden-section search over log T. The NLL is convex in 1/T (a log-sum-exp of a linear
  // function of it, minus a linear term), so it has one minimum along log T, which this
  // search cannot miss; a minimum beyond the range ends at its edge.
  const double shrink = (std::sqrt(5.0) - 1.0) / 2.0;
  double lo = std::log(double(kMinTemperature)), hi = std::log(double(kMaxTemperature));
  double a = hi - shrink * (hi - lo), b = lo + shrink * (hi - lo);
  float nll_a = mean_nll(a), nll_b = mean_nll(b);
  while (hi - lo > 1e-4) {  // T to 0.01%
    if (nll_a <= nll_b) {
      hi = b, b = a, nll_b = nll_a;
      a = hi - shrink * (hi - lo);
      nll_a = mean_nll(a);
    } else {
      lo = a, a = b, nll_a = nll_b;
      b = lo + shrink * (hi - lo);
      nll_b = mean_nll(b);
    }
  }
  return std::clamp(float(std::exp(0.5 * (lo + hi))), kMinTemperature, kMaxTemperature);
}

float fit_not_digit_shift(Network& network, const Dataset& digits, double max_share) {
  check_not_digit_model(network);
  if (!(max_share >= 0.0 && max_share <= 1.0))
    throw ConfigError("the share of digits answered \"not a digit\" must be in [0, 1], got " + std::to_string(max_share));
  check_calibration_set(network, digits);
  if (std::any_of(digits.labels.begin(), digits.labels.end(), [](uint8_t l) { return l >= kDigitClasses; }))
    throw ConfigError("the line of \"not a digit\" is drawn on digits alone: the calibration set has \"not a digit\" examples");
  Matrix logits;  // classes x n
  network_outputs(network, digits, logits);
  // margin: how far "not a digit" leads the best digit (a digit wins ties); a shift of s
  // turns away exactly the digits whose margin exceeds s.
  std::vector<float> margins(size_t(digits.count));
  for (int n = 0; n < digits.count; ++n)
    margins[size_t(n)] = logits(kNotDigit, n) - logits.col(n).head(kDigitClasses).maxCoeff();
  const size_t allowed = size_t(std::floor(max_share * double(digits.count)));
  if (allowed >= margins.size()) return 0.0f;
  std::nth_element(margins.begin(), margins.begin() + std::ptrdiff_t(allowed), margins.end(), std::greater<float>());
  // Just past the (allowed+1)-th largest margin: the shifted logit is computed again, through
  // the layer's sums, and an exact tie could round either way.
  constexpr float kPastTheTie = 1e-3f;  // logits; far below any difference that matters
  return margins[allowed] > 0.0f ? margins[allowed] + kPastTheTie : 0.0f;
}

void shift_not_digit_logit(Network& network, float shift) {
  check_not_digit_model(network);
  const int last = network.layer_count() - 1;
  const LayerSpec& spec = network.layer(last).spec();
  if (spec.kind != LayerKind::Dense)
    throw ConfigError("the \"not a digit\" output can be shifted only when the last layer is dense, not " + spec.str());
  // A dense layer's parameters end with its biases, one per output (docs/model-format.md).
  network.params()[network.param_count() - spec.units + kNotDigit] -= shift;
}

}  // namespace digitpad
