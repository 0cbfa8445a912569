// Calibration: the temperature in predictions and evaluation, fitting it, and the expected
// calibration error, checked against numbers worked out by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "calibration.hpp"
#include "errors.hpp"
#include "loss.hpp"
#include "trainer.hpp"
#include "test_util.hpp"

using namespace digitpad;
using digitpad::test::expect_throw_message;
using ::testing::HasSubstr;

namespace {

// A network whose outputs are its biases, whatever the input: one pixel in, zero weights.
Network bias_network(const std::vector<float>& outputs, LossKind loss = LossKind::SoftmaxCrossEntropy) {
  const int classes = int(outputs.size());
  Network net(parse_architecture("input:1x1x1,dense:" + std::to_string(classes), loss));
  for (int k = 0; k < classes; ++k) net.params()[classes + k] = outputs[size_t(k)];  // after 10x1 weights
  return net;
}

// Logits 2, 0, 0, ..., 0 (ten outputs).
std::vector<float> two_then_zeros() {
  std::vector<float> z(10, 0.0f);
  z[0] = 2.0f;
  return z;
}

Dataset one_pixel_images(std::vector<uint8_t> labels) {
  std::vector<uint8_t> images(labels.size(), 128);
  return make_dataset(std::move(images), std::move(labels), 1, 1);
}

// probs: classes x n, each column `top` at class `predicted` and the rest shared evenly.
Matrix confident(const std::vector<std::pair<int, float>>& predicted_and_top, int classes = 10) {
  Matrix probs(classes, Eigen::Index(predicted_and_top.size()));
  for (size_t n = 0; n < predicted_and_top.size(); ++n) {
    const auto [predicted, top] = predicted_and_top[n];
    probs.col(Eigen::Index(n)).setConstant((1.0f - top) / float(classes - 1));
    probs(predicted, Eigen::Index(n)) = top;
  }
  return probs;
}

}  // namespace

// ---- The temperature in predictions ------------------------------------------------------

TEST(Temperature, PredictGivesTheSoftmaxOfTheLogitsOverTheTemperature) {
  Network net = bias_network(two_then_zeros());
  const Matrix x = Matrix::Constant(1, 1, 0.5f);
  Matrix probs;
  // softmax(z / T): e^(2/T) / (e^(2/T) + 9) for the first output, 1 / (e^(2/T) + 9) for the rest.
  for (const auto& [t, first, other] : {std::tuple{1.0f, 0.4508531f, 0.0610163f},
                                        std::tuple{2.0f, 0.2319693f, 0.0853367f},
                                        std::tuple{0.5f, 0.8584864f, 0.0157237f}}) {
    net.set_temperature(t);
    net.predict(x, probs);
    EXPECT_NEAR(probs(0, 0), first, 1e-6) << "T = " << t;
    for (int k = 1; k < 10; ++k) EXPECT_NEAR(probs(k, 0), other, 1e-6) << "T = " << t;
  }
}

TEST(Temperature, MseModelsIgnoreIt) {
  Network net = bias_network({0.5f, 0.25f, 0.25f, 0, 0, 0, 0, 0, 0, -1}, LossKind::MeanSquaredError);
  const Matrix x = Matrix::Constant(1, 1, 0.5f);
  Matrix uncalibrated, calibrated;
  net.predict(x, uncalibrated);
  net.set_temperature(3.0f);
  net.predict(x, calibrated);
  EXPECT_EQ(calibrated, uncalibrated);
  EXPECT_FLOAT_EQ(calibrated(0, 0), 0.5f);
}

TEST(Temperature, OutsideItsRangeIsRefused) {
  Network net = bias_network(two_then_zeros());
  for (float bad : {0.0f, -2.0f, 0.049f, 20.5f, std::nanf(""), INFINITY})
    EXPECT_EQ(expect_throw_message([&] { net.set_temperature(bad); }).rfind("calibration temperature must be in [0.05, 20], got ", 0), 0u) << bad;
  net.set_temperature(kMinTemperature);
  net.set_temperature(kMaxTemperature);
  EXPECT_EQ(net.temperature(), 20.0f);
}

TEST(Temperature, EvaluationMeasuresThePredictionsAtIt) {
  Network net = bias_network(two_then_zeros());
  net.set_temperature(2.0f);
  const Evaluation e = evaluate(net, one_pixel_images({0, 1, 0, 3}));
  // Always "0" with p = 0.2319693; the others get 0.0853367 each.
  EXPECT_EQ(e.correct, 2);
  EXPECT_NEAR(e.loss, (-2 * std::log(0.2319693) - 2 * std::log(0.0853367)) / 4, 1e-5);
  EXPECT_NEAR(e.ece, std::fabs(2 - 4 * 0.2319693) / 4, 1e-6);
  EXPECT_THAT(e.to_json(), HasSubstr("\"ece\":0.268"));
}

