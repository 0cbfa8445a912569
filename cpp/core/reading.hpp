// What a drawing is read as: nothing (an empty pad), not a digit (and why), or a digit with
// how sure the network is. The one place where the shape rules of preprocessing and the
// network's "not a digit" output become an answer; the CLI, the bindings and the page use it.
#pragma once
#include <array>

#include "architecture.hpp"
#include "network.hpp"
#include "preprocess.hpp"

namespace digitpad {

enum class ReadingState { Empty, NotDigit, Digit };

// Why a drawing is not a digit: a shape rule of preprocessing (Ink::Dot, Ink::Flick), or the
// network's own "not a digit" output (kNotDigit) won. In a number, a part too low for the
// line's digits is not one either (Small; number_reading.hpp).
enum class NotDigitReason { None, Dot, Flick, Network, Small };

struct Reading {
  ReadingState state = ReadingState::Empty;
  NotDigitReason reason = NotDigitReason::None;  // None unless state is NotDigit
  int digit = -1;  // the most probable digit when state is Digit, else -1
  // Digit: the digit's probability. NotDigit: the network's "not a digit" probability when
  // that output won, 1 when a shape rule decided (a rule is not a guess). Empty: 0.
  float confidence = 0;
  // The network's probability of each digit: its softmax over all its outputs, so with an
  // eleventh output they need not sum to 1. Read for every ink, a dot too; zeros when Empty.
  std::array<float, kDigitClasses> digits{};
  float not_digit = 0;  // the network's "not a digit" probability; 0 for 10-output networks
};

// One image's class probabilities (`classes` of them: 10, or 11 with kNotDigit) as a reading:
// a digit, or not a digit when the network's kNotDigit output is the largest.
Reading read_probabilities(const float* probabilities, int classes);

// A preprocessed drawing read by the network: Empty without ink, NotDigit when a shape rule
// fired or the network says so, else the digit. The network reads every ink. Throws
// ConfigError when the network does not take 28x28 images (check_takes_drawings).
Reading read_drawing(const PreprocessResult& seen, Network& net);

// The same from the network's probabilities for seen.image (`classes` of them): the shape
// rules of preprocessing overrule the network, whose probabilities are kept.
Reading read_seen(const PreprocessResult& seen, const float* probabilities, int classes);

// Throws ConfigError unless the network reads 28x28 images, as preprocessing makes them.
void check_takes_drawings(const Network& net);

const char* state_name(ReadingState state);      // "empty", "not-digit", "digit"
const char* reason_name(NotDigitReason reason);  // "", "dot", "flick", "network", "small"

}  // namespace digitpad
