// digitpad-synth: writes the synthetic data sets the shipped models are trained and measured
// with, as IDX files (28x28 images as the page's preprocessing makes them; label 10 = "not a
// digit"). Seeded: the same seed gives the same files.
//   digitpad-synth --out DIR [--seed N] [--scale F]
// DIR/train-*            MNIST train images 0..54,999 as they are, the same digits re-drawn as pen
//                        strokes, digits in the training fonts, and negatives of the trained families
// DIR/calibration-*      MNIST train images 55,000..59,999 re-drawn as pen strokes (never trained on:
//                        the confidence temperature is fitted on them)
// DIR/negatives-FAMILY-* 500 negatives of each family (held-out ones never trained on), for measuring
// DIR/robustness-*       the robustness suite's 2,000 drawings (tests/cpp/test_robustness.cpp) as
//                        the network sees them
// DIR/fonts-heldout-*    digits in the held-out fonts; fonts-heldout-stretched-*: the same,
//                        stretched to fill a square box as scanned forms are
// --scale multiplies the generated counts (0.1 for a quick look); --measuring-only writes the
// measuring sets alone (negatives, fonts, robustness: about a minute), as the tests need them.
//   digitpad-synth --pen-suite FILE.json [--per-class N]
// The pen suite: N MNIST test digits of each class (100 by default) as pen trajectories (the
// digit's centre line traced into ordered strokes), JSON [{index, label, width, height,
// strokes: [[x, y, x, y, ...], ...]}] in units of the digit's height, for replaying with a
// mouse on the page (bench/pen-suite.mjs): the first N of each class in the test set.
//   digitpad-synth --numbers FILE.json [--count N]
// The number suite (cpp/synth/numbers.hpp): its first N numbers (all 500 by default) as JSON
// [{digits, spacing, width, height, digitHeight, penWidth, slant, strokes: [[x, y, ...], ...],
// strokeDigit: [...]}] in canvas pixels: the strokes to draw with a round pen of penWidth on a
// width x height canvas (the Vitest suite, the bench and the browser tests read them).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "architecture.hpp"
#include "dataset.hpp"
#include "drawing.hpp"
#include "families.hpp"
#include "numbers.hpp"
#include "preprocess.hpp"

using namespace digitpad;
using namespace digitpad::synth;

namespace {

constexpr int kMnistTrainUsed = 55000;  // the rest calibrates

struct Collected {
  std::vector<uint8_t> images, labels;
  void add(const Image28& image, int label) {
    images.insert(images.end(), image.begin(), image.end());
    labels.push_back(uint8_t(label));
  }
  void add_raw(const uint8_t* image, int label) {
    images.insert(images.end(), image, image + 784);
    labels.push_back(uint8_t(label));
  }
  size_t count() const { return labels.size(); }
};

void write_idx(const std::string& dir, const std::string& name, const Collected& c) {
  const Dataset data = make_dataset(c.images, c.labels, 28, 28);
  write_idx_files(data, dir + "/" + name + "-images-idx3-ubyte", dir + "/" + name + "-labels-idx1-ubyte");
  std::fprintf(stderr, "%s: %zu images\n", name.c_str(), c.count());
}

// Calls make() until it gives an image (a shape may fall apart into nothing) or gives up.
template <typename Make>
bool add_one(Collected& c, int label, Make make) {
  for (int attempt = 0; attempt < 8; ++attempt)
    if (const auto image = make()) {
      c.add(*image, label);
      return true;
    }
  return false;
}

Dataset load_clothing() {
  // Debian's dataset-fashion-mnist ships gzip files; they are read through gzip -dc.
  const std::string dir = "/usr/share/datasets/fashion-mnist/";
  auto gunzip = [](const std::string& path) {
    std::vector<uint8_t> bytes;
    FILE* pipe = popen(("gzip -dc " + path).c_str(), "r");
    if (!pipe) return bytes;
    uint8_t buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) bytes.insert(bytes.end(), buf, buf + n);
    pclose(pipe);
    return bytes;
  };
  const std::vector<uint8_t> images = gunzip(dir + "train-images-idx3-ubyte.gz");
  const std::vector<uint8_t> labels = gunzip(dir + "train-labels-idx1-ubyte.gz");
  if (images.empty() || labels.empty())
    throw std::runtime_error("Fashion-MNIST not found in " + dir + " (Debian package dataset-fashion-mnist)");
  return parse_idx(images.data(), images.size(), labels.data(), labels.size(), "fashion images", "fashion labels");
}

