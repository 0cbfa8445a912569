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
#include "core/json.hpp"
#include "core/model_format.hpp"
#include "core/number_reading.hpp"
#include "core/onnx_layout.hpp"
#include "core/preprocess.hpp"
#include "core/reading.hpp"
#include "core/train_options.hpp"
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

val parse_json(const std::string& json) { return val::global("JSON").call<val>("parse", val(json)); }

// A JS options object -> the options a run gets, through the core's table: every key must be
// one of the table's, every value of its type and in its range (the error names the key).
// Keys whose value is undefined count as not given.
OptionList options_from_js(const val& options) {
  OptionList given;
  if (options.isUndefined() || options.isNull()) return given;
  if (val::global("Array").call<bool>("isArray", options) || options.typeOf().as<std::string>() != "object")
    throw ConfigError("training options must be an object");
  const val keys = val::global("Object").call<val>("keys", options);
  const int count = keys["length"].as<int>();
  for (int i = 0; i < count; ++i) {
    const std::string name = keys[i].as<std::string>();
    const TrainOptionKey* key = find_train_option(name);
    if (!key) {
      std::string known;
      for (const TrainOptionKey& k : train_option_keys()) known += (known.empty() ? "" : ", ") + std::string(k.name);
      throw ConfigError("unknown training option '" + name + "' (known: " + known + ")");
    }
    const val v = options[name];
    if (v.isUndefined()) continue;
    given.emplace_back(key, v.isNumber()   ? OptionValue::of(v.as<double>())
                            : v.isTrue()   ? OptionValue::of(true)
                            : v.isFalse()  ? OptionValue::of(false)
                            : v.isString() ? OptionValue::of(v.as<std::string>())
                                           : OptionValue::of(v.typeOf().as<std::string>()));
  }
  return given;
}

val shape_to_js(Shape s) { return val::array(std::vector<int>{s.height, s.width, s.channels}); }

val describe_network(const Network& net) {
  val info = val::object();
  info.set("name", net.name());
  info.set("architecture", net.architecture().spec());
  info.set("loss", std::string(loss_name(net.architecture().loss)));
  info.set("parameters", double(net.param_count()));
  const Shape in = net.input_shape();
  info.set("inputShape", shape_to_js(in));
  info.set("classes", val::array(net.class_labels()));
  // As the shortest text that reads back as the same float (1.0444119, not 1.0444118976593018),
  // the number `digitpad info --json` prints.
  info.set("temperature", parse_json(json_number(net.temperature())));
  // Each layer's spec, shapes (HWC) and parameter count: what the ONNX exporter lays out.
  val layers = val::array();
  for (int l = 0; l < net.layer_count(); ++l) {
    const Layer& layer = net.layer(l);
    const Shape in = layer.input_shape(), out = layer.output_shape();
    val entry = val::object();
    entry.set("spec", layer.spec().str());
    entry.set("inputShape", val::array(std::vector<int>{in.height, in.width, in.channels}));
    entry.set("outputShape", val::array(std::vector<int>{out.height, out.width, out.channels}));
    entry.set("parameters", double(layer.param_count()));
    layers.call<void>("push", entry);
  }
  info.set("layers", layers);
  return info;
}

// pixels: count x 784 uint8 (28x28 images one after another), labels: count digits.
Dataset dataset_from_js(const val& pixels, const val& labels) {
  std::vector<uint8_t> images(js_length(pixels, "pixels")), digits(js_length(labels, "labels"));
  copy_from_js(pixels, images.data(), images.size());
  copy_from_js(labels, digits.data(), digits.size());
  return make_dataset(std::move(images), std::move(digits), 28, 28);
}

// ---- Preprocessing a drawing ---------------------------------------------------------------

// rgba: width x height x 4 bytes (canvas ImageData.data), checked before anything is copied.
std::vector<uint8_t> pixels_from_js(const val& rgba, int width, int height) {
  check_drawing_size(width, height);
  const size_t size = size_t(width) * size_t(height) * 4;
  if (js_length(rgba, "pixels") != size)
    throw ConfigError("pixels must hold width x height x 4 bytes (RGBA)");
  std::vector<uint8_t> pixels(size);
  copy_from_js(rgba, pixels.data(), size);
  return pixels;
}

