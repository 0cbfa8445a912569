// Reading a drawing through the WASM module in one call (Model.readDrawing): empty, not a digit
// (a dot, a flick, or an eleventh output that wins) or a digit, with what the network saw.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadWasm, mnistOnCanvas, penStrokes, readMnist, ROOT } from './helpers.js';

const mnist = readMnist('test', 10);
const CLICK = [[[140, 140]]];
const FLICK = [[[100, 100], [135, 100]]];
const SEVEN = [[[60, 50], [220, 50], [120, 240]]];
let dp;

beforeAll(async () => {
  dp = await loadWasm();
});

// A shipped 10-output model: the network never says "not a digit", the shape rules still do.
describe('a 10-output model', () => {
  let model;
  beforeAll(() => {
    model = dp.loadModel(fs.readFileSync(path.join(ROOT, 'models/mlp.bin')));
  });
  afterAll(() => model.dispose());
  const read = (rgba) => model.readDrawing(rgba, 280, 280);

  test('a drawn digit is a digit, with its ten probabilities and what the network saw', () => {
    for (let i = 0; i < 10; i++) {
      const r = read(mnistOnCanvas(mnist, i));
      expect(r).toMatchObject({ state: 'digit', reason: null, digit: mnist.labels[i], notDigit: 0 });
      expect(r.probabilities).toBeInstanceOf(Float32Array);
      expect(r.probabilities.length).toBe(10);
      expect(r.confidence).toBe(Math.max(...r.probabilities));
      expect(r.image.length).toBe(784);
    }
  });

  test('one call gives what preprocess and predict give', () => {
    const drawing = mnistOnCanvas(mnist, 3, { transparent: true });
    const r = read(drawing);
    const seen = dp.preprocess(drawing, 280, 280);
    expect(Array.from(r.image)).toEqual(Array.from(seen.image));
    expect(Array.from(r.probabilities)).toEqual(Array.from(model.predict(seen.image)));
  });

  test('an empty pad is empty: no probabilities, no digit', () => {
    const r = read(new Uint8ClampedArray(280 * 280 * 4));
    expect(r).toMatchObject({ state: 'empty', reason: null, digit: null, confidence: 0, probabilities: null, notDigit: 0 });
    expect(r.image.every((v) => v === 0)).toBe(true);
  });

  test.each([['a click', CLICK, 'dot'], ['a short straight drag', FLICK, 'flick']])('%s is not a digit (%s), and the network\'s ten probabilities come along', (_, strokes, reason) => {
    const r = read(penStrokes(strokes));
    expect(r).toMatchObject({ state: 'not-digit', reason, digit: null, confidence: 1, notDigit: 0 });
    expect(r.probabilities.length).toBe(10);
    expect(r.probabilities.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    expect(r.image.some((v) => v > 0)).toBe(true);  // the page shows what the network saw
  });

  test('a straight 1 of digit size is read by the network', () => {
    const r = read(penStrokes([[[140, 84], [140, 196]]]));
    expect(r.state).toBe('digit');
    expect(r.digit).toBe(1);
  });

  test('bad sizes are Errors and reading leaks nothing', () => {
    expect(() => model.readDrawing(new Uint8ClampedArray(10), 280, 280)).toThrow(/width x height x 4/);
    expect(() => model.readDrawing(new Uint8ClampedArray(0), 0, 0)).toThrow(/out of range/);
    const drawing = mnistOnCanvas(mnist, 0);
    read(drawing);
    const before = dp.heapBytesInUse();
    for (let i = 0; i < 200; i++) read(i % 2 ? drawing : penStrokes(CLICK));
    expect(dp.heapBytesInUse()).toBe(before);
  });
});

// 11-output networks trained here to give one answer: every image labelled 10 ("not a
// digit"), or every image labelled 7.
describe('an 11-output model', () => {
  const train = readMnist('train', 512);
  /** Runs check(model) on a 784-11 network trained on every image labelled `label`. */
  function withModelAnswering(label, check) {
    const trainer = dp.createTrainer('784-11', { epochs: 2, batchSize: 64, seed: 1 });
    let model;
    try {
      trainer.setData(train.pixels, new Uint8Array(train.count).fill(label));
      while (!trainer.run(100).done);
      model = dp.loadModel(trainer.exportModel());
      check(model);
    } finally {
      model?.dispose();
      trainer.dispose();
    }
  }

  test('says not a digit when its eleventh output is the largest', () => withModelAnswering(10, (model) => {
    const r = model.readDrawing(penStrokes(SEVEN), 280, 280);
    const all = model.predict(r.image);
    expect(all.length).toBe(11);
    expect(r).toMatchObject({ state: 'not-digit', reason: 'network', digit: null });
    expect(r.notDigit).toBe(all[10]);
    expect(r.confidence).toBe(all[10]);
    expect(Array.from(r.probabilities)).toEqual(Array.from(all.subarray(0, 10)));  // its softmax over 11
  }));

  test('reads the digit when a digit output is the largest, with the "not a digit" probability', () => withModelAnswering(7, (model) => {
    const r = model.readDrawing(penStrokes(SEVEN), 280, 280);
    expect(r).toMatchObject({ state: 'digit', reason: null, digit: 7 });
    expect(r.notDigit).toBeGreaterThan(0);
    expect(r.probabilities.reduce((a, b) => a + b) + r.notDigit).toBeCloseTo(1, 5);
    // A shape rule still wins over the network.
    expect(model.readDrawing(penStrokes(CLICK), 280, 280)).toMatchObject({ state: 'not-digit', reason: 'dot' });
  }));
});
