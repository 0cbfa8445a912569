#include "layers.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "conv_kernels.hpp"
#include "errors.hpp"
#include "gemm.hpp"

namespace digitpad {

namespace {

ConvGeometry geometry_of(const LayerSpec& spec, Shape input) {
  return {input, spec.units, spec.kernel, spec.stride, spec.padding};
}

// db = the row sums of dy (rows x cols), added column by column: contiguous, so it vectorises
// (Eigen's rowwise().sum() has no WebAssembly SIMD path).
void row_sums(const float* dy, int rows, int cols, float* db) {
  std::fill_n(db, rows, 0.0f);
  for (int j = 0; j < cols; ++j, dy += rows)
    for (int i = 0; i < rows; ++i) db[i] += dy[i];
}

}  // namespace

// ---- Weighted layers ---------------------------------------------------------------------

void WeightedLayer::bind(float* params, float* grads) {
  new (&w_) MatrixMap(params, outputs_, fan_in_);
  new (&dw_) MatrixMap(grads, outputs_, fan_in_);
  new (&b_) VectorMap(params + weight_count(), outputs_);
  new (&db_) VectorMap(grads + weight_count(), outputs_);
}

void WeightedLayer::init_normal(Rng& rng, Init scheme, int64_t fan_in, int64_t fan_out) {
  const float stddev = scheme == Init::He ? std::sqrt(2.0f / float(fan_in))
                                                : std::sqrt(2.0f / float(fan_in + fan_out));
  for (int64_t i = 0; i < weight_count(); ++i) w_.data()[i] = stddev * rng.normal();
  b_.setZero();
}

// ---- Dense -------------------------------------------------------------------------------

DenseLayer::DenseLayer(const LayerSpec& spec, Shape input)
    : WeightedLayer(spec, input, Shape{1, 1, spec.units}, spec.units, input.size()) {}

void DenseLayer::init_params(Rng& rng, Init scheme) { init_normal(rng, scheme, fan_in_, outputs_); }

const Matrix& DenseLayer::forward(const Matrix& x, const ForwardContext&) {
  const auto batch = static_cast<int>(x.cols());
  y_.resize(outputs_, batch);
  // y = W x: out x batch
  gemm_nn(outputs_, batch, fan_in_, w_.data(), outputs_, x.data(), fan_in_, y_.data(), outputs_);
  y_.colwise() += b_;
  return y_;
}

const Matrix& DenseLayer::backward(const Matrix& x, const Matrix& dy) {
  const auto batch = static_cast<int>(dy.cols());
  if (param_grads_needed_) {
    // dW = dy x^T: out x in
    gemm_nt(outputs_, fan_in_, batch, dy.data(), outputs_, x.data(), fan_in_, dw_.data(), outputs_);
    row_sums(dy.data(), outputs_, batch, db_.data());  // db: out
  }
  if (input_grad_needed_) {
    dx_.resize(fan_in_, batch);
    // dx = W^T dy: in x batch
    gemm_tn(fan_in_, batch, outputs_, w_.data(), outputs_, dy.data(), outputs_, dx_.data(), fan_in_);
  }
  return dx_;
}

// ---- Conv2D ------------------------------------------------------------------------------

Conv2DLayer::Conv2DLayer(const LayerSpec& spec, Shape input)
    : WeightedLayer(spec, input, geometry_of(spec, input).output(), spec.units,
                    geometry_of(spec, input).patch()) {}

void Conv2DLayer::init_params(Rng& rng, Init scheme) {
  init_normal(rng, scheme, fan_in_, int64_t(spec_.kernel) * spec_.kernel * outputs_);
}

const Matrix& Conv2DLayer::forward(const Matrix& x, const ForwardContext&) {
  const auto batch = static_cast<int>(x.cols());
  const int positions = output_shape_.height * output_shape_.width;
  patches_.resize(fan_in_, Eigen::Index(positions) * batch);
  im2col(x.data(), batch, geometry_of(spec_, input_shape_), patches_.data());
  y_.resize(output_shape_.size(), batch);
  const auto columns = static_cast<int>(patches_.cols());  // Ho*Wo*batch
  // y viewed as W patches: F x (Ho*Wo*batch)
  gemm_nn(outputs_, columns, fan_in_, w_.data(), outputs_, patches_.data(), fan_in_, y_.data(),
          outputs_);
  MatrixMap(y_.data(), outputs_, columns).colwise() += b_;
  return y_;
}

const Matrix& Conv2DLayer::backward(const Matrix& x, const Matrix& dy) {
  const auto batch = static_cast<int>(dy.cols());
  const int positions = output_shape_.height * output_shape_.width;
  const int columns = positions * batch;
  if (param_grads_needed_) {
    // dW = dy patches^T: F x patch, with dy viewed as F x (Ho*Wo*batch)
    gemm_nt(outputs_, fan_in_, columns, dy.data(), outputs_, patches_.data(), fan_in_, dw_.data(),
            outputs_);
    row_sums(dy.data(), outputs_, columns, db_.data());
  }
  if (input_grad_needed_) {
    dpatches_.resize(fan_in_, columns);
    // dpatches = W^T dy: patch x (Ho*Wo*batch)
    gemm_tn(fan_in_, columns, outputs_, w_.data(), outputs_, dy.data(), outputs_, dpatches_.data(),
            fan_in_);
    dx_.resize(input_shape_.size(), batch);
    col2im(dpatches_.data(), batch, geometry_of(spec_, input_shape_), dx_.data());
  }
  (void)x;  // the input is already captured in patches_
  return dx_;
}

// ---- MaxPool2D ---------------------------------------------------------------------------

MaxPool2DLayer::MaxPool2DLayer(const LayerSpec& spec, Shape input)
    : Layer(spec, input,
            Shape{(input.height - spec.kernel) / spec.stride + 1,
                  (input.width - spec.kernel) / spec.stride + 1, input.channels}) {}

const Matrix& MaxPool2DLayer::forward(const Matrix& x, const ForwardContext&) {
  const Shape in = input_shape_, out = output_shape_;
  const int C = in.channels, K = spec_.kernel, S = spec_.stride;
  y_.resize(out.size(), x.cols());
  argmax_.resize(size_t(out.size()) * size_t(x.cols()));
  int* winner = argmax_.data();
  float* y = y_.data();
  // Channels innermost and selects instead of branches: the c loops vectorise, and a max of
  // unpredictable values no longer costs a mispredicted branch per comparison.
  for (Eigen::Index n = 0; n < x.cols(); ++n) {
    const float* image = x.data() + n * in.size();
    for (int oy = 0; oy < out.height; ++oy)
      for (int ox = 0; ox < out.width; ++ox, y += C, winner += C) {
        const int first = (oy * S * in.width + ox * S) * C;
        for (int c = 0; c < C; ++c) {
          y[c] = image[first + c];
          winner[c] = first + c;
        }
        for (int ky = 0; ky < K; ++ky)
          for (int kx = 0; kx < K; ++kx) {
            const int row = ((oy * S + ky) * in.width + ox * S + kx) * C;
            for (int c = 0; c < C; ++c) {
              const bool larger = image[row + c] > y[c];  // strict: the first maximum wins
              y[c] = larger ? image[row + c] : y[c];
              winner[c] = larger ? row + c : winner[c];
            }
          }
      }
  }
  return y_;
}

const Matrix& MaxPool2DLayer::backward(const Matrix&, const Matrix& dy) {
  if (!input_grad_needed_) return dx_;
  const int in_size = input_shape_.size(), out_size = output_shape_.size();
  dx_.setZero(in_size, dy.cols());
  for (Eigen::Index n = 0; n < dy.cols(); ++n) {
    const int* winner = argmax_.data() + n * out_size;
    float* image = dx_.data() + n * in_size;
    for (int i = 0; i < out_size; ++i) image[winner[i]] += dy(i, n);
  }
  return dx_;
}

// ---- Flatten -----------------------------------------------------------------------------

FlattenLayer::FlattenLayer(const LayerSpec& spec, Shape input)
    : Layer(spec, input, Shape{1, 1, int(input.size())}) {}  // validated: at most kMaxActivation

const Matrix& FlattenLayer::forward(const Matrix& x, const ForwardContext&) { return x; }
const Matrix& FlattenLayer::backward(const Matrix&, const Matrix& dy) { return dy; }

// ---- Dropout -----------------------------------------------------------------------------

DropoutLayer::DropoutLayer(const LayerSpec& spec, Shape input) : Layer(spec, input, input) {}

const Matrix& DropoutLayer::forward(const Matrix& x, const ForwardContext& ctx) {
  masked_ = ctx.training && spec_.rate > 0.0f;
  if (!masked_) return x;
  const float keep_scale = 1.0f / (1.0f - spec_.rate);
  mask_.resize(x.rows(), x.cols());
  float* m = mask_.data();
  for (Eigen::Index i = 0; i < mask_.size(); ++i)
    m[i] = ctx.rng->uniform() < spec_.rate ? 0.0f : keep_scale;
  y_.resize(x.rows(), x.cols());
  y_.array() = x.array() * mask_.array();
  return y_;
}

const Matrix& DropoutLayer::backward(const Matrix&, const Matrix& dy) {
  if (!masked_) return dy;
  dx_.resize(dy.rows(), dy.cols());
  dx_.array() = dy.array() * mask_.array();
  return dx_;
}

// ---- Activations -------------------------------------------------------------------------

ActivationLayer::ActivationLayer(const LayerSpec& spec, Shape input)
    : Layer(spec, input, input) {}

const Matrix& ActivationLayer::forward(const Matrix& x, const ForwardContext&) {
  y_.resize(x.rows(), x.cols());
  switch (spec_.kind) {
    case LayerKind::ReLU: y_.array() = x.array().max(0.0f); break;
    case LayerKind::Sigmoid: y_.array() = 1.0f / (1.0f + (-x.array()).exp()); break;
    default: y_.array() = x.array().tanh(); break;
  }
  return y_;
}

const Matrix& ActivationLayer::backward(const Matrix& x, const Matrix& dy) {
  if (!input_grad_needed_) return dx_;
  dx_.resize(dy.rows(), dy.cols());
  switch (spec_.kind) {
    case LayerKind::ReLU: {
      // Both loads unconditional, so the compiler selects instead of branching (Eigen's
      // select() branches in WebAssembly: a misprediction per sign change).
      const float* in = x.data();
      const float* grad = dy.data();
      float* out = dx_.data();
      for (Eigen::Index i = 0; i < dx_.size(); ++i) {
        const float g = grad[i];
        out[i] = in[i] > 0.0f ? g : 0.0f;
      }
      break;
    }
    case LayerKind::Sigmoid:
      dx_.array() = dy.array() * y_.array() * (1.0f - y_.array());
      break;
    default:
      dx_.array() = dy.array() * (1.0f - y_.array().square());
      break;
  }
  return dx_;
}

// ---- Scale -------------------------------------------------------------------------------

ScaleLayer::ScaleLayer(const LayerSpec& spec, Shape input) : Layer(spec, input, input) {}

const Matrix& ScaleLayer::forward(const Matrix& x, const ForwardContext&) {
  y_.resize(x.rows(), x.cols());
  y_.array() = x.array() * spec_.scale + spec_.shift;
  return y_;
}

const Matrix& ScaleLayer::backward(const Matrix&, const Matrix& dy) {
  if (!input_grad_needed_) return dx_;
  dx_.resize(dy.rows(), dy.cols());
  dx_.array() = dy.array() * spec_.scale;
  return dx_;
}

// ---- Construction and validation ---------------------------------------------------------

namespace {

void require(bool ok, int index, const LayerSpec& spec, Shape input, const std::string& what) {
  if (!ok)
    throw ConfigError("layer " + std::to_string(index + 1) + " (" + spec.str() + ") on input " +
                      input.str() + ": " + what);
}

bool in_range(int v, int lo, int hi) { return v >= lo && v <= hi; }

}  // namespace

std::unique_ptr<Layer> make_layer(const LayerSpec& spec, Shape input, int index) {
  std::unique_ptr<Layer> layer;
  switch (spec.kind) {
    case LayerKind::Dense:
      require(in_range(spec.units, 1, kMaxDimension), index, spec, input,
              "units must be 1.." + std::to_string(kMaxDimension));
      require(int64_t(spec.units) * input.size() <= kMaxParameters, index, spec, input,
              "too many weights");
      layer = std::make_unique<DenseLayer>(spec, input);
      break;
    case LayerKind::Conv2D:
      require(in_range(spec.units, 1, kMaxDimension), index, spec, input,
              "filters must be 1.." + std::to_string(kMaxDimension));
      require(in_range(spec.kernel, 1, 32), index, spec, input, "kernel must be 1..32");
      require(in_range(spec.stride, 1, spec.kernel), index, spec, input,
              "stride must be 1..kernel");
      require(in_range(spec.padding, 0, spec.kernel - 1), index, spec, input,
              "padding must be 0..kernel-1");
      require(input.height + 2 * spec.padding >= spec.kernel &&
                  input.width + 2 * spec.padding >= spec.kernel,
              index, spec, input, "kernel does not fit the input");
      require(int64_t(spec.units) * spec.kernel * spec.kernel * input.channels <= kMaxParameters,
              index, spec, input, "too many weights");
      layer = std::make_unique<Conv2DLayer>(spec, input);
      break;
    case LayerKind::MaxPool2D:
      require(in_range(spec.kernel, 1, 32), index, spec, input, "pool size must be 1..32");
      require(in_range(spec.stride, 1, 32), index, spec, input, "stride must be 1..32");
      require(input.height >= spec.kernel && input.width >= spec.kernel, index, spec, input,
              "pool window does not fit the input");
      layer = std::make_unique<MaxPool2DLayer>(spec, input);
      break;
    case LayerKind::Flatten:
      layer = std::make_unique<FlattenLayer>(spec, input);
      break;
    case LayerKind::Dropout:
      require(spec.rate >= 0.0f && spec.rate < 1.0f, index, spec, input,
              "dropout rate must be in [0, 1)");
      layer = std::make_unique<DropoutLayer>(spec, input);
      break;
    case LayerKind::ReLU:
    case LayerKind::Sigmoid:
    case LayerKind::Tanh:
      layer = std::make_unique<ActivationLayer>(spec, input);
      break;
    case LayerKind::Scale:
      // Within float16's range, so a model with it can be saved either way; 0 would erase
      // the input.
      require(std::isfinite(spec.scale) && std::isfinite(spec.shift) && spec.scale != 0.0f &&
                  std::fabs(spec.scale) <= 65504.0f && std::fabs(spec.shift) <= 65504.0f,
              index, spec, input, "scale must be finite and nonzero, both at most 65504");
      layer = std::make_unique<ScaleLayer>(spec, input);
      break;
    default:
      throw ConfigError("layer " + std::to_string(index + 1) + ": unknown layer type " +
                        std::to_string(static_cast<uint32_t>(spec.kind)));
  }
  require(int64_t(layer->output_shape().size()) <= kMaxActivation, index, spec, input,
          "output too large");
  return layer;
}

}  // namespace digitpad
