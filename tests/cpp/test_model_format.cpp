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

// Offsets in a model file: see docs/model-format.md.
constexpr size_t kVersionOffset = 8;
constexpr size_t kNameLengthOffset = 28;
uint32_t get_u32(const std::vector<uint8_t>& f, size_t offset) {
  uint32_t v;
  std::memcpy(&v, f.data() + offset, 4);
  return v;
}
size_t label_table_offset(const std::vector<uint8_t>& f) {
  return kNameLengthOffset + 4 + get_u32(f, kNameLengthOffset);
}
// Of label i's length (version 2).
size_t label_offset(const std::vector<uint8_t>& f, uint32_t i) {
  size_t offset = label_table_offset(f) + 4;
  for (uint32_t k = 0; k < i; ++k) offset += 4 + get_u32(f, offset);
  return offset;
}
size_t temperature_offset(const std::vector<uint8_t>& f) {
  return label_offset(f, get_u32(f, label_table_offset(f)));
}
size_t layer_count_offset(const std::vector<uint8_t>& f) {
  return get_u32(f, kVersionOffset) == 1 ? label_table_offset(f) : temperature_offset(f) + 4;
}
size_t param_count_offset(const std::vector<uint8_t>& f) {
  return layer_count_offset(f) + 4 + 20 * get_u32(f, layer_count_offset(f));
}
size_t weights_offset(const std::vector<uint8_t>& f) { return param_count_offset(f) + 4; }

void put_u32(std::vector<uint8_t>& f, size_t offset, uint32_t v) { std::memcpy(&f[offset], &v, 4); }
void put_f32(std::vector<uint8_t>& f, size_t offset, float v) { std::memcpy(&f[offset], &v, 4); }

// Rewrites the checksum so that only the intended damage is seen.
void fix_checksum(std::vector<uint8_t>& f) {
  put_u32(f, f.size() - 4, crc32(f.data(), f.size() - 4));
}

// A version 2 file rewritten as version 1 wrote it: no label table, no temperature.
std::vector<uint8_t> as_version_1(const std::vector<uint8_t>& v2) {
  std::vector<uint8_t> f(v2.begin(), v2.begin() + long(label_table_offset(v2)));
  f.insert(f.end(), v2.begin() + long(temperature_offset(v2) + 4), v2.end());
  put_u32(f, kVersionOffset, 1);
  fix_checksum(f);
  return f;
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
  // 32-byte fixed header + name + label count + 10 labels of 1 byte + temperature + layer
  // count + 20 per layer + param count + weights + crc
  EXPECT_EQ(bytes.size(), 32 + net.name().size() + 4 + 10 * (4 + 1) + 4 + 4 + 20 * 6 + 4 +
                              4 * net.param_count() + 4);
}

TEST(ModelFormat, WritersWriteVersion2WithLabelsAndTemperature) {
  Network net(parse_architecture("input:8x8x1,conv:3x3,relu,maxpool:2,flatten,dense:11"), "eleven");
  net.init_params(5);
  net.set_temperature(1.75f);
  const std::vector<uint8_t> bytes = serialize_model(net);
  EXPECT_EQ(get_u32(bytes, kVersionOffset), 2u);
  EXPECT_EQ(get_u32(bytes, label_table_offset(bytes)), 11u);
  Network loaded = deserialize_model(bytes.data(), bytes.size());
  EXPECT_EQ(loaded.class_labels(),
            (std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "not a digit"}));
  EXPECT_EQ(loaded.temperature(), 1.75f);
  ASSERT_EQ(loaded.param_count(), net.param_count());
  EXPECT_EQ(std::memcmp(loaded.params(), net.params(), size_t(net.param_count()) * 4), 0);
  EXPECT_EQ(serialize_model(loaded), bytes);

  Network ten = small_network();
  const std::vector<uint8_t> ten_bytes = serialize_model(ten);
  const Network ten_loaded = deserialize_model(ten_bytes.data(), ten_bytes.size());
  EXPECT_EQ(ten_loaded.class_labels(),
            (std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));
  EXPECT_EQ(ten_loaded.temperature(), 1.0f);
}

TEST(ModelFormat, Version1FilesLoadAsUncalibratedWithLabelsFromTheOutputs) {
  // The fixture was written by the version 1 writer (commit d0e72fc's digitpad train).
  const std::vector<uint8_t> eleven = read_file_bytes(DIGITPAD_TEST_FIXTURES_DIR "/model-v1-11-outputs.bin");
  ASSERT_EQ(get_u32(eleven, kVersionOffset), 1u);
  Network net = deserialize_model(eleven.data(), eleven.size());
  EXPECT_EQ(net.classes(), 11);
  EXPECT_EQ(net.class_labels().back(), "not a digit");
  EXPECT_EQ(net.temperature(), 1.0f);
  // Saved again, it is version 2 and the same network.
  const std::vector<uint8_t> again = serialize_model(net);
  EXPECT_EQ(get_u32(again, kVersionOffset), 2u);
  EXPECT_EQ(as_version_1(again), eleven);

  Network ten = small_network();
  const Network from_v1 = [&] {
    const std::vector<uint8_t> v1 = as_version_1(serialize_model(ten));
    return deserialize_model(v1.data(), v1.size());
  }();
  EXPECT_EQ(from_v1.class_labels().size(), 10u);
  EXPECT_EQ(std::memcmp(from_v1.params(), ten.params(), size_t(ten.param_count()) * 4), 0);
}

