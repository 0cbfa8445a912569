// Losses over a batch. outputs: classes x batch (one column a sample); labels: batch digits.
// Each returns the batch-mean loss and writes d(loss)/d(outputs), already divided by the
// batch size, so parameter gradients come out as batch means.
#pragma once
#include <cstdint>

#include "architecture.hpp"
#include "tensor.hpp"

namespace digitpad {

// Softmax fused with cross-entropy on logits: loss = logsumexp(z) - z[label], computed
// with the column max subtracted so exp never overflows; gradient = softmax(z) - onehot.
float softmax_cross_entropy(const Matrix& logits, const uint8_t* labels, Matrix& dlogits);

// The unfused textbook version (softmax, then -log p[label]) kept as the test reference.
float softmax_cross_entropy_reference(const Matrix& logits, const uint8_t* labels,
                                      Matrix& dlogits);

// 0.5 * ||y - onehot||^2 per sample (the seeds' MSE, as in Nielsen's book).
float mean_squared_error(const Matrix& outputs, const uint8_t* labels, Matrix& doutputs);

float compute_loss(LossKind kind, const Matrix& outputs, const uint8_t* labels, Matrix& doutputs);

// Column-wise softmax of logits / temperature, numerically stable: probs: classes x batch.
void softmax_columns(const Matrix& logits, Matrix& probs, float temperature = 1.0f);

}  // namespace digitpad
