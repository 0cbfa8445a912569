// libFuzzer target: any bytes as a model file. Loading either succeeds or throws
// ModelFormatError; a loaded model must predict without trouble.
#include <cstdint>

#include "errors.hpp"
#include "model_format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    digitpad::Network net = digitpad::deserialize_model(data, size);
    digitpad::Matrix x = digitpad::Matrix::Constant(net.input_shape().size(), 2, 0.5f), probs;
    net.predict(x, probs);
    // One probability per output, finite at any temperature the loader accepts.
    if (probs.rows() != net.classes() || !probs.allFinite()) __builtin_trap();
  } catch (const digitpad::ModelFormatError&) {
  }
  return 0;
}
