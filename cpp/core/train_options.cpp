#include "train_options.hpp"

#include <cmath>
#include <limits>

#include "errors.hpp"
#include "json.hpp"

namespace digitpad {

namespace {

constexpr double kSame = std::numeric_limits<double>::quiet_NaN();  // no per-optimizer default

// Reads and writes one struct field as a double; enums go through their index.
#define FIELD(member)                                                  \
  +[](const TrainOptions& o) { return double(o.member); },            \
      +[](TrainOptions& o, double v) { o.member = decltype(o.member)(v); }
#define ENUM_FIELD(member)                                             \
  +[](const TrainOptions& o) { return double(int(o.member)); },       \
      +[](TrainOptions& o, double v) { o.member = decltype(o.member)(int(v)); }

TrainOptionKey number(const char* name, const char* flag, const char* label, const char* group, OptionType type,
                      double min, double max, bool min_exclusive, double fallback, double adam,
                      const char* description, double (*get)(const TrainOptions&),
                      void (*set)(TrainOptions&, double), const char* when = "") {
  return {name, flag, label, group, type, min, max, min_exclusive, {}, fallback, adam, description, when, get, set};
}

TrainOptionKey choice(const char* name, const char* flag, const char* label, const char* group,
                      std::vector<const char*> choices, const char* description,
                      double (*get)(const TrainOptions&), void (*set)(TrainOptions&, double)) {
  // The enums list their values in the order of `choices`; the first is the default.
  return {name, flag, label, group, OptionType::Choice, 0, double(choices.size() - 1), false,
          std::move(choices), 0, kSame, description, "", get, set};
}

std::vector<TrainOptionKey> make_keys() {
  using T = OptionType;
  const char* run = "run";
  const char* opt = "optimizer";
  const char* aug = "augmentation";
  return {
      choice("loss", "--loss", "Loss", run, {"ce", "mse"},
             "cross-entropy on the softmax (ce) or mean squared error (mse)", ENUM_FIELD(loss)),
      number("epochs", "--epochs", "Epochs", run, T::Integer, 1, 100000, false, 10, kSame,
             "passes over the training images", FIELD(epochs)),
      number("batchSize", "--batch", "Batch size", run, T::Integer, 1, 65536, false, 64, kSame,
             "images per gradient step", FIELD(batch_size)),
      number("seed", "--seed", "Seed", run, T::Integer, 0, 4294967295.0, false, 1, kSame,
             "seed of the initial weights, shuffling, dropout and augmentation", FIELD(seed)),
      choice("init", "--init", "Initial weights", run, {"auto", "xavier", "he"},
             "initial weights: He before ReLU and Xavier elsewhere (auto), or one for all",
             ENUM_FIELD(init)),
      choice("optimizer", "--optimizer", "Optimizer", opt, {"sgd", "adam"},
             "stochastic gradient descent with momentum, or Adam", ENUM_FIELD(optimizer)),
      number("learningRate", "--lr", "Learning rate", opt, T::Real, 0, 10, true, 0.05, 0.001,
             "step size (at the start, with a schedule)", FIELD(learning_rate)),
      choice("schedule", "--lr-schedule", "Learning-rate schedule", opt, {"constant", "step", "cosine"},
             "learning rate over the run: constant, step (times stepGamma every stepEpochs "
             "epochs) or cosine (down to 0 at the end)",
             ENUM_FIELD(schedule)),
      number("stepEpochs", "--lr-step-epochs", "Step every (epochs)", opt, T::Integer, 1, 100000, false, 10, kSame,
             "step schedule: epochs between steps", FIELD(step_epochs), "schedule=step"),
      number("stepGamma", "--lr-step-gamma", "Step factor", opt, T::Real, 0, 1, true, 0.5, kSame,
             "step schedule: factor at each step", FIELD(step_gamma), "schedule=step"),
      number("momentum", "--momentum", "Momentum", opt, T::Real, 0, 0.999, false, 0.9, kSame,
             "SGD: momentum (0 is plain SGD)", FIELD(momentum), "optimizer=sgd"),
      number("beta1", "--beta1", "Adam β1", opt, T::Real, 0, 0.9999, false, 0.9, kSame,
             "Adam: decay of the gradient's running mean", FIELD(beta1), "optimizer=adam"),
      number("beta2", "--beta2", "Adam β2", opt, T::Real, 0, 0.99999, false, 0.999, kSame,
             "Adam: decay of the squared gradient's running mean", FIELD(beta2), "optimizer=adam"),
      number("epsilon", "--epsilon", "Adam ε", opt, T::Real, 1e-12, 1, false, 1e-8, kSame,
             "Adam: added to the denominator", FIELD(epsilon), "optimizer=adam"),
      number("l2", "--l2", "L2 λ", opt, T::Real, 0, 1000, false, 0, kSame,
             "L2 weight decay lambda: the loss gains lambda/(2n) * sum(w^2), n images",
             FIELD(l2_lambda)),
      number("augment", "--augment", "Augmentation", aug, T::Boolean, 0, 1, false, 0, kSame,
             "distort each training image at random, as set below", FIELD(augment)),
      number("rotation", "--rotation", "Rotation (degrees)", aug, T::Real, 0, 180, false, 12, kSame,
             "largest rotation, degrees either way", FIELD(augmentation.max_rotation_deg), "augment=true"),
      number("scaleMin", "--scale-min", "Smallest scale", aug, T::Real, 0.1, 10, false, 0.9, kSame,
             "smallest scale factor", FIELD(augmentation.min_scale), "augment=true"),
      number("scaleMax", "--scale-max", "Largest scale", aug, T::Real, 0.1, 10, false, 1.1, kSame,
             "largest scale factor", FIELD(augmentation.max_scale), "augment=true"),
      number("shift", "--shift", "Shift (pixels)", aug, T::Real, 0, 100, false, 2, kSame,
             "largest shift, pixels on each axis", FIELD(augmentation.max_shift_px), "augment=true"),
      number("elasticAlpha", "--elastic-alpha", "Elastic α (pixels)", aug, T::Real, 0, 1000, false, 34, kSame,
             "elastic distortion: displacement scale, pixels (0 turns it off)",
             FIELD(augmentation.elastic_alpha), "augment=true"),
      number("elasticSigma", "--elastic-sigma", "Elastic σ (pixels)", aug, T::Real, 0.5, 100, false, 4, kSame,
             "elastic distortion: smoothing of the displacement field, pixels",
             FIELD(augmentation.elastic_sigma), "augment=true"),
      number("elasticProbability", "--elastic-probability", "Elastic share", aug, T::Real, 0, 1, false, 0.5, kSame,
             "elastic distortion: share of images distorted", FIELD(augmentation.elastic_probability), "augment=true"),
  };
}

#undef FIELD
#undef ENUM_FIELD

std::string text_of(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return json_number(v);
}

// value: what the front end gave, already in the key's type; throws naming the key.
void check_range(const TrainOptionKey& key, double v, const char* label, const std::string& given) {
  bool ok = std::isfinite(v) && v <= key.max && (key.min_exclusive ? v > key.min : v >= key.min);
  if (key.type == OptionType::Integer || key.type == OptionType::Choice) ok = ok && v == std::floor(v);
  if (!ok) {
    const char* kind = key.type == OptionType::Integer ? " a whole number in "
                       : key.type == OptionType::Real  ? " in "
                                                       : " ";
    throw ConfigError(std::string(label) + " must be" + kind + key.range() + ", got " + given);
  }
}

void set_option(TrainOptions& o, const TrainOptionKey& key, const OptionValue& value,
                const char* label) {
  const std::string given = value.kind == OptionValue::Text      ? "'" + value.text + "'"
                            : value.kind == OptionValue::Boolean ? (value.boolean ? "true" : "false")
                                                                 : text_of(value.number);
  double v = std::numeric_limits<double>::quiet_NaN();  // a value of the wrong kind fails the check
  switch (key.type) {
    case OptionType::Choice:
      for (size_t i = 0; i < key.choices.size() && value.kind == OptionValue::Text; ++i)
        if (value.text == key.choices[i]) v = double(i);
      break;
    case OptionType::Boolean:
      if (value.kind == OptionValue::Boolean) v = value.boolean;
      break;
    default:
      if (value.kind == OptionValue::Number) v = value.number;
  }
  check_range(key, v, label, given);
  key.set(o, v);
}

void check_between_keys(const TrainOptions& o, const char* (*label)(const TrainOptionKey&)) {
  if (o.augmentation.min_scale > o.augmentation.max_scale)
    throw ConfigError(std::string(label(*find_train_option("scaleMin"))) + " must not exceed " +
                      label(*find_train_option("scaleMax")));
}

}  // namespace

TrainOptions::TrainOptions() {
  for (const TrainOptionKey& key : train_option_keys()) key.set(*this, key.default_value);
}

std::string TrainOptionKey::range() const {
  switch (type) {
    case OptionType::Choice: {
      std::string out = "one of ";
      for (size_t i = 0; i < choices.size(); ++i) out += (i ? ", " : "") + std::string(choices[i]);
      return out;
    }
    case OptionType::Boolean:
      return "true or false";
    case OptionType::Integer:
      return text_of(min) + ".." + text_of(max);
    default:
      return (min_exclusive ? "(" : "[") + text_of(min) + ", " + text_of(max) + "]";
  }
}

std::string TrainOptionKey::format(double v) const {
  switch (type) {
    case OptionType::Choice: return choices[size_t(v)];
    case OptionType::Boolean: return v != 0 ? "true" : "false";
    case OptionType::Integer: return json_number(v);
    default: return json_number(float(v));
  }
}

const std::vector<TrainOptionKey>& train_option_keys() {
  static const std::vector<TrainOptionKey> keys = make_keys();
  return keys;
}

const TrainOptionKey* find_train_option(const std::string& name) {
  for (const TrainOptionKey& key : train_option_keys())
    if (name == key.name) return &key;
  return nullptr;
}

const TrainOptionKey* find_train_option_by_flag(const std::string& flag) {
  for (const TrainOptionKey& key : train_option_keys())
    if (flag == key.flag) return &key;
  return nullptr;
}

const char* js_name(const TrainOptionKey& key) { return key.name; }
const char* cli_flag(const TrainOptionKey& key) { return key.flag; }

TrainOptions make_train_options(const OptionList& given,
                                const char* (*label)(const TrainOptionKey&)) {
  TrainOptions o;
  // The optimizer first: it decides the other keys' defaults.
  for (const auto& [key, value] : given)
    if (key == find_train_option("optimizer")) set_option(o, *key, value, label(*key));
  if (o.optimizer == OptimizerKind::Adam)
    for (const TrainOptionKey& key : train_option_keys())
      if (!std::isnan(key.adam_default)) key.set(o, key.adam_default);
  for (const auto& [key, value] : given) set_option(o, *key, value, label(*key));
  check_between_keys(o, label);
  return o;
}

void validate_train_options(const TrainOptions& o) {
  for (const TrainOptionKey& key : train_option_keys()) {
    const double v = key.get(o);
    check_range(key, v, key.name, text_of(v));
  }
  check_between_keys(o, js_name);
}

std::string train_options_to_json(const TrainOptions& o) {
  std::string out = "{";
  for (const TrainOptionKey& key : train_option_keys()) {
    const std::string value = key.format(key.get(o));
    out += (out.size() > 1 ? "," : "") + json_string(key.name) + ":" +
           (key.type == OptionType::Choice ? json_string(value) : value);
  }
  return out + "}";
}

std::string train_option_keys_json() {
  const char* type_names[] = {"integer", "real", "boolean", "choice"};
  std::string out = "[";
  for (const TrainOptionKey& key : train_option_keys()) {
    auto value = [&](double v) {
      return key.type == OptionType::Choice ? json_string(key.format(v)) : key.format(v);
    };
    out += std::string(out.size() > 1 ? "," : "") + "{\"name\":" + json_string(key.name) +
           ",\"flag\":" + json_string(key.flag) + ",\"label\":" + json_string(key.label) +
           ",\"group\":" + json_string(key.group) +
           ",\"type\":\"" + type_names[int(key.type)] + "\"";
    if (key.type == OptionType::Integer || key.type == OptionType::Real)
      out += ",\"min\":" + json_number(key.min) + ",\"max\":" + json_number(key.max) +
             ",\"minExclusive\":" + (key.min_exclusive ? "true" : "false");
    if (key.type == OptionType::Choice) {
      out += ",\"choices\":[";
      for (size_t i = 0; i < key.choices.size(); ++i) out += (i ? "," : "") + json_string(key.choices[i]);
      out += "]";
    }
    out += ",\"default\":" + value(key.default_value) + ",\"adamDefault\":" +
           (std::isnan(key.adam_default) ? "null" : value(key.adam_default)) +
           ",\"description\":" + json_string(key.description) +
           ",\"when\":" + (*key.when ? json_string(key.when) : "null") + "}";
  }
  return out + "]";
}

float scheduled_learning_rate(const TrainOptions& o, double epoch_progress) {
  switch (o.schedule) {
    case ScheduleKind::Step:
      return o.learning_rate * std::pow(o.step_gamma, float(int(epoch_progress) / o.step_epochs));
    case ScheduleKind::Cosine:
      return o.learning_rate * 0.5f *
             float(1.0 + std::cos(3.14159265358979 * std::min(1.0, epoch_progress / o.epochs)));
    default:
      return o.learning_rate;
  }
}

}  // namespace digitpad
