#include "network.hpp"

#include <cstdio>
#include <string>

#include "errors.hpp"
#include "loss.hpp"

namespace digitpad {

void validate_temperature(float t) {
  if (!(t >= kMinTemperature && t <= kMaxTemperature)) {
    char message[96];
    std::snprintf(message, sizeof message, "calibration temperature must be in [%g, %g], got %g",
                  double(kMinTemperature), double(kMaxTemperature), double(t));
    throw ConfigError(message);
  }
}

namespace {

std::vector<std::unique_ptr<Layer>> build_layers(const Architecture& arch) {
  const Shape in = arch.input;
  if (in.height < 1 || in.width < 1 || in.channels < 1 || in.height > kMaxDimension ||
      in.width > kMaxDimension || in.channels > kMaxDimension ||
      int64_t(in.height) * in.width * in.channels > kMaxActivation)
    throw ConfigError("input shape " + in.str() + " is out of range");
  if (arch.layers.empty()) throw ConfigError("architecture has no layers");
  if (arch.layers.size() > size_t(kMaxLayers))
    throw ConfigError("architecture has " + std::to_string(arch.layers.size()) +
                      " layers; at most " + std::to_string(kMaxLayers) + " are supported");
  std::vector<std::unique_ptr<Layer>> layers;
  Shape shape = in;
  int64_t total = 0;
  for (size_t i = 0; i < arch.layers.size(); ++i) {
    layers.push_back(make_layer(arch.layers[i], shape, int(i)));
    shape = layers.back()->output_shape();
    total += layers.back()->param_count();
    if (total > kMaxParameters)
      throw ConfigError("architecture has more than " + std::to_string(kMaxParameters) +
                        " parameters");
  }
  if (shape.size() != kDigitClasses && shape.size() != kMaxClasses)
    throw ConfigError("the last layer must give 10 outputs (one per digit) or 11 (and \"not a "
                      "digit\"), not " + std::to_string(shape.size()));
  return layers;
}

}  // namespace

int64_t Network::parameter_count(const Architecture& arch) {
  int64_t total = 0;
  for (const auto& layer : build_layers(arch)) total += layer->param_count();
  return total;
}

std::vector<LayerSummary> Network::summarize(const Architecture& arch) {
  std::vector<LayerSummary> out;
  for (const auto& layer : build_layers(arch)) {
    const LayerSpec& spec = layer->spec();
    const Shape y = layer->output_shape();
    int64_t multiply_adds = 0;
    // A weight is used once per output position: dense once, a conv filter at every pixel.
    if (spec.kind == LayerKind::Dense) multiply_adds = layer->weight_count();
    if (spec.kind == LayerKind::Conv2D) multiply_adds = layer->weight_count() * y.height * y.width;
    out.push_back({spec.str(), y, layer->param_count(), multiply_adds});
  }
  return out;
}

Network::Network(const Architecture& arch, std::string name)
    : arch_(arch), name_(std::move(name)), layers_(build_layers(arch)) {
  int64_t total = 0;
  for (const auto& layer : layers_) total += layer->param_count();
  params_.assign(size_t(total), 0.0f);
  grads_.assign(size_t(total), 0.0f);
  decay_mask_.assign(size_t(total), 0.0f);
  int64_t offset = 0;
  for (auto& layer : layers_) {
    layer->bind(params_.data() + offset, grads_.data() + offset);
    std::fill_n(decay_mask_.begin() + offset, layer->weight_count(), 1.0f);
    offset += layer->param_count();
  }
  layers_.front()->set_input_grad_needed(false);
  layer_inputs_.resize(layers_.size());
}

std::vector<std::string> Network::class_labels() const {
  return std::vector<std::string>(kClassLabels, kClassLabels + classes());
}

void Network::set_temperature(float t) {
  validate_temperature(t);
  temperature_ = t;
}

void Network::init_params(uint64_t seed, Init choice) {
  Rng rng(seed);
  for (size_t i = 0; i < layers_.size(); ++i) {
    Init scheme = choice == Init::He ? Init::He : Init::Xavier;
    if (choice == Init::Auto) {
      // The activation that follows (skipping dropout/pool/flatten) decides.
      for (size_t j = i + 1; j < layers_.size(); ++j) {
        const LayerKind k = layers_[j]->spec().kind;
        if (k == LayerKind::ReLU) scheme = Init::He;
        if (k == LayerKind::ReLU || k == LayerKind::Sigmoid || k == LayerKind::Tanh ||
            k == LayerKind::Dense || k == LayerKind::Conv2D)
          break;
      }
    }
    layers_[i]->init_params(rng, scheme);
  }
}

const Matrix& Network::forward(const Matrix& x, const ForwardContext& ctx) {
  const Matrix* a = &x;
  for (size_t i = 0; i < layers_.size(); ++i) {
    layer_inputs_[i] = a;
    a = &layers_[i]->forward(*a, ctx);
  }
  return *a;
}

void Network::backward(const Matrix& dout) { backward_to_input(dout); }

const Matrix& Network::backward_to_input(const Matrix& dout) {
  const Matrix* d = &dout;
  for (size_t i = layers_.size(); i-- > 0;) d = &layers_[i]->backward(*layer_inputs_[i], *d);
  return *d;
}

namespace {

// While explaining: the first layer's input gradient on, parameter gradients off; training's
// settings come back when it ends, even by an exception.
class InputGradientsOnly {
 public:
  explicit InputGradientsOnly(std::vector<std::unique_ptr<Layer>>& layers)
      : layers_(layers), first_needed_(layers.front()->input_grad_needed()) {
    layers_.front()->set_input_grad_needed(true);
    for (auto& layer : layers_) layer->set_param_grads_needed(false);
  }
  ~InputGradientsOnly() {
    layers_.front()->set_input_grad_needed(first_needed_);
    for (auto& layer : layers_) layer->set_param_grads_needed(true);
  }
  InputGradientsOnly(const InputGradientsOnly&) = delete;
  InputGradientsOnly& operator=(const InputGradientsOnly&) = delete;

