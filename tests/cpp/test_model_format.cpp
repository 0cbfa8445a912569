// The model file: exact round trips, and a clear error for every kind of damage.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "errors.hpp"
#include "dataset.hpp"
#include "model_format.hpp"
#include "test_util.hpp"

using namespace digitpad;
using digitpad::test::expect_throw_message;
using digitpad::test::random_matrix;
using ::testing::HasSubstr;

namespace {

const char* kSmallCnn = "input:8x8x1,conv:3x3:same,relu,maxpool:2,flatten,dropout:0.25,dense:10";

Network small_network() {
  Network net(parse_architecture(kSmallCnn), "small test cnn");
  net.init_params(42);
  return net;
}

// Offsets in a file of small_network(): see docs/model-format.md.
constexpr size_t kNameLengthOffset = 28;
size_t layer_count_offset(const std::vector<uint8_t>& f) {
  uint32_t name_len;
  std::memcpy(&name_len, f.data() + kNameLengthOffset, 4);
  return kNameLengthOffset + 4 + name_len;
}
size_t param_count_offset(const std::vector<uint8_t>& f) {
  uint32_t layers;
  std::memcpy(&layers, f.data() + layer_count_offset(f), 4);
  return layer_count_offset(f) + 4 + 20 * layers;
}
size_t weights_offset(const std::vector<uint8_t>& f) { return param_count_offset(f) + 4; }

void put_u32(std::vector<uint8_t>& f, size_t offset, uint32_t v) { std::memcpy(&f[offset], &v, 4); }

// Rewrites the checksum so that only the intended damage is seen.
void fix_checksum(std::vector<uint8_t>& f) {
  put_u32(f, f.size() - 4, crc32(f.data(), f.size() - 4));
}

std::string load_error(const std::vector<uint8_t>& f) {
  try {
    deserialize_model(f.data(), f.size());
  } catch (const ModelFormatError& e) {
    return e.what();
  }
  ADD_FAILURE() << "the damaged file loaded";
  return "";
}

}  // namespace

TEST(ModelFormat, SaveThenLoadIsBitIdentical) {
  Network net = small_network();
  const std::vector<uint8_t> bytes = serialize_model(net);
  Network loaded = deserialize_model(bytes.data(), bytes.size());
  ASSERT_EQ(loaded.param_count(), net.param_count());
  EXPECT_EQ(std::memcmp(loaded.params(), net.params(), size_t(net.param_count()) * 4), 0);
  EXPECT_EQ(loaded.name(), "small test cnn");
  EXPECT_EQ(loaded.architecture().spec(), net.architecture().spec());
  EXPECT_EQ(loaded.architecture().loss, net.architecture().loss);
  EXPECT_EQ(serialize_model(loaded), bytes);

  const Matrix x = random_matrix(64, 4, 1, 0, 1);
  Matrix p1, p2;
  net.predict(x, p1);
  loaded.predict(x, p2);
  EXPECT_EQ(std::memcmp(p1.data(), p2.data(), size_t(p1.size()) * 4), 0);
}

TEST(ModelFormat, FileSizeIsHeaderPlusFourBytesPerParameter) {
  Network net = small_network();
  const std::vector<uint8_t> bytes = serialize_model(net);
  // 32-byte fixed header + name + layer count + 20 per layer + param count + weights + crc
  EXPECT_EQ(bytes.size(), 32 + net.name().size() + 4 + 20 * 6 + 4 + 4 * net.param_count() + 4);
}

TEST(ModelFormat, MseModelRoundTrips) {
  Network net(parse_architecture("784-16-10:sigmoid,sigmoid", LossKind::MeanSquaredError));
  net.init_params(1);
  const std::vector<uint8_t> bytes = serialize_model(net);
  EXPECT_EQ(deserialize_model(bytes.data(), bytes.size()).architecture().loss,
            LossKind::MeanSquaredError);
}

TEST(ModelFormat, EmptyFile) {
  EXPECT_THAT(load_error({}), HasSubstr("empty"));
}

TEST(ModelFormat, TruncatedAnywhere) {
  const std::vector<uint8_t> full = serialize_model(small_network());
  for (size_t cut : {size_t(5), size_t(10), size_t(30), layer_count_offset(full) + 10,
                     weights_offset(full) + 3, full.size() - 1}) {
    const std::vector<uint8_t> f(full.begin(), full.begin() + long(cut));
    EXPECT_THAT(load_error(f), HasSubstr("truncated")) << "cut at " << cut;
  }
}

TEST(ModelFormat, WrongMagic) {
  std::vector<uint8_t> f = serialize_model(small_network());
  f[0] = 'X';
  EXPECT_THAT(load_error(f), HasSubstr("wrong magic"));
  const std::string png = "\x89PNG\r\n\x1a\n and the rest of an image";
  EXPECT_THAT(load_error(std::vector<uint8_t>(png.begin(), png.end())), HasSubstr("wrong magic"));
}

TEST(ModelFormat, UnknownVersion) {
  std::vector<uint8_t> f = serialize_model(small_network());
  put_u32(f, 8, 2);
  EXPECT_THAT(load_error(f), HasSubstr("unsupported model format version 2"));
}

