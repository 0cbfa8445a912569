// Every kind of damaged model file reaches JS as an Error carrying the loader's message, and
// the module keeps working afterwards.
import { beforeAll, describe, expect, test } from 'vitest';
import { fixChecksum, loadWasm, modelLayout, readMnist, toUnitFloats } from './helpers.js';

let dp;
let good;      // a valid model file's bytes
let expected;  // its prediction for one test image
const image = toUnitFloats(readMnist('test', 1).pixels);

beforeAll(async () => {
  dp = await loadWasm();
  const trainer = dp.createTrainer('conv:4x3,relu,maxpool:2,flatten,dense:10', { seed: 3 });
  try {
    good = trainer.exportModel();
  } finally {
    trainer.dispose();
  }
  const model = dp.loadModel(good);
  expected = model.predict(image);
  model.dispose();
});

function damaged(change) {
  const bytes = good.slice();
  change(bytes, modelLayout(bytes));
  return bytes;
}

const CASES = {
  'empty file': () => new Uint8Array(0),
  'truncated in the header': () => good.slice(0, 20),
  'truncated in the weights': () => good.slice(0, good.length - 40),
  'wrong magic': () => damaged((b) => { b[0] = 0x58; }),
  'a PNG instead of a model': () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  'unknown version': () => damaged((b, { view }) => view.setUint32(8, 9, true)),
  'unknown layer': () => damaged((b, { view, layerCountOffset }) => view.setUint32(layerCountOffset + 4 + 20, 77, true)),
  'sizes that do not match': () => damaged((b, { view, paramCountOffset }) => {
    view.setUint32(paramCountOffset, view.getUint32(paramCountOffset, true) + 1, true);
    fixChecksum(b);
  }),
  'NaN weight': () => damaged((b, { view, weightsOffset }) => { view.setFloat32(weightsOffset + 8, NaN, true); fixChecksum(b); }),
  'Inf weight': () => damaged((b, { view, weightsOffset }) => { view.setFloat32(weightsOffset + 8, -Infinity, true); fixChecksum(b); }),
  'bad checksum': () => damaged((b, { weightsOffset }) => { b[weightsOffset + 5] ^= 0x10; }),
  'trailing bytes': () => { const b = new Uint8Array(good.length + 3); b.set(good); return b; },
};

const MESSAGES = {
  'empty file': /model file is empty/,
  'truncated in the header': /truncated/,
  'truncated in the weights': /truncated/,
  'wrong magic': /wrong magic/,
  'a PNG instead of a model': /wrong magic/,
  'unknown version': /unsupported model format version 9/,
  'unknown layer': /unknown layer type 77 in layer 2/,
  'sizes that do not match': /sizes do not match/,
  'NaN weight': /NaN/,
  'Inf weight': /Inf/,
  'bad checksum': /bad checksum/,
  'trailing bytes': /unexpected bytes/,
};

describe('a corrupt model throws an Error with the loader message', () => {
  test.each(Object.keys(CASES))('%s', (name) => {
    let error;
    try {
      dp.loadModel(CASES[name]()).dispose();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(MESSAGES[name]);
    // The module still works: a good model loads and predicts exactly as before.
    const model = dp.loadModel(good);
    expect(Array.from(model.predict(image))).toEqual(Array.from(expected));
    model.dispose();
  });
});

test('bad arguments to predict are Errors, not aborts', () => {
  const model = dp.loadModel(good);
  try {
    expect(() => model.predict(new Float32Array(10))).toThrow(/784/);
    expect(() => model.predictBatch(new Float32Array(784), 0)).toThrow(/count/);
    expect(() => model.predict(new Float32Array(784).fill(NaN))).toThrow(/NaN/);
    expect(() => model.predict(null)).toThrow(/typed array/);
    expect(model.predict(image).length).toBe(10);
  } finally {
    model.dispose();
  }
  expect(() => model.predict(image)).toThrow(/disposed/);
});
