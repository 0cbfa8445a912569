#include "model_format.hpp"

#include <Eigen/Core>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "dataset.hpp"
#include "errors.hpp"
#include "text.hpp"

namespace digitpad {

namespace {

// The parameter encodings, indexed by their value in the file.
struct ParamEncodingInfo {
  const char* short_name;  // what tools and JS take
  const char* name;
  size_t bytes;
};
constexpr ParamEncodingInfo kParamEncodings[] = {{"f32", "float32", 4}, {"f16", "float16", 2}};

const ParamEncodingInfo& info_of(ParamEncoding encoding) {
  const size_t index = size_t(encoding);
  assert(index < std::size(kParamEncodings));
  return kParamEncodings[index];
}

}  // namespace

const char* param_encoding_name(ParamEncoding encoding) { return info_of(encoding).name; }
size_t param_encoding_bytes(ParamEncoding encoding) { return info_of(encoding).bytes; }

ParamEncoding parse_param_encoding(const std::string& text, const std::string& what) {
  std::string names;
  for (size_t i = 0; i < std::size(kParamEncodings); ++i) {
    if (text == kParamEncodings[i].short_name) return ParamEncoding(i);
    names += std::string(i ? " or " : "") + kParamEncodings[i].short_name;
  }
  throw ConfigError(what + " must be " + names + ", got '" + text + "'");
}

uint32_t crc32(const uint8_t* data, size_t size) {
  static const auto table = [] {
    std::vector<uint32_t> t(256);
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i) crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

namespace {

constexpr size_t kLayerRecordBytes = 20;

class Writer {
 public:
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes.push_back(uint8_t(v >> (8 * i)));
  }
  void f32(float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    u32(bits);
  }
  void param(float v, ParamEncoding encoding) {
    if (encoding == ParamEncoding::Float32) return f32(v);
    const auto bits = Eigen::numext::bit_cast<uint16_t>(Eigen::half(v));  // nearest, ties to even
    bytes.push_back(uint8_t(bits));
    bytes.push_back(uint8_t(bits >> 8));
  }
  void raw(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    bytes.insert(bytes.end(), b, b + n);
  }
  std::vector<uint8_t> bytes;
};

// Bounds-checked little-endian reader: every read names what it was reading when the file
// ends too early.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  size_t offset() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }
  void need(size_t n, const char* what) const {
    if (remaining() < n)
      throw ModelFormatError("model file truncated: expected " + with_commas(n) + " bytes of " +
                             what + " at offset " + with_commas(pos_) + ", found " +
                             with_commas(remaining()));
  }
  uint32_t u32(const char* what) {
    need(4, what);
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t(data_[pos_ + size_t(i)]) << (8 * i);
    pos_ += 4;
    return v;
  }
  float f32(const char* what) {
    const uint32_t bits = u32(what);
    float v;
    std::memcpy(&v, &bits, 4);
    return v;
  }
  const uint8_t* take(size_t n, const char* what) {
    need(n, what);
    const uint8_t* p = data_ + pos_;
    pos_ += n;
    return p;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

LayerSpec read_layer(Reader& r, int index) {
  const uint32_t kind = r.u32("layer record");
  const uint32_t a = r.u32("layer record"), b = r.u32("layer record"), c = r.u32("layer record"),
                 d = r.u32("layer record");
  LayerSpec s;
  if (kind < uint32_t(LayerKind::Dense) || kind > uint32_t(LayerKind::Scale))
    throw ModelFormatError("unknown layer type " + std::to_string(kind) + " in layer " +
                           std::to_string(index + 1));
  s.kind = LayerKind(kind);
  // Values far beyond any limit are cut to the limit + 1 so int conversion cannot wrap;
  // the network constructor then rejects them with a message.
  auto to_int = [](uint32_t v) { return int(std::min<uint32_t>(v, 1u << 20)); };
  switch (s.kind) {
    case LayerKind::Dense: s.units = to_int(a); break;
    case LayerKind::Conv2D:
      s.units = to_int(a);
      s.kernel = to_int(b);
      s.stride = to_int(c);
      s.padding = to_int(d);
      break;
    case LayerKind::MaxPool2D:
      s.kernel = to_int(a);
      s.stride = to_int(b);
      break;
    case LayerKind::Dropout: std::memcpy(&s.rate, &d, 4); break;
    case LayerKind::Scale:
      std::memcpy(&s.scale, &c, 4);
      std::memcpy(&s.shift, &d, 4);
      break;
    default: break;
  }
  return s;
}

void write_layer(Writer& w, const LayerSpec& s) {
  uint32_t rate_bits = 0, scale_bits = 0, shift_bits = 0;
  std::memcpy(&rate_bits, &s.rate, 4);
  std::memcpy(&scale_bits, &s.scale, 4);
  std::memcpy(&shift_bits, &s.shift, 4);
  w.u32(uint32_t(s.kind));
  switch (s.kind) {
    case LayerKind::Dense: w.u32(uint32_t(s.units)); w.u32(0); w.u32(0); w.u32(0); break;
    case LayerKind::Conv2D:
      w.u32(uint32_t(s.units)); w.u32(uint32_t(s.kernel)); w.u32(uint32_t(s.stride));
      w.u32(uint32_t(s.padding));
      break;
    case LayerKind::MaxPool2D: w.u32(uint32_t(s.kernel)); w.u32(uint32_t(s.stride)); w.u32(0); w.u32(0); break;
    case LayerKind::Dropout: w.u32(0); w.u32(0); w.u32(0); w.u32(rate_bits); break;
    case LayerKind::Scale: w.u32(0); w.u32(0); w.u32(scale_bits); w.u32(shift_bits); break;
    default: w.u32(0); w.u32(0); w.u32(0); w.u32(0); break;
  }
}

// Bytes from a file in a message: printable ASCII as it is, anything else as \xNN.
std::string quoted(const uint8_t* text, size_t size) {
  std::string out = "\"";
  for (size_t i = 0; i < size; ++i) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "\\x%02x", text[i]);
    out += text[i] >= 0x20 && text[i] < 0x7F && text[i] != '"' ? std::string(1, char(text[i])) : hex;
  }
  return out + "\"";
}

// Version 2's class-label table: a count, then each label as a u32 length and UTF-8 bytes.
// Labels are those of kClassLabels, in order; returns the count.
uint32_t read_class_labels(Reader& r) {
  const uint32_t count = r.u32("class labels");
  if (count != uint32_t(kDigitClasses) && count != uint32_t(kMaxClasses))
    throw ModelFormatError("class labels: " + with_commas(count) + " labels, but a network gives " +
                           std::to_string(kDigitClasses) + " or " + std::to_string(kMaxClasses) +
                           " outputs");
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t size = r.u32("class labels");
    if (size > kMaxClassLabelBytes)
      throw ModelFormatError("class labels: label " + std::to_string(i) + " is " + with_commas(size) +
                             " bytes; at most " + std::to_string(kMaxClassLabelBytes) + " are allowed");
    const uint8_t* text = r.take(size, "class labels");
    if (std::string(reinterpret_cast<const char*>(text), size) != kClassLabels[i])
      throw ModelFormatError("class labels: output " + std::to_string(i) + " is labelled " +
                             quoted(text, size) + ", expected \"" + kClassLabels[i] + "\"");
  }
  return count;
}

