// The WASM build and the native build are the same network: for models written by the native
// tool, 1,000 MNIST test images get the same top-1 digit and probabilities within 1e-4.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { argmax, loadWasm, readMnist, runNative, tempDir, toUnitFloats } from './helpers.js';

const COUNT = 1000;
const MODELS = {
  'ReLU MLP': ['--arch', '784-64-10', '--train-limit', '5000'],
  'sigmoid MSE MLP': ['--arch', '784-32-10:sigmoid,sigmoid', '--loss', 'mse', '--lr', '1', '--train-limit', '3000'],
  CNN: ['--arch', 'conv:8x5,relu,maxpool:2,conv:16x3,relu,maxpool:2,flatten,dropout:0.2,dense:10',
        '--train-limit', '2000'],
};

let dp;
let dir;
const test1000 = readMnist('test', COUNT);
const inputs = toUnitFloats(test1000.pixels);

beforeAll(async () => {
  dp = await loadWasm();
  dir = tempDir();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.each(Object.entries(MODELS))('native and WASM agree: %s', (name, trainArgs) => {
  test('same top-1 and probabilities within 1e-4 on 1,000 test images', () => {
    const modelPath = path.join(dir, `${name.replace(/\W/g, '_')}.bin`);
    const probsPath = `${modelPath}.f32`;
    runNative(['train', ...trainArgs, '--epochs', '1', '--no-test', '--out', modelPath]);
    runNative(['predict', '--model', modelPath, '--limit', String(COUNT), '--out', probsPath]);
    const nativeBytes = fs.readFileSync(probsPath);
    const native = new Float32Array(nativeBytes.buffer, nativeBytes.byteOffset, COUNT * 10);

    const model = dp.loadModel(fs.readFileSync(modelPath));
    try {
      const wasm = model.predictBatch(inputs, COUNT);
      expect(wasm.length).toBe(COUNT * 10);
      let maxDiff = 0;
      let top1Mismatches = 0;
      for (let n = 0; n < COUNT; n++) {
        if (argmax(wasm, n * 10) !== argmax(native, n * 10)) top1Mismatches++;
        for (let k = 0; k < 10; k++) maxDiff = Math.max(maxDiff, Math.abs(wasm[n * 10 + k] - native[n * 10 + k]));
      }
      expect(top1Mismatches).toBe(0);
      expect(maxDiff).toBeLessThan(1e-4);
      // The one-image path gives the same numbers as the batch path.
      const single = model.predict(inputs.subarray(0, 784));
      for (let k = 0; k < 10; k++) expect(Math.abs(single[k] - wasm[k])).toBeLessThan(1e-6);
    } finally {
      model.dispose();
    }
  });
});
