// Preprocessing through the WASM module: drawings in, MNIST-like 28x28 out.
import { beforeAll, expect, test } from 'vitest';
import { loadWasm, mnistOnCanvas, readMnist } from './helpers.js';

let dp;
const mnist = readMnist('test', 20);

beforeAll(async () => {
  dp = await loadWasm();
});

function correlation(a, b) {
  const mean = (v) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(a), mb = mean(b);
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

test('a drawing comes back as its MNIST digit, for every kind of background', () => {
  const correlations = [];
  for (let i = 0; i < 10; i++) {
    const original = Array.from(mnist.pixels.subarray(i * 784, (i + 1) * 784), (v) => v / 255);
    for (const style of [{ dark: true }, { dark: false }, { transparent: true }]) {
      const seen = dp.preprocess(mnistOnCanvas(mnist, i, style), 280, 280);
      expect(seen.ink).toBe('shape');
      expect(seen.image).toBeInstanceOf(Float32Array);
      expect(seen.image.length).toBe(784);
      correlations.push(correlation(original, Array.from(seen.image)));
      expect(seen.box.width).toBeGreaterThan(0);
      expect(seen.strokeWidth).toBeGreaterThan(10);  // MNIST strokes blown up 10x
    }
  }
  // A thin MNIST stroke may be thickened towards MNIST's mean: each stays close, most match.
  expect(Math.min(...correlations)).toBeGreaterThan(0.8);
  expect(correlations.reduce((a, b) => a + b) / correlations.length).toBeGreaterThan(0.97);
});

test('an empty canvas has no ink', () => {
  const white = new Uint8ClampedArray(280 * 280 * 4).fill(255);
  const clear = new Uint8ClampedArray(200 * 100 * 4);
  expect(dp.preprocess(white, 280, 280).ink).toBe('none');
  expect(dp.preprocess(clear, 200, 100).ink).toBe('none');
});

test('bad sizes are Errors', () => {
  expect(() => dp.preprocess(new Uint8ClampedArray(10), 280, 280)).toThrow(/width x height x 4/);
  expect(() => dp.preprocess(new Uint8ClampedArray(0), 0, 0)).toThrow(/out of range/);
  expect(dp.preprocess(new Uint8ClampedArray(4 * 4 * 4), 4, 4).ink).toBe('none');
});

test('preprocessing leaks nothing', () => {
  const drawing = mnistOnCanvas(mnist, 0);
  dp.preprocess(drawing, 280, 280);
  const before = dp.heapBytesInUse();
  for (let i = 0; i < 200; i++) dp.preprocess(drawing, 280, 280);
  expect(dp.heapBytesInUse()).toBe(before);
});
