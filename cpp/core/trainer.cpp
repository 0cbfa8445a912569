#include "trainer.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "errors.hpp"
#include "loss.hpp"

namespace digitpad {

namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

void require(bool ok, const std::string& message) {
  if (!ok) throw ConfigError(message);
}

bool finite_in(float v, float lo, float hi) { return std::isfinite(v) && v >= lo && v <= hi; }

int argmax_column(const Matrix& m, Eigen::Index col) {
  Eigen::Index best = 0;
  m.col(col).maxCoeff(&best);
  return int(best);
}

}  // namespace

void validate_train_config(const TrainConfig& c) {
  require(c.epochs >= 1 && c.epochs <= 100000,
          "epochs must be 1..100000, got " + std::to_string(c.epochs));
  require(c.batch_size >= 1 && c.batch_size <= 65536,
          "batch size must be 1..65536, got " + std::to_string(c.batch_size));
  require(std::isfinite(c.learning_rate) && c.learning_rate > 0.0f && c.learning_rate <= 10.0f,
          "learning rate must be in (0, 10], got " + num(c.learning_rate));
  require(finite_in(c.momentum, 0.0f, 0.999f), "momentum must be in [0, 0.999], got " + num(c.momentum));
  require(finite_in(c.beta1, 0.0f, 0.9999f) && finite_in(c.beta2, 0.0f, 0.99999f),
          "Adam betas must be in [0, 1)");
  require(finite_in(c.epsilon, 1e-12f, 1.0f), "Adam epsilon must be in [1e-12, 1]");
  require(finite_in(c.l2_lambda, 0.0f, 1000.0f), "L2 lambda must be in [0, 1000], got " + num(c.l2_lambda));
  require(c.step_epochs >= 1, "learning-rate step must be at least 1 epoch");
  require(finite_in(c.step_gamma, 1e-6f, 1.0f), "learning-rate step factor must be in (0, 1]");
  const AugmentConfig& a = c.augmentation;
  require(finite_in(a.max_rotation_deg, 0.0f, 180.0f), "augmentation rotation must be 0..180 degrees");
  require(finite_in(a.min_scale, 0.1f, 10.0f) && finite_in(a.max_scale, a.min_scale, 10.0f),
          "augmentation scale range must satisfy 0.1 <= min <= max <= 10");
  require(finite_in(a.max_shift_px, 0.0f, 100.0f), "augmentation shift must be 0..100 pixels");
  require(finite_in(a.elastic_alpha, 0.0f, 1000.0f) && finite_in(a.elastic_sigma, 0.5f, 100.0f) &&
              finite_in(a.elastic_probability, 0.0f, 1.0f),
          "elastic distortion needs alpha 0..1000, sigma 0.5..100, probability 0..1");
}

float scheduled_learning_rate(const TrainConfig& c, double epoch_progress) {
  switch (c.schedule) {
    case ScheduleKind::Step:
      return c.learning_rate * std::pow(c.step_gamma, float(int(epoch_progress) / c.step_epochs));
    case ScheduleKind::Cosine:
      return c.learning_rate * 0.5f *
             float(1.0 + std::cos(3.14159265358979 * std::min(1.0, epoch_progress / c.epochs)));
    default:
      return c.learning_rate;
  }
}

OptimizerKind parse_optimizer(const std::string& name) {
  if (name == "sgd") return OptimizerKind::Sgd;
  if (name == "adam") return OptimizerKind::Adam;
  throw ConfigError("unknown optimizer '" + name + "' (known: sgd, adam)");
}

void parse_schedule(const std::string& text, TrainConfig& c) {
  if (text == "constant") {
    c.schedule = ScheduleKind::Constant;
  } else if (text == "cosine") {
    c.schedule = ScheduleKind::Cosine;
  } else if (text.rfind("step:", 0) == 0) {
    int every = 0;
    float gamma = 0;
    char extra = 0;
    if (std::sscanf(text.c_str(), "step:%d:%f%c", &every, &gamma, &extra) != 2)
      throw ConfigError("learning-rate schedule '" + text + "' should look like step:EPOCHS:FACTOR");
    c.schedule = ScheduleKind::Step;
    c.step_epochs = every;
    c.step_gamma = gamma;
  } else {
    throw ConfigError("unknown learning-rate schedule '" + text + "' (known: constant, step:N:F, cosine)");
  }
}