TEST(ModelFormat, UnknownLayer) {
  std::vector<uint8_t> f = serialize_model(small_network());
  put_u32(f, layer_count_offset(f) + 4 + 20 * 2, 99);  // third layer's type
  EXPECT_THAT(load_error(f), HasSubstr("unknown layer type 99 in layer 3"));
}

TEST(ModelFormat, SizesDoNotMatch) {
  std::vector<uint8_t> f = serialize_model(small_network());
  uint32_t count;
  std::memcpy(&count, &f[param_count_offset(f)], 4);
  put_u32(f, param_count_offset(f), count + 1);
  fix_checksum(f);
  EXPECT_THAT(load_error(f), HasSubstr("sizes do not match"));

  // A layer whose size changed while the weights stayed: also a mismatch.
  std::vector<uint8_t> g = serialize_model(small_network());
  put_u32(g, layer_count_offset(g) + 4 + 4, 4);  // conv filters 3 -> 4
  EXPECT_THAT(load_error(g), HasSubstr("sizes do not match"));
}

TEST(ModelFormat, ImpossibleArchitecture) {
  std::vector<uint8_t> f = serialize_model(small_network());
  put_u32(f, layer_count_offset(f) + 4 + 8, 30);  // conv kernel 3 -> 30 on an 8x8 input
  EXPECT_THAT(load_error(f), HasSubstr("invalid architecture"));
}

TEST(ModelFormat, NaNAndInfWeights) {
  for (float bad : {std::nanf(""), INFINITY, -INFINITY}) {
    std::vector<uint8_t> f = serialize_model(small_network());
    std::memcpy(&f[weights_offset(f) + 4 * 5], &bad, 4);
    fix_checksum(f);
    EXPECT_THAT(load_error(f), HasSubstr(std::isnan(bad) ? "NaN" : "Inf"));
  }
}

TEST(ModelFormat, BadChecksum) {
  std::vector<uint8_t> f = serialize_model(small_network());
  f[weights_offset(f) + 17] ^= 0x01;  // one flipped bit in a weight
  EXPECT_THAT(load_error(f), HasSubstr("bad checksum"));
}

TEST(ModelFormat, TrailingBytes) {
  std::vector<uint8_t> f = serialize_model(small_network());
  f.push_back(0);
  EXPECT_THAT(load_error(f), HasSubstr("unexpected bytes"));
}

TEST(ModelFormat, HugeDeclaredSizesAreRejectedWithoutAllocating) {
  std::vector<uint8_t> f = serialize_model(small_network());
  put_u32(f, layer_count_offset(f) + 4 + 20 * 5 + 4, 4000);  // dense 10 -> 4000 units
  EXPECT_THAT(load_error(f), HasSubstr("invalid architecture"));
  put_u32(f, layer_count_offset(f), 0xFFFFFFFFu);  // layer count
  EXPECT_THAT(load_error(f), HasSubstr("layer count"));
  put_u32(f, kNameLengthOffset, 0x7FFFFFFFu);  // name length
  EXPECT_THAT(load_error(f), HasSubstr("model name"));
}

// Every single-byte change either loads or throws ModelFormatError: never a crash, never
// another exception type, never a read out of bounds (the sanitizer build checks the last).
TEST(ModelFormat, EveryByteFlipIsHandled) {
  const std::vector<uint8_t> full = serialize_model(small_network());
  for (size_t i = 0; i < full.size(); ++i) {
    for (uint8_t flip : {uint8_t(0x01), uint8_t(0x80), uint8_t(0xFF)}) {
      std::vector<uint8_t> f = full;
      f[i] ^= flip;
      try {
        deserialize_model(f.data(), f.size());
      } catch (const ModelFormatError&) {
      }
    }
  }
}

// Inputs the fuzzer once found trouble with (tests/fuzz/regressions/model-*): they load or
// throw ModelFormatError, and the sanitizer build checks they do nothing undefined.
TEST(ModelFormat, FuzzerRegressions) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(DIGITPAD_FUZZ_REGRESSIONS_DIR)) {
    if (entry.path().filename().string().rfind("model-", 0) != 0) continue;
    ++files;
    const std::vector<uint8_t> bytes = read_file_bytes(entry.path().string());
    try {
      deserialize_model(bytes.data(), bytes.size());
    } catch (const ModelFormatError& e) {
      EXPECT_GT(std::string(e.what()).size(), 10u) << entry.path();
    }
  }
  EXPECT_GE(files, 1);
}

TEST(ModelFormat, RefusesToSaveNaNWeights) {
  Network net = small_network();
  net.params()[3] = std::nanf("");
  EXPECT_THAT(expect_throw_message([&] { serialize_model(net); }), HasSubstr("NaN"));
}

TEST(ModelFormat, Crc32KnownValue) {
  const std::string s = "123456789";
  EXPECT_EQ(crc32(reinterpret_cast<const uint8_t*>(s.data()), s.size()), 0xCBF43926u);
}
