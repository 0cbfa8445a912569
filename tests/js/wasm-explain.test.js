// Looking inside a network through the bindings (Model.explain, Model.layerWeights): the
// hand-checked numbers of tests/cpp/test_explain.cpp, the input gradient against finite
// differences, the shipped default model's answer, errors, and no heap growth over 10,000
// explanations.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { argmax, fixChecksum, loadWasm, modelLayout, readMnist, ROOT, toUnitFloats } from './helpers.js';

let dp;
beforeAll(async () => {
  dp = await loadWasm();
});

/** A model file of `spec` with these parameters (float32, in the network's order). */
function modelWith(spec, params) {
  const trainer = dp.createTrainer(spec, { seed: 1 });
  const bytes = trainer.exportModel();
  trainer.dispose();
  const layout = modelLayout(bytes);
  params.forEach((p, i) => layout.view.setFloat32(layout.weightsOffset + 4 * i, p, true));
  return fixChecksum(bytes);
}

describe('the hand-checked tiny network (tests/cpp/test_explain.cpp)', () => {
  // conv 1 filter 2x2 valid [[1, 0], [0, -1]] + 0.1, relu, maxpool 2, dense 10 (w_k = 0.1k - 0.5, b_k = 0.01k)
  const spec = 'input:3x3x1,conv:1x2:valid,relu,maxpool:2,flatten,dense:10';
  const params = [1, 0, 0, -1, 0.1, ...Array.from({ length: 10 }, (_, k) => 0.1 * k - 0.5), ...Array.from({ length: 10 }, (_, k) => 0.01 * k)];
  const input = Float32Array.of(0.9, 0.1, 0.2, 0.3, 0.4, 0.8, 0.5, 0.6, 0.7);

  test('activations, gradient and gradient x input', () => {
    const model = dp.loadModel(modelWith(spec, params));
    const e = model.explain(input);
    expect(e.target).toBe(9);
    expect(e.layers.map((l) => l.name)).toEqual(['conv:1x2:valid', 'relu', 'maxpool:2', 'flatten', 'dense:10']);
    expect(e.layers.map((l) => l.shape)).toEqual([[2, 2, 1], [2, 2, 1], [1, 1, 1], [1, 1, 1], [1, 1, 10]]);
    const close = (actual, expected) => expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, 6));
    close(e.layers[0].values, [0.6, -0.6, -0.2, -0.2]);
    close(e.layers[1].values, [0.6, 0, 0, 0]);
    close(e.layers[2].values, [0.6]);
    close(e.layers[4].values, Array.from({ length: 10 }, (_, k) => 0.07 * k - 0.3));
    close(e.gradient, [0.4, 0, 0, 0, -0.4, 0, 0, 0, 0]);
    close(e.gradientTimesInput, [0.36, 0, 0, 0, -0.16, 0, 0, 0, 0]);
    close(model.explain(input, 2).gradient, [-0.3, 0, 0, 0, 0.3, 0, 0, 0, 0]);

    const filters = model.layerWeights(0);
    expect(filters).toMatchObject({ name: 'conv:1x2:valid', units: 1, patchShape: [2, 2, 1] });
    expect(Array.from(filters.values)).toEqual([1, 0, 0, -1]);
    expect(model.layerWeights(4)).toMatchObject({ units: 10, patchShape: [1, 1, 1] });
    expect(() => model.layerWeights(1)).toThrow(/layer 1 \(relu\) has no weights/);
    model.dispose();
  });
});

test('the input gradient matches finite differences of the score', () => {
  const trainer = dp.createTrainer('input:8x8x1,conv:3x3:same,tanh,conv:4x3:same,sigmoid,maxpool:2,flatten,dense:12,tanh,dense:10', { seed: 4 });
  const model = dp.loadModel(trainer.exportModel());
  trainer.dispose();
  const x = Float32Array.from({ length: 64 }, (_, i) => ((i * 37) % 64) / 64);
  for (const target of [-1, 3]) {
    const e = model.explain(x, target);
    const score = (input) => model.explain(input, e.target).layers.at(-1).values[e.target];
    const eps = 1e-2;
    for (let i = 0; i < 64; i += 5) {
      const plus = Float32Array.from(x), minus = Float32Array.from(x);
      plus[i] += eps;
      minus[i] -= eps;
      const numeric = (score(plus) - score(minus)) / (2 * eps);
      expect(Math.abs(numeric - e.gradient[i])).toBeLessThan(2e-2 * Math.max(1, Math.abs(numeric)));
      expect(e.gradientTimesInput[i]).toBeCloseTo(e.gradient[i] * x[i], 6);
    }
  }
  model.dispose();
});

