// The WebAssembly SIMD GEMM kernels (cpp/core/gemm_wasm_simd.cpp) can only run in the WASM
// build, so a test-only program built with the same core and flags (build/wasm/gemm_self_test.cjs,
// from tests/wasm/gemm_self_test_main.cpp) holds them to the plain-loop references: all three
// transpose cases, every m, n in 1..17, the block edges 63, 65, 129, the network's own shapes,
// padded leading dimensions, single samples with mostly zero inputs (the sparse GEMV), and C's
// padding left untouched.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from './helpers.js';

test('the SIMD kernels match the reference products to float rounding', () => {
  const output = execFileSync(process.execPath, [path.join(ROOT, 'build/wasm/gemm_self_test.cjs')], {
    encoding: 'utf8',
  });
  // Relative to the summed magnitudes |a||b|: float rounding gives about 1e-7, a wrong index
  // or a missed edge about 1.
  const worst = Number(/worst relative error: (\S+)/.exec(output)[1]);
  expect(worst).toBeGreaterThanOrEqual(0);
  expect(worst).toBeLessThan(1e-5);
});
