// Optimizers own their state (velocities, moment estimates) and update the network's one
// parameter block in place from its gradient block: params, grads: n floats.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "tensor.hpp"
#include "train_options.hpp"

namespace digitpad {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  virtual void step(float* params, const float* grads, int64_t n, float learning_rate) = 0;
};

// v = momentum * v - lr * g; w += v. Momentum 0 is plain SGD.
class SgdMomentum : public Optimizer {
 public:
  SgdMomentum(int64_t n, float momentum) : velocity_(size_t(n), 0.0f), momentum_(momentum) {}
  void step(float* params, const float* grads, int64_t n, float learning_rate) override;

 private:
  FloatBuffer velocity_;
  float momentum_;
};

// Kingma & Ba 2015, with bias-corrected moment estimates.
class Adam : public Optimizer {
 public:
  Adam(int64_t n, float beta1, float beta2, float epsilon)
      : m_(size_t(n), 0.0f), v_(size_t(n), 0.0f), beta1_(beta1), beta2_(beta2), epsilon_(epsilon) {}
  void step(float* params, const float* grads, int64_t n, float learning_rate) override;

 private:
  FloatBuffer m_, v_;
  float beta1_, beta2_, epsilon_;
  int64_t t_ = 0;
};

std::unique_ptr<Optimizer> make_optimizer(const TrainOptions& options, int64_t param_count);

}  // namespace digitpad