TEST(ModelFormat, ShippedVersion1ModelsLoadWithDigitLabelsAndNoCalibration) {
  int version_1_files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(DIGITPAD_MODELS_DIR)) {
    if (entry.path().extension() != ".bin") continue;
    const std::vector<uint8_t> bytes = read_file_bytes(entry.path().string());
    const Network net = deserialize_model(bytes.data(), bytes.size());
    if (get_u32(bytes, kVersionOffset) != 1) continue;
    ++version_1_files;
    EXPECT_EQ(net.class_labels(), std::vector<std::string>(kClassLabels, kClassLabels + 10)) << entry.path();
    EXPECT_EQ(net.temperature(), 1.0f) << entry.path();
  }
  EXPECT_GE(version_1_files, 1) << "no version 1 model left in models/ (tests/cpp/fixtures still has one)";
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
  put_u32(f, kVersionOffset, 3);
  EXPECT_THAT(load_error(f), HasSubstr("unsupported model format version 3 (this build reads versions 1 to 2)"));
  put_u32(f, kVersionOffset, 0);
  EXPECT_THAT(load_error(f), HasSubstr("unsupported model format version 0"));
}

// ---- The class-label table and the temperature (version 2) --------------------------------

TEST(ModelFormat, LabelCountMustBeTheNetworksOutputs) {
  // An eleventh label ("not a digit") on a network of 10 outputs.
  std::vector<uint8_t> f = serialize_model(small_network());
  const std::string extra = "not a digit";
  std::vector<uint8_t> entry(4 + extra.size());
  put_u32(entry, 0, uint32_t(extra.size()));
  std::memcpy(&entry[4], extra.data(), extra.size());
  f.insert(f.begin() + long(temperature_offset(f)), entry.begin(), entry.end());
  put_u32(f, label_table_offset(f), 11);
  fix_checksum(f);
  EXPECT_EQ(load_error(f), "class labels: 11 labels but the network gives 10 outputs");

  std::vector<uint8_t> g = serialize_model(small_network());
  put_u32(g, label_table_offset(g), 12);
  EXPECT_EQ(load_error(g), "class labels: 12 labels, but a network gives 10 or 11 outputs");
  put_u32(g, label_table_offset(g), 0xFFFFFFFFu);
  EXPECT_THAT(load_error(g), HasSubstr("class labels: 4,294,967,295 labels"));
}

TEST(ModelFormat, LabelTooLong) {
  std::vector<uint8_t> f = serialize_model(small_network());
  put_u32(f, label_offset(f, 3), 100000);
  EXPECT_EQ(load_error(f), "class labels: label 3 is 100,000 bytes; at most 64 are allowed");
}

TEST(ModelFormat, LabelTableRunsPastTheEnd) {
  const std::vector<uint8_t> full = serialize_model(small_network());
  for (size_t cut : {label_table_offset(full) + 2, label_offset(full, 4) + 2, label_offset(full, 4) + 4}) {
    const std::vector<uint8_t> f(full.begin(), full.begin() + long(cut));
    EXPECT_THAT(load_error(f), HasSubstr("model file truncated: expected")) << "cut at " << cut;
    EXPECT_THAT(load_error(f), HasSubstr("of class labels")) << "cut at " << cut;
  }
  const std::vector<uint8_t> f(full.begin(), full.begin() + long(temperature_offset(full) + 1));
  EXPECT_THAT(load_error(f), HasSubstr("bytes of calibration temperature"));
}

TEST(ModelFormat, UnexpectedLabelText) {
  std::vector<uint8_t> f = serialize_model(small_network());
  f[label_offset(f, 3) + 4] = 'x';
  EXPECT_EQ(load_error(f), "class labels: output 3 is labelled \"x\", expected \"3\"");
  f[label_offset(f, 3) + 4] = 0x07;  // bytes that are not text are shown as escapes
  EXPECT_EQ(load_error(f), "class labels: output 3 is labelled \"\\x07\", expected \"3\"");
}

TEST(ModelFormat, BadTemperature) {
  for (float bad : {0.0f, -1.0f, 0.01f, 100.0f, std::nanf(""), INFINITY}) {
    std::vector<uint8_t> f = serialize_model(small_network());
    put_f32(f, temperature_offset(f), bad);
    fix_checksum(f);
    EXPECT_THAT(load_error(f), HasSubstr("calibration temperature must be in [0.05, 20], got ")) << bad;
  }
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
