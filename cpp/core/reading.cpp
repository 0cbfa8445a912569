#include "reading.hpp"

#include <algorithm>
#include <string>

#include "errors.hpp"

namespace digitpad {

Reading read_probabilities(const float* probabilities, int classes) {
  Reading r;
  std::copy_n(probabilities, kDigitClasses, r.digits.begin());
  r.digit = int(std::max_element(r.digits.begin(), r.digits.end()) - r.digits.begin());
  r.confidence = r.digits[size_t(r.digit)];
  r.not_digit = classes > kNotDigit ? probabilities[kNotDigit] : 0.0f;
  // The rule, with no threshold of its own: "not a digit" when that output is the largest
  // (a tie goes to the digit). How sure it must be is the network's training and calibration.
  if (r.not_digit > r.confidence) {
    r.state = ReadingState::NotDigit;
    r.reason = NotDigitReason::Network;
    r.digit = -1;
    r.confidence = r.not_digit;
  } else {
    r.state = ReadingState::Digit;
  }
  return r;
}

void check_takes_drawings(const Network& net) {
  if (net.input_shape().size() != kDigitSide * kDigitSide)
    throw ConfigError("this model takes " + net.input_shape().str() + " inputs, not 28x28 drawings");
}

Reading read_drawing(const PreprocessResult& seen, Network& net) {
  if (seen.ink == Ink::None) return Reading{};
  check_takes_drawings(net);
  Matrix x(kDigitSide * kDigitSide, 1), probabilities;  // x: 784 x 1
  std::copy(seen.image.begin(), seen.image.end(), x.data());
  net.predict(x, probabilities);  // classes x 1
  return read_seen(seen, probabilities.data(), net.classes());
}

Reading read_seen(const PreprocessResult& seen, const float* probabilities, int classes) {
  if (seen.ink == Ink::None) return Reading{};
  Reading r = read_probabilities(probabilities, classes);
  if (seen.ink == Ink::Dot || seen.ink == Ink::Flick) {
    r.state = ReadingState::NotDigit;
    r.reason = seen.ink == Ink::Dot ? NotDigitReason::Dot : NotDigitReason::Flick;
    r.digit = -1;
    r.confidence = 1.0f;
  }
  return r;
}

const char* state_name(ReadingState state) {
  switch (state) {
    case ReadingState::Empty: return "empty";
    case ReadingState::NotDigit: return "not-digit";
    case ReadingState::Digit: return "digit";
  }
  return "?";
}

const char* reason_name(NotDigitReason reason) {
  switch (reason) {
    case NotDigitReason::None: return "";
    case NotDigitReason::Dot: return "dot";
    case NotDigitReason::Flick: return "flick";
    case NotDigitReason::Network: return "network";
    case NotDigitReason::Small: return "small";
  }
  return "?";
}

}  // namespace digitpad
