// Nothing leaks: 100,000 predictions and 20 load/unload cycles (and failed loads) leave the
// WASM heap where it was: the bytes malloc has handed out, and the size of WASM memory.
import { expect, test } from 'vitest';
import { loadWasm, readMnist, toUnitFloats } from './helpers.js';

test('100,000 predictions and 20 load/unload cycles leave the heap unchanged', async () => {
  const dp = await loadWasm();
  const trainer = dp.createTrainer('conv:8x5,relu,maxpool:2,flatten,dense:32,relu,dense:10');
  const bytes = trainer.exportModel();
  trainer.dispose();
  const images = toUnitFloats(readMnist('test', 100).pixels);
  const cycle = () => {
    const m = dp.loadModel(bytes);
    m.predictBatch(images, 100);
    m.toBytes();
    m.dispose();
    // The bindings keep the last error message in a static buffer, sized on first use.
    expect(() => dp.loadModel(bytes.subarray(0, 50))).toThrow(/truncated/);
  };
  cycle();  // warm-up: memory grows once to the largest size these calls need

  const model = dp.loadModel(bytes);
  model.predict(images.subarray(0, 784));  // the first call sizes the model's buffers
  const heapWithModel = dp.heapBytesInUse();
  const memory = dp.memoryBytes();
  for (let i = 0; i < 100_000; i++) {
    const k = i % 100;
    model.predict(images.subarray(k * 784, (k + 1) * 784));
  }
  expect(dp.heapBytesInUse()).toBe(heapWithModel);
  model.dispose();

  const heapWithoutModel = dp.heapBytesInUse();
  for (let i = 0; i < 20; i++) cycle();
  expect(dp.heapBytesInUse()).toBe(heapWithoutModel);
  expect(dp.memoryBytes()).toBe(memory);
});
