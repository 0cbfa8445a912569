// A feed-forward network: a list of layers built from an Architecture, with every parameter
// in one contiguous float block (llm.c style) that layers view through Eigen maps. Saving,
// loading, optimizers and the JS bindings all work on that one span.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "architecture.hpp"
#include "layers.hpp"

namespace digitpad {

// The range of a calibration temperature (see Network::temperature): wide enough for any
// network worth calibrating, narrow enough that a damaged file cannot flatten or sharpen the
// probabilities absurdly.
constexpr float kMinTemperature = 0.05f;
constexpr float kMaxTemperature = 20.0f;

// Throws ConfigError unless t is in [kMinTemperature, kMaxTemperature] (NaN is not).
void validate_temperature(float t);

class Network {
 public:
  // Validates the architecture against its input shape (throws ConfigError) and allocates
  // zeroed parameters. The last layer must produce the 10 digits, or 11 with "not a digit".
  explicit Network(const Architecture& arch, std::string name = "");
  Network(Network&&) = default;
  Network& operator=(Network&&) = default;

  // Validates an architecture and counts its parameters without allocating them, so a
  // loader can check a file's sizes before trusting it (throws ConfigError).
  static int64_t parameter_count(const Architecture& arch);

  const Architecture& architecture() const { return arch_; }
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  Shape input_shape() const { return arch_.input; }
  // 10 (digits) or 11 (digits and kNotDigit).
  int classes() const { return int(layers_.back()->output_shape().size()); }
  // The name of each output: kClassLabels' first classes() entries.
  std::vector<std::string> class_labels() const;

  // Calibration: predict() gives softmax(logits / temperature) for cross-entropy models (MSE
  // models ignore it), so a model's confidence can match how often it is right. 1 is
  // uncalibrated; fit_temperature (calibration.hpp) finds a better one. Training is unaffected.
  float temperature() const { return temperature_; }
  void set_temperature(float t);  // throws ConfigError (validate_temperature)
  int layer_count() const { return int(layers_.size()); }
  const Layer& layer(int i) const { return *layers_[size_t(i)]; }

  int64_t param_count() const { return int64_t(params_.size()); }
  float* params() { return params_.data(); }
  const float* params() const { return params_.data(); }
  float* grads() { return grads_.data(); }
  // 1 for weights (L2 decay applies), 0 for biases: one entry per parameter.
  const FloatBuffer& decay_mask() const { return decay_mask_; }

  void init_params(uint64_t seed, Init choice = Init::Auto);

  // x: input size x batch, values 0..1 -> last layer's outputs: classes x batch (logits for the
  // cross-entropy loss). The reference is valid until the next forward.
  const Matrix& forward(const Matrix& x, const ForwardContext& ctx);
  // dout: classes x batch, the loss gradient for the last forward. Writes grads().
  void backward(const Matrix& dout);

  // Class probabilities, classes x batch: softmax of the logits over the temperature for
  // cross-entropy models; for MSE models the outputs clamped at 0 and normalised to sum 1.
  void predict(const Matrix& x, Matrix& probs);
  // The same from the last layer's outputs (forward's result): classes x batch both.
  void probabilities(const Matrix& outputs, Matrix& probs) const;

 private:
  Architecture arch_;
  std::string name_;
  float temperature_ = 1.0f;
  std::vector<std::unique_ptr<Layer>> layers_;
  FloatBuffer params_, grads_, decay_mask_;
  std::vector<const Matrix*> layer_inputs_;  // inputs of the last forward, for backward
};

}  // namespace digitpad
