// The WebAssembly SIMD GEMM kernels (cpp/core/gemm.cpp) can only run in the WASM build, so
// the module's test hook holds them to the plain-loop references there: all three transpose
// cases, every m, n in 1..17, the block edges 63, 65, 129, the network's own shapes, padded
// leading dimensions, single samples with mostly zero inputs (the sparse GEMV), and C's
// padding left untouched.
import { beforeAll, expect, test } from 'vitest';
import { loadWasm } from './helpers.js';

let dp;
beforeAll(async () => {
  dp = await loadWasm();
});

test('the SIMD kernels match the reference products to float rounding', () => {
  // Relative to the summed magnitudes |a||b|: float rounding gives about 1e-7, a wrong index
  // or a missed edge about 1.
  const worst = dp.module.gemmSelfTest();
  expect(worst).toBeGreaterThanOrEqual(0);
  expect(worst).toBeLessThan(1e-5);
});
