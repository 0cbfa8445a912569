#include "calibration.hpp"

#include <algorithm>
#include <cmath>
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

float fit_temperature(Network& network, const Dataset& data) {
  if (network.architecture().loss != LossKind::SoftmaxCrossEntropy)
    throw ConfigError("calibration needs a cross-entropy model: the outputs of an mse model are "
                      "not logits");
  if (data.count <= 0) throw ConfigError("the calibration set is empty");
  check_data_fits(network, data, "calibration");
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

}  // namespace digitpad