PreprocessResult preprocess_from_js(const val& rgba, int width, int height) {
  return preprocess_drawing(pixels_from_js(rgba, width, height).data(), width, height);
}

// The pen's strokes: undefined or null for none, else an array with one entry per stroke,
// each a flat array of coordinates [x0, y0, x1, y1, ...] (a Float32Array or a plain array) or
// an array of [x, y] points, in drawing pixels. Each flat stroke crosses the boundary once.
std::vector<PenStroke> strokes_from_js(const val& strokes) {
  std::vector<PenStroke> out;
  if (strokes.isUndefined() || strokes.isNull()) return out;
  if (!val::global("Array").call<bool>("isArray", strokes))
    throw ConfigError("strokes must be an array of strokes");
  const size_t count = strokes["length"].as<size_t>();
  size_t points = 0;
  for (size_t i = 0; i < count; ++i) {
    const val stroke = strokes[i];
    if (stroke.isUndefined() || stroke.isNull() || !stroke["length"].isNumber())
      throw ConfigError("each stroke must be an array of coordinates");
    const size_t length = stroke["length"].as<size_t>();
    const bool pairs = length > 0 && !stroke[0].isNumber();  // [[x, y], ...] rather than [x, y, ...]
    const size_t stroke_points = pairs ? length : length / 2;
    if (!pairs && length % 2) throw ConfigError("a stroke's coordinates come in x, y pairs");
    points += stroke_points;
    check_stroke_points(int64_t(points));  // before anything is copied
    PenStroke pen(stroke_points);
    if (pairs) {
      for (size_t k = 0; k < stroke_points; ++k) {
        const val point = stroke[k];
        if (point.isUndefined() || point.isNull() || point["length"].as<size_t>() != 2)
          throw ConfigError("a stroke's points must be [x, y] pairs");
        pen[k] = {point[0].as<float>(), point[1].as<float>()};
      }
    } else {
      // PenPoint is two floats: the coordinates land in place, converted by the typed array.
      static_assert(sizeof(PenPoint) == 2 * sizeof(float), "PenPoint is x, y");
      copy_from_js(stroke, reinterpret_cast<float*>(pen.data()), length);
    }
    out.push_back(std::move(pen));
  }
  return out;
}

val box_to_js(const PreprocessResult& r) {
  val box = val::object();
  box.set("x", r.box_x);
  box.set("y", r.box_y);
  box.set("width", r.box_width);
  box.set("height", r.box_height);
  return box;
}

// ---- Model: a loaded network used for prediction ------------------------------------------

class ModelHandle {
 public:
  explicit ModelHandle(Network net) : net_(std::move(net)) {}

  // A cross-entropy network from its spec, name, temperature and parameters in ONNX's layouts
  // (onnx_layout.hpp): what the ONNX importer makes of a graph.
  static ModelHandle* from_onnx_parameters(const std::string& spec, const std::string& name,
                                           float temperature, const val& parameters) {
    return guarded([&] {
      Network net(parse_architecture(spec), name);
      net.set_temperature(temperature);
      std::vector<float> onnx(js_length(parameters, "parameters"));
      copy_from_js(parameters, onnx.data(), onnx.size());
      parameters_from_onnx(net, onnx);
      return new ModelHandle(std::move(net));
    });
  }

  // The parameters in ONNX's layouts, one Float32Array in layer order.
  val onnx_parameters() const {
    return guarded([&] {
      const std::vector<float> onnx = parameters_to_onnx(net_);
      return copy_to_js("Float32Array", onnx.data(), onnx.size());
    });
  }

  static ModelHandle* from_bytes(const val& bytes) {
    return guarded([&] {
      const size_t size = js_length(bytes, "model bytes");
      std::vector<uint8_t> buffer(size);
      copy_from_js(bytes, buffer.data(), size);
      return new ModelHandle(deserialize_model(buffer.data(), buffer.size()));
    });
  }

