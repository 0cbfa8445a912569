// Test-only: holds the fast products of gemm.hpp to their plain-loop references.
#pragma once

namespace digitpad {

// Runs gemm_nn/nt/tn against the references over many shapes (every m, n in 1..17 with a few
// depths, the edges 63, 65, 129 of the register blocks, the network's own shapes, padded
// leading dimensions, and inputs that are mostly zeros) and returns the largest error relative
// to the magnitude of the terms summed, max |c - c_ref| / (sum_p |a_ip b_pj| + tiny). About
// 1e-7 when the kernels are right; a wrong index gives errors near 1.
double gemm_self_test();

}  // namespace digitpad
