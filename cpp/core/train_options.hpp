// Every setting of a training run, in one struct, and the one table that names, types, bounds,
// defaults and describes each of them. Both front ends go through the table: the CLI builds its
// `train` flags and `--help` from it, the bindings turn a JS options object into the struct
// with it, and the manifest's recipes use its names. A key a front end does not know, a value
// of the wrong type or out of range is a ConfigError that names the key and its range.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "architecture.hpp"
#include "augment.hpp"

namespace digitpad {

enum class OptimizerKind { Sgd, Adam };
enum class ScheduleKind { Constant, Step, Cosine };

struct TrainOptions {
  TrainOptions();  // every key at the table's default (SGD's where optimizers differ)

  LossKind loss;
  OptimizerKind optimizer;
  float learning_rate;
  float momentum;                // SGD only; 0 is plain SGD
  float beta1, beta2, epsilon;   // Adam only
  int batch_size;
  int epochs;
  // L2 weight decay as in Nielsen's book: the loss gains lambda/(2n) * sum(w^2), n = training
  // set size, biases excluded. lambda = 5.0 with n = 60,000 decays each weight by
  // lr * 8.3e-5 a step.
  float l2_lambda;
  ScheduleKind schedule;
  int step_epochs;               // Step: multiply by step_gamma every step_epochs epochs
  float step_gamma;
  uint64_t seed;                 // initialisation, shuffling, dropout and augmentation
  Init init;
  bool augment;
  AugmentConfig augmentation;
};

// One key of the table. Numbers are held as doubles on the way in (JS numbers and the CLI's
// text both parse to double) and stored in the struct's own type.
enum class OptionType { Integer, Real, Boolean, Choice };

struct TrainOptionKey {
  const char* name;         // the JS and manifest key: "learningRate"
  const char* flag;         // the CLI flag: "--lr"
  const char* label;        // the page's label: "Learning rate"
  const char* group;        // how the page groups the settings: "run", "optimizer", "augmentation"
  OptionType type;
  double min, max;          // Integer and Real: the allowed range
  bool min_exclusive;       // (min, max] instead of [min, max]
  std::vector<const char*> choices;  // Choice: the allowed words
  double default_value;     // Integer, Real, Boolean (0/1); Choice: the index in choices
  double adam_default;      // the default with Adam where it differs (NaN: the same)
  const char* description;  // one line, for --help and the page
  const char* when;         // "" or the only case it matters in: "optimizer=adam", "augment=true"
  // The struct field, as a double (a Choice's index, a Boolean's 0/1).
  double (*get)(const TrainOptions&);
  void (*set)(TrainOptions&, double);

  std::string range() const;  // "(0, 10]", "1..65536", "one of sgd, adam", "true or false"
  std::string format(double v) const;  // a value as the CLI writes it: "adam", "true", "0.002"
};

const std::vector<TrainOptionKey>& train_option_keys();
const TrainOptionKey* find_train_option(const std::string& name);          // by JS name
const TrainOptionKey* find_train_option_by_flag(const std::string& flag);  // by CLI flag

// What a front end read for one key: a number, a true/false or a word.
struct OptionValue {
  enum Kind { Number, Boolean, Text } kind = Number;
  double number = 0;
  bool boolean = false;
  std::string text;
  static OptionValue of(double v) { return {Number, v, false, {}}; }
  static OptionValue of(bool v) { return {Boolean, 0, v, {}}; }
  static OptionValue of(std::string v) { return {Text, 0, false, std::move(v)}; }
};
using OptionList = std::vector<std::pair<const TrainOptionKey*, OptionValue>>;

// The options a run gets from the keys given: the table's defaults for the optimizer given
// (or SGD), then each given value, type- and range-checked. `label` names a key in errors
// (the CLI says "--lr", JS says "learningRate"). Throws ConfigError.
TrainOptions make_train_options(const OptionList& given,
                                const char* (*label)(const TrainOptionKey&));
const char* js_name(const TrainOptionKey& key);
const char* cli_flag(const TrainOptionKey& key);

// Checks a struct built in code against the table's ranges and the rules between keys
// (scale min <= max). Throws ConfigError naming the JS key.
void validate_train_options(const TrainOptions& options);

// The struct as JSON, every key in table order: what the trainer really got. Two front ends
// that print the same text built the same struct (floats printed with 9 significant digits).
std::string train_options_to_json(const TrainOptions& options);
// The table as JSON: [{name, flag, label, group, type, min, max, minExclusive, choices, default,
// adamDefault, description, when}], for the page's settings form and scripts.
std::string train_option_keys_json();

// Learning rate at a point of training (epoch_progress counts epochs, fractional).
float scheduled_learning_rate(const TrainOptions& options, double epoch_progress);

}  // namespace digitpad