void write_class_labels(Writer& w, const std::vector<std::string>& labels) {
  w.u32(uint32_t(labels.size()));
  for (const std::string& label : labels) {
    w.u32(uint32_t(label.size()));
    w.raw(label.data(), label.size());
  }
}

// One stored parameter (little-endian, param_encoding_bytes() of them) as the float32 the
// network holds.
float decode_param(const uint8_t* b, ParamEncoding encoding) {
  if (encoding == ParamEncoding::Float16)
    return float(Eigen::numext::bit_cast<Eigen::half>(uint16_t(b[0] | b[1] << 8)));
  const uint32_t bits = uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
  float v;
  std::memcpy(&v, &bits, 4);
  return v;
}

ParamEncoding read_param_encoding(Reader& r) {
  const uint32_t value = r.u32("parameter encoding");
  if (value >= std::size(kParamEncodings)) {
    std::string known;
    for (size_t i = 0; i < std::size(kParamEncodings); ++i)
      known += (i ? ", " : "") + std::to_string(i) + " " + kParamEncodings[i].name;
    throw ModelFormatError("unknown parameter encoding " + std::to_string(value) + " (" + known + ")");
  }
  return ParamEncoding(value);
}

// Which layer a flat parameter index belongs to, for error messages.
std::string locate_param(const Network& net, int64_t index) {
  int64_t offset = 0;
  for (int i = 0; i < net.layer_count(); ++i) {
    const int64_t count = net.layer(i).param_count();
    if (index < offset + count)
      return "layer " + std::to_string(i + 1) + " (" + net.layer(i).spec().str() + ")";
    offset += count;
  }
  return "no layer";
}

}  // namespace

