// Reading a number through the WASM module in one call (Model.readNumber): the digits left to
// right with their boxes, probabilities and 28x28 images; a single digit as readDrawing reads
// it; strokes in each of their forms; errors; and a heap that stays where it was.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { drawnNumber, loadWasm, penStrokes, ROOT, writtenNumbers } from './helpers.js';

// The 11-output model the number reader is measured with (tests/cpp/test_number_reading.cpp).
const MODEL = path.join(ROOT, 'models/not-digit-cnn.bin');
let dp;
let model;
let numbers;

beforeAll(async () => {
  dp = await loadWasm();
  model = dp.loadModel(fs.readFileSync(MODEL));
  numbers = writtenNumbers().slice(0, 60);
});
afterAll(() => model?.dispose());

const read = (number, strokes) => {
  const { points, rgba } = drawnNumber(number);
  return model.readNumber(rgba, number.width, number.height, strokes === undefined ? points : strokes);
};

describe('a number written in a row', () => {
  test('reads most of the suite\'s first numbers exactly, with one entry per digit, left to right', () => {
    let right = 0;
    for (const number of numbers) {
      const r = read(number);
      if (r.number !== number.digits) continue;
      right++;
      expect(r.state).toBe('number');
      expect(r.digits.map((d) => d.digit).join('')).toBe(number.digits);
      for (const [i, d] of r.digits.entries()) {
        expect(d.reason).toBeNull();
        expect(d.probabilities).toBeInstanceOf(Float32Array);
        expect(d.probabilities.length).toBe(10);
        expect(d.confidence).toBe(Math.max(...d.probabilities));
        expect(d.notDigit).toBeGreaterThanOrEqual(0);
        expect(d.image).toBeInstanceOf(Float32Array);
        expect(d.image.length).toBe(784);
        expect(d.image.some((v) => v > 0.5)).toBe(true);
        // Each box on its own digit's strokes, inside the canvas, left to right.
        const xs = number.strokes.filter((_, k) => number.strokeDigit[k] === i).flatMap((flat) => flat.filter((_, j) => j % 2 === 0));
        const middle = d.box.x + d.box.width / 2;
        expect(middle).toBeGreaterThan(Math.min(...xs) - number.penWidth);
        expect(middle).toBeLessThan(Math.max(...xs) + number.penWidth);
        expect(d.box.y).toBeGreaterThanOrEqual(0);
        expect(d.box.y + d.box.height).toBeLessThanOrEqual(number.height);
        if (i > 0) expect(d.box.x).toBeGreaterThan(r.digits[i - 1].box.x);
      }
    }
    expect(right / numbers.length).toBeGreaterThanOrEqual(0.85);
  });

  test('strokes as [x, y] points, flat arrays and Float32Arrays give the same reading', () => {
    const number = numbers.find((n) => n.spacing === 'touching' && read(n).number === n.digits);
    const points = read(number);
    const flat = read(number, number.strokes);
    const typed = read(number, number.strokes.map((s) => Float32Array.from(s)));
    for (const other of [flat, typed]) {
      expect(other.number).toBe(points.number);
      expect(other.digits.map((d) => d.box)).toEqual(points.digits.map((d) => d.box));
    }
  });

  test('pixels alone (an image) read the separated numbers too', () => {
    const separated = numbers.filter((n) => n.spacing === 'separated');
    const right = separated.filter((n) => read(n, null).number === n.digits).length;
    expect(right / separated.length).toBeGreaterThanOrEqual(0.85);
  });
});

describe('one digit, or none', () => {
  const SEVEN = [[[60, 50], [220, 50], [120, 240]], [[110, 150], [200, 150]]];  // with a crossbar

  test('a single digit in two strokes is one digit, exactly as readDrawing reads it', () => {
    const rgba = penStrokes(SEVEN);
    const one = model.readNumber(rgba, 280, 280, SEVEN);
    const alone = model.readDrawing(rgba, 280, 280);
    expect(one).toMatchObject({ state: 'digit', number: String(alone.digit) });
    expect(one.digits.length).toBe(1);
    expect(Array.from(one.digits[0].image)).toEqual(Array.from(alone.image));
    expect(Array.from(one.digits[0].probabilities)).toEqual(Array.from(alone.probabilities));
    expect(model.readNumber(rgba, 280, 280).number).toBe(one.number);  // strokes are optional
  });

  test('an empty pad is empty, a click is not a digit', () => {
    expect(model.readNumber(new Uint8ClampedArray(280 * 280 * 4), 280, 280, [])).toEqual({ state: 'empty', number: '', digits: [] });
    const click = model.readNumber(penStrokes([[[140, 140]]]), 280, 280, [[[140, 140]]]);
    expect(click).toMatchObject({ state: 'not-digit', number: '?' });
    expect(click.digits[0]).toMatchObject({ digit: null, reason: 'dot', confidence: 1 });
  });
});

test('bad input is an Error, and reading numbers leaks nothing', () => {
  const rgba = penStrokes([[[140, 40], [140, 240]]]);
  expect(() => model.readNumber(rgba, 280, 281, [])).toThrow(/width x height x 4/);
  expect(() => model.readNumber(rgba, 280, 280, 'strokes')).toThrow(/array of strokes/);
  expect(() => model.readNumber(rgba, 280, 280, [[1, 2, 3]])).toThrow(/x, y pairs/);
  expect(() => model.readNumber(rgba, 280, 280, [[1, NaN]])).toThrow(/finite/);
  expect(() => model.readNumber(rgba, 280, 280, [new Float32Array(2 * 70000)])).toThrow(/too many stroke points/);
  const number = numbers.find((n) => n.digits.length === 6);
  const { points, rgba: drawn } = drawnNumber(number);
  const readBoth = () => {
    model.readNumber(drawn, number.width, number.height, points);
    model.readNumber(drawn, number.width, number.height, null);
  };
  readBoth();  // the first calls size the reader's buffers
  const before = dp.heapBytesInUse();
  const memory = dp.memoryBytes();
  for (let i = 0; i < 100; i++) readBoth();
  expect(() => model.readNumber(rgba, 280, 280, [[1, NaN]])).toThrow(/finite/);
  expect(dp.heapBytesInUse()).toBe(before);
  expect(dp.memoryBytes()).toBe(memory);
});
