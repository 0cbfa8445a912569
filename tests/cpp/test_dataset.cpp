// The IDX reader accepts MNIST and rejects malformed files with a message saying why.
#include <gtest/gtest.h>

#include "dataset.hpp"
#include "errors.hpp"
#include "test_util.hpp"

using namespace digitpad;
using ::testing::HasSubstr;

namespace {

void put_be32(std::vector<uint8_t>& f, uint32_t v) {
  for (int i = 3; i >= 0; --i) f.push_back(uint8_t(v >> (8 * i)));
}

std::vector<uint8_t> idx_images(uint32_t count, uint32_t rows, uint32_t cols, size_t pixels) {
  std::vector<uint8_t> f;
  put_be32(f, 0x803);
  put_be32(f, count);
  put_be32(f, rows);
  put_be32(f, cols);
  for (size_t i = 0; i < pixels; ++i) f.push_back(uint8_t(i * 7));
  return f;
}

std::vector<uint8_t> idx_labels(uint32_t count, size_t n) {
  std::vector<uint8_t> f;
  put_be32(f, 0x801);
  put_be32(f, count);
  for (size_t i = 0; i < n; ++i) f.push_back(uint8_t(i % 10));
  return f;
}

std::string parse_error(const std::vector<uint8_t>& images, const std::vector<uint8_t>& labels) {
  try {
    parse_idx(images.data(), images.size(), labels.data(), labels.size());
  } catch (const DataFormatError& e) {
    return e.what();
  }
  ADD_FAILURE() << "malformed IDX accepted";
  return "";
}

}  // namespace

TEST(Idx, ParsesAWellFormedPair) {
  const Dataset d = parse_idx(idx_images(3, 2, 4, 24).data(), 16 + 24, idx_labels(3, 3).data(), 11);
  EXPECT_EQ(d.count, 3);
  EXPECT_EQ(d.rows, 2);
  EXPECT_EQ(d.cols, 4);
  EXPECT_EQ(d.image(1)[0], uint8_t(8 * 7));
  EXPECT_EQ(d.labels, (std::vector<uint8_t>{0, 1, 2}));
}

TEST(Idx, RejectsWrongMagic) {
  std::vector<uint8_t> images = idx_images(3, 2, 4, 24);
  images[3] = 0x01;  // a label file's magic where images belong
  EXPECT_THAT(parse_error(images, idx_labels(3, 3)), HasSubstr("not an IDX image file"));
  EXPECT_THAT(parse_error(idx_images(3, 2, 4, 24), idx_images(3, 2, 4, 24)),
              HasSubstr("not an IDX label file"));
}

TEST(Idx, RejectsTruncatedFiles) {
  EXPECT_THAT(parse_error(idx_images(3, 2, 4, 23), idx_labels(3, 3)), HasSubstr("truncated"));
  EXPECT_THAT(parse_error(idx_images(3, 2, 4, 24), idx_labels(3, 2)), HasSubstr("truncated"));
  const std::vector<uint8_t> header_only = {0, 0, 8, 3, 0, 0};
  EXPECT_THAT(parse_error(header_only, idx_labels(3, 3)), HasSubstr("too short"));
}

TEST(Idx, RejectsExtraBytes) {
  EXPECT_THAT(parse_error(idx_images(3, 2, 4, 25), idx_labels(3, 3)), HasSubstr("beyond"));
  EXPECT_THAT(parse_error(idx_images(3, 2, 4, 24), idx_labels(3, 4)), HasSubstr("too long"));
}

TEST(Idx, RejectsCountsThatDisagree) {
  EXPECT_THAT(parse_error(idx_images(3, 2, 4, 24), idx_labels(4, 4)), HasSubstr("counts disagree"));
}

TEST(Idx, RejectsAbsurdDimensionsAndEmptyFiles) {
  EXPECT_THAT(parse_error(idx_images(1, 0, 4, 0), idx_labels(1, 1)), HasSubstr("out of range"));
  EXPECT_THAT(parse_error(idx_images(0xFFFFFFFF, 1024, 1024, 8), idx_labels(1, 1)),
              HasSubstr("truncated"));
  EXPECT_THAT(parse_error(idx_images(0, 28, 28, 0), idx_labels(0, 0)), HasSubstr("no images"));
}

TEST(Idx, RejectsLabelsThatAreNeitherDigitsNorNotADigit) {
  std::vector<uint8_t> labels = idx_labels(3, 3);
  labels[9] = 11;
  EXPECT_THAT(parse_error(idx_images(3, 2, 4, 24), labels), HasSubstr("label 11 at index 1 is not a digit 0..9 or 10"));
  labels[9] = kNotDigit;  // "not a digit" examples are labels too
  const std::vector<uint8_t> images = idx_images(3, 2, 4, 24);
  EXPECT_EQ(parse_idx(images.data(), images.size(), labels.data(), labels.size()).labels[1], kNotDigit);
}

TEST(Idx, RecognisesGzipAndSaysSo) {
  const std::vector<uint8_t> gz = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_THAT(parse_error(gz, idx_labels(3, 3)), HasSubstr("gzip"));
}

TEST(Idx, ReadsTheRealMnistFiles) {
  const Dataset test = read_idx_files(test::mnist_path("t10k-images-idx3-ubyte"),
                                      test::mnist_path("t10k-labels-idx1-ubyte"));
  EXPECT_EQ(test.count, 10000);
  EXPECT_EQ(test.rows, 28);
  EXPECT_EQ(test.cols, 28);
  EXPECT_EQ(test.labels[0], 7);  // MNIST's first test digit is a 7
  EXPECT_EQ(test.labels[1], 2);
}

TEST(Idx, MissingFileIsAClearError) {
  EXPECT_THAT(test::expect_throw_message([] { read_file_bytes("/nonexistent/file"); }),
              HasSubstr("cannot open /nonexistent/file"));
}

TEST(Dataset, MakeDatasetValidatesSizes) {
  const std::vector<uint8_t> pixels(784 * 2), labels = {1, 2};
  EXPECT_EQ(make_dataset(pixels, labels, 28, 28).count, 2);
  EXPECT_THROW(make_dataset(std::vector<uint8_t>(784 * 2 - 1), labels, 28, 28), DataFormatError);
  EXPECT_THROW(make_dataset({}, {}, 28, 28), DataFormatError);
  EXPECT_THROW(make_dataset(pixels, {1, 12}, 28, 28), DataFormatError);
}
