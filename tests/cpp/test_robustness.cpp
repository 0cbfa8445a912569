// The robustness suite: MNIST test digits re-rendered as people draw them on a 280x280 canvas
// (30% to 90% of its height, anywhere inside, a 2-px pen to a 30-px brush, dark on light,
// light on dark, or ink on transparent), preprocessed, and read by the page's default model.
// Its top-1 accuracy must stay at least 98.5% (a digit read as "not a digit" is an error), and
// the shape rules of preprocessing must take none of them for a dot or a flick.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

#include "dataset.hpp"
#include "drawing.hpp"
#include "model_format.hpp"
#include "number_reading.hpp"
#include "reading.hpp"
#include "test_util.hpp"

using namespace digitpad;

namespace {

// The default model's file, from models/manifest.json, or $DIGITPAD_ROBUSTNESS_MODEL (to
// measure a candidate: DIGITPAD_ROBUSTNESS_MODEL=m.bin ctest -R Robustness -V).
std::string default_model_path() {
  if (const char* candidate = std::getenv("DIGITPAD_ROBUSTNESS_MODEL")) return candidate;
  const std::string dir = DIGITPAD_MODELS_DIR;
  std::ifstream in(dir + "/manifest.json");
  std::stringstream text;
  text << in.rdbuf();
  const std::string manifest = text.str();
  std::smatch m;
  if (!std::regex_search(manifest, m, std::regex("\"default\":\\s*\"([^\"]+)\""))) return "";
  // A name may hold escaped quotes (digitpad CNN with \"not a digit\").
  const std::regex entry("\"id\":\\s*\"" + m[1].str() + "\",\\s*\"name\":\\s*\"(?:[^\"\\\\]|\\\\.)*\",\\s*\"file\":\\s*\"([^\"]+)\"");
  if (!std::regex_search(manifest, m, entry)) return "";
  return dir + "/" + m[1].str();
}

// The suite's drawings one after another: visit(i, its MNIST label, its style, its RGBA).
template <typename Visit>
void for_each_drawing(Visit visit) {
  const Dataset test = read_idx_files(test::mnist_path("t10k-images-idx3-ubyte"),
                                      test::mnist_path("t10k-labels-idx1-ubyte"));
  Rng rng(test::kRobustnessSeed);
  for (int i = 0; i < test::kRobustnessDrawings; ++i) {
    const int index = i * (test.count / test::kRobustnessDrawings);  // spread over the whole test set
    const test::DrawingStyle style = test::random_style(rng);
    visit(i, int(test.labels[size_t(index)]), style, test::render_drawing(test.image(index), style));
  }
}

}  // namespace

TEST(Robustness, DefaultModelRecognisesDrawnDigits) {
  const std::string path = default_model_path();
  ASSERT_FALSE(path.empty()) << "no default model in models/manifest.json";
  Network net = load_model_file(path);
  constexpr int kDrawings = test::kRobustnessDrawings;
  int correct = 0, no_ink = 0, by_rule = 0, by_network = 0;
  int by_background[3] = {0, 0, 0}, seen_background[3] = {0, 0, 0};
  for_each_drawing([&](int, int label, const test::DrawingStyle& style, const std::vector<uint8_t>& rgba) {
    const PreprocessResult seen = preprocess_drawing(rgba.data(), style.canvas, style.canvas);
    const Reading reading = read_drawing(seen, net);
    const int bg = int(style.background);
    seen_background[bg]++;
    no_ink += seen.ink == Ink::None;
    by_rule += seen.ink == Ink::Dot || seen.ink == Ink::Flick;
    by_network += reading.reason == NotDigitReason::Network;
    if (reading.state == ReadingState::Digit && reading.digit == label) {
      ++correct;
      by_background[bg]++;
    }
  });
  const double accuracy = double(correct) / kDrawings;
  std::cout << "robustness: " << correct << " of " << kDrawings << " drawings recognised ("
            << 100.0 * accuracy << "%); dark-on-light " << by_background[0] << "/" << seen_background[0]
            << ", light-on-dark " << by_background[1] << "/" << seen_background[1]
            << ", transparent " << by_background[2] << "/" << seen_background[2]
            << "; no ink in " << no_ink << ", not a digit by a shape rule in " << by_rule
            << ", by the network in " << by_network << "\n";
  RecordProperty("robustness_accuracy", std::to_string(accuracy));
  EXPECT_EQ(no_ink, 0);
  EXPECT_EQ(by_rule, 0);  // the shape rules never take a drawn digit for a dot or a flick
  EXPECT_GE(accuracy, 0.985);
}

// The same drawings read as numbers (read_number, pixels only): a single digit must stay one,
// read exactly as read_drawing reads it. No accuracy is lost: every drawing read_drawing reads
// right, read_number reads as the same one digit.
TEST(Robustness, ReadNumberReadsEachDrawnDigitAsOneDigit) {
  const std::string path = default_model_path();
  ASSERT_FALSE(path.empty()) << "no default model in models/manifest.json";
  Network net = load_model_file(path);
  NumberReader reader;
  int by_drawing = 0, by_number = 0, split = 0, lost = 0;
  for_each_drawing([&](int i, int label, const test::DrawingStyle& style, const std::vector<uint8_t>& rgba) {
    const Reading alone = read_drawing(preprocess_drawing(rgba.data(), style.canvas, style.canvas), net);
    const NumberReading number = reader.read(rgba.data(), style.canvas, style.canvas, {}, net);
    const bool right = alone.state == ReadingState::Digit && alone.digit == label;
    by_drawing += right;
    by_number += number.number == std::to_string(label);
    split += number.parts.size() > 1;
    if (right && (number.parts.size() != 1 || number.parts[0].reading.digits != alone.digits)) {
      ++lost;
      ADD_FAILURE() << "drawing " << i << " (a " << label << ") read as " << number.number;
    }
  });
  std::cout << "robustness through read_number: " << by_number << " of " << test::kRobustnessDrawings
            << " read right (read_drawing: " << by_drawing << "); split into several parts: " << split << "\n";
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(by_number, by_drawing);
}
