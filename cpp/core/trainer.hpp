// Mini-batch training in chunks, and evaluation. The Trainer advances by at most N batches a
// call, so a command-line loop, a Web Worker or a test can report progress and stop between
// chunks. Everything random (init, shuffling, dropout, augmentation) comes from seeded Rngs:
// the same seed and data give the same result.
#pragma once
#include <array>
#include <string>
#include <vector>

#include <memory>

#include "augment.hpp"
#include "dataset.hpp"
#include "network.hpp"
#include "optimizer.hpp"
#include "train_options.hpp"

namespace digitpad {

// A freshly initialised network for a training run: the spec with the options' loss, its
// weights drawn with the options' init and seed (throws ConfigError).
Network new_network(const std::string& spec, const TrainOptions& options, std::string name = "");

struct ChunkResult {
  double loss = 0;          // mean training loss over the current epoch so far
  double accuracy = 0;      // training accuracy over the current epoch so far
  int64_t samples = 0;      // samples processed since training began
  int epoch = 0;            // the epoch being trained, 0-based
  int batch = 0;            // batches done in that epoch
  int batches_per_epoch = 0;
  bool epoch_done = false;  // this chunk ended at the end of an epoch
  bool done = false;        // all epochs are done
};

class Trainer {
 public:
  // The network is trained in place; it and the data must outlive the trainer. Throws
  // ConfigError if the settings are invalid or the data do not fit the network.
  Trainer(Network& network, const Dataset& data, const TrainOptions& options);

  // Trains up to max_batches batches, stopping early at the end of an epoch. Throws
  // TrainingError if the loss becomes NaN or infinite (the update is not applied).
  ChunkResult run(int max_batches);
  bool done() const { return epoch_ >= options_.epochs; }
  const TrainOptions& options() const { return options_; }

 private:
  void load_batch(int first, int size);
  void update(float learning_rate);

  Network& net_;
  const Dataset& data_;
  TrainOptions options_;
  std::unique_ptr<Optimizer> optimizer_;
  Rng rng_;
  std::vector<uint32_t> order_;
  int batches_per_epoch_ = 0;
  int epoch_ = 0, batch_ = 0;
  int64_t samples_ = 0;
  double epoch_loss_sum_ = 0;
  int64_t epoch_correct_ = 0, epoch_seen_ = 0;
  Matrix x_, dout_;
  std::vector<uint8_t> labels_;
  AugmentScratch scratch_;
};

struct Evaluation {
  int64_t n = 0;
  int64_t correct = 0;
  double loss = 0;  // mean loss
  int classes = kDigitClasses;  // the network's: 10, or 11 with "not a digit"
  // [true class][predicted class]; row and column kNotDigit are used by 11-class networks.
  std::array<std::array<int64_t, kMaxClasses>, kMaxClasses> confusion{};
  // Digits (labels 0..9) the network answered "not a digit" for: counted as errors.
  int64_t rejected = 0;
  // Expected calibration error of the probabilities predict() gives (calibration.hpp).
  double ece = 0;

  double accuracy() const { return n ? double(correct) / double(n) : 0.0; }
  double class_accuracy(int label) const;  // recall of one class; 0 when it never occurs
  // {n, correct, accuracy, loss, rejected, classes, ece, perClassAccuracy, confusion (classes
  // x classes)}: the one serialisation, printed
  // by `digitpad eval --json` and parsed by the bindings for JS.
  std::string to_json() const;
};

// Evaluates the network on a data set (images scaled to 0..1). The loss and the ECE are those
// of the probabilities predict() gives: at the network's temperature.
Evaluation evaluate(Network& network, const Dataset& data, int batch_size = 100);

// Throws ConfigError unless the data set's images are the network's input and its labels are
// among its outputs; `which` names the set in the message ("training", "test", ...).
void check_data_fits(const Network& network, const Dataset& data, const std::string& which);

// The last layer's outputs (logits for cross-entropy) for every image: classes x count.
// In batches: a convolution's im2col buffer grows with the batch (see Network::predict).
void network_outputs(Network& network, const Dataset& data, Matrix& outputs, int batch_size = 100);

// Copies images [first, first+count) of a data set into x: size x count, scaled to 0..1.
void images_to_matrix(const Dataset& data, int first, int count, Matrix& x);

}  // namespace digitpad