// The same drawings, in the same order, as the robustness test makes (a drawing in which
// preprocessing finds no digit would be a blank image; the test requires there be none).
void write_robustness_suite(const std::string& dir) {
  const std::string mnist = DIGITPAD_MNIST_DIR;
  const Dataset test = read_idx_files(mnist + "/t10k-images-idx3-ubyte", mnist + "/t10k-labels-idx1-ubyte");
  Rng rng(test::kRobustnessSeed);
  Collected suite;
  for (int i = 0; i < test::kRobustnessDrawings; ++i) {
    const int index = i * (test.count / test::kRobustnessDrawings);
    const test::DrawingStyle style = test::random_style(rng);
    const std::vector<uint8_t> rgba = test::render_drawing(test.image(index), style);
    const PreprocessResult seen = preprocess_drawing(rgba.data(), style.canvas, style.canvas);
    Image28 image{};
    if (seen.ink != Ink::None)
      for (size_t p = 0; p < image.size(); ++p) image[p] = uint8_t(std::lround(255.0f * seen.image[p]));
    suite.add(image, test.labels[size_t(index)]);
  }
  write_idx(dir, "robustness", suite);
}

int write_pen_suite(const std::string& path, int per_class) {
  const std::string mnist = DIGITPAD_MNIST_DIR;
  const Dataset test = read_idx_files(mnist + "/t10k-images-idx3-ubyte", mnist + "/t10k-labels-idx1-ubyte");
  std::ofstream out(path);
  out << "[";
  int taken[10] = {}, strays = 0, written = 0;
  for (int i = 0; i < test.count && written < 10 * per_class; ++i) {
    const int label = test.labels[size_t(i)];
    if (taken[label] >= per_class) continue;
    strays += !test::centre_line_describes_digit(test.image(i));
    const std::vector<Stroke> strokes = test::digit_strokes(test.image(i));
    float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
    for (const Stroke& s : strokes)
      for (const Point& p : s) x0 = std::min(x0, p.x), y0 = std::min(y0, p.y), x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
    const float unit = std::max(1.0f, y1 - y0);
    char buf[64];
    out << (written ? ",\n" : "\n") << "{\"index\":" << i << ",\"label\":" << label;
    std::snprintf(buf, sizeof buf, ",\"width\":%.4f,\"height\":1,\"strokes\":[", double((x1 - x0) / unit));
    out << buf;
    for (size_t k = 0; k < strokes.size(); ++k) {
      out << (k ? ",[" : "[");
      for (size_t j = 0; j < strokes[k].size(); ++j) {
        std::snprintf(buf, sizeof buf, "%s%.4f,%.4f", j ? "," : "", double((strokes[k][j].x - x0) / unit),
                      double((strokes[k][j].y - y0) / unit));
        out << buf;
      }
      out << "]";
    }
    out << "]}";
    ++taken[label];
    ++written;
  }
  out << "\n]\n";
  if (!out) throw std::runtime_error("cannot write " + path);
  std::fprintf(stderr, "pen suite: %d digits (%d per class), %d whose centre line strays from the ink\n",
               written, per_class, strays);
  return 0;
}