  // inputs: count x 784 floats in 0..1 (one image after another) -> count x classes
  // probabilities (10, or 11 with "not a digit").
  val predict(const val& inputs, int count) {
    return guarded([&] {
      inputs_from_js(inputs, count);
      net_.predict(input_, probs_);
      return copy_to_js("Float32Array", probs_.data(), size_t(probs_.size()));
    });
  }

  // A drawing preprocessed and read in one call (one crossing of the boundary per stroke
  // update): { state: 'empty' | 'not-digit' | 'digit', reason: 'dot' | 'flick' | 'network' or
  // null, digit (null unless a digit), confidence, probabilities: Float32Array(10) of the
  // digits (null when empty), notDigit, image: Float32Array(784), what the network saw }.
  val read_drawing(const val& rgba, int width, int height) {
    return guarded([&] {
      const PreprocessResult seen = preprocess_from_js(rgba, width, height);
      const Reading r = digitpad::read_drawing(seen, net_);
      val out = val::object();
      out.set("state", std::string(state_name(r.state)));
      out.set("reason", r.reason == NotDigitReason::None ? val::null() : val(std::string(reason_name(r.reason))));
      out.set("digit", r.digit < 0 ? val::null() : val(r.digit));
      out.set("confidence", r.confidence);
      out.set("probabilities", r.state == ReadingState::Empty ? val::null()
                                   : copy_to_js("Float32Array", r.digits.data(), r.digits.size()));
      out.set("notDigit", r.not_digit);
      out.set("image", copy_to_js("Float32Array", seen.image.data(), seen.image.size()));
      return out;
    });
  }

  // A number (or one digit) in one call: { state: 'empty' | 'not-digit' | 'digit' | 'number',
  // number: the digits left to right with '?' for a part that is not a digit ("" when empty),
  // digits: [{ digit (null when not a digit), reason, confidence, probabilities:
  // Float32Array(10), notDigit, box: {x, y, width, height}, image: Float32Array(784) }] }.
  // strokes: see strokes_from_js (optional).
  val read_number(const val& rgba, int width, int height, const val& strokes) {
    return guarded([&] {
      const std::vector<uint8_t> pixels = pixels_from_js(rgba, width, height);
      const NumberReading r = number_reader_.read(pixels.data(), width, height, strokes_from_js(strokes), net_);
      val out = val::object();
      out.set("state", std::string(number_state_name(r.state)));
      out.set("number", r.number);
      val digits = val::array();
      for (const NumberPart& part : r.parts) {
        const Reading& d = part.reading;
        val digit = val::object();
        digit.set("digit", d.digit < 0 ? val::null() : val(d.digit));
        digit.set("reason", d.reason == NotDigitReason::None ? val::null() : val(std::string(reason_name(d.reason))));
        digit.set("confidence", d.confidence);
        digit.set("probabilities", copy_to_js("Float32Array", d.digits.data(), d.digits.size()));
        digit.set("notDigit", d.not_digit);
        digit.set("box", box_to_js(part.seen));
        digit.set("image", copy_to_js("Float32Array", part.seen.image.data(), part.seen.image.size()));
        digits.call<void>("push", digit);
      }
      out.set("digits", digits);
      return out;
    });
  }

