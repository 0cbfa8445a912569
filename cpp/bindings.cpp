// The only file that knows about Emscripten: Embind declarations and the conversions between
// JS values and the core's C++ types. Conventions:
// - Buffers cross once: inputs are copied straight into C++ memory with TypedArray.set() on a
//   typed_memory_view, results are copied out into fresh JS typed arrays. No view into WASM
//   memory is handed to JS (it would die when memory grows).
// - No C++ exception leaves this file: each entry point catches it and throws a JS Error with
//   the same message, so nothing aborts the module.
// - JS owns the handles it creates and must delete() them; web/digitpad.js does.
#include <emscripten/bind.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <cmath>
#include <memory>
#include <optional>
#include <string>

#include "core/errors.hpp"
#include "core/model_format.hpp"
#include "core/preprocess.hpp"
#include "core/trainer.hpp"

using emscripten::val;
using namespace digitpad;

namespace {

// Thrown from outside any C++ scope that owns memory, so a JS exception unwinding through
// WASM frames leaks nothing. The message lives in a static.
[[noreturn]] void throw_js_error(const std::string& message) {
  static std::string last_message;
  last_message = message;
  val::global("Error").new_(val(last_message)).throw_();
  __builtin_unreachable();
}

template <typename F>
auto guarded(F&& body) -> decltype(body()) {
  const char* failure = nullptr;
  static std::string message;
  try {
    return body();
  } catch (const std::bad_alloc&) {
    failure = "out of memory";
  } catch (const std::exception& e) {
    message = e.what();
    failure = message.c_str();
  } catch (...) {
    failure = "unknown error";
  }
  throw_js_error(failure);
}

// Copies a JS typed array (or plain array) into a C++ buffer of the same element type.
template <typename T>
void copy_from_js(const val& source, T* destination, size_t count) {
  val(emscripten::typed_memory_view(count, destination)).call<void>("set", source);
}

template <typename T>
val copy_to_js(const char* array_type, const T* source, size_t count) {
  return val::global(array_type).new_(emscripten::typed_memory_view(count, source));
}

size_t js_length(const val& array, const char* what) {
  if (array.isUndefined() || array.isNull() || !array["length"].isNumber())
    throw ConfigError(std::string(what) + " must be a typed array");
  return array["length"].as<size_t>();
}

// Reads an optional number from an options object; throws if it is present but not finite.
double number_option(const val& options, const char* key, double fallback) {
  if (options.isUndefined() || options.isNull()) return fallback;
  const val v = options[key];
  if (v.isUndefined() || v.isNull()) return fallback;
  if (!v.isNumber()) throw ConfigError(std::string(key) + " must be a number");
  const double x = v.as<double>();
  if (!std::isfinite(x)) throw ConfigError(std::string(key) + " must be a finite number");
  return x;
}

std::string string_option(const val& options, const char* key, const std::string& fallback) {
  if (options.isUndefined() || options.isNull()) return fallback;
  const val v = options[key];
  if (v.isUndefined() || v.isNull()) return fallback;
  if (!v.isString()) throw ConfigError(std::string(key) + " must be a string");
  return v.as<std::string>();
}

int int_option(const val& options, const char* key, int fallback) {
  const double x = number_option(options, key, fallback);
  if (x != std::floor(x) || std::abs(x) > 2e9)
    throw ConfigError(std::string(key) + " must be a whole number");
  return int(x);
}

val describe_network(const Network& net) {
  val info = val::object();
  info.set("name", net.name());
  info.set("architecture", net.architecture().spec());
  info.set("loss", std::string(loss_name(net.architecture().loss)));
  info.set("parameters", double(net.param_count()));
  const Shape in = net.input_shape();
  info.set("inputShape", val::array(std::vector<int>{in.height, in.width, in.channels}));
  return info;
}

val evaluation_to_js(const Evaluation& e) {
  val out = val::object();
  out.set("n", double(e.n));
  out.set("correct", double(e.correct));
  out.set("accuracy", e.accuracy());
  out.set("loss", e.loss);
  val per_class = val::array();
  val confusion = val::array();
  for (int t = 0; t < 10; ++t) {
    per_class.call<void>("push", e.class_accuracy(t));
    val row = val::array();
    for (int p = 0; p < 10; ++p) row.call<void>("push", double(e.confusion[size_t(t)][size_t(p)]));
    confusion.call<void>("push", row);
  }
  out.set("perClassAccuracy", per_class);
  out.set("confusion", confusion);
  return out;
}

// pixels: count x 784 uint8 (28x28 images one after another), labels: count digits.
Dataset dataset_from_js(const val& pixels, const val& labels) {
  std::vector<uint8_t> images(js_length(pixels, "pixels")), digits(js_length(labels, "labels"));
  copy_from_js(pixels, images.data(), images.size());
  copy_from_js(labels, digits.data(), digits.size());
  return make_dataset(std::move(images), std::move(digits), 28, 28);
}

// ---- Model: a loaded network used for prediction ------------------------------------------

class ModelHandle {
 public:
  explicit ModelHandle(Network net) : net_(std::move(net)) {}

