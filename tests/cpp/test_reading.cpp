// Reading a drawing: empty, not a digit (by a shape rule, or the network's eleventh output),
// or a digit, in the core and as `digitpad predict` prints it. Tiny hand-built networks give
// answers known in advance.
#include "reading.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <sstream>
#include <tuple>

#include "dataset.hpp"
#include "drawing.hpp"
#include "errors.hpp"
#include "model_format.hpp"
#include "test_util.hpp"

using namespace digitpad;

namespace {

// A 784-N network with zero weights: its logits are its biases, whatever it sees.
Network answering(const std::vector<float>& biases) {
  Network net(parse_architecture("784-" + std::to_string(biases.size())));
  std::copy(biases.begin(), biases.end(), net.params() + 784 * biases.size());
  return net;
}

std::vector<float> softmax(const std::vector<float>& logits) {
  std::vector<float> p(logits.size());
  double sum = 0;
  for (float z : logits) sum += std::exp(double(z));
  for (size_t k = 0; k < p.size(); ++k) p[k] = float(std::exp(double(logits[k])) / sum);
  return p;
}

// The eleventh output (kNotDigit) against the digit 7.
std::vector<float> seven_against_not_digit(float seven, float not_digit) {
  std::vector<float> biases(11, 0.0f);
  biases[7] = seven;
  biases[kNotDigit] = not_digit;
  return biases;
}

// Drawings on the page's 280x280 pad with its 20-px brush.
PreprocessResult seen(const std::vector<test::Stroke>& strokes) {
  return preprocess_drawing(test::draw_strokes(strokes, 20.0f).data(), 280, 280);
}
const std::vector<test::Stroke> kSeven = {{{60, 50}, {220, 50}, {120, 240}}};
const std::vector<test::Stroke> kClick = {{{140, 140}}};
const std::vector<test::Stroke> kFlick = {{{100, 100}, {135, 100}}};

}  // namespace

TEST(Reading, AnEmptyPadIsEmpty) {
  Network net = answering(seven_against_not_digit(1, 2));
  const Reading r = read_drawing(seen({}), net);
  EXPECT_EQ(r.state, ReadingState::Empty);
  EXPECT_EQ(r.reason, NotDigitReason::None);
  EXPECT_EQ(r.digit, -1);
  EXPECT_EQ(r.confidence, 0.0f);
  EXPECT_EQ(r.not_digit, 0.0f);
  for (float p : r.digits) EXPECT_EQ(p, 0.0f);
}

TEST(Reading, NotADigitWhenTheEleventhOutputIsTheLargest) {
  const std::vector<float> biases = seven_against_not_digit(1, 2);
  const std::vector<float> p = softmax(biases);
  Network net = answering(biases);
  ASSERT_EQ(seen(kSeven).ink, Ink::Shape);
  const Reading r = read_drawing(seen(kSeven), net);
  EXPECT_EQ(r.state, ReadingState::NotDigit);
  EXPECT_EQ(r.reason, NotDigitReason::Network);
  EXPECT_EQ(r.digit, -1);
  EXPECT_NEAR(r.not_digit, p[kNotDigit], 1e-6);
  EXPECT_NEAR(r.confidence, p[kNotDigit], 1e-6);
  for (int d = 0; d < 10; ++d) EXPECT_NEAR(r.digits[size_t(d)], p[size_t(d)], 1e-6) << d;  // the softmax over 11
}

TEST(Reading, ADigitWhenADigitOutputIsTheLargest) {
  const std::vector<float> biases = seven_against_not_digit(2, 1);
  const std::vector<float> p = softmax(biases);
  Network net = answering(biases);
  const Reading r = read_drawing(seen(kSeven), net);
  EXPECT_EQ(r.state, ReadingState::Digit);
  EXPECT_EQ(r.reason, NotDigitReason::None);
  EXPECT_EQ(r.digit, 7);
  EXPECT_NEAR(r.confidence, p[7], 1e-6);
  EXPECT_NEAR(r.not_digit, p[kNotDigit], 1e-6);
  float sum = r.not_digit;
  for (float q : r.digits) sum += q;
  EXPECT_NEAR(sum, 1.0f, 1e-5);
}

