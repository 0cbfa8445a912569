// The model file: exact round trips, and a clear error for every kind of damage.
#include <gtest/gtest.h>

#include <Eigen/Core>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "errors.hpp"
#include "dataset.hpp"
#include "model_format.hpp"
#include "test_util.hpp"
#include "text.hpp"
#include "trainer.hpp"

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
// Of the parameter encoding (version 3).
size_t encoding_offset(const std::vector<uint8_t>& f) { return param_count_offset(f) + 4; }
size_t weights_offset(const std::vector<uint8_t>& f) {
  return param_count_offset(f) + (get_u32(f, kVersionOffset) >= 3 ? 8 : 4);
}
uint16_t get_u16(const std::vector<uint8_t>& f, size_t offset) {
  return uint16_t(f[offset] | f[offset + 1] << 8);
}

void put_u32(std::vector<uint8_t>& f, size_t offset, uint32_t v) { std::memcpy(&f[offset], &v, 4); }
void put_f32(std::vector<uint8_t>& f, size_t offset, float v) { std::memcpy(&f[offset], &v, 4); }

// Rewrites the checksum so that only the intended damage is seen.
void fix_checksum(std::vector<uint8_t>& f) {
  put_u32(f, f.size() - 4, crc32(f.data(), f.size() - 4));
}

// A version 3 float32 file rewritten as version 2 wrote it: no parameter encoding.
std::vector<uint8_t> as_version_2(const std::vector<uint8_t>& v3) {
  EXPECT_EQ(get_u32(v3, encoding_offset(v3)), uint32_t(ParamEncoding::Float32));
  std::vector<uint8_t> f = v3;
  f.erase(f.begin() + long(encoding_offset(v3)), f.begin() + long(encoding_offset(v3) + 4));
  put_u32(f, kVersionOffset, 2);
  fix_checksum(f);
  return f;
}

