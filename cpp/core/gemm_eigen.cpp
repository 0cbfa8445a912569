// gemm.hpp's products in the native build: Eigen's, on maps of the caller's buffers. CMake
// builds this file instead of gemm_wasm_simd.cpp outside Emscripten.
#include <Eigen/Core>

#include "gemm.hpp"

namespace digitpad {

namespace {
using ConstMap = Eigen::Map<const Eigen::MatrixXf, 0, Eigen::OuterStride<>>;
using Map = Eigen::Map<Eigen::MatrixXf, 0, Eigen::OuterStride<>>;
}  // namespace

void gemm_nn(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
             int ldc) {
  Map(c, m, n, Eigen::OuterStride<>(ldc)).noalias() =
      ConstMap(a, m, k, Eigen::OuterStride<>(lda)) * ConstMap(b, k, n, Eigen::OuterStride<>(ldb));
}

void gemm_nt(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
             int ldc) {
  Map(c, m, n, Eigen::OuterStride<>(ldc)).noalias() =
      ConstMap(a, m, k, Eigen::OuterStride<>(lda)) *
      ConstMap(b, n, k, Eigen::OuterStride<>(ldb)).transpose();
}

void gemm_tn(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
             int ldc) {
  Map(c, m, n, Eigen::OuterStride<>(ldc)).noalias() =
      ConstMap(a, k, m, Eigen::OuterStride<>(lda)).transpose() *
      ConstMap(b, k, n, Eigen::OuterStride<>(ldb));
}

}  // namespace digitpad