  // One input (784 values in 0..1, e.g. readDrawing's image) explained in one call:
  // { target: the class explained, layers: [{ name: the layer's spec token, shape: [h, w, c],
  // values: Float32Array, its output (HWC) }], gradient: Float32Array(784), the gradient of
  // the target's score, gradientTimesInput: Float32Array(784) }. target: a class, or -1 for
  // the top one.
  val explain(const val& input, int target) {
    return guarded([&] {
      inputs_from_js(input, 1);
      net_.explain(input_, target, explanation_);
      val layers = val::array();
      for (int i = 0; i < net_.layer_count(); ++i) {
        const Matrix& values = explanation_.outputs[size_t(i)];
        val layer = val::object();
        layer.set("name", net_.layer(i).spec().str());
        layer.set("shape", shape_to_js(net_.layer(i).output_shape()));
        layer.set("values", copy_to_js("Float32Array", values.data(), size_t(values.size())));
        layers.call<void>("push", layer);
      }
      val out = val::object();
      out.set("target", explanation_.target);
      out.set("layers", layers);
      out.set("gradient", copy_to_js("Float32Array", explanation_.gradient.data(), size_t(explanation_.gradient.size())));
      out.set("gradientTimesInput", copy_to_js("Float32Array", explanation_.gradient_times_input.data(),
                                               size_t(explanation_.gradient_times_input.size())));
      return out;
    });
  }

  // Layer `index`'s weights (a dense or conv layer): { name, units, patchShape: [h, w, c] (a
  // conv filter's K x K x C, a dense unit's input shape), values: Float32Array(units x patch),
  // unit after unit, each patch HWC }.
  val layer_weights(int index) const {
    return guarded([&] {
      const Matrix weights = net_.layer_weights(index);  // patch x units
      const Layer& layer = net_.layer(index);
      const LayerSpec& spec = layer.spec();
      const Shape in = layer.input_shape();
      val out = val::object();
      out.set("name", spec.str());
      out.set("units", spec.units);
      out.set("patchShape", shape_to_js(spec.kind == LayerKind::Conv2D ? Shape{spec.kernel, spec.kernel, in.channels} : in));
      out.set("values", copy_to_js("Float32Array", weights.data(), size_t(weights.size())));
      return out;
    });
  }

  val describe() const { return guarded([&] { return describe_network(net_); }); }

  // encoding: 'f32' or 'f16' (float16 parameters: half the bytes).
  val to_bytes(const std::string& encoding) const {
    return guarded([&] {
      const std::vector<uint8_t> bytes = serialize_model(net_, parse_param_encoding(encoding, "encoding"));
      return copy_to_js("Uint8Array", bytes.data(), bytes.size());
    });
  }

 private:
  // inputs: count x input size floats in 0..1 -> input_ (input size x count), validated.
  void inputs_from_js(const val& inputs, int count) {
    const int size = net_.input_shape().size();
    if (count < 1 || count > 100000) throw ConfigError("count must be 1..100000");
    if (js_length(inputs, "inputs") != size_t(count) * size_t(size))
      throw ConfigError("inputs must hold count x " + std::to_string(size) + " values");
    input_.resize(size, count);
    copy_from_js(inputs, input_.data(), size_t(input_.size()));
    if (!input_.allFinite()) throw ConfigError("inputs contain NaN or Inf");
  }

  Network net_;
  Matrix input_, probs_;  // reused between calls: no allocation per prediction
  Explanation explanation_;  // its buffers too
  NumberReader number_reader_;  // its buffers too
};

// ---- Trainer: a network being trained in chunks -------------------------------------------

class TrainerHandle {
 public:
  // options: the training options' keys (train_option_keys(), `digitpad options`); name: the
  // model's name ("" for the architecture's spec).
  static TrainerHandle* create(const std::string& spec, const val& options, const std::string& name) {
    return guarded([&] {
      const TrainOptions config = make_train_options(options_from_js(options), js_name);
      return new TrainerHandle(new_network(spec, config, name), config);
    });
  }

  // Fine-tuning: training continues from a model file's weights (loss and init are the
  // model's own; giving another loss is an error).
  static TrainerHandle* from_model(const val& bytes, const val& options, const std::string& name) {
    return guarded([&] {
      const size_t size = js_length(bytes, "model bytes");
      std::vector<uint8_t> buffer(size);
      copy_from_js(bytes, buffer.data(), size);
      Network net = deserialize_model(buffer.data(), buffer.size());
      const OptionList given = options_from_js(options);
      const TrainOptions config = make_train_options(given, js_name);
      for (const auto& [key, value] : given)
        if (key == find_train_option("loss") && config.loss != net.architecture().loss)
          throw ConfigError(std::string("loss must be the model's own (") +
                            loss_name(net.architecture().loss) + ") when fine-tuning");
      if (!name.empty()) net.set_name(name);
      return new TrainerHandle(std::move(net), config);
    });
  }