  static ModelHandle* from_bytes(const val& bytes) {
    return guarded([&] {
      const size_t size = js_length(bytes, "model bytes");
      std::vector<uint8_t> buffer(size);
      copy_from_js(bytes, buffer.data(), size);
      return new ModelHandle(deserialize_model(buffer.data(), buffer.size()));
    });
  }

  // inputs: count x 784 floats in 0..1 (one image after another) -> count x 10 probabilities.
  val predict(const val& inputs, int count) {
    return guarded([&] {
      const int size = net_.input_shape().size();
      if (count < 1 || count > 100000) throw ConfigError("count must be 1..100000");
      if (js_length(inputs, "inputs") != size_t(count) * size_t(size))
        throw ConfigError("inputs must hold count x " + std::to_string(size) + " values");
      input_.resize(size, count);
      copy_from_js(inputs, input_.data(), size_t(input_.size()));
      if (!input_.allFinite()) throw ConfigError("inputs contain NaN or Inf");
      net_.predict(input_, probs_);
      return copy_to_js("Float32Array", probs_.data(), size_t(probs_.size()));
    });
  }

  val describe() const { return guarded([&] { return describe_network(net_); }); }

  val to_bytes() const {
    return guarded([&] {
      const std::vector<uint8_t> bytes = serialize_model(net_);
      return copy_to_js("Uint8Array", bytes.data(), bytes.size());
    });
  }

 private:
  Network net_;
  Matrix input_, probs_;  // reused between calls: no allocation per prediction
};

// ---- Trainer: a network being trained in chunks -------------------------------------------

class TrainerHandle {
 public:
  // options: { loss, optimizer, learningRate, momentum, batchSize, epochs, l2, schedule,
  //            seed, augment, init, name }
  static TrainerHandle* create(const std::string& spec, const val& options) {
    return guarded([&] {
      const Architecture arch = parse_architecture(spec, parse_loss(string_option(options, "loss", "ce")));
      auto handle = std::make_unique<TrainerHandle>(
          Network(arch, string_option(options, "name", arch.spec())), options);
      const std::string init = string_option(options, "init", "auto");
      if (init != "auto" && init != "xavier" && init != "he")
        throw ConfigError("init must be auto, xavier or he");
      handle->net_.init_params(handle->config_.seed, init == "he"       ? InitChoice::He
                                                     : init == "xavier" ? InitChoice::Xavier
                                                                        : InitChoice::Auto);
      return handle.release();
    });
  }

  // Fine-tuning: training continues from a model file's weights.
  static TrainerHandle* from_model(const val& bytes, const val& options) {
    return guarded([&] {
      const size_t size = js_length(bytes, "model bytes");
      std::vector<uint8_t> buffer(size);
      copy_from_js(bytes, buffer.data(), size);
      Network net = deserialize_model(buffer.data(), buffer.size());
      const std::string name = string_option(options, "name", net.name());
      net.set_name(name);
      return new TrainerHandle(std::move(net), options);
    });
  }

  TrainerHandle(Network net, const val& options) : net_(std::move(net)) {
    TrainConfig& c = config_;
    c.optimizer = parse_optimizer(string_option(options, "optimizer", "sgd"));
    c.epochs = int_option(options, "epochs", 1);
    c.batch_size = int_option(options, "batchSize", 64);
    c.learning_rate = float(number_option(options, "learningRate",
                                          c.optimizer == OptimizerKind::Adam ? 0.001 : 0.05));
    c.momentum = float(number_option(options, "momentum", 0.9));
    c.l2_lambda = float(number_option(options, "l2", 0.0));
    parse_schedule(string_option(options, "schedule", "constant"), c);
    const double seed = number_option(options, "seed", 1);
    if (seed < 0 || seed != std::floor(seed)) throw ConfigError("seed must be a whole number >= 0");
    c.seed = uint64_t(seed);
    const val augment = options.isUndefined() || options.isNull() ? val::undefined() : options["augment"];
    c.augment = augment.isTrue();
    validate_train_config(c);
  }

  void set_data(const val& pixels, const val& labels) {
    guarded([&] {
      Dataset data = dataset_from_js(pixels, labels);
      trainer_.reset();  // it refers to the old data
      data_ = std::move(data);
      trainer_.emplace(net_, data_, config_);
      return 0;
    });
  }

