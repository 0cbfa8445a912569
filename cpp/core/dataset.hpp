// Labelled digit images as MNIST stores them, and the IDX file reader.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace digitpad {

// count images of rows x cols uint8 pixels (0 = background, 255 = ink), row-major, one
// after another, and one label per image: 0..9, or 10 (kNotDigit) for ink that is no digit.
struct Dataset {
  int count = 0;
  int rows = 0;
  int cols = 0;
  std::vector<uint8_t> images;
  std::vector<uint8_t> labels;

  int image_size() const { return rows * cols; }
  const uint8_t* image(int i) const { return images.data() + int64_t(i) * image_size(); }
  // The first n samples (or all, if n is larger or negative).
  Dataset head(int n) const;
  // Samples [begin, end).
  Dataset slice(int begin, int end) const;
};

// Parses the IDX pair (images: magic 0x00000803, labels: magic 0x00000801) from bytes and
// validates magic numbers, dimensions, sizes, counts and label values. Throws
// DataFormatError naming which file and what is wrong. what_images / what_labels name the
// inputs in messages (file paths for the native tool).
Dataset parse_idx(const uint8_t* images, size_t images_size, const uint8_t* labels,
                  size_t labels_size, const std::string& what_images = "images",
                  const std::string& what_labels = "labels");

std::vector<uint8_t> read_file_bytes(const std::string& path);  // throws DataFormatError
// Writes the IDX pair read_idx_files() reads (big-endian headers, as MNIST's); throws
// std::runtime_error when a file cannot be written.
void write_idx_files(const Dataset& data, const std::string& images_path, const std::string& labels_path);
Dataset read_idx_files(const std::string& images_path, const std::string& labels_path);

// Builds a dataset from pixel and label buffers (e.g. copied from JavaScript), taking them
// over without a copy; validates sizes and labels (throws DataFormatError).
Dataset make_dataset(std::vector<uint8_t> images, std::vector<uint8_t> labels, int rows, int cols);

}  // namespace digitpad