int write_numbers(const std::string& path, int count) {
  const std::string mnist = DIGITPAD_MNIST_DIR;
  const Dataset test = read_idx_files(mnist + "/t10k-images-idx3-ubyte", mnist + "/t10k-labels-idx1-ubyte");
  std::ofstream out(path);
  out << "[";
  char buf[96];
  const std::vector<test::WrittenNumber> suite = test::number_suite(test, count);
  for (size_t n = 0; n < suite.size(); ++n) {
    const test::WrittenNumber& w = suite[n];
    std::snprintf(buf, sizeof buf, "\"width\":%d,\"height\":%d,\"digitHeight\":%.2f,\"penWidth\":%.2f,\"slant\":%.3f,",
                  w.width, w.height, double(w.digit_height), double(w.pen_width), double(w.slant));
    out << (n ? ",\n" : "\n") << "{\"digits\":\"" << w.digits << "\",\"spacing\":\"" << test::spacing_name(w.spacing) << "\","
        << buf << "\"strokes\":[";
    for (size_t k = 0; k < w.strokes.size(); ++k) {
      out << (k ? ",[" : "[");
      for (size_t j = 0; j < w.strokes[k].size(); ++j) {
        std::snprintf(buf, sizeof buf, "%s%.2f,%.2f", j ? "," : "", double(w.strokes[k][j].x), double(w.strokes[k][j].y));
        out << buf;
      }
      out << "]";
    }
    out << "],\"strokeDigit\":[";
    for (size_t k = 0; k < w.stroke_digit.size(); ++k) out << (k ? "," : "") << w.stroke_digit[k];
    out << "]}";
  }
  out << "\n]\n";
  if (!out) throw std::runtime_error("cannot write " + path);
  std::fprintf(stderr, "number suite: %zu numbers\n", suite.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out_dir, pen_suite, numbers;
  int per_class = 100, number_count = test::kNumberSuiteSize;
  uint64_t seed = 1;
  double scale = 1.0;
  bool measuring_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--out" && has_value) out_dir = argv[++i];
    else if (arg == "--seed" && has_value) seed = std::stoull(argv[++i]);
    else if (arg == "--scale" && has_value) scale = std::stod(argv[++i]);
    else if (arg == "--measuring-only") measuring_only = true;
    else if (arg == "--pen-suite" && has_value) pen_suite = argv[++i];
    else if (arg == "--per-class" && has_value) per_class = std::stoi(argv[++i]);
    else if (arg == "--numbers" && has_value) numbers = argv[++i];
    else if (arg == "--count" && has_value) number_count = std::stoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: digitpad-synth --out DIR [--seed N] [--scale F]\n");
      return 2;
    }
  }
  if (!pen_suite.empty() || !numbers.empty()) {
    try {
      return pen_suite.empty() ? write_numbers(numbers, number_count) : write_pen_suite(pen_suite, per_class);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "digitpad-synth: %s\n", e.what());
      return 1;
    }
  }
  if (out_dir.empty()) {
    std::fprintf(stderr, "usage: digitpad-synth --out DIR [--seed N] [--scale F]\n");
    return 2;
  }
  try {
    const std::string mnist = DIGITPAD_MNIST_DIR;
    const Dataset train = read_idx_files(mnist + "/train-images-idx3-ubyte", mnist + "/train-labels-idx1-ubyte");
    const Dataset used = train.head(kMnistTrainUsed);
    std::filesystem::create_directories(out_dir);
    const Dataset clothing = load_clothing();
    Generator generate(used, clothing);
    auto count = [&](int n) { return std::max(1, int(double(n) * scale)); };

    // Training: MNIST as it is, pen re-drawings of it and font digits (a fifth and a quarter
    // stretched to fill a box), and the trained families of negatives.
    Rng rng(seed);
    if (!measuring_only) {
      Collected training;
      for (int i = 0; i < used.count; ++i) training.add_raw(used.image(i), used.labels[size_t(i)]);
      for (int n = 0; n < count(50000); ++n) {
        const int i = int(rng.below(uint32_t(used.count)));
        add_one(training, used.labels[size_t(i)], [&] { return generate.pen_digit(used.image(i), rng, n % 5 == 0); });
      }
      for (int n = 0; n < count(30000); ++n)
        add_one(training, n % 10, [&] { return generate.font_digit(n % 10, false, rng, (n / 10) % 4 == 0); });
      // Letters take three shares: people write them on the pad more than any other non-digit,
      // and their shapes vary most.
      std::vector<Family> trained;
      for (const FamilyInfo& f : families())
        if (!f.held_out) trained.insert(trained.end(), f.family == Family::Letter ? 3 : 1, f.family);
      for (int n = 0; n < count(60000); ++n) {
        const Family family = trained[size_t(n) % trained.size()];
        add_one(training, kNotDigit, [&] { return generate.negative(family, rng); });
      }
      write_idx(out_dir, "train", training);

      Rng calibration_rng(seed + 1);
      Collected calibration;
      for (int i = kMnistTrainUsed; i < train.count; ++i)
        add_one(calibration, train.labels[size_t(i)], [&] { return generate.pen_digit(train.image(i), calibration_rng, false); });
      write_idx(out_dir, "calibration", calibration);
    }

    // Measuring sets: seeds of their own, so they share no drawing with training.
    for (const FamilyInfo& f : families()) {
      Rng family_rng(seed * 1000 + 7 + uint64_t(f.family));
      Collected negatives;
      for (int n = 0; n < 500; ++n) add_one(negatives, kNotDigit, [&] { return generate.negative(f.family, family_rng); });
      write_idx(out_dir, std::string("negatives-") + f.name, negatives);
    }
    Rng font_rng(seed + 2);
    Collected fonts, stretched;
    for (int n = 0; n < 2000; ++n) {
      add_one(fonts, n % 10, [&] { return generate.font_digit(n % 10, true, font_rng, false); });
      add_one(stretched, n % 10, [&] { return generate.font_digit(n % 10, true, font_rng, true); });
    }
    write_idx(out_dir, "fonts-heldout", fonts);
    write_idx(out_dir, "fonts-heldout-stretched", stretched);
    write_robustness_suite(out_dir);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "digitpad-synth: %s\n", e.what());
    return 1;
  }
  return 0;
}
