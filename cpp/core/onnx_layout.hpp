// digitpad's parameters in the layouts ONNX (and PyTorch) use, and back. The one place that
// knows both layouts: the ONNX graph itself is built and read in JavaScript
// (web/src/onnx/), which hands this the parameters as one flat block in the network's layer
// order, each weighted layer as [weights | biases] exactly as in the network's own block:
//   conv2d: W as OIHW, F x C x K x K (ONNX Conv's W);
//   dense:  W as units x in, row-major (ONNX Gemm's B with transB=1), with `in` in NCHW order
//           (channel slowest) when the layer reads an image: ONNX's Flatten of N x C x H x W
//           gives that order, while digitpad's columns are HWC (channel fastest).
// The input is 28x28x1, where HWC and CHW are the same order.
#pragma once
#include <vector>

#include "network.hpp"

namespace digitpad {

std::vector<float> parameters_to_onnx(const Network& network);
// Throws ConfigError unless `onnx` holds exactly network.param_count() values.
void parameters_from_onnx(Network& network, const std::vector<float>& onnx);

}  // namespace digitpad