 private:
  std::vector<std::unique_ptr<Layer>>& layers_;
  bool first_needed_;
};

}  // namespace

void Network::explain(const Matrix& x, int target, Explanation& out) {
  if (x.rows() != input_shape().size() || x.cols() != 1)
    throw ConfigError("explain takes one input of " + std::to_string(input_shape().size()) +
                      " values");
  if (target < -1 || target >= classes())
    throw ConfigError("the class to explain must be -1 (the top one) or 0.." +
                      std::to_string(classes() - 1) + ", got " + std::to_string(target));
  InputGradientsOnly scope(layers_);
  const Matrix& scores = forward(x, ForwardContext{});  // classes x 1
  out.outputs.resize(layers_.size());
  for (size_t i = 0; i < layers_.size(); ++i)  // layer i's output is layer i+1's input
    out.outputs[i] = i + 1 < layers_.size() ? *layer_inputs_[i + 1] : scores;
  Eigen::Index top = 0;
  scores.col(0).maxCoeff(&top);
  out.target = target < 0 ? int(top) : target;
  // d score[target] / d scores: one-hot
  target_gradient_.setZero(classes(), 1);
  target_gradient_(out.target, 0) = 1.0f;
  out.gradient = backward_to_input(target_gradient_);
  out.gradient_times_input.resize(x.rows(), 1);
  out.gradient_times_input.array() = out.gradient.array() * x.array();
}

Matrix Network::layer_weights(int i) const {
  if (i < 0 || i >= layer_count())
    throw ConfigError("layer " + std::to_string(i) + " does not exist (the network has " +
                      std::to_string(layer_count()) + ")");
  int64_t offset = 0;
  for (int j = 0; j < i; ++j) offset += layers_[size_t(j)]->param_count();
  const Layer& layer = *layers_[size_t(i)];
  if (layer.weight_count() == 0)
    throw ConfigError("layer " + std::to_string(i) + " (" + layer.spec().str() +
                      ") has no weights");
  // Stored as W: units x fan_in, column-major (layers.hpp): a unit's weights are a row of W.
  const int units = layer.spec().units;  // dense outputs or conv filters
  const auto fan_in = Eigen::Index(layer.weight_count() / units);
  return Eigen::Map<const Matrix>(params_.data() + offset, units, fan_in).transpose();
}

void Network::predict(const Matrix& x, Matrix& probs) {
  // In slices of 64 samples: a convolution's im2col buffer grows with the batch (a 1,000-image
  // batch through 32 channels of 3x3 would need 900 MB), and WebAssembly has 2 GB at most.
  constexpr Eigen::Index kSlice = 64;
  if (x.cols() <= kSlice) {  // one slice: x itself outlives forward()
    probabilities(forward(x, ForwardContext{}), probs);
    return;
  }
  probs.resize(classes(), x.cols());
  Matrix slice, slice_probs;
  for (Eigen::Index first = 0; first < x.cols(); first += kSlice) {
    const Eigen::Index n = std::min(kSlice, x.cols() - first);
    slice = x.middleCols(first, n);  // outlives forward(), which may hand it back
    probabilities(forward(slice, ForwardContext{}), slice_probs);
    probs.middleCols(first, n) = slice_probs;
  }
}

void Network::probabilities(const Matrix& outputs, Matrix& probs) const {
  if (arch_.loss == LossKind::SoftmaxCrossEntropy) {
    softmax_columns(outputs, probs, temperature_);
    return;
  }
  probs = outputs.cwiseMax(0.0f);
  for (Eigen::Index j = 0; j < probs.cols(); ++j) {
    const float sum = probs.col(j).sum();
    if (sum > 0.0f) probs.col(j) /= sum;
    else probs.col(j).setConstant(1.0f / float(probs.rows()));
  }
}

}  // namespace digitpad