  TrainerHandle(Network net, const TrainOptions& config) : net_(std::move(net)), config_(config) {}

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
      return parse_json(digitpad::evaluate(net_, test).to_json());
    });
  }

  val export_model() const {
    return guarded([&] {
      if (diverged_) throw TrainingError("training diverged; this model cannot be exported");
      const std::vector<uint8_t> bytes = serialize_model(net_);
      return copy_to_js("Uint8Array", bytes.data(), bytes.size());
    });
  }

  // The network, and the options the trainer gets: { ...describe_network, options }.
  val describe() const {
    return guarded([&] {
      val info = describe_network(net_);
      info.set("options", parse_json(train_options_to_json(config_)));
      return info;
    });
  }

 private:
  Network net_;
  TrainOptions config_;
  Dataset data_;
  std::optional<Trainer> trainer_;
  bool diverged_ = false;
};

// The preprocessing alone: { ink: 'none' | 'dot' | 'flick' | 'shape', image: Float32Array(784)
// (0 background .. 1 ink, what the network sees), box: {x, y, width, height} in drawing pixels,
// strokeWidth }.
val preprocess(const val& rgba, int width, int height) {
  return guarded([&] {
    const PreprocessResult r = preprocess_from_js(rgba, width, height);
    val out = val::object();
    out.set("ink", std::string(ink_name(r.ink)));
    out.set("image", copy_to_js("Float32Array", r.image.data(), r.image.size()));
    out.set("box", box_to_js(r));
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

// An architecture spec checked by the core without building it: { spec (canonical), parameters,
// multiplyAdds (per image), layers: [{ name, shape: [h, w, c], parameters, multiplyAdds }] };
// a bad spec throws the core's message.
val describe_architecture(const std::string& spec) {
  return guarded([&] {
    const Architecture arch = parse_architecture(spec);
    val layers = val::array();
    double parameters = 0, multiply_adds = 0;
    for (const LayerSummary& s : Network::summarize(arch)) {
      val layer = val::object();
      layer.set("name", s.name);
      layer.set("shape", shape_to_js(s.output));
      layer.set("parameters", double(s.parameters));
      layer.set("multiplyAdds", double(s.multiply_adds));
      layers.call<void>("push", layer);
      parameters += double(s.parameters);
      multiply_adds += double(s.multiply_adds);
    }
    val out = val::object();
    out.set("spec", arch.spec());
    out.set("parameters", parameters);
    out.set("multiplyAdds", multiply_adds);
    out.set("layers", layers);
    return out;
  });
}

// The training options' table: [{name, flag, group, type, min, max, choices, default, ...}].
val train_option_keys_js() { return guarded([&] { return parse_json(train_option_keys_json()); }); }

// Bytes of the WASM heap in use by malloc: the figure leak tests watch.
double heap_bytes_in_use() { return double(mallinfo().uordblks); }

}  // namespace

EMSCRIPTEN_BINDINGS(digitpad) {
  using namespace emscripten;
  class_<ModelHandle>("Model")
      .class_function("fromBytes", &ModelHandle::from_bytes, allow_raw_pointers())
      .class_function("fromOnnxParameters", &ModelHandle::from_onnx_parameters, allow_raw_pointers())
      .function("onnxParameters", &ModelHandle::onnx_parameters)
      .function("predict", &ModelHandle::predict)
      .function("readDrawing", &ModelHandle::read_drawing)
      .function("readNumber", &ModelHandle::read_number)
      .function("explain", &ModelHandle::explain)
      .function("layerWeights", &ModelHandle::layer_weights)
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
  function("trainOptionKeys", &train_option_keys_js);
  function("describeArchitecture", &describe_architecture);
  function("heapBytesInUse", &heap_bytes_in_use);
}
