// The architecture of a network as data: what the spec string, the model file and the
// network constructor all agree on.
//
// Spec grammar (comma-separated layers; see README "Architecture specs"):
//   784-128-64-10            MLP shorthand: input 784 (28x28x1), dense 128, relu, dense 64,
//   784-100-10:sigmoid       relu, dense 10; ":sigmoid" / ":tanh" picks the hidden activation
//   input:28x28x1            input shape (default 28x28x1)
//   dense:N  conv:FxK[:same|:valid][:sS]  maxpool:K[:sS]  flatten  dropout:P
//   relu  sigmoid  tanh
//   scale:A:B                y = A*x + B elementwise: how an imported model wants its input
//                            (255x for 0..255, (x - mean) / std), see onnx_layout.hpp
// Example CNN: "conv:32x5:same,relu,maxpool:2,conv:64x5:same,relu,maxpool:2,flatten,dense:128,relu,dense:10"
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace digitpad {

// A sample's shape. Images are stored height x width x channels with the channel index
// fastest (HWC), so one 28x28 MNIST image is 784 floats in IDX order.
struct Shape {
  int height = 1;
  int width = 1;
  int channels = 1;
  // 64-bit: a hostile model file can ask for 4096 x 4096 x 4096 before validation says no.
  int64_t size() const { return int64_t(height) * width * channels; }
  bool operator==(const Shape& o) const {
    return height == o.height && width == o.width && channels == o.channels;
  }
  std::string str() const;  // "28x28x1"
};

enum class LayerKind : uint32_t {
  Dense = 1,
  Conv2D = 2,
  MaxPool2D = 3,
  Flatten = 4,
  Dropout = 5,
  ReLU = 6,
  Sigmoid = 7,
  Tanh = 8,
  Scale = 9,
};

enum class LossKind : uint32_t {
  SoftmaxCrossEntropy = 0,  // the network's last layer gives logits
  MeanSquaredError = 1,     // the network's last layer gives outputs compared to one-hot targets
};

// How weights start: Xavier/Glorot (normal, variance 2/(fan_in+fan_out)) or He (2/fan_in).
// Auto picks He for a layer followed by ReLU and Xavier otherwise.
enum class Init { Auto, Xavier, He };

struct LayerSpec {
  LayerKind kind = LayerKind::Dense;
  int units = 0;      // Dense: outputs; Conv2D: filters
  int kernel = 0;     // Conv2D, MaxPool2D: window size
  int stride = 1;     // Conv2D, MaxPool2D
  int padding = 0;    // Conv2D: zero padding on each side
  float rate = 0.0f;  // Dropout: probability of dropping a unit
  float scale = 1.0f; // Scale: y = scale * x + shift
  float shift = 0.0f;

  std::string str() const;  // the spec token, e.g. "conv:32x5:same"
  bool operator==(const LayerSpec& o) const;
};

struct Architecture {
  Shape input{28, 28, 1};
  std::vector<LayerSpec> layers;
  LossKind loss = LossKind::SoftmaxCrossEntropy;

  std::string spec() const;  // canonical spec string (parse(spec()) gives the same layers)
};

// Limits that keep a hostile spec or model file from asking for absurd memory.
constexpr int kMaxLayers = 64;
constexpr int kMaxDimension = 4096;            // any height, width, channels or units
constexpr int64_t kMaxParameters = 64 << 20;   // 64 Mi floats = 256 MB
constexpr int64_t kMaxActivation = 16 << 20;   // floats per sample in any layer
// A network's outputs: the ten digits, and optionally an eleventh, "not a digit" (a dot, a
// letter, a scribble), trained on label kNotDigit.
constexpr int kDigitClasses = 10;
constexpr int kNotDigit = 10;
constexpr int kMaxClasses = 11;
// What each output means, as the model file, `digitpad info` and the JS model info name it.
inline constexpr const char* kClassLabels[kMaxClasses] = {"0", "1", "2", "3", "4", "5", "6",
                                                          "7", "8", "9", "not a digit"};

// Parses a spec string; throws ConfigError naming the bad token.
Architecture parse_architecture(const std::string& spec,
                                LossKind loss = LossKind::SoftmaxCrossEntropy);

// Loss names on the command line and in the JS API: "ce" / "mse".
LossKind parse_loss(const std::string& name);
const char* loss_name(LossKind loss);

}  // namespace digitpad
