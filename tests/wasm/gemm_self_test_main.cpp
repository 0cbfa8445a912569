// The WebAssembly SIMD kernels can only run in the WASM build: this test-only program (built
// next to the module in build/wasm/, never shipped) runs the GEMM self-test under Node and
// prints the worst relative error for tests/js/wasm-gemm.test.js to judge.
#include <cstdio>

#include "gemm_self_test.hpp"

int main() {
  std::printf("worst relative error: %.17g\n", digitpad::gemm_self_test());
  return 0;
}