// A version 3 float32 file rewritten as version 1 wrote it: no label table, no temperature,
// no parameter encoding.
std::vector<uint8_t> as_version_1(const std::vector<uint8_t>& v3) {
  const std::vector<uint8_t> v2 = as_version_2(v3);
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

TEST(ModelFormat, ScaleLayerKeepsItsValuesThroughTheFile) {
  Network net(parse_architecture("scale:255:0.5,conv:2x3,relu,flatten,dense:10"), "scaled");
  net.init_params(7);
  const std::vector<uint8_t> bytes = serialize_model(net);
  const Network loaded = deserialize_model(bytes.data(), bytes.size());
  EXPECT_EQ(loaded.architecture().spec(), "input:28x28x1,scale:255:0.5,conv:2x3:same,relu,flatten,dense:10");
  EXPECT_EQ(loaded.architecture().layers[0], net.architecture().layers[0]);
}

TEST(ModelFormat, FileSizeIsHeaderPlusFourOrTwoBytesPerParameter) {
  Network net = small_network();
  // 32-byte fixed header + name + label count + 10 labels of 1 byte + temperature + layer
  // count + 20 per layer + param count + parameter encoding + weights + crc
  const size_t header = 32 + net.name().size() + 4 + 10 * (4 + 1) + 4 + 4 + 20 * 6 + 4 + 4;
  EXPECT_EQ(serialize_model(net).size(), header + 4 * net.param_count() + 4);
  EXPECT_EQ(serialize_model(net, ParamEncoding::Float16).size(), header + 2 * net.param_count() + 4);
}

TEST(ModelFormat, WritersWriteVersion3WithLabelsTemperatureAndEncoding) {
  Network net(parse_architecture("input:8x8x1,conv:3x3,relu,maxpool:2,flatten,dense:11"), "eleven");
  net.init_params(5);
  net.set_temperature(1.75f);
  const std::vector<uint8_t> bytes = serialize_model(net);
  EXPECT_EQ(get_u32(bytes, kVersionOffset), 3u);
  EXPECT_EQ(get_u32(bytes, label_table_offset(bytes)), 11u);
  EXPECT_EQ(get_u32(bytes, encoding_offset(bytes)), 0u);
  EXPECT_EQ(get_u32(serialize_model(net, ParamEncoding::Float16), encoding_offset(bytes)), 1u);
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
  // Saved again, it is version 3 and the same network.
  const std::vector<uint8_t> again = serialize_model(net);
  EXPECT_EQ(get_u32(again, kVersionOffset), 3u);
  EXPECT_EQ(as_version_1(again), eleven);

  Network ten = small_network();
  const Network from_v1 = [&] {
    const std::vector<uint8_t> v1 = as_version_1(serialize_model(ten));
    return deserialize_model(v1.data(), v1.size());
  }();
  EXPECT_EQ(from_v1.class_labels().size(), 10u);
  EXPECT_EQ(std::memcmp(from_v1.params(), ten.params(), size_t(ten.param_count()) * 4), 0);
}

TEST(ModelFormat, Version2FilesLoadAsFloat32) {
  Network net(parse_architecture("input:8x8x1,conv:3x3,relu,maxpool:2,flatten,dense:11"), "eleven");
  net.init_params(6);
  net.set_temperature(0.8f);
  const std::vector<uint8_t> v3 = serialize_model(net);
  const std::vector<uint8_t> v2 = as_version_2(v3);
  ASSERT_EQ(v2.size(), v3.size() - 4);
  ModelFileFormat format;
  const Network loaded = deserialize_model(v2.data(), v2.size(), &format);
  EXPECT_EQ(format.version, 2u);
  EXPECT_EQ(format.encoding, ParamEncoding::Float32);
  EXPECT_EQ(loaded.class_labels().size(), 11u);
  EXPECT_EQ(loaded.temperature(), 0.8f);
  ASSERT_EQ(loaded.param_count(), net.param_count());
  EXPECT_EQ(std::memcmp(loaded.params(), net.params(), size_t(net.param_count()) * 4), 0);
  // Saved again, it is version 3 (float32) and byte for byte what the network gives.
  EXPECT_EQ(serialize_model(loaded), v3);
}

TEST(ModelFormat, ShippedVersion2ModelsLoad) {
  int version_2_files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(DIGITPAD_MODELS_DIR)) {
    if (entry.path().extension() != ".bin") continue;
    const std::vector<uint8_t> bytes = read_file_bytes(entry.path().string());
    if (get_u32(bytes, kVersionOffset) != 2) continue;
    ++version_2_files;
    ModelFileFormat format;
    const Network net = deserialize_model(bytes.data(), bytes.size(), &format);
    EXPECT_EQ(format.version, 2u) << entry.path();
    EXPECT_EQ(format.encoding, ParamEncoding::Float32) << entry.path();
    EXPECT_EQ(serialize_model(net).size(), bytes.size() + 4) << entry.path();  // + the encoding
  }
  EXPECT_GE(version_2_files, 1);
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
  put_u32(f, kVersionOffset, 4);
  EXPECT_THAT(load_error(f), HasSubstr("unsupported model format version 4 (this build reads versions 1 to 3)"));
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
  for (ParamEncoding encoding : {ParamEncoding::Float32, ParamEncoding::Float16}) {
    const std::vector<uint8_t> full = serialize_model(small_network(), encoding);
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

// ---- Float16 parameters (version 3) -------------------------------------------------------

TEST(ModelFormat, Float16FileRoundTripsByteForByte) {
  Network net = small_network();
  net.set_temperature(1.25f);
  const std::vector<uint8_t> bytes = serialize_model(net, ParamEncoding::Float16);
  ModelFileFormat format;
  Network loaded = deserialize_model(bytes.data(), bytes.size(), &format);
  EXPECT_EQ(format.version, 3u);
  EXPECT_EQ(format.encoding, ParamEncoding::Float16);
  EXPECT_EQ(loaded.name(), "small test cnn");
  EXPECT_EQ(loaded.temperature(), 1.25f);
  EXPECT_EQ(serialize_model(loaded, ParamEncoding::Float16), bytes);
}

TEST(ModelFormat, Float16WeightsAreEigenHalfRoundingOfTheFloat32Ones) {
  Network net = small_network();
  const std::vector<uint8_t> bytes = serialize_model(net, ParamEncoding::Float16);
  const Network loaded = deserialize_model(bytes.data(), bytes.size());
  const size_t weights = weights_offset(bytes);
  for (int64_t i = 0; i < net.param_count(); ++i) {
    const Eigen::half expected(net.params()[i]);
    EXPECT_EQ(get_u16(bytes, weights + 2 * size_t(i)), Eigen::numext::bit_cast<uint16_t>(expected)) << i;
    EXPECT_EQ(loaded.params()[i], float(expected)) << i;
  }
}

TEST(ModelFormat, Float16KnownConversions) {
  struct Case {
    float value;
    uint16_t bits;
    float loaded;
  };
  const Case cases[] = {
      {1.0f, 0x3C00, 1.0f},
      {-2.5f, 0xC100, -2.5f},
      {65504.0f, 0x7BFF, 65504.0f},                           // the largest float16
      {std::ldexp(1.0f, -24), 0x0001, std::ldexp(1.0f, -24)},  // the smallest subnormal
      {std::ldexp(1.0f, -26), 0x0000, 0.0f},                  // below half of it: zero
      {1.0f + std::ldexp(1.0f, -11), 0x3C00, 1.0f},            // halfway: to the even 1.0
      {1.0f + 3 * std::ldexp(1.0f, -11), 0x3C02, 1.0f + std::ldexp(1.0f, -9)},  // halfway: up to even
  };
  Network net = small_network();
  for (size_t k = 0; k < std::size(cases); ++k) net.params()[k] = cases[k].value;
  const std::vector<uint8_t> bytes = serialize_model(net, ParamEncoding::Float16);
  const Network loaded = deserialize_model(bytes.data(), bytes.size());
  for (size_t k = 0; k < std::size(cases); ++k) {
    EXPECT_EQ(get_u16(bytes, weights_offset(bytes) + 2 * k), cases[k].bits) << cases[k].value;
    EXPECT_EQ(loaded.params()[k], cases[k].loaded) << cases[k].value;
  }
}

TEST(ModelFormat, Float16ModelPredictsLikeTheFloat32OneOnMnist) {
  Network net = load_model_file(DIGITPAD_MODELS_DIR "/small-cnn.bin");
  const std::vector<uint8_t> half = serialize_model(net, ParamEncoding::Float16);
  Network loaded = deserialize_model(half.data(), half.size());
  const Dataset test = read_idx_files(test::mnist_path("t10k-images-idx3-ubyte"),
                                      test::mnist_path("t10k-labels-idx1-ubyte"));
  Matrix x, p32, p16;
  images_to_matrix(test, 0, 500, x);
  net.predict(x, p32);
  loaded.predict(x, p16);
  EXPECT_LT((p32 - p16).cwiseAbs().maxCoeff(), 1e-2f);
  EXPECT_GT((p32 - p16).cwiseAbs().maxCoeff(), 0.0f);  // the weights did change
}

TEST(ModelFormat, UnknownParameterEncoding) {
  std::vector<uint8_t> f = serialize_model(small_network());
  put_u32(f, encoding_offset(f), 7);
  fix_checksum(f);
  EXPECT_EQ(load_error(f), "unknown parameter encoding 7 (0 float32, 1 float16)");
}

TEST(ModelFormat, TruncatedFloat16Weights) {
  const Network net = small_network();
  const std::vector<uint8_t> full = serialize_model(net, ParamEncoding::Float16);
  const std::vector<uint8_t> f(full.begin(), full.begin() + long(weights_offset(full) + 11));
  EXPECT_EQ(load_error(f), "model file truncated: expected " + with_commas(uint64_t(2 * net.param_count())) +
                               " bytes of weights and a 4-byte checksum, found 11");
  const std::vector<uint8_t> g(full.begin(), full.begin() + long(encoding_offset(full) + 2));
  EXPECT_THAT(load_error(g), HasSubstr("bytes of parameter encoding"));
}

TEST(ModelFormat, Float16NaNAndInfWeights) {
  for (uint16_t bad : {uint16_t(0x7E00), uint16_t(0x7C00), uint16_t(0xFC00)}) {
    std::vector<uint8_t> f = serialize_model(small_network(), ParamEncoding::Float16);
    std::memcpy(&f[weights_offset(f) + 2 * 5], &bad, 2);
    fix_checksum(f);
    EXPECT_EQ(load_error(f), std::string("model weights contain ") + (bad == 0x7E00 ? "NaN" : "Inf") +
                                 " at parameter 5 (layer 1 (conv:3x3:same))");
  }
}

TEST(ModelFormat, Float16BadChecksumAndTrailingBytes) {
  std::vector<uint8_t> f = serialize_model(small_network(), ParamEncoding::Float16);
  f.push_back(0);
  EXPECT_THAT(load_error(f), HasSubstr("1 unexpected bytes after the checksum"));
  f.pop_back();
  f[weights_offset(f) + 7] ^= 0x01;
  EXPECT_THAT(load_error(f), HasSubstr("bad checksum"));
}

TEST(ModelFormat, RefusesToSaveAsFloat16AWeightBeyondItsRange) {
  Network net = small_network();
  const int64_t dense_weight = net.param_count() - 20;  // in the last layer
  net.params()[dense_weight] = -65505.0f;
  EXPECT_EQ(expect_throw_message([&] { serialize_model(net, ParamEncoding::Float16); }),
            "cannot save as float16: parameter " + with_commas(uint64_t(dense_weight)) +
                " (layer 6 (dense:10)) is -65505, beyond float16's largest 65504");
  serialize_model(net);  // float32 holds it
  net.params()[dense_weight] = 65504.0f;
  serialize_model(net, ParamEncoding::Float16);
}

TEST(ModelFormat, ParamEncodingNames) {
  EXPECT_EQ(parse_param_encoding("f32", "--weights"), ParamEncoding::Float32);
  EXPECT_EQ(parse_param_encoding("f16", "--weights"), ParamEncoding::Float16);
  EXPECT_EQ(expect_throw_message([] { parse_param_encoding("half", "--weights"); }),
            "--weights must be f32 or f16, got 'half'");
  EXPECT_STREQ(param_encoding_name(ParamEncoding::Float16), "float16");
  EXPECT_EQ(param_encoding_bytes(ParamEncoding::Float16), 2u);
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
