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

// What a network did with one input, layer by layer: the studio's "why this answer".
struct Explanation {
  int target = -1;              // the class explained
  std::vector<Matrix> outputs;  // each layer's output for the input: layer(i).output_shape().size() x 1
  Matrix gradient;              // d score[target] / d input: input size x 1
  Matrix gradient_times_input;  // gradient .* input, elementwise: input size x 1
};

// One layer of an architecture, as the layer editor shows it: what it computes for one image.
struct LayerSummary {
  std::string name;         // the spec token, e.g. "conv:16x3:same"
  Shape output;             // its output shape
  int64_t parameters = 0;   // weights and biases
  int64_t multiply_adds = 0;  // per image, forward: dense units x inputs, conv per output value a patch
};

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
  // The same validation, and each layer's output shape, parameters and multiply-adds.
  static std::vector<LayerSummary> summarize(const Architecture& arch);

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

  // Explains one input x (input size x 1, as forward takes it) at inference: every layer's
  // output, and by a backward pass to the input the gradient of the target class's score
  // (its logit for cross-entropy models, its output for MSE: the probabilities' softmax would
  // only dim the map where the network is sure). target: a class, or -1 for the top one.
  // Reuses out's buffers, so explaining input after input allocates nothing. grads() and
  // what training's backward computes are left as they were. Throws ConfigError for a bad
  // target or shape.
  void explain(const Matrix& x, int target, Explanation& out);

  // Layer i's weights, one column per output unit (a conv filter as its K x K x C patch in HWC
  // order, a dense unit as its fan-in in the input's HWC order): fan_in x units. Throws
  // ConfigError for a layer without weights.
  Matrix layer_weights(int i) const;

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
  Matrix target_gradient_;                    // explain's one-hot dout: classes x 1

  // Backward from dout (classes x batch) through every layer; returns the first layer's input
  // gradient (empty unless that layer's input gradient is on).
  const Matrix& backward_to_input(const Matrix& dout);
};

}  // namespace digitpad