  // Trains up to `batches` batches; returns progress (see ChunkResult).
  val run(int batches) {
    return guarded([&] {
      if (diverged_) throw TrainingError("training diverged earlier; create a new trainer");
      if (!trainer_) throw ConfigError("no training data: call setData first");
      ChunkResult r;
      try {
        r = trainer_->run(batches);
      } catch (const TrainingError&) {
        diverged_ = true;
        throw;
      }
      val out = val::object();
      out.set("loss", r.loss);
      out.set("accuracy", r.accuracy);
      out.set("samples", double(r.samples));
      out.set("epoch", r.epoch);
      out.set("batch", r.batch);
      out.set("batchesPerEpoch", r.batches_per_epoch);
      out.set("epochDone", r.epoch_done);
      out.set("done", r.done);
      return out;
    });
  }

  val evaluate(const val& pixels, const val& labels) {
    return guarded([&] {
      const Dataset test = dataset_from_js(pixels, labels);
      return evaluation_to_js(digitpad::evaluate(net_, test));
    });
  }

  val export_model() const {
    return guarded([&] {
      if (diverged_) throw TrainingError("training diverged; this model cannot be exported");
      const std::vector<uint8_t> bytes = serialize_model(net_);
      return copy_to_js("Uint8Array", bytes.data(), bytes.size());
    });
  }

  val describe() const { return guarded([&] { return describe_network(net_); }); }

 private:
  Network net_;
  TrainConfig config_;
  Dataset data_;
  std::optional<Trainer> trainer_;
  bool diverged_ = false;
};

// ---- Preprocessing a drawing ---------------------------------------------------------------

// rgba: width x height x 4 bytes (canvas ImageData.data). Returns { hasDigit, image:
// Float32Array(784) (0 background .. 1 ink, what the network sees), box: {x, y, width,
// height} in drawing pixels, strokeWidth }.
val preprocess(const val& rgba, int width, int height) {
  return guarded([&] {
    if (width < 1 || height < 1 || width > 8192 || height > 8192)
      throw ConfigError("drawing size " + std::to_string(width) + "x" + std::to_string(height) +
                        " is out of range");
    const size_t size = size_t(width) * size_t(height) * 4;
    if (js_length(rgba, "pixels") != size)
      throw ConfigError("pixels must hold width x height x 4 bytes (RGBA)");
    std::vector<uint8_t> pixels(size);
    copy_from_js(rgba, pixels.data(), size);
    const PreprocessResult r = preprocess_drawing(pixels.data(), width, height);
    val out = val::object();
    out.set("hasDigit", r.has_digit);
    out.set("image", copy_to_js("Float32Array", r.image.data(), r.image.size()));
    val box = val::object();
    box.set("x", r.box_x);
    box.set("y", r.box_y);
    box.set("width", r.box_width);
    box.set("height", r.box_height);
    out.set("box", box);
    out.set("strokeWidth", r.stroke_width);
    return out;
  });
}

// MNIST's IDX files (uncompressed bytes) -> { count, rows, cols, pixels: Uint8Array,
// labels: Uint8Array }, validated (magic numbers, sizes, counts, labels).
val parse_idx_files(const val& images, const val& labels) {
  return guarded([&] {
    std::vector<uint8_t> image_bytes(js_length(images, "image file")), label_bytes(js_length(labels, "label file"));
    copy_from_js(images, image_bytes.data(), image_bytes.size());
    copy_from_js(labels, label_bytes.data(), label_bytes.size());
    const Dataset d = parse_idx(image_bytes.data(), image_bytes.size(), label_bytes.data(),
                                label_bytes.size(), "the image file", "the label file");
    val out = val::object();
    out.set("count", d.count);
    out.set("rows", d.rows);
    out.set("cols", d.cols);
    out.set("pixels", copy_to_js("Uint8Array", d.images.data(), d.images.size()));
    out.set("labels", copy_to_js("Uint8Array", d.labels.data(), d.labels.size()));
    return out;
  });
}

// Bytes of the WASM heap in use by malloc: the figure leak tests watch.
double heap_bytes_in_use() { return double(mallinfo().uordblks); }

}  // namespace

EMSCRIPTEN_BINDINGS(digitpad) {
  using namespace emscripten;
  class_<ModelHandle>("Model")
      .class_function("fromBytes", &ModelHandle::from_bytes, allow_raw_pointers())
      .function("predict", &ModelHandle::predict)
      .function("describe", &ModelHandle::describe)
      .function("toBytes", &ModelHandle::to_bytes);
  class_<TrainerHandle>("Trainer")
      .class_function("create", &TrainerHandle::create, allow_raw_pointers())
      .class_function("fromModel", &TrainerHandle::from_model, allow_raw_pointers())
      .function("setData", &TrainerHandle::set_data)
      .function("run", &TrainerHandle::run)
      .function("evaluate", &TrainerHandle::evaluate)
      .function("exportModel", &TrainerHandle::export_model)
      .function("describe", &TrainerHandle::describe);
  function("preprocess", &preprocess);
  function("parseIdx", &parse_idx_files);
  function("heapBytesInUse", &heap_bytes_in_use);
}
