#include "loss.hpp"

#include <cmath>

namespace digitpad {

float softmax_cross_entropy(const Matrix& logits, const uint8_t* labels, Matrix& dlogits) {
  const Eigen::Index classes = logits.rows(), batch = logits.cols();
  dlogits.resize(classes, batch);
  const float inv_batch = 1.0f / float(batch);
  double total = 0.0;
  for (Eigen::Index n = 0; n < batch; ++n) {
    const float* z = logits.data() + n * classes;
    float* d = dlogits.data() + n * classes;
    float max_z = z[0];
    for (Eigen::Index k = 1; k < classes; ++k) max_z = std::max(max_z, z[k]);
    float sum = 0.0f;
    for (Eigen::Index k = 0; k < classes; ++k) {
      d[k] = std::exp(z[k] - max_z);
      sum += d[k];
    }
    const float inv_sum = 1.0f / sum;
    for (Eigen::Index k = 0; k < classes; ++k) d[k] *= inv_sum * inv_batch;
    d[labels[n]] -= inv_batch;
    total += double(std::log(sum) + max_z - z[labels[n]]);
  }
  return float(total / double(batch));
}

float softmax_cross_entropy_reference(const Matrix& logits, const uint8_t* labels,
                                      Matrix& dlogits) {
  Matrix probs = logits.array().exp().matrix();
  for (Eigen::Index n = 0; n < probs.cols(); ++n) probs.col(n) /= probs.col(n).sum();
  double total = 0.0;
  dlogits = probs;
  for (Eigen::Index n = 0; n < probs.cols(); ++n) {
    total -= std::log(double(probs(labels[n], n)));
    dlogits(labels[n], n) -= 1.0f;
  }
  dlogits /= float(probs.cols());
  return float(total / double(probs.cols()));
}

float mean_squared_error(const Matrix& outputs, const uint8_t* labels, Matrix& doutputs) {
  const Eigen::Index batch = outputs.cols();
  doutputs = outputs;
  for (Eigen::Index n = 0; n < batch; ++n) doutputs(labels[n], n) -= 1.0f;
  const double total = 0.5 * double(doutputs.squaredNorm());
  doutputs /= float(batch);
  return float(total / double(batch));
}

float compute_loss(LossKind kind, const Matrix& outputs, const uint8_t* labels, Matrix& doutputs) {
  return kind == LossKind::MeanSquaredError ? mean_squared_error(outputs, labels, doutputs)
                                            : softmax_cross_entropy(outputs, labels, doutputs);
}

void softmax_columns(const Matrix& logits, Matrix& probs, float temperature) {
  probs.resize(logits.rows(), logits.cols());
  for (Eigen::Index n = 0; n < logits.cols(); ++n) {
    const float max_z = logits.col(n).maxCoeff();
    // (z - max) / T: the same softmax as z / T, and exp never overflows.
    probs.col(n) = ((logits.col(n).array() - max_z) / temperature).exp().matrix();
    probs.col(n) /= probs.col(n).sum();
  }
}

}  // namespace digitpad