TEST(Temperature, TrainingStartsFromAnUncalibratedNetwork) {
  Network net = bias_network(two_then_zeros());
  net.set_temperature(2.0f);
  const Dataset data = one_pixel_images({0, 1, 2});
  const Trainer trainer(net, data, TrainOptions{});
  EXPECT_EQ(net.temperature(), 1.0f);
}

// ---- Fitting it ----------------------------------------------------------------------------

// Labels drawn from softmax(z / T) of a network's logits z: the likeliest temperature for
// them is T, and fitting must find it.
TEST(FitTemperature, RecoversTheTemperatureTheLabelsWereDrawnAt) {
  Network net(parse_architecture("input:1x4x1,dense:10"));
  net.init_params(3);
  for (int64_t i = 0; i < net.param_count(); ++i) net.params()[i] *= 8.0f;  // logits a few units apart
  constexpr int kSamples = 20000;
  Rng rng(11);
  std::vector<uint8_t> images(size_t(kSamples) * 4);
  for (uint8_t& pixel : images) pixel = uint8_t(rng.below(256));
  Dataset data = make_dataset(images, std::vector<uint8_t>(kSamples, 0), 1, 4);
  Matrix logits, probs;
  network_outputs(net, data, logits);
  for (float truth : {0.5f, 2.0f, 5.0f}) {
    softmax_columns(logits, probs, truth);
    for (int n = 0; n < kSamples; ++n) {
      float u = rng.uniform();
      int label = 0;
      while (label < 9 && (u -= probs(label, n)) >= 0.0f) ++label;
      data.labels[size_t(n)] = uint8_t(label);
    }
    EXPECT_NEAR(fit_temperature(net, data), truth, 0.03 * truth);  // measured: 0.8% off at most
  }
}

TEST(FitTemperature, LowersTheLossOfAnOverconfidentModel) {
  // Always "0" with logit 2 over nine 0s, but right only a quarter of the time: the best
  // temperature flattens it, and a lower NLL follows.
  Network net = bias_network(two_then_zeros());
  const Dataset data = one_pixel_images({0, 1, 2, 3, 0, 5, 6, 7});
  const double before = evaluate(net, data).loss;
  const float t = fit_temperature(net, data);
  EXPECT_GT(t, 1.0f);
  EXPECT_EQ(net.temperature(), 1.0f);  // fitting does not set it
  net.set_temperature(t);
  EXPECT_LT(evaluate(net, data).loss, before);
}

TEST(FitTemperature, NeedsACrossEntropyModelAndData) {
  Network mse = bias_network(two_then_zeros(), LossKind::MeanSquaredError);
  EXPECT_THAT(expect_throw_message([&] { fit_temperature(mse, one_pixel_images({1})); }),
              HasSubstr("calibration needs a cross-entropy model"));
  Network ce = bias_network(two_then_zeros());
  Dataset empty;
  empty.rows = empty.cols = 1;
  EXPECT_THAT(expect_throw_message([&] { fit_temperature(ce, empty); }),
              HasSubstr("the calibration set is empty"));
  EXPECT_THAT(expect_throw_message([&] { fit_temperature(ce, one_pixel_images({10})); }),
              HasSubstr("the calibration set has \"not a digit\" examples"));
}

// ---- Expected calibration error --------------------------------------------------------------

TEST(ExpectedCalibrationError, HandWorkedCases) {
  // Two at 0.95 (one right) share the top bin: |1 - 1.9|; 0.5 right: |1 - 0.5|; 0.3 wrong:
  // |0 - 0.3|. Over 4 samples: 1.7 / 4.
  const Matrix probs = confident({{0, 0.95f}, {1, 0.95f}, {3, 0.5f}, {4, 0.3f}});
  const std::vector<uint8_t> labels = {0, 2, 3, 5};
  EXPECT_NEAR(expected_calibration_error(probs, labels.data()), 0.425, 1e-6);

  // 80% sure and right 4 times in 5: calibrated.
  const Matrix sure = confident({{1, 0.8f}, {1, 0.8f}, {1, 0.8f}, {1, 0.8f}, {1, 0.8f}});
  const std::vector<uint8_t> mostly_ones = {1, 1, 1, 1, 2};
  EXPECT_NEAR(expected_calibration_error(sure, mostly_ones.data()), 0.0, 1e-6);

  // Certain and wrong is the worst there is; certain and right is perfect.
  const Matrix certain = confident({{7, 1.0f}});
  const std::vector<uint8_t> seven = {7}, one = {1};
  EXPECT_NEAR(expected_calibration_error(certain, one.data()), 1.0, 1e-6);
  EXPECT_NEAR(expected_calibration_error(certain, seven.data()), 0.0, 1e-6);

  EXPECT_EQ(expected_calibration_error(Matrix(10, 0), nullptr), 0.0);
}