TEST(Reading, ATieBetweenADigitAndNotADigitGoesToTheDigit) {
  std::array<float, 11> p{};
  p[3] = p[kNotDigit] = 0.5f;
  const Reading r = read_probabilities(p.data(), 11);
  EXPECT_EQ(r.state, ReadingState::Digit);
  EXPECT_EQ(r.digit, 3);
}

TEST(Reading, ShapeRulesOverruleTheNetworkButKeepItsProbabilities) {
  const std::vector<float> biases = seven_against_not_digit(5, 0);  // the network is sure of a 7
  const std::vector<float> p = softmax(biases);
  Network net = answering(biases);
  for (const auto& [strokes, reason] : {std::pair{kClick, NotDigitReason::Dot}, std::pair{kFlick, NotDigitReason::Flick}}) {
    const Reading r = read_drawing(seen(strokes), net);
    EXPECT_EQ(r.state, ReadingState::NotDigit);
    EXPECT_EQ(r.reason, reason);
    EXPECT_EQ(r.digit, -1);
    EXPECT_EQ(r.confidence, 1.0f);  // a rule is not a guess
    EXPECT_NEAR(r.digits[7], p[7], 1e-6);  // what the network made of it, for the greyed chart
    EXPECT_NEAR(r.not_digit, p[kNotDigit], 1e-6);
  }
}

TEST(Reading, ATenOutputNetworkSaysNotADigitOnlyByAShapeRule) {
  Network net(parse_architecture("784-64-10"));
  net.init_params(3);
  const Dataset test = read_idx_files(test::mnist_path("t10k-images-idx3-ubyte"), test::mnist_path("t10k-labels-idx1-ubyte"));
  Rng rng(5);
  for (int i = 0; i < 100; ++i) {
    const test::DrawingStyle style = test::random_style(rng);
    const Reading r = read_drawing(preprocess_drawing(test::render_drawing(test.image(i), style).data(), 280, 280), net);
    EXPECT_EQ(r.state, ReadingState::Digit) << i;
    EXPECT_EQ(r.not_digit, 0.0f);
  }
  // A zigzag a network with an eleventh output would call not a digit.
  test::Stroke zigzag;
  for (int k = 0; k < 12; ++k) zigzag.push_back({40 + 200 * rng.uniform(), 40 + 200 * rng.uniform()});
  ASSERT_EQ(seen({zigzag}).ink, Ink::Shape);
  EXPECT_EQ(read_drawing(seen({zigzag}), net).state, ReadingState::Digit);
  EXPECT_EQ(read_drawing(seen(kClick), net).reason, NotDigitReason::Dot);
  EXPECT_EQ(read_drawing(seen(kFlick), net).reason, NotDigitReason::Flick);
}

TEST(Reading, ANetworkForOtherImagesIsRefused) {
  Network net(parse_architecture("input:14x14x1,dense:10"));
  EXPECT_THROW(read_drawing(seen(kSeven), net), ConfigError);
}

// The words the bindings hand to the page (README: #prediction's data-state and data-reason).
TEST(Reading, StatesAndReasonsHaveThePagesNames) {
  EXPECT_STREQ(state_name(ReadingState::Empty), "empty");
  EXPECT_STREQ(state_name(ReadingState::NotDigit), "not-digit");
  EXPECT_STREQ(state_name(ReadingState::Digit), "digit");
  EXPECT_STREQ(reason_name(NotDigitReason::Dot), "dot");
  EXPECT_STREQ(reason_name(NotDigitReason::Flick), "flick");
  EXPECT_STREQ(reason_name(NotDigitReason::Network), "network");
}

// ---- `digitpad predict`: the reading as the command-line tool prints it ------------------

