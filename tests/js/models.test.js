// The shipped models are what models/manifest.json says: files, sizes, architectures, and
// test accuracies re-measured here with the native tool and the WASM module.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { argmax, loadWasm, readMnist, ROOT, runNative, toUnitFloats } from './helpers.js';

const MODELS = path.join(ROOT, 'models');
const manifest = JSON.parse(fs.readFileSync(path.join(MODELS, 'manifest.json'), 'utf8'));
const testSet = readMnist('test');
const testInputs = toUnitFloats(testSet.pixels);
let dp;

beforeAll(async () => {
  dp = await loadWasm();
});

test('the manifest names one default model, a CNN of at most 400 KB at 99.5% or better', () => {
  const defaults = manifest.models.filter((m) => m.default);
  expect(defaults.map((m) => m.id)).toEqual([manifest.default]);
  const cnn = defaults[0];
  expect(cnn.architecture).toMatch(/conv:/);
  expect(cnn.sizeBytes).toBeLessThanOrEqual(400 * 1024);
  expect(cnn.testAccuracy).toBeGreaterThanOrEqual(0.995);
});

test('an MLP at 98.8% or better and a seed recipe are shipped', () => {
  const mlps = manifest.models.filter((m) => !m.architecture.includes('conv') && !m.id.startsWith('seed'));
  expect(Math.max(...mlps.map((m) => m.testAccuracy))).toBeGreaterThanOrEqual(0.988);
  expect(manifest.models.filter((m) => m.id.startsWith('seed')).length).toBeGreaterThanOrEqual(1);
});

describe.each(manifest.models.map((m) => [m.id, m]))('%s', (id, entry) => {
  const file = path.join(MODELS, entry.file);

  test('file, size, architecture and parameter count match the manifest', () => {
    expect(fs.statSync(file).size).toBe(entry.sizeBytes);
    const model = dp.loadModel(fs.readFileSync(file));
    try {
      expect(model.info.architecture).toBe(entry.architecture);
      expect(model.info.parameters).toBe(entry.parameters);
      expect(model.info.loss).toBe(entry.loss);
      expect(model.info.name).toBe(entry.name);
    } finally {
      model.dispose();
    }
    expect(Object.keys(entry.recipe)).toEqual(['architecture', 'options']);
    expect(entry.trainingSeconds).toBeGreaterThan(0);
  });

  test('the test accuracy is re-measured: native exactly, WASM within 2 images', () => {
    const native = JSON.parse(runNative(['eval', '--model', file, '--json']));
    expect(native.n).toBe(10_000);
    expect(native.correct).toBe(entry.testCorrect);
    expect(native.accuracy).toBe(entry.testAccuracy);

    const model = dp.loadModel(fs.readFileSync(file));
    try {
      let correct = 0;
      for (let first = 0; first < testSet.count; first += 1000) {
        const probs = model.predictBatch(testInputs.subarray(first * 784, (first + 1000) * 784), 1000);
        for (let n = 0; n < 1000; n++) correct += argmax(probs, n * 10) === testSet.labels[first + n];
      }
      expect(Math.abs(correct - entry.testCorrect)).toBeLessThanOrEqual(2);
    } finally {
      model.dispose();
    }
  });
});

test('every seed preset makes a valid trainer', () => {
  expect(manifest.presets.length).toBe(4);
  for (const preset of manifest.presets) {
    const trainer = dp.createTrainer(preset.recipe.architecture, preset.recipe.options);
    expect(trainer.info.parameters).toBeGreaterThan(0);
    trainer.dispose();
  }
});