std::vector<uint8_t> serialize_model(const Network& net, ParamEncoding encoding) {
  const float* p = net.params();
  // A weight beyond float16's range would become Inf, which no loader accepts: refuse it here.
  const float half_max = float(Eigen::NumTraits<Eigen::half>::highest());
  for (int64_t i = 0; i < net.param_count(); ++i) {
    if (!std::isfinite(p[i]))
      throw ModelFormatError("cannot save a model whose weights contain NaN or Inf (parameter " +
                             with_commas(uint64_t(i)) + ", " + locate_param(net, i) + ")");
    if (encoding == ParamEncoding::Float16 && std::abs(p[i]) > half_max) {
      char value[64];
      std::snprintf(value, sizeof value, "%g, beyond float16's largest %g", double(p[i]), double(half_max));
      throw ModelFormatError("cannot save as float16: parameter " + with_commas(uint64_t(i)) + " (" +
                             locate_param(net, i) + ") is " + value);
    }
  }
  const Architecture& arch = net.architecture();
  const std::string name = net.name().substr(0, kMaxModelNameBytes);
  Writer w;
  w.raw(kModelMagic, 8);
  w.u32(kModelVersion);
  w.u32(uint32_t(arch.loss));
  w.u32(uint32_t(arch.input.height));
  w.u32(uint32_t(arch.input.width));
  w.u32(uint32_t(arch.input.channels));
  w.u32(uint32_t(name.size()));
  w.raw(name.data(), name.size());
  write_class_labels(w, net.class_labels());
  w.f32(net.temperature());
  w.u32(uint32_t(arch.layers.size()));
  for (const LayerSpec& s : arch.layers) write_layer(w, s);
  w.u32(uint32_t(net.param_count()));
  w.u32(uint32_t(encoding));
  w.bytes.reserve(w.bytes.size() + size_t(net.param_count()) * param_encoding_bytes(encoding) + 4);
  for (int64_t i = 0; i < net.param_count(); ++i) w.param(p[i], encoding);
  w.u32(crc32(w.bytes.data(), w.bytes.size()));
  return std::move(w.bytes);
}

