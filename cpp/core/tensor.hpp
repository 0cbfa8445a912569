// The ground floor of the core: the Eigen types every layer, kernel and loss works on.
// Convention: one COLUMN is one sample, so an activation matrix is features x batch
// (column-major, Eigen's default), and an image inside a column is HWC (architecture.hpp).
#pragma once
#include <Eigen/Core>
#include <vector>

namespace digitpad {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;  // column-major
using Vector = Eigen::Matrix<float, Eigen::Dynamic, 1>;
using MatrixMap = Eigen::Map<Matrix>;
using VectorMap = Eigen::Map<Vector>;

// Long-lived float blocks (a network's parameters and gradients, an optimizer's state), aligned
// as Eigen aligns its own matrices. Eigen's vectorised loops over a Map start with scalar steps
// up to the first aligned element; with malloc's 16-byte alignment that split moved with the
// heap's layout, and with FMA in the vector steps only, training results moved with it.
using FloatBuffer = std::vector<float, Eigen::aligned_allocator<float>>;

}  // namespace digitpad
