#include "dataset.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "architecture.hpp"
#include "errors.hpp"

namespace digitpad {

Dataset Dataset::head(int n) const {
  return slice(0, n < 0 ? count : std::min(n, count));
}

Dataset Dataset::slice(int begin, int end) const {
  begin = std::clamp(begin, 0, count);
  end = std::clamp(end, begin, count);
  Dataset d;
  d.count = end - begin;
  d.rows = rows;
  d.cols = cols;
  d.images.assign(images.begin() + int64_t(begin) * image_size(),
                  images.begin() + int64_t(end) * image_size());
  d.labels.assign(labels.begin() + begin, labels.begin() + end);
  return d;
}

namespace {

uint32_t read_be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

void check_magic(const uint8_t* data, size_t size, uint32_t expected, size_t header,
                 const std::string& what, const char* kind) {
  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
    throw DataFormatError(what + " is gzip-compressed; decompress it first (gunzip)");
  if (size < header)
    throw DataFormatError(what + " is too short for an IDX " + kind + " header (" +
                          std::to_string(size) + " bytes)");
  const uint32_t magic = read_be32(data);
  if (magic != expected)
    throw DataFormatError(what + " is not an IDX " + kind + " file: magic " + hex(magic) +
                          ", expected " + hex(expected));
}

void check_labels(const uint8_t* labels, size_t count, const std::string& what) {
  for (size_t i = 0; i < count; ++i)
    if (labels[i] > kNotDigit)
      throw DataFormatError(what + ": label " + std::to_string(labels[i]) + " at index " +
                            std::to_string(i) + " is not a digit 0..9 or 10 (not a digit)");
}

}  // namespace

Dataset parse_idx(const uint8_t* images, size_t images_size, const uint8_t* labels,
                  size_t labels_size, const std::string& what_images,
                  const std::string& what_labels) {
  check_magic(images, images_size, 0x00000803, 16, what_images, "image");
  check_magic(labels, labels_size, 0x00000801, 8, what_labels, "label");
  const uint32_t count = read_be32(images + 4);
  const uint32_t rows = read_be32(images + 8);
  const uint32_t cols = read_be32(images + 12);
  const uint32_t label_count = read_be32(labels + 4);
  if (rows == 0 || cols == 0 || rows > 1024 || cols > 1024)
    throw DataFormatError(what_images + ": image size " + std::to_string(rows) + "x" +
                          std::to_string(cols) + " is out of range");
  if (count == 0) throw DataFormatError(what_images + " holds no images");
  const uint64_t expected_images = 16 + uint64_t(count) * rows * cols;
  if (images_size < expected_images)
    throw DataFormatError(what_images + " is truncated: header says " + std::to_string(count) +
                          " images of " + std::to_string(rows) + "x" + std::to_string(cols) +
                          " (" + std::to_string(expected_images) + " bytes), file has " +
                          std::to_string(images_size) + " bytes");
  if (images_size > expected_images)
    throw DataFormatError(what_images + " has " + std::to_string(images_size - expected_images) +
                          " bytes beyond the " + std::to_string(count) +
                          " images its header declares");
  const uint64_t expected_labels = 8 + uint64_t(label_count);
  if (labels_size != expected_labels)
    throw DataFormatError(what_labels + (labels_size < expected_labels ? " is truncated" : " is too long") +
                          ": header says " + std::to_string(label_count) + " labels (" +
                          std::to_string(expected_labels) + " bytes), file has " +
                          std::to_string(labels_size) + " bytes");
  if (label_count != count)
    throw DataFormatError("counts disagree: " + what_images + " has " + std::to_string(count) +
                          " images but " + what_labels + " has " + std::to_string(label_count) +
                          " labels");
  check_labels(labels + 8, label_count, what_labels);
  Dataset d;
  d.count = int(count);
  d.rows = int(rows);
  d.cols = int(cols);
  d.images.assign(images + 16, images + expected_images);
  d.labels.assign(labels + 8, labels + expected_labels);
  return d;
}

std::vector<uint8_t> read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw DataFormatError("cannot open " + path);
  const std::streamoff size = in.tellg();
  if (size < 0) throw DataFormatError("cannot read " + path);
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  in.seekg(0);
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size))
    throw DataFormatError("cannot read " + path);
  return bytes;
}

Dataset read_idx_files(const std::string& images_path, const std::string& labels_path) {
  const std::vector<uint8_t> images = read_file_bytes(images_path);
  const std::vector<uint8_t> labels = read_file_bytes(labels_path);
  return parse_idx(images.data(), images.size(), labels.data(), labels.size(), images_path,
                   labels_path);
}

void write_idx_files(const Dataset& data, const std::string& images_path, const std::string& labels_path) {
  const auto be32 = [](std::ofstream& out, uint32_t v) {
    for (int i = 3; i >= 0; --i) out.put(char(v >> (8 * i)));
  };
  std::ofstream images(images_path, std::ios::binary), labels(labels_path, std::ios::binary);
  be32(images, 0x803);
  be32(images, uint32_t(data.count));
  be32(images, uint32_t(data.rows));
  be32(images, uint32_t(data.cols));
  images.write(reinterpret_cast<const char*>(data.images.data()), std::streamsize(data.images.size()));
  be32(labels, 0x801);
  be32(labels, uint32_t(data.count));
  labels.write(reinterpret_cast<const char*>(data.labels.data()), std::streamsize(data.labels.size()));
  if (!images || !labels) throw std::runtime_error("cannot write " + images_path + " and " + labels_path);
}

Dataset make_dataset(std::vector<uint8_t> images, std::vector<uint8_t> labels, int rows, int cols) {
  if (rows < 1 || cols < 1 || rows > 1024 || cols > 1024)
    throw DataFormatError("image size " + std::to_string(rows) + "x" + std::to_string(cols) +
                          " is out of range");
  if (labels.empty()) throw DataFormatError("the data set is empty");
  const uint64_t image_size = uint64_t(rows) * uint64_t(cols);
  if (images.size() != labels.size() * image_size)
    throw DataFormatError("pixels and labels disagree: " + std::to_string(images.size()) +
                          " pixels is not " + std::to_string(labels.size()) + " images of " +
                          std::to_string(rows) + "x" + std::to_string(cols));
  check_labels(labels.data(), labels.size(), "labels");
  Dataset d;
  d.count = int(labels.size());
  d.rows = rows;
  d.cols = cols;
  d.images = std::move(images);
  d.labels = std::move(labels);
  return d;
}

}  // namespace digitpad