// ---- Trainer -----------------------------------------------------------------------------

Trainer::Trainer(Network& network, const Dataset& data, const TrainConfig& config)
    : net_(network), data_(data), config_(config), rng_(config.seed) {
  validate_train_config(config);
  if (data.count <= 0) throw ConfigError("the training set is empty");
  const Shape in = network.input_shape();
  if (data.image_size() != in.size())
    throw ConfigError("training images are " + std::to_string(data.rows) + "x" +
                      std::to_string(data.cols) + " but the network takes " + in.str());
  if (config.augment && (in.height != data.rows || in.width != data.cols))
    throw ConfigError("augmentation needs image-shaped input, the network takes " + in.str());
  order_.resize(size_t(data.count));
  for (size_t i = 0; i < order_.size(); ++i) order_[i] = uint32_t(i);
  batches_per_epoch_ = (data.count + config.batch_size - 1) / config.batch_size;
  if (config.optimizer == OptimizerKind::Sgd) {
    velocity_.assign(size_t(network.param_count()), 0.0f);
  } else {
    adam_m_.assign(size_t(network.param_count()), 0.0f);
    adam_v_.assign(size_t(network.param_count()), 0.0f);
  }
}

void Trainer::load_batch(int first, int size) {
  const int pixels = data_.image_size();
  x_.resize(pixels, size);
  labels_.resize(size_t(size));
  for (int j = 0; j < size; ++j) {
    const uint32_t index = order_[size_t(first + j)];
    const uint8_t* image = data_.image(int(index));
    float* column = x_.data() + int64_t(j) * pixels;
    if (config_.augment) {
      augment_image(image, data_.rows, data_.cols, config_.augmentation, rng_, scratch_, column);
    } else {
      for (int p = 0; p < pixels; ++p) column[p] = float(image[p]) * (1.0f / 255.0f);
    }
    labels_[size_t(j)] = data_.labels[index];
  }
}

void Trainer::update(float lr) {
  using Array = Eigen::Map<Eigen::ArrayXf>;
  const Eigen::Index n = net_.param_count();
  Array w(net_.params(), n);
  Array g(net_.grads(), n);
  if (config_.l2_lambda > 0.0f) {
    const float decay = config_.l2_lambda / float(data_.count);
    Eigen::Map<const Eigen::ArrayXf> mask(net_.decay_mask().data(), n);
    g += decay * mask * w;
  }
  if (config_.optimizer == OptimizerKind::Sgd) {
    // One pass (two Eigen assignments would be two passes over 3 arrays of the whole network).
    float* weight = net_.params();
    float* velocity = velocity_.data();
    const float* grad = net_.grads();
    const float momentum = config_.momentum;
    for (Eigen::Index i = 0; i < n; ++i) {
      const float v = momentum * velocity[i] - lr * grad[i];
      velocity[i] = v;
      weight[i] += v;
    }
  } else {
    Array m(adam_m_.data(), n), v(adam_v_.data(), n);
    ++adam_t_;
    const float b1 = config_.beta1, b2 = config_.beta2;
    m = b1 * m + (1.0f - b1) * g;
    v = b2 * v + (1.0f - b2) * g.square();
    const float m_scale = 1.0f / (1.0f - std::pow(b1, float(adam_t_)));
    const float v_scale = 1.0f / (1.0f - std::pow(b2, float(adam_t_)));
    w -= lr * (m * m_scale) / ((v * v_scale).sqrt() + config_.epsilon);
  }
}