namespace {

// A drawing as a binary PGM, dark ink on white, as image tools write one.
std::string write_pgm(const std::vector<test::Stroke>& strokes, const std::string& name) {
  const std::vector<uint8_t> rgba = test::draw_strokes(strokes, 20.0f);
  const std::string path = ::testing::TempDir() + "/" + name + ".pgm";
  std::ofstream out(path, std::ios::binary);
  out << "P5\n# drawn on the pad\n280 280\n255\n";
  for (size_t i = 3; i < rgba.size(); i += 4) out.put(char(255 - rgba[i]));
  return path;
}

std::string saved(const Network& net, const std::string& name) {
  const std::string path = ::testing::TempDir() + "/" + name + ".bin";
  save_model_file(net, path);
  return path;
}

std::string percent(float p) {
  char text[16];
  std::snprintf(text, sizeof text, "%.1f%%", 100.0 * p);
  return text;
}

}  // namespace

TEST(Cli, PredictReadsADrawingAsThePageDoes) {
  const std::vector<float> biases = seven_against_not_digit(3, 0);
  const std::string model = saved(answering(biases), "answers-seven");
  const std::vector<std::pair<std::string, std::vector<test::Stroke>>> drawings = {
      {"not a digit (dot)", kClick}, {"not a digit (flick)", kFlick}, {"empty", {}},
      {"7 (" + percent(softmax(biases)[7]) + ")", kSeven}};
  for (const auto& [reading, strokes] : drawings) {
    const std::string pgm = write_pgm(strokes, "drawing");
    const test::CliRun r = test::run_cli("predict --model " + model + " --drawing " + pgm);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(r.output.rfind(pgm + " " + reading + "  ", 0), 0u) << r.output;
    EXPECT_EQ(test::line_count(r.output), 1) << r.output;
  }
}

TEST(Cli, PredictPrintsEachIdxImagesReadingWithAllProbabilities) {
  const std::vector<float> biases = seven_against_not_digit(0, 1);
  const std::string model = saved(answering(biases), "answers-not-digit");
  const test::CliRun r = test::run_cli("predict --model " + model + " --limit 3");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(test::line_count(r.output), 3);
  const std::string line = "not a digit (network, " + percent(softmax(biases)[kNotDigit]) + ") ";
  EXPECT_THAT(r.output, ::testing::StartsWith("0 " + line));
  EXPECT_THAT(r.output, ::testing::HasSubstr("\n2 " + line));
  // The ten digits' probabilities, then "not a digit"'s.
  const std::string first = r.output.substr(0, r.output.find('\n'));
  std::istringstream numbers(first.substr(first.find(')') + 1));
  std::vector<float> p{std::istream_iterator<float>(numbers), std::istream_iterator<float>()};
  ASSERT_EQ(p.size(), 11u) << first;
  EXPECT_NEAR(p[kNotDigit], softmax(biases)[kNotDigit], 1e-6);
}

TEST(Cli, PredictRefusesWhatIsNotADrawing) {
  const std::string model = saved(answering(seven_against_not_digit(1, 0)), "answers");
  const std::string junk = ::testing::TempDir() + "/junk.pgm", truncated = ::testing::TempDir() + "/truncated.pgm";
  std::ofstream(junk) << "GIF89a";
  std::ofstream(truncated) << "P5 280 280 255\n" << std::string(1000, '\xff');
  for (const auto& [args, status, message] :
       {std::tuple{"--drawing " + junk, 1, std::string("is not a binary PGM or PPM")},
        std::tuple{"--drawing " + truncated, 1, std::string("truncated: expected 78400 bytes of pixels, found 1000")},
        std::tuple{"--drawing " + junk + " --limit 3", 2, std::string("--drawing reads one drawing")}}) {
    const test::CliRun r = test::run_cli("predict --model " + model + " " + args);
    EXPECT_EQ(r.status, status) << args;
    EXPECT_EQ(test::line_count(r.output), 1) << r.output;
    EXPECT_THAT(r.output, ::testing::HasSubstr(message)) << args;
  }
}
