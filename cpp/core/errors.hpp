// Error types of the digitpad core. Everything a user can get wrong (a file, an argument, a
// hyperparameter) is reported with one of these; the message says what is wrong in plain words.
#pragma once
#include <stdexcept>
#include <string>

namespace digitpad {

// A model file that cannot be loaded: truncated, wrong magic, bad checksum, ...
struct ModelFormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A data file (MNIST IDX) that is malformed or does not match what is needed.
struct DataFormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// An architecture spec or hyperparameter that makes no sense.
struct ConfigError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Training went wrong at run time, e.g. the loss became NaN (the run diverged).
struct TrainingError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace digitpad
