// Layers in the spirit of MiniDNN: each layer owns its caches (outputs, input gradients,
// im2col buffers), resizes them when the batch size changes, and writes products with
// noalias(). Convention: one COLUMN is one sample, so every activation matrix is
// features x batch, and images inside a column are HWC (see architecture.hpp).
//
// Parameters are not owned by layers: the Network keeps all of them in one contiguous float
// block and binds each layer to its slice (weights first, then biases).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "architecture.hpp"
#include "rng.hpp"
#include "tensor.hpp"

namespace digitpad {

struct ForwardContext {
  bool training = false;  // dropout is active only while training
  Rng* rng = nullptr;     // dropout masks; required when training
};

class Layer {
 public:
  Layer(const LayerSpec& spec, Shape input, Shape output)
      : spec_(spec), input_shape_(input), output_shape_(output) {}
  virtual ~Layer() = default;
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;

  const LayerSpec& spec() const { return spec_; }
  Shape input_shape() const { return input_shape_; }
  Shape output_shape() const { return output_shape_; }

  // Parameters: weights first (subject to L2 decay), then biases.
  virtual int64_t param_count() const { return 0; }
  virtual int64_t weight_count() const { return 0; }
  virtual void bind(float* /*params*/, float* /*grads*/) {}
  // scheme is Xavier or He: the network resolves Init::Auto before it asks a layer.
  virtual void init_params(Rng& /*rng*/, Init /*scheme*/) {}

  // x: in x batch -> out x batch. The returned reference stays valid until the next call.
  virtual const Matrix& forward(const Matrix& x, const ForwardContext& ctx) = 0;
  // x: the input given to forward; dy: out x batch. Writes parameter gradients (batch means
  // come from dy) and returns dx: in x batch (left empty when input gradients are off).
  virtual const Matrix& backward(const Matrix& x, const Matrix& dy) = 0;

  // The first layer's input gradient is never used in training; skipping it saves a GEMM.
  void set_input_grad_needed(bool needed) { input_grad_needed_ = needed; }
  bool input_grad_needed() const { return input_grad_needed_; }
  // Explaining an input (Network::explain) needs only input gradients: skipping the
  // parameter gradients halves a weighted layer's backward pass.
  void set_param_grads_needed(bool needed) { param_grads_needed_ = needed; }

 protected:
  LayerSpec spec_;
  Shape input_shape_;
  Shape output_shape_;
  bool input_grad_needed_ = true;
  bool param_grads_needed_ = true;
  Matrix y_;   // output cache: out x batch
  Matrix dx_;  // input-gradient cache: in x batch
};

// A layer with a weight matrix W (outputs x fan_in) and one bias per output, bound to its slice of
// the network's parameter block as [W column-major | b].
class WeightedLayer : public Layer {
 public:
  WeightedLayer(const LayerSpec& spec, Shape input, Shape output, int outputs, int fan_in)
      : Layer(spec, input, output), outputs_(outputs), fan_in_(fan_in) {}
  int64_t param_count() const override { return weight_count() + outputs_; }
  int64_t weight_count() const override { return int64_t(outputs_) * fan_in_; }
  void bind(float* params, float* grads) override;

 protected:
  // Normal weights with the scheme's standard deviation, zero biases.
  void init_normal(Rng& rng, Init scheme, int64_t fan_in, int64_t fan_out);

  int outputs_, fan_in_;
  MatrixMap w_{nullptr, 0, 0}, dw_{nullptr, 0, 0};  // outputs x fan_in
  VectorMap b_{nullptr, 0}, db_{nullptr, 0};        // outputs
};

// y = W x + b with W: out x in.
class DenseLayer : public WeightedLayer {
 public:
  DenseLayer(const LayerSpec& spec, Shape input);
  void init_params(Rng& rng, Init scheme) override;
  const Matrix& forward(const Matrix& x, const ForwardContext& ctx) override;
  const Matrix& backward(const Matrix& x, const Matrix& dy) override;
};

// Convolution as im2col + one GEMM over the whole batch:
//   cols: (K*K*C) x (Ho*Wo*batch), row index (ky*K + kx)*C + c
//   y viewed as F x (Ho*Wo*batch) = W (F x K*K*C) * cols, which in column-major memory is
//   exactly the batch of HWC output columns.
class Conv2DLayer : public WeightedLayer {  // W: F x K*K*C
 public:
  Conv2DLayer(const LayerSpec& spec, Shape input);
  void init_params(Rng& rng, Init scheme) override;
  const Matrix& forward(const Matrix& x, const ForwardContext& ctx) override;
  const Matrix& backward(const Matrix& x, const Matrix& dy) override;

 private:
  Matrix patches_;   // im2col: K*K*C x Ho*Wo*batch
  Matrix dpatches_;
};

class MaxPool2DLayer : public Layer {
 public:
  MaxPool2DLayer(const LayerSpec& spec, Shape input);
  const Matrix& forward(const Matrix& x, const ForwardContext& ctx) override;
  const Matrix& backward(const Matrix& x, const Matrix& dy) override;

 private:
  std::vector<int> argmax_;  // per output element: the input row that won (out x batch)
};

// A shape marker: our columns are already flat, so the data passes through unchanged.
class FlattenLayer : public Layer {
 public:
  FlattenLayer(const LayerSpec& spec, Shape input);
  const Matrix& forward(const Matrix& x, const ForwardContext& ctx) override;
  const Matrix& backward(const Matrix& x, const Matrix& dy) override;
};

// Inverted dropout: kept units are scaled by 1/(1-p) in training, so inference is identity.
class DropoutLayer : public Layer {
 public:
  DropoutLayer(const LayerSpec& spec, Shape input);
  const Matrix& forward(const Matrix& x, const ForwardContext& ctx) override;
  const Matrix& backward(const Matrix& x, const Matrix& dy) override;

 private:
  Matrix mask_;  // 0 or 1/(1-p): in x batch
  bool masked_ = false;
};

// ReLU, sigmoid and tanh: elementwise, no parameters.
class ActivationLayer : public Layer {
 public:
  ActivationLayer(const LayerSpec& spec, Shape input);
  const Matrix& forward(const Matrix& x, const ForwardContext& ctx) override;
  const Matrix& backward(const Matrix& x, const Matrix& dy) override;
};

// y = scale * x + shift elementwise, no parameters: the input an imported network was trained
// on (0..255, or normalised with a mean and standard deviation) made from digitpad's 0..1.
class ScaleLayer : public Layer {
 public:
  ScaleLayer(const LayerSpec& spec, Shape input);
  const Matrix& forward(const Matrix& x, const ForwardContext& ctx) override;
  const Matrix& backward(const Matrix& x, const Matrix& dy) override;
};

// Builds the layer for a spec, validating it against its input shape (throws ConfigError).
std::unique_ptr<Layer> make_layer(const LayerSpec& spec, Shape input, int index);

}  // namespace digitpad
