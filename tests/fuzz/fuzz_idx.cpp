// libFuzzer target: any bytes as an IDX image/label pair (the first byte says where the image
// file ends). Parsing either succeeds or throws DataFormatError.
#include <cstdint>

#include "dataset.hpp"
#include "errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t split = std::min<size_t>(size - 1, size_t(data[0]) * 4);
  const uint8_t* images = data + 1;
  try {
    const digitpad::Dataset d = digitpad::parse_idx(images, split, images + split, size - 1 - split);
    if (d.images.size() != size_t(d.count) * size_t(d.image_size())) __builtin_trap();
  } catch (const digitpad::DataFormatError&) {
  }
  return 0;
}