TEST(ExpectedCalibrationError, FifteenEqualWidthBins) {
  // 0.62 (right) and 0.68 (wrong) fall in different fifteenths, (0.6, 0.667] and (0.667,
  // 0.733], but in the same tenth.
  const Matrix probs = confident({{0, 0.62f}, {0, 0.68f}});
  const std::vector<uint8_t> labels = {0, 1};
  EXPECT_NEAR(expected_calibration_error(probs, labels.data()), (0.38 + 0.68) / 2, 1e-6);
  EXPECT_NEAR(expected_calibration_error(probs, labels.data(), 10), std::fabs(1 - 1.30) / 2, 1e-6);
}

// ---- The line of "not a digit" -------------------------------------------------------------

// An 11-output network whose answers depend on the pixel: logits spread so that the margin of
// "not a digit" over the best digit varies from image to image.
Network not_digit_network() {
  Network net(parse_architecture("input:1x4x1,dense:11"));
  net.init_params(7);
  for (int64_t i = 0; i < net.param_count(); ++i) net.params()[i] *= 6.0f;
  shift_not_digit_logit(net, -4.0f);  // and "not a digit" often ahead
  return net;
}

Dataset random_digits(int count, uint64_t seed) {
  Rng rng(seed);
  std::vector<uint8_t> images(size_t(count) * 4), labels(static_cast<size_t>(count));
  for (uint8_t& pixel : images) pixel = uint8_t(rng.below(256));
  for (uint8_t& label : labels) label = uint8_t(rng.below(10));
  return make_dataset(images, labels, 1, 4);
}

TEST(NotDigitShift, TurnsAwayAtMostTheShareAndNoFewerThanItMust) {
  const Dataset digits = random_digits(2000, 3);
  for (double share : {0.0, 0.003, 0.05}) {
    Network net = not_digit_network();
    const int before = evaluate(net, digits).rejected;
    ASSERT_GT(before, 100);  // the untouched network turns many away: there is something to fit
    const float shift = fit_not_digit_shift(net, digits, share);
    EXPECT_GT(shift, 0.0f);
    shift_not_digit_logit(net, shift);
    EXPECT_LE(evaluate(net, digits).rejected, int(share * 2000)) << share;
    // The smallest such shift: a little less turns away more than the share allows.
    shift_not_digit_logit(net, -0.01f);
    EXPECT_GT(evaluate(net, digits).rejected, int(share * 2000)) << share;
  }
}

TEST(NotDigitShift, IsZeroWhenFewEnoughDigitsAreTurnedAway) {
  Network net = not_digit_network();
  shift_not_digit_logit(net, 1000.0f);  // "not a digit" never wins
  EXPECT_EQ(fit_not_digit_shift(net, random_digits(500, 4), 0.003), 0.0f);
}

TEST(NotDigitShift, NeedsTheOutputDigitsAndAShare) {
  Network ten = bias_network(two_then_zeros());
  EXPECT_THAT(expect_throw_message([&] { fit_not_digit_shift(ten, one_pixel_images({1}), 0.01); }),
              HasSubstr("has no \"not a digit\" output"));
  Network net = not_digit_network();
  EXPECT_THAT(expect_throw_message([&] { fit_not_digit_shift(net, random_digits(10, 5), 1.5); }),
              HasSubstr("must be in [0, 1]"));
  Dataset with_negatives = random_digits(10, 6);
  with_negatives.labels[3] = 10;
  EXPECT_THAT(expect_throw_message([&] { fit_not_digit_shift(net, with_negatives, 0.01); }),
              HasSubstr("has \"not a digit\" examples"));
  Network relu_last(parse_architecture("input:1x4x1,dense:11,relu"));
  EXPECT_THAT(expect_throw_message([&] { shift_not_digit_logit(relu_last, 1.0f); }),
              HasSubstr("only when the last layer is dense"));
}
