// The training curves: the trainer's per-epoch running averages become values per stretch of
// batches, so the curves do not jump when the average restarts at each epoch.
import { expect, test } from 'vitest';
import { ChunkCurve } from '../../web/src/training/charts.js';

test('a steady loss stays steady across an epoch boundary (no restart jump)', () => {
  // Loss 2.0 for the first 50 batches, 0.5 from then on; 100 batches per epoch.
  const perBatch = (epoch, b) => (epoch === 0 && b < 50 ? 2 : 0.5);
  const average = (epoch, batches) => Array.from({ length: batches }, (_, b) => perBatch(epoch, b)).reduce((s, v) => s + v, 0) / batches;
  const curve = new ChunkCurve(0);  // no smoothing: the value of each stretch itself
  const points = [];
  for (const epoch of [0, 1]) for (const batch of [25, 50, 75, 100]) points.push(curve.add(epoch, batch, average(epoch, batch)));
  expect(points[2]).toBeCloseTo(0.5);  // the running average says 1.5 here
  expect(points[3]).toBeCloseTo(0.5);  // and 1.25 here, then drops to 0.5 with the new epoch
  expect(points.slice(4)).toEqual(points.slice(4).map(() => expect.closeTo(0.5)));
});

test('smoothing keeps part of the last point', () => {
  const curve = new ChunkCurve(0.5);
  expect(curve.add(0, 10, 1)).toBe(1);
  expect(curve.add(0, 20, 0.5)).toBeCloseTo(0.5 * 1 + 0.5 * 0);  // the second stretch alone is 0
});
