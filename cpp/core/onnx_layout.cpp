#include "onnx_layout.hpp"

#include "errors.hpp"

namespace digitpad {

namespace {

// Calls visit(digitpad_index, onnx_index) for every parameter of the network: both are
// offsets into the whole block.
template <typename Visit>
void for_each_parameter(const Network& network, Visit visit) {
  int64_t offset = 0;
  // The image a dense layer reads (digitpad's columns are already flat, so a flatten between
  // keeps it); a dense layer's output is flat.
  Shape image = network.input_shape();
  for (int l = 0; l < network.layer_count(); ++l) {
    const Layer& layer = network.layer(l);
    const LayerSpec& spec = layer.spec();
    if (spec.kind == LayerKind::Conv2D) {
      const int F = spec.units, K = spec.kernel, C = layer.input_shape().channels;
      for (int f = 0; f < F; ++f)
        for (int c = 0; c < C; ++c)
          for (int ky = 0; ky < K; ++ky)
            for (int kx = 0; kx < K; ++kx)
              visit(offset + f + int64_t(F) * ((ky * K + kx) * C + c),   // F x (K*K*C), col-major
                    offset + ((int64_t(f) * C + c) * K + ky) * K + kx);  // OIHW
    } else if (spec.kind == LayerKind::Dense) {
      const int units = spec.units, H = image.height, W = image.width, C = image.channels;
      const int64_t in = image.size();
      for (int o = 0; o < units; ++o)
        for (int y = 0; y < H; ++y)
          for (int x = 0; x < W; ++x)
            for (int c = 0; c < C; ++c)
              visit(offset + o + int64_t(units) * ((int64_t(y) * W + x) * C + c),  // units x in, col-major
                    offset + o * in + (int64_t(c) * H + y) * W + x);                // row-major, CHW
    }
    for (int64_t b = layer.weight_count(); b < layer.param_count(); ++b) visit(offset + b, offset + b);
    offset += layer.param_count();
    // Only these change the shape; a flatten, a dropout or an activation keeps the image.
    if (spec.kind == LayerKind::Dense || spec.kind == LayerKind::Conv2D || spec.kind == LayerKind::MaxPool2D)
      image = layer.output_shape();
  }
}

}  // namespace

std::vector<float> parameters_to_onnx(const Network& network) {
  std::vector<float> onnx(size_t(network.param_count()));
  const float* params = network.params();
  for_each_parameter(network, [&](int64_t mine, int64_t theirs) { onnx[size_t(theirs)] = params[mine]; });
  return onnx;
}

void parameters_from_onnx(Network& network, const std::vector<float>& onnx) {
  if (int64_t(onnx.size()) != network.param_count())
    throw ConfigError("the architecture " + network.architecture().spec() + " has " +
                      std::to_string(network.param_count()) + " parameters, but " +
                      std::to_string(onnx.size()) + " were given");
  float* params = network.params();
  for_each_parameter(network, [&](int64_t mine, int64_t theirs) { params[mine] = onnx[size_t(theirs)]; });
}

}  // namespace digitpad
