// The products behind every layer: the references by hand, and the fast path (Eigen natively;
// the WebAssembly kernels are held to the same self-test in tests/js/wasm-gemm.test.js).
#include <gtest/gtest.h>

#include <vector>

#include "gemm.hpp"
#include "gemm_self_test.hpp"

using namespace digitpad;

TEST(Gemm, ReferencesComputeTheThreeProductsByHand) {
  // A = [1 2 3; 4 5 6] (2 x 3), column-major with a padded leading dimension of 3.
  const std::vector<float> a = {1, 4, -1, 2, 5, -1, 3, 6, -1};
  // B = [1 0; 0 1; 1 1] (3 x 2), leading dimension 3.
  const std::vector<float> b = {1, 0, 1, 0, 1, 1};
  std::vector<float> c(4);
  gemm_nn_reference(2, 2, 3, a.data(), 3, b.data(), 3, c.data(), 2);
  EXPECT_EQ(c, (std::vector<float>{4, 10, 5, 11}));  // A B = [4 5; 10 11]

  // A B^T with B^T's source Bt = [1 0 1; 0 1 1] (2 x 3, leading dimension 2).
  const std::vector<float> bt = {1, 0, 0, 1, 1, 1};
  gemm_nt_reference(2, 2, 3, a.data(), 3, bt.data(), 2, c.data(), 2);
  EXPECT_EQ(c, (std::vector<float>{4, 10, 5, 11}));

  // A^T B with A^T's source At = [1 4; 2 5; 3 6] (3 x 2, leading dimension 3): the same A.
  const std::vector<float> at = {1, 2, 3, 4, 5, 6};
  gemm_tn_reference(2, 2, 3, at.data(), 3, b.data(), 3, c.data(), 2);
  EXPECT_EQ(c, (std::vector<float>{4, 10, 5, 11}));
}

TEST(Gemm, FastPathMatchesTheReferencesOnEveryShape) {
  EXPECT_LT(gemm_self_test(), 1e-5);
}