test('the shipped default model explains an MNIST 7 as a 7, its scores agreeing with predict', () => {
  const model = dp.loadModel(new Uint8Array(fs.readFileSync(path.join(ROOT, 'models/not-digit-cnn.bin'))));
  const image = toUnitFloats(readMnist('test', 1).pixels);
  const e = model.explain(image);
  expect(e.target).toBe(7);
  const probabilities = model.predict(image);
  expect(argmax(probabilities, 0, 11)).toBe(7);
  // softmax(scores / temperature) is predict's answer
  const scores = e.layers.at(-1).values;
  const t = model.info.temperature;
  const exps = Array.from(scores, (s) => Math.exp((s - Math.max(...scores)) / t));
  const sum = exps.reduce((a, b) => a + b);
  exps.forEach((v, k) => expect(v / sum).toBeCloseTo(probabilities[k], 5));
  expect(e.layers[0].shape).toEqual([28, 28, 16]);
  expect(model.layerWeights(0)).toMatchObject({ units: 16, patchShape: [3, 3, 1] });
  expect(model.layerWeights(0).values.length).toBe(16 * 9);
  model.dispose();
});

test('bad input is a clear error and the model keeps working', () => {
  const trainer = dp.createTrainer('784-16-10');
  const model = dp.loadModel(trainer.exportModel());
  trainer.dispose();
  const image = new Float32Array(784);
  expect(() => model.explain(image, 10)).toThrow('the class to explain must be -1 (the top one) or 0..9, got 10');
  expect(() => model.explain(new Float32Array(100))).toThrow('inputs must hold count x 784 values');
  expect(() => model.explain(image.fill(NaN))).toThrow('inputs contain NaN or Inf');
  expect(() => model.layerWeights(7)).toThrow('layer 7 does not exist (the network has 3)');
  expect(model.explain(image.fill(0.5)).gradient.length).toBe(784);
  model.dispose();
});

test('10,000 explanations leave the heap unchanged', () => {
  const trainer = dp.createTrainer('conv:8x5,relu,maxpool:2,flatten,dense:32,relu,dense:11');
  const model = dp.loadModel(trainer.exportModel());
  trainer.dispose();
  const images = toUnitFloats(readMnist('test', 100).pixels);
  model.explain(images.subarray(0, 784));  // the first call sizes the model's buffers
  model.layerWeights(0);
  const heap = dp.heapBytesInUse();
  for (let i = 0; i < 10_000; i++) {
    const k = i % 100;
    model.explain(images.subarray(k * 784, (k + 1) * 784), i % 12 - 1);
  }
  model.layerWeights(0);
  expect(dp.heapBytesInUse()).toBe(heap);
  model.dispose();
});

test('describeArchitecture: each layer\'s shape, parameters and multiply-adds (as tests/cpp/test_explain.cpp works them out), or the core\'s message', () => {
  const d = dp.describeArchitecture('conv:4x3:same,relu,maxpool:2,flatten,dense:10');
  expect(d.spec).toBe('input:28x28x1,conv:4x3:same,relu,maxpool:2,flatten,dense:10');
  expect(d.layers.map((l) => [l.name, l.shape, l.parameters, l.multiplyAdds])).toEqual([
    ['conv:4x3:same', [28, 28, 4], 40, 28224], ['relu', [28, 28, 4], 0, 0], ['maxpool:2', [14, 14, 4], 0, 0],
    ['flatten', [1, 1, 784], 0, 0], ['dense:10', [1, 1, 10], 7850, 7840]]);
  expect([d.parameters, d.multiplyAdds]).toEqual([7890, 36064]);
  // The same count as a network built from the spec.
  const trainer = dp.createTrainer(d.spec);
  expect(trainer.info.parameters).toBe(d.parameters);
  trainer.dispose();
  expect(() => dp.describeArchitecture('conv:4x3,flatten,dense:12')).toThrow(/the last layer must give 10 outputs/);
  expect(() => dp.describeArchitecture('conv:4x3,pool,dense:10')).toThrow(/pool/);
});
