// The ground floor of the core: the Eigen types every layer, kernel and loss works on.
// Convention: one COLUMN is one sample, so an activation matrix is features x batch
// (column-major, Eigen's default), and an image inside a column is HWC (architecture.hpp).
#pragma once
#include <Eigen/Core>

namespace digitpad {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;  // column-major
using Vector = Eigen::Matrix<float, Eigen::Dynamic, 1>;
using MatrixMap = Eigen::Map<Matrix>;
using VectorMap = Eigen::Map<Vector>;

}  // namespace digitpad
