// The shipped models are what models/manifest.json says: files, sizes, architectures, test
// accuracies re-measured here with the native tool and the WASM module, and each model's
// figures on the measuring suites (robustness drawings, held-out fonts, negatives) re-measured
// on the suites as `digitpad-synth --measuring-only` writes them.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ensureSyntheticData } from '../../scripts/synthetic-data.mjs';
import { argmax, loadWasm, readMnist, ROOT, runNative, toUnitFloats } from './helpers.js';

const MODELS = path.join(ROOT, 'models');
const manifest = JSON.parse(fs.readFileSync(path.join(MODELS, 'manifest.json'), 'utf8'));
const testSet = readMnist('test');
const testInputs = toUnitFloats(testSet.pixels);
const SUITES = path.join(ROOT, 'build/synth-measuring');
let dp;

beforeAll(async () => {
  dp = await loadWasm();
  ensureSyntheticData(SUITES, ['--measuring-only']);
}, 300_000);

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
    expect(Object.keys(entry.recipe).slice(0, 2)).toEqual(['architecture', 'options']);
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
      const classes = model.info.classes.length;
      for (let first = 0; first < testSet.count; first += 1000) {
        const probs = model.predictBatch(testInputs.subarray(first * 784, (first + 1000) * 784), 1000);
        for (let n = 0; n < 1000; n++) correct += argmax(probs, n * classes, classes) === testSet.labels[first + n];
      }
      expect(Math.abs(correct - entry.testCorrect)).toBeLessThanOrEqual(2);
    } finally {
      model.dispose();
    }
  });

  test('its figures on the measuring suites are re-measured', () => {
    const suites = { robustness: 'robustness', fontsHeldOut: 'fonts-heldout', fontsHeldOutStretched: 'fonts-heldout-stretched' };
    for (const family of Object.keys(entry.suites.negatives ?? {})) suites[`negatives/${family}`] = `negatives-${family}`;
    for (const [key, set] of Object.entries(suites)) {
      const measured = JSON.parse(runNative(['eval', '--model', file, '--json',
        '--images', path.join(SUITES, `${set}-images-idx3-ubyte`), '--labels', path.join(SUITES, `${set}-labels-idx1-ubyte`)]));
      const recorded = key.startsWith('negatives/') ? entry.suites.negatives[key.slice(10)] : entry.suites[key].accuracy;
      expect(measured.accuracy, key).toBe(recorded);
    }
  });
});

test(`the default model: at most 0.3% of MNIST and 1% of the robustness suite answered "not a digit", its confidence calibrated`, () => {
  const { suites } = manifest.models.find((m) => m.default);
  expect(suites.mnistTest.rejected / suites.mnistTest.n).toBeLessThanOrEqual(0.003);
  expect(suites.robustness.rejected / suites.robustness.n).toBeLessThanOrEqual(0.01);
  expect(suites.robustness.ece).toBeLessThan(0.02);
});

test('every seed preset makes a valid trainer', () => {
  expect(manifest.presets.length).toBe(4);
  for (const preset of manifest.presets) {
    const trainer = dp.createTrainer(preset.recipe.architecture, preset.recipe.options);
    expect(trainer.info.parameters).toBeGreaterThan(0);
    trainer.dispose();
  }
});
