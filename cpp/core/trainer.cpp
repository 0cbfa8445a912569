#include "trainer.hpp"

#include <cmath>
#include <sstream>

#include "errors.hpp"
#include "calibration.hpp"
#include "json.hpp"
#include "loss.hpp"

namespace digitpad {

namespace {

int argmax_column(const Matrix& m, Eigen::Index col) {
  Eigen::Index best = 0;
  m.col(col).maxCoeff(&best);
  return int(best);
}

}  // namespace

void check_data_fits(const Network& network, const Dataset& data, const std::string& which) {
  const Shape in = network.input_shape();
  if (data.image_size() != in.size())
    throw ConfigError(which + " images are " + std::to_string(data.rows) + "x" +
                      std::to_string(data.cols) + " but the network takes " + in.str());
  for (uint8_t label : data.labels)
    if (label >= network.classes())
      throw ConfigError("the " + which + " set has \"not a digit\" examples (label 10) "
                        "but the network has 10 outputs: end it with dense:11");
}

Network new_network(const std::string& spec, const TrainOptions& options, std::string name) {
  const Architecture arch = parse_architecture(spec, options.loss);
  Network net(arch, name.empty() ? arch.spec() : std::move(name));
  net.init_params(options.seed, options.init);
  return net;
}

// ---- Trainer -----------------------------------------------------------------------------

Trainer::Trainer(Network& network, const Dataset& data, const TrainOptions& options)
    : net_(network), data_(data), options_(options), rng_(options.seed) {
  validate_train_options(options);
  if (data.count <= 0) throw ConfigError("the training set is empty");
  check_data_fits(network, data, "training");
  const Shape in = network.input_shape();
  if (options.augment && (in.height != data.rows || in.width != data.cols))
    throw ConfigError("augmentation needs image-shaped input, the network takes " + in.str());
  order_.resize(size_t(data.count));
  for (size_t i = 0; i < order_.size(); ++i) order_[i] = uint32_t(i);
  batches_per_epoch_ = (data.count + options.batch_size - 1) / options.batch_size;
  optimizer_ = make_optimizer(options, network.param_count());
  // Training moves the logits: a temperature fitted to the old weights no longer holds.
  network.set_temperature(1.0f);
}

void Trainer::load_batch(int first, int size) {
  const int pixels = data_.image_size();
  x_.resize(pixels, size);
  labels_.resize(size_t(size));
  for (int j = 0; j < size; ++j) {
    const uint32_t index = order_[size_t(first + j)];
    const uint8_t* image = data_.image(int(index));
    float* column = x_.data() + int64_t(j) * pixels;
    if (options_.augment) {
      augment_image(image, data_.rows, data_.cols, options_.augmentation, rng_, scratch_, column);
    } else {
      for (int p = 0; p < pixels; ++p) column[p] = float(image[p]) * (1.0f / 255.0f);
    }
    labels_[size_t(j)] = data_.labels[index];
  }
}

void Trainer::update(float lr) {
  const Eigen::Index n = net_.param_count();
  if (options_.l2_lambda > 0.0f) {
    const float decay = options_.l2_lambda / float(data_.count);
    Eigen::Map<const Eigen::ArrayXf> w(net_.params(), n);
    Eigen::Map<const Eigen::ArrayXf> mask(net_.decay_mask().data(), n);
    Eigen::Map<Eigen::ArrayXf>(net_.grads(), n) += decay * mask * w;
  }
  optimizer_->step(net_.params(), net_.grads(), n, lr);
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
    const int first = batch_ * options_.batch_size;
    const int size = std::min(options_.batch_size, data_.count - first);
    load_batch(first, size);
    const float lr = scheduled_learning_rate(options_, epoch_ + double(batch_) / batches_per_epoch_);
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

double Evaluation::class_accuracy(int label) const {
  int64_t total = 0;
  for (int64_t v : confusion[size_t(label)]) total += v;
  return total ? double(confusion[size_t(label)][size_t(label)]) / double(total) : 0.0;
}

std::string Evaluation::to_json() const {
  std::ostringstream out;
  out << "{\"n\":" << n << ",\"correct\":" << correct << ",\"accuracy\":" << json_number(accuracy())
      << ",\"loss\":" << json_number(loss) << ",\"rejected\":" << rejected
      << ",\"classes\":" << classes << ",\"ece\":" << json_number(ece)
      << ",\"perClassAccuracy\":[";
  for (int c = 0; c < classes; ++c) out << (c ? "," : "") << json_number(class_accuracy(c));
  out << "],\"confusion\":[";
  for (int t = 0; t < classes; ++t) {
    out << (t ? "," : "") << "[";
    for (int p = 0; p < classes; ++p) out << (p ? "," : "") << confusion[size_t(t)][size_t(p)];
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

void network_outputs(Network& network, const Dataset& data, Matrix& outputs, int batch_size) {
  outputs.resize(network.classes(), data.count);
  Matrix x;
  for (int first = 0; first < data.count; first += batch_size) {
    const int size = std::min(batch_size, data.count - first);
    images_to_matrix(data, first, size, x);
    outputs.middleCols(first, size) = network.forward(x, ForwardContext{});
  }
}

Evaluation evaluate(Network& network, const Dataset& data, int batch_size) {
  check_data_fits(network, data, "test");
  Evaluation e;
  e.classes = network.classes();
  e.n = data.count;
  Matrix outputs, probs, unused_gradient;
  network_outputs(network, data, outputs, batch_size);
  network.probabilities(outputs, probs);
  const uint8_t* labels = data.labels.data();
  for (int j = 0; j < data.count; ++j) {
    const int predicted = argmax_column(outputs, j);
    e.confusion[labels[j]][size_t(predicted)]++;
    e.correct += predicted == labels[j];
    e.rejected += predicted == kNotDigit && labels[j] != kNotDigit;
  }
  e.ece = expected_calibration_error(probs, labels);
  const LossKind loss = network.architecture().loss;
  if (loss == LossKind::SoftmaxCrossEntropy) outputs /= network.temperature();  // as predict() does
  if (e.n) e.loss = compute_loss(loss, outputs, labels, unused_gradient);
  return e;
}

}  // namespace digitpad
