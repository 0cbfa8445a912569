// The digitpad model file (docs/model-format.md has the byte layout). Version 2 adds what the
// outputs mean (the class labels) and the calibration temperature; writers write version 2,
// and version 1 files still load (labels from the output count, temperature 1). Loading
// validates every field before trusting it and throws ModelFormatError saying what is wrong;
// it never reads outside the given buffer.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "network.hpp"

namespace digitpad {

constexpr char kModelMagic[8] = {'D', 'I', 'G', 'I', 'T', 'P', 'A', 'D'};
constexpr uint32_t kModelVersion = 2;        // the version written
constexpr uint32_t kOldestModelVersion = 1;  // the oldest version read
constexpr uint32_t kMaxModelNameBytes = 256;
constexpr uint32_t kMaxClassLabelBytes = 64;

// CRC-32 (IEEE 802.3, as zlib and PNG use it).
uint32_t crc32(const uint8_t* data, size_t size);

// Throws ModelFormatError if any parameter is NaN or infinite (such a model is not saved).
std::vector<uint8_t> serialize_model(const Network& network);
Network deserialize_model(const uint8_t* data, size_t size);

void save_model_file(const Network& network, const std::string& path);
Network load_model_file(const std::string& path);

}  // namespace digitpad
