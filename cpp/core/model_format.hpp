// The digitpad model file (docs/model-format.md has the byte layout). Version 2 adds what the
// outputs mean (the class labels) and the calibration temperature; version 3 says how the
// parameters are stored (float32, or float16 for half the bytes). Writers write version 3;
// version 1 and 2 files still load (float32; version 1: labels from the output count,
// temperature 1). Loading validates every field before trusting it and throws
// ModelFormatError saying what is wrong; it never reads outside the given buffer.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "network.hpp"

namespace digitpad {

constexpr char kModelMagic[8] = {'D', 'I', 'G', 'I', 'T', 'P', 'A', 'D'};
constexpr uint32_t kModelVersion = 3;        // the version written
constexpr uint32_t kOldestModelVersion = 1;  // the oldest version read
constexpr uint32_t kMaxModelNameBytes = 256;
constexpr uint32_t kMaxClassLabelBytes = 64;

// CRC-32 (IEEE 802.3, as zlib and PNG use it).
uint32_t crc32(const uint8_t* data, size_t size);

// How a file stores the parameters (version 3's "parameter encoding"; versions 1 and 2 are
// float32). In memory a network is float32 whatever its file said.
enum class ParamEncoding : uint32_t {
  Float32 = 0,  // IEEE-754 binary32
  Float16 = 1,  // IEEE-754 binary16, rounded to nearest even: half the bytes
};
const char* param_encoding_name(ParamEncoding encoding);  // "float32", "float16"
size_t param_encoding_bytes(ParamEncoding encoding);      // bytes per parameter: 4, 2
// The names tools and JS take, "f32" or "f16"; anything else throws ConfigError naming `what`
// (the flag or argument) and the names.
ParamEncoding parse_param_encoding(const std::string& text, const std::string& what);

// How a loaded file stored its network, for the tools that show or keep it.
struct ModelFileFormat {
  uint32_t version = kModelVersion;
  ParamEncoding encoding = ParamEncoding::Float32;
};

// Throws ModelFormatError if any parameter is NaN or infinite (such a model is not saved), or
// for float16, beyond its range (+-65,504): the error names the parameter and its layer.
std::vector<uint8_t> serialize_model(const Network& network,
                                     ParamEncoding encoding = ParamEncoding::Float32);
// `format`, if given, receives the file's version and parameter encoding.
Network deserialize_model(const uint8_t* data, size_t size, ModelFileFormat* format = nullptr);

void save_model_file(const Network& network, const std::string& path,
                     ParamEncoding encoding = ParamEncoding::Float32);
Network load_model_file(const std::string& path, ModelFileFormat* format = nullptr);

}  // namespace digitpad
