#include "optimizer.hpp"

#include <Eigen/Core>
#include <cmath>

namespace digitpad {

void SgdMomentum::step(float* weight, const float* grad, int64_t n, float lr) {
  // One pass (two Eigen assignments would be two passes over 3 arrays of the whole network).
  float* velocity = velocity_.data();
  const float momentum = momentum_;
  for (int64_t i = 0; i < n; ++i) {
    const float v = momentum * velocity[i] - lr * grad[i];
    velocity[i] = v;
    weight[i] += v;
  }
}

void Adam::step(float* params, const float* grads, int64_t n, float lr) {
  using Array = Eigen::Map<Eigen::ArrayXf>;
  Array w(params, n), m(m_.data(), n), v(v_.data(), n);
  Eigen::Map<const Eigen::ArrayXf> g(grads, n);
  ++t_;
  const float b1 = beta1_, b2 = beta2_;
  m = b1 * m + (1.0f - b1) * g;
  v = b2 * v + (1.0f - b2) * g.square();
  const float m_scale = 1.0f / (1.0f - std::pow(b1, float(t_)));
  const float v_scale = 1.0f / (1.0f - std::pow(b2, float(t_)));
  w -= lr * (m * m_scale) / ((v * v_scale).sqrt() + epsilon_);
}

std::unique_ptr<Optimizer> make_optimizer(const TrainOptions& o, int64_t param_count) {
  if (o.optimizer == OptimizerKind::Adam)
    return std::make_unique<Adam>(param_count, o.beta1, o.beta2, o.epsilon);
  return std::make_unique<SgdMomentum>(param_count, o.momentum);
}

}  // namespace digitpad
