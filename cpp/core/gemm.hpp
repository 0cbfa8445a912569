// The matrix products of the layers, column-major, in the three transpose cases they use:
//   gemm_nn: C (m x n) = A (m x k)   * B (k x n)     forward:        y = W x
//   gemm_nt: C (m x n) = A (m x k)   * B^T, B: n x k  weight grads:  dW = dy x^T
//   gemm_tn: C (m x n) = A^T * B,  A: k x m, B: k x n input grads:   dx = W^T dy
// C is overwritten; lda/ldb/ldc are the column strides (leading dimensions) in floats, and C
// must not overlap A or B.
//
// One interface, two implementations; CMake compiles one of them into digitpad_core:
// natively Eigen's products (gemm_eigen.cpp); in the Emscripten build register-blocked
// wasm_simd128 kernels (gemm_wasm_simd.cpp), because Eigen 3.4 has no WebAssembly SIMD backend.
// The kernels also skip the zeros of sparse inputs (drawings are ~80% background) exactly.
// The plain-loop references (gemm_reference.cpp) are built everywhere: the tests hold each
// fast path to them (tests/cpp/gemm_self_test.cpp, run natively by ctest and in WebAssembly
// by the test-only program tests/wasm/gemm_self_test_main.cpp).
#pragma once

namespace digitpad {

void gemm_nn(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
             int ldc);
void gemm_nt(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
             int ldc);
void gemm_tn(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
             int ldc);

// The most naive implementations (llm.c style): the definition of each product.
void gemm_nn_reference(int m, int n, int k, const float* a, int lda, const float* b, int ldb,
                       float* c, int ldc);
void gemm_nt_reference(int m, int n, int k, const float* a, int lda, const float* b, int ldb,
                       float* c, int ldc);
void gemm_tn_reference(int m, int n, int k, const float* a, int lda, const float* b, int ldb,
                       float* c, int ldc);

}  // namespace digitpad