Network deserialize_model(const uint8_t* data, size_t size, ModelFileFormat* format) {
  if (size == 0) throw ModelFormatError("model file is empty");
  Reader r(data, size);
  if (size < 8 && std::memcmp(data, kModelMagic, size) == 0)
    throw ModelFormatError("model file truncated: " + std::to_string(size) +
                           " bytes, shorter than its 8-byte magic");
  if (size < 8 || std::memcmp(data, kModelMagic, 8) != 0)
    throw ModelFormatError("not a digitpad model file: wrong magic (expected \"DIGITPAD\")");
  r.take(8, "magic");
  const uint32_t version = r.u32("version");
  if (version < kOldestModelVersion || version > kModelVersion)
    throw ModelFormatError("unsupported model format version " + std::to_string(version) +
                           " (this build reads versions " + std::to_string(kOldestModelVersion) +
                           " to " + std::to_string(kModelVersion) + ")");
  const uint32_t loss = r.u32("header");
  if (loss > uint32_t(LossKind::MeanSquaredError))
    throw ModelFormatError("unknown loss type " + std::to_string(loss));
  Architecture arch;
  arch.loss = LossKind(loss);
  const uint32_t h = r.u32("header"), w = r.u32("header"), c = r.u32("header");
  if (h < 1 || w < 1 || c < 1 || h > uint32_t(kMaxDimension) || w > uint32_t(kMaxDimension) ||
      c > uint32_t(kMaxDimension))
    throw ModelFormatError("input shape " + std::to_string(h) + "x" + std::to_string(w) + "x" +
                           std::to_string(c) + " is out of range");
  arch.input = Shape{int(h), int(w), int(c)};
  const uint32_t name_bytes = r.u32("header");
  if (name_bytes > kMaxModelNameBytes)
    throw ModelFormatError("model name is " + std::to_string(name_bytes) + " bytes; at most " +
                           std::to_string(kMaxModelNameBytes) + " are allowed");
  const uint8_t* name = r.take(name_bytes, "model name");
  // Version 1 files say neither: their outputs are what the network gives, uncalibrated.
  uint32_t label_count = 0;
  float temperature = 1.0f;
  if (version >= 2) {
    label_count = read_class_labels(r);
    temperature = r.f32("calibration temperature");
    try {
      validate_temperature(temperature);
    } catch (const ConfigError& e) {
      throw ModelFormatError(e.what());
    }
  }
  const uint32_t layer_count = r.u32("header");
  if (layer_count < 1 || layer_count > uint32_t(kMaxLayers))
    throw ModelFormatError("layer count " + std::to_string(layer_count) + " is out of range 1.." +
                           std::to_string(kMaxLayers));
  r.need(size_t(layer_count) * kLayerRecordBytes, "layer records");
  for (uint32_t i = 0; i < layer_count; ++i) arch.layers.push_back(read_layer(r, int(i)));
  const uint32_t declared = r.u32("parameter count");
  // Versions 1 and 2 say nothing: they store float32.
  const ParamEncoding encoding = version >= 3 ? read_param_encoding(r) : ParamEncoding::Float32;

  int64_t expected = 0;
  try {
    expected = Network::parameter_count(arch);
  } catch (const ConfigError& e) {
    throw ModelFormatError(std::string("invalid architecture: ") + e.what());
  }
  if (int64_t(declared) != expected)
    throw ModelFormatError("sizes do not match: the architecture " + arch.spec() + " has " +
                           with_commas(uint64_t(expected)) +
                           " parameters but the file declares " + with_commas(declared));
  const size_t param_bytes = param_encoding_bytes(encoding);
  const size_t weight_bytes = size_t(declared) * param_bytes;
  if (r.remaining() < weight_bytes + 4)
    throw ModelFormatError("model file truncated: expected " + with_commas(weight_bytes) +
                           " bytes of weights and a 4-byte checksum, found " +
                           with_commas(r.remaining()));
  if (r.remaining() > weight_bytes + 4)
    throw ModelFormatError("model file has " + with_commas(r.remaining() - weight_bytes - 4) +
                           " unexpected bytes after the checksum");
  const uint8_t* weights = r.take(weight_bytes, "weights");
  const size_t checked = r.offset();
  const uint32_t stored = r.u32("checksum");
  const uint32_t computed = crc32(data, checked);
  if (stored != computed) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "bad checksum: stored 0x%08x, computed 0x%08x", stored, computed);
    throw ModelFormatError(std::string("model file is corrupt: ") + buf);
  }
  Network net(arch, std::string(reinterpret_cast<const char*>(name), name_bytes));
  if (version >= 2 && label_count != uint32_t(net.classes()))
    throw ModelFormatError("class labels: " + std::to_string(label_count) +
                           " labels but the network gives " + std::to_string(net.classes()) +
                           " outputs");
  net.set_temperature(temperature);
  float* p = net.params();
  for (uint32_t i = 0; i < declared; ++i) {
    p[i] = decode_param(weights + size_t(i) * param_bytes, encoding);
    if (!std::isfinite(p[i]))
      throw ModelFormatError(std::string("model weights contain ") +
                             (std::isnan(p[i]) ? "NaN" : "Inf") + " at parameter " +
                             with_commas(i) + " (" + locate_param(net, i) + ")");
  }
  if (format) *format = ModelFileFormat{version, encoding};
  return net;
}

void save_model_file(const Network& network, const std::string& path, ParamEncoding encoding) {
  const std::vector<uint8_t> bytes = serialize_model(network, encoding);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

Network load_model_file(const std::string& path, ModelFileFormat* format) {
  std::vector<uint8_t> bytes;
  try {
    bytes = read_file_bytes(path);
  } catch (const DataFormatError& e) {
    throw ModelFormatError(e.what());
  }
  try {
    return deserialize_model(bytes.data(), bytes.size(), format);
  } catch (const ModelFormatError& e) {
    throw ModelFormatError(path + ": " + e.what());
  }
}

}  // namespace digitpad