ChunkResult Trainer::run(int max_batches) {
  if (max_batches < 1) throw ConfigError("a training chunk needs at least 1 batch");
  ChunkResult r;
  r.batches_per_epoch = batches_per_epoch_;
  ForwardContext ctx{true, &rng_};
  for (int i = 0; i < max_batches && !done(); ++i) {
    if (batch_ == 0) {
      shuffle(order_.data(), uint32_t(order_.size()), rng_);
      epoch_loss_sum_ = 0;
      epoch_correct_ = epoch_seen_ = 0;
    }
    const int first = batch_ * config_.batch_size;
    const int size = std::min(config_.batch_size, data_.count - first);
    load_batch(first, size);
    const float lr = scheduled_learning_rate(config_, epoch_ + double(batch_) / batches_per_epoch_);
    const Matrix& out = net_.forward(x_, ctx);
    const float loss = compute_loss(net_.architecture().loss, out, labels_.data(), dout_);
    if (!std::isfinite(loss))
      throw TrainingError("training diverged: the loss became " + std::string(std::isnan(loss) ? "NaN" : "infinite") +
                          " in epoch " + std::to_string(epoch_ + 1) + ", batch " +
                          std::to_string(batch_ + 1) + "; try a lower learning rate");
    for (int j = 0; j < size; ++j) epoch_correct_ += argmax_column(out, j) == labels_[size_t(j)];
    epoch_loss_sum_ += double(loss) * size;
    epoch_seen_ += size;
    net_.backward(dout_);
    update(lr);
    samples_ += size;
    if (++batch_ == batches_per_epoch_) {
      batch_ = 0;
      ++epoch_;
      r.epoch_done = true;
      r.epoch = epoch_ - 1;
      r.batch = batches_per_epoch_;
      break;
    }
  }
  if (!r.epoch_done) {
    r.epoch = epoch_;
    r.batch = batch_;
  }
  r.loss = epoch_seen_ ? epoch_loss_sum_ / double(epoch_seen_) : 0.0;
  r.accuracy = epoch_seen_ ? double(epoch_correct_) / double(epoch_seen_) : 0.0;
  r.samples = samples_;
  r.done = done();
  return r;
}

// ---- Evaluation --------------------------------------------------------------------------

double Evaluation::class_accuracy(int digit) const {
  int64_t total = 0;
  for (int64_t v : confusion[size_t(digit)]) total += v;
  return total ? double(confusion[size_t(digit)][size_t(digit)]) / double(total) : 0.0;
}

std::string Evaluation::to_json() const {
  std::ostringstream out;
  out << "{\"n\":" << n << ",\"correct\":" << correct << ",\"accuracy\":" << num(accuracy())
      << ",\"loss\":" << num(loss) << ",\"per_class_accuracy\":[";
  for (int d = 0; d < 10; ++d) out << (d ? "," : "") << num(class_accuracy(d));
  out << "],\"confusion\":[";
  for (int t = 0; t < 10; ++t) {
    out << (t ? "," : "") << "[";
    for (int p = 0; p < 10; ++p) out << (p ? "," : "") << confusion[size_t(t)][size_t(p)];
    out << "]";
  }
  out << "]}";
  return out.str();
}

void images_to_matrix(const Dataset& data, int first, int count, Matrix& x) {
  const int pixels = data.image_size();
  x.resize(pixels, count);
  const uint8_t* src = data.image(first);
  float* dst = x.data();
  for (int64_t i = 0; i < int64_t(pixels) * count; ++i) dst[i] = float(src[i]) * (1.0f / 255.0f);
}

Evaluation evaluate(Network& network, const Dataset& data, int batch_size) {
  if (data.image_size() != network.input_shape().size())
    throw ConfigError("test images are " + std::to_string(data.rows) + "x" +
                      std::to_string(data.cols) + " but the network takes " +
                      network.input_shape().str());
  Evaluation e;
  Matrix x, dout;
  double loss_sum = 0;
  for (int first = 0; first < data.count; first += batch_size) {
    const int size = std::min(batch_size, data.count - first);
    images_to_matrix(data, first, size, x);
    const Matrix& out = network.forward(x, ForwardContext{});
    const uint8_t* labels = data.labels.data() + first;
    loss_sum += double(compute_loss(network.architecture().loss, out, labels, dout)) * size;
    for (int j = 0; j < size; ++j) {
      const int predicted = argmax_column(out, j);
      e.confusion[labels[j]][size_t(predicted)]++;
      e.correct += predicted == labels[j];
    }
    e.n += size;
  }
  e.loss = e.n ? loss_sum / double(e.n) : 0.0;
  return e;
}

}  // namespace digitpad
