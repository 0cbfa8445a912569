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
  'unknown parameter encoding': () => damaged((b, { view, encodingOffset }) => { view.setUint32(encodingOffset, 7, true); fixChecksum(b); }),
  'trailing bytes': () => { const b = new Uint8Array(good.length + 3); b.set(good); return b; },
  'eleven labels on ten outputs': () => {
    // "not a digit" added to the label table of a network with 10 outputs
    const { labelTableOffset, temperatureOffset } = modelLayout(good);
    const extra = new TextEncoder().encode('not a digit');
    const b = new Uint8Array(good.length + 4 + extra.length);
    b.set(good.subarray(0, temperatureOffset));
    new DataView(b.buffer).setUint32(temperatureOffset, extra.length, true);
    b.set(extra, temperatureOffset + 4);
    b.set(good.subarray(temperatureOffset), temperatureOffset + 4 + extra.length);
    new DataView(b.buffer).setUint32(labelTableOffset, 11, true);
    return fixChecksum(b);
  },
  'a label too long': () => damaged((b, { view, labelOffsets }) => view.setUint32(labelOffsets[3], 5000, true)),
  'unexpected label text': () => damaged((b, { labelOffsets }) => { b[labelOffsets[3] + 4] = 0x78; }),
  'label table cut short': () => good.slice(0, modelLayout(good).labelOffsets[4] + 2),
  'temperature 0': () => damaged((b, { view, temperatureOffset }) => { view.setFloat32(temperatureOffset, 0, true); fixChecksum(b); }),
  'NaN temperature': () => damaged((b, { view, temperatureOffset }) => { view.setFloat32(temperatureOffset, NaN, true); fixChecksum(b); }),
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
  'unknown parameter encoding': /^unknown parameter encoding 7 \(0 float32, 1 float16\)$/,
  'trailing bytes': /unexpected bytes/,
  'eleven labels on ten outputs': /^class labels: 11 labels but the network gives 10 outputs$/,
  'a label too long': /^class labels: label 3 is 5,000 bytes; at most 64 are allowed$/,
  'unexpected label text': /^class labels: output 3 is labelled "x", expected "3"$/,
  'label table cut short': /^model file truncated: expected 4 bytes of class labels at offset/,
  'temperature 0': /^calibration temperature must be in \[0.05, 20\], got 0$/,
  'NaN temperature': /^calibration temperature must be in \[0.05, 20\], got nan$/,
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
