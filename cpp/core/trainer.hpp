// Mini-batch training in chunks, and evaluation. The Trainer advances by at most N batches a
// call, so a command-line loop, a Web Worker or a test can report progress and stop between
// chunks. Everything random (init, shuffling, dropout, augmentation) comes from seeded Rngs:
// the same seed and data give the same result.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "augment.hpp"
#include "dataset.hpp"
#include "network.hpp"

namespace digitpad {

enum class OptimizerKind { Sgd, Adam };
enum class ScheduleKind { Constant, Step, Cosine };

struct TrainConfig {
  int epochs = 10;
  int batch_size = 64;
  OptimizerKind optimizer = OptimizerKind::Sgd;
  float learning_rate = 0.01f;
  float momentum = 0.9f;      // SGD only; 0 is plain SGD
  float beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f;  // Adam only
  // L2 weight decay as in Nielsen's book: the loss gains lambda/(2n) * sum(w^2), n = training
  // set size, biases excluded. lambda = 5.0 with n = 60,000 decays each weight by
  // lr * 8.3e-5 a step.
  float l2_lambda = 0.0f;
  ScheduleKind schedule = ScheduleKind::Constant;
  int step_epochs = 10;       // Step: multiply by step_gamma every step_epochs epochs
  float step_gamma = 0.5f;
  uint64_t seed = 1;          // shuffling, dropout and augmentation
  bool augment = false;
  AugmentConfig augmentation;
};

// Throws ConfigError for settings that cannot work (batch 0, learning rate 1e6, ...).
void validate_train_config(const TrainConfig& config);

// Learning rate at a point of training (epoch_progress counts epochs, fractional).
float scheduled_learning_rate(const TrainConfig& config, double epoch_progress);

OptimizerKind parse_optimizer(const std::string& name);    // "sgd" | "adam"
void parse_schedule(const std::string& text, TrainConfig& config);  // "constant" | "step:N:G" | "cosine"

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
  Trainer(Network& network, const Dataset& data, const TrainConfig& config);

  // Trains up to max_batches batches, stopping early at the end of an epoch. Throws
  // TrainingError if the loss becomes NaN or infinite (the update is not applied).
  ChunkResult run(int max_batches);
  bool done() const { return epoch_ >= config_.epochs; }

 private:
  void load_batch(int first, int size);
  void update(float learning_rate);

  Network& net_;
  const Dataset& data_;
  TrainConfig config_;
  Rng rng_;
  std::vector<uint32_t> order_;
  int batches_per_epoch_ = 0;
  int epoch_ = 0, batch_ = 0;
  int64_t samples_ = 0;
  double epoch_loss_sum_ = 0;
  int64_t epoch_correct_ = 0, epoch_seen_ = 0;
  Matrix x_, dout_;
  std::vector<uint8_t> labels_;
  std::vector<float> velocity_, adam_m_, adam_v_;
  int64_t adam_t_ = 0;
  AugmentScratch scratch_;
};

struct Evaluation {
  int64_t n = 0;
  int64_t correct = 0;
  double loss = 0;  // mean loss
  std::array<std::array<int64_t, 10>, 10> confusion{};  // [true digit][predicted digit]

  double accuracy() const { return n ? double(correct) / double(n) : 0.0; }
  double class_accuracy(int digit) const;  // recall of one digit; 0 when it never occurs
  std::string to_json() const;
};

// Evaluates the network on a data set (images scaled to 0..1), in batches.
// Batches stay small: a convolution's im2col buffer grows with the batch (see Network::predict).
Evaluation evaluate(Network& network, const Dataset& data, int batch_size = 100);

// Copies images [first, first+count) of a data set into x: size x count, scaled to 0..1.
void images_to_matrix(const Dataset& data, int first, int count, Matrix& x);

}  // namespace digitpad
