// ONNX out and in (web/src/onnx/onnx-model.js), checked against ONNX Runtime (onnxruntime-node):
// every shipped model exported runs there as in digitpad; graphs laid out as PyTorch's and
// Keras's exporters lay them out (built here by hand, not by digitpad's exporter) run in
// digitpad as there; round trips keep the predictions; bad files get their error, in the API
// and in the `digitpad export` / `digitpad import` commands.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseInputRange } from '../../web/src/onnx/input-range.js';
import { exportOnnx, INPUT_NAME, OUTPUT_NAME, onnxToModelBytes, readOnnx } from '../../web/src/onnx/onnx-model.js';
import { argmax, loadWasm, NATIVE_TOOL, readMnist, ROOT, tempDir, toUnitFloats } from './helpers.js';

const { onnx } = onnxProto;
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'models/manifest.json'), 'utf8'));
const modelBytes = (entry) => new Uint8Array(fs.readFileSync(path.join(ROOT, 'models', entry.file)));
const IMAGES = 1000;
const testSet = readMnist('test', IMAGES);
const inputs = toUnitFloats(testSet.pixels);  // IMAGES x 784, 0..1
let dp;

beforeAll(async () => {
  dp = await loadWasm();
});

function digitpadProbabilities(bytes) {
  const model = dp.loadModel(bytes);
  try {
    return { probabilities: model.predictBatch(inputs, IMAGES), classes: model.info.classes.length };
  } finally {
    model.dispose();
  }
}

async function runOrt(onnxBytes, pixels, dims) {
  const session = await ort.InferenceSession.create(onnxBytes);
  const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', pixels, dims) });
  return { session, output: result[session.outputNames[0]] };
}

function maxDifference(a, b) {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function sameTop1(a, b, classes) {
  for (let n = 0; n < IMAGES; n++) expect(argmax(a, n * classes, classes)).toBe(argmax(b, n * classes, classes));
}

describe.each(manifest.models.map((m) => [m.id, m]))('%s exported to ONNX', (id, entry) => {
  let exported;
  beforeAll(() => {
    exported = exportOnnx(dp, modelBytes(entry), { accuracy: entry.testAccuracy });
  });

  test("gives digitpad's probabilities in ONNX Runtime, within 1e-5 on 1,000 MNIST test images", async () => {
    const mine = digitpadProbabilities(modelBytes(entry));
    const { session, output } = await runOrt(exported, inputs, [IMAGES, 1, 28, 28]);
    expect(session.inputNames).toEqual([INPUT_NAME]);
    expect(session.outputNames).toEqual([OUTPUT_NAME]);
    expect(output.dims).toEqual([IMAGES, mine.classes]);
    expect(maxDifference(output.data, mine.probabilities)).toBeLessThan(1e-5);
  });

  test('names the model, its architecture, accuracy, classes and input in the metadata', () => {
    const model = onnx.ModelProto.decode(exported);
    const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
    expect(meta['digitpad.name']).toBe(entry.name);
    expect(meta['digitpad.architecture']).toBe(entry.architecture);
    expect(Number(meta['digitpad.mnist_test_accuracy'])).toBe(entry.testAccuracy);
    expect(JSON.parse(meta['digitpad.classes'])).toEqual(entry.classes);
    expect(meta['digitpad.input']).toMatch(/^0\.\.1/);
  });

  test('round trip digitpad -> ONNX -> digitpad keeps the architecture and the predictions, bit for bit', () => {
    const read = readOnnx(exported, `${id}.onnx`);
    expect(read.inputKnown).toBe(true);
    const back = onnxToModelBytes(dp, read, parseInputRange('0..1'));
    const before = digitpadProbabilities(modelBytes(entry)), after = digitpadProbabilities(back);
    const model = dp.loadModel(back);
    try {
      // Dropout does nothing at inference and is not exported; a dense layer that reads the
      // image directly comes back with ONNX's Flatten before it.
      expect(model.info.architecture).toBe(entry.architecture.replace(/dropout:[\d.]+,/g, '').replace(/^input:28x28x1,dense/, 'input:28x28x1,flatten,dense'));
      expect(model.info.temperature).toBe(entry.temperature);
      expect(model.info.name).toBe(entry.name);
    } finally {
      model.dispose();
    }
    expect(maxDifference(after.probabilities, before.probabilities)).toBe(0);
  });
});

// ---- Graphs as PyTorch's exporter (torch.onnx.export) and Keras's (tf2onnx) lay them out ------

const tensorProto = (name, dims, values, dataType = onnx.TensorProto.DataType.FLOAT) => ({
  name, dims, dataType,
  rawData: new Uint8Array((dataType === onnx.TensorProto.DataType.FLOAT ? Float32Array.from(values) : BigInt64Array.from(values, BigInt)).buffer),
});
const float = (value) => ({ float: value });  // 1.0 is a FLOAT attribute, 1 an INT one
const attr = (name, value) => (Array.isArray(value)
  ? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: value }
  : Number.isInteger(value) ? { name, type: onnx.AttributeProto.AttributeType.INT, i: value }
    : { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value.float ?? value });

// A sequential graph written the way torch.onnx.export writes one: '/conv1/Conv' style node
// names, 'onnx::Conv_12' style initializer names, the input 'input.1' with a symbolic batch.
class GraphWriter {
  nodes = [];
  initializers = [];
  current;
  constructor(inputDims) {
    this.current = 'input.1';
    this.inputDims = inputDims;
  }
  node(opType, name, constants = {}, attributes = {}, extraInputs = []) {
    const inputs = [this.current, ...extraInputs];
    for (const [suffix, [dims, values, type]] of Object.entries(constants)) {
      const init = `onnx::${opType}_${this.initializers.length}_${suffix}`;
      this.initializers.push(tensorProto(init, dims, values, type));
      inputs.push(init);
    }
    const output = `/${name}/${opType}_output_0`;
    this.nodes.push({ name: `/${name}/${opType}`, opType, input: inputs, output: [output],
      attribute: Object.entries(attributes).map(([k, v]) => attr(k, v)) });
    this.current = output;
    return this;
  }
  bytes(output = 'output') {
    this.nodes.at(-1).output = [output];
    const dim = (d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d });
    const info = (name, dims) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: dims.map(dim) } } } });
    return onnx.ModelProto.encode(onnx.ModelProto.create({
      irVersion: 8, producerName: 'pytorch', producerVersion: '2.1.0', opsetImport: [{ domain: '', version: 17 }],
      graph: { name: 'main_graph', node: this.nodes, initializer: this.initializers,
        input: [info('input.1', this.inputDims)], output: [info(output, ['batch_size', 10])] },
    })).finish();
  }
}

// small-cnn's trained weights in ONNX's layouts, per layer: real weights give real digits.
function smallCnnLayers() {
  const model = dp.loadModel(modelBytes(manifest.models.find((m) => m.id === 'small-cnn')));
  try {
    const all = model.onnxParameters();
    let offset = 0;
    return model.info.layers.filter((l) => l.parameters > 0).map((l) => {
      const units = Number(l.spec.split(':')[1].split('x')[0]);
      const w = all.slice(offset, offset + l.parameters - units), b = all.slice(offset + l.parameters - units, offset + l.parameters);
      offset += l.parameters;
      return { w, b, units, inputs: (l.parameters - units) / units, channels: l.inputShape[2] };
    });
  } finally {
    model.dispose();
  }
}

function cnnGraph({ inputScale, flatten, gemmTransB, end, extras }) {
  const [c1, c2, c3, fc] = smallCnnLayers();
  const g = new GraphWriter(['batch_size', 1, 28, 28]);
  const conv = (name, layer, scale = 1) => g.node('Conv', name, { weight: [[layer.units, layer.channels, 3, 3], layer.w.map((v) => v * scale)], bias: [[layer.units], layer.b] },
    { dilations: [1, 1], group: 1, kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] });
  const pool = (name) => g.node('MaxPool', name, {}, { ceil_mode: 0, kernel_shape: [2, 2], pads: [0, 0, 0, 0], strides: [2, 2] });
  conv('conv1', c1, inputScale);
  // A BatchNormalization to fold (eval mode: running statistics).
  const k = c1.units;
  g.node('BatchNormalization', 'bn1', {
    scale: [[k], Array.from({ length: k }, (_, i) => 0.9 + 0.02 * i)], B: [[k], Array.from({ length: k }, (_, i) => 0.01 * (i % 5))],
    mean: [[k], Array.from({ length: k }, (_, i) => 0.03 * (i % 3))], var: [[k], Array.from({ length: k }, (_, i) => 0.8 + 0.05 * i)],
  }, { epsilon: 1e-5, momentum: 0.9 });
  g.node('Relu', 'relu1');
  pool('pool1');
  conv('conv2', c2).node('Relu', 'relu2');
  pool('pool2');
  conv('conv3', c3).node('Relu', 'relu3');
  pool('pool3');
  if (extras) g.node('Dropout', 'dropout').node('Identity', 'identity');
  if (flatten === 'Flatten') g.node('Flatten', 'flatten', {}, { axis: 1 });
  else g.node('Reshape', 'reshape', { shape: [[2], [-1, fc.inputs], onnx.TensorProto.DataType.INT64] });
  if (gemmTransB) g.node('Gemm', 'fc', { weight: [[10, fc.inputs], fc.w], bias: [[10], fc.b] }, { alpha: float(1), beta: float(1), transB: 1 });
  else g.node('Gemm', 'fc', { weight: [[fc.inputs, 10], transpose(fc.w, 10, fc.inputs)], bias: [[10], fc.b] }, { alpha: float(1), beta: float(1) });
  g.node(end, 'softmax', {}, { axis: 1 });
  return g.bytes();
}

function transpose(values, rows, cols) {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}

// Keras through tf2onnx: a flat N x 784 input, MatMul then Add, Tanh and Sigmoid.
function mlpGraph() {
  const seed = dp.loadModel(modelBytes(manifest.models.find((m) => m.id === 'seed-nielsen')));
  let all;
  try {
    all = seed.onnxParameters();  // dense:100 (100 x 784 + 100), dense:10 (10 x 100 + 10)
  } finally {
    seed.dispose();
  }
  const w1 = all.subarray(0, 78400), b1 = all.subarray(78400, 78500), w2 = all.subarray(78500, 79500), b2 = all.subarray(79500);
  const g = new GraphWriter(['unk__6', 784]);
  g.node('MatMul', 'dense/MatMul', { w: [[784, 100], transpose(w1, 100, 784)] }).node('Add', 'dense/BiasAdd', { b: [[100], b1] }).node('Tanh', 'dense/Tanh');
  g.node('MatMul', 'dense_1/MatMul', { w: [[100, 10], transpose(w2, 10, 100)] }).node('Add', 'dense_1/BiasAdd', { b: [[10], b2] });
  g.node('Softmax', 'dense_1/Softmax', {}, { axis: -1 });
  return g.bytes('dense_1');
}

describe('graphs as PyTorch and Keras export them', () => {
  const cases = [
    ['PyTorch CNN: Conv with pads, BatchNormalization, Flatten, Gemm transB=1, input 0..255',
      () => cnnGraph({ inputScale: 1 / 255, flatten: 'Flatten', gemmTransB: true, end: 'Softmax' }), '0..255', [1, 28, 28]],
    ['PyTorch CNN: Reshape with a shape initializer, Gemm transB=0, Dropout, Identity, LogSoftmax, input normalised 0.1307/0.3081',
      () => cnnGraph({ inputScale: 0.3081, flatten: 'Reshape', gemmTransB: false, end: 'LogSoftmax', extras: true }), '0.1307/0.3081', [1, 28, 28]],
    ['Keras MLP: N x 784, MatMul and Add, Tanh, input normalised 0.5/0.5', mlpGraph, '0.5/0.5', [784]],
  ];
  test.each(cases)('%s: same top-1 as ONNX Runtime, probabilities within 1e-4', async (name, build, rangeText, shape) => {
    const bytes = build();
    const read = readOnnx(bytes, 'model.onnx');
    expect(read.inputKnown).toBe(false);  // so the page asks, and the CLI takes --input
    const range = parseInputRange(rangeText);
    const mine = digitpadProbabilities(onnxToModelBytes(dp, read, range));
    const theirInput = inputs.map((x) => range.scale * x + range.shift);  // what the model was given in training
    const { output } = await runOrt(bytes, theirInput, [IMAGES, ...shape]);
    const theirs = name.includes('LogSoftmax') ? output.data.map(Math.exp) : output.data;
    sameTop1(mine.probabilities, theirs, 10);
    expect(maxDifference(mine.probabilities, theirs)).toBeLessThan(1e-4);
    // The answer is kept with the model: a scale layer in front, saved in its file.
    const model = dp.loadModel(onnxToModelBytes(dp, read, range));
    try {
      expect(model.info.architecture.startsWith('input:28x28x1,scale:')).toBe(rangeText !== '0..1');
    } finally {
      model.dispose();
    }
  });
});

// ---- Bad files ----------------------------------------------------------------------------

function badFiles() {
  const good = exportOnnx(dp, modelBytes(manifest.models.find((m) => m.id === 'small-cnn')));
  const leaky = onnx.ModelProto.decode(good);
  leaky.graph.node[1] = { ...leaky.graph.node[1], name: 'Conv_3', opType: 'LeakyRelu' };
  const wrongShape = onnx.ModelProto.decode(good);
  wrongShape.graph.input[0].type.tensorType.shape.dim = [{ dimParam: 'N' }, { dimValue: 3 }, { dimValue: 32 }, { dimValue: 32 }];
  return [
    ['truncated', good.subarray(0, good.length >> 1), /^model\.onnx is not an ONNX model: it does not parse as one/],
    ['not protobuf', new TextEncoder().encode('this is a text file, not a model\n'.repeat(40)), /^model\.onnx is not an ONNX model/],
    ['unsupported operator', onnx.ModelProto.encode(leaky).finish(), /^model\.onnx: node 'Conv_3' uses LeakyRelu, which digitpad does not run/],
    ['wrong input shape', onnx.ModelProto.encode(wrongShape).finish(), /^model\.onnx: input 'image' has shape \[N x 3 x 32 x 32\]; digitpad gives N x 1 x 28 x 28 or N x 784/],
    ['100 MB of zeros', new Uint8Array(100 << 20), /^model\.onnx is not an ONNX model/],
  ];
}

describe('bad ONNX files', () => {
  test('each gives its clear error from the reader', () => {
    for (const [, bytes, message] of badFiles()) expect(() => readOnnx(bytes, 'model.onnx')).toThrow(message);
  });

  test('each gives its error in `digitpad import`, exit status 1, and writes no model', () => {
    const dir = tempDir();
    for (const [, bytes, message] of badFiles()) {
      fs.writeFileSync(path.join(dir, 'model.onnx'), bytes);
      const out = path.join(dir, 'out.bin');
      const run = spawnSync(NATIVE_TOOL, ['import', '--model', path.join(dir, 'model.onnx'), '--out', out], { encoding: 'utf8' });
      expect(run.status).toBe(1);
      expect(run.stderr.replace(/^digitpad: /, '')).toMatch(message);
      expect(fs.existsSync(out)).toBe(false);
    }
  });
});

describe('the command line', () => {
  test('`digitpad export --onnx` writes a file ONNX Runtime runs; `digitpad import --input` reads it back', async () => {
    const dir = tempDir();
    const onnxFile = path.join(dir, 'small-cnn.onnx'), back = path.join(dir, 'back.bin');
    const exported = spawnSync(NATIVE_TOOL, ['export', '--onnx', '--model', path.join(ROOT, 'models/small-cnn.bin'), '--out', onnxFile], { encoding: 'utf8' });
    expect(exported.stderr).toBe('');
    expect(exported.stdout).toMatch(/^wrote .*small-cnn\.onnx: ONNX, [\d,]+ bytes/);
    const { output } = await runOrt(new Uint8Array(fs.readFileSync(onnxFile)), inputs, [IMAGES, 1, 28, 28]);
    expect(maxDifference(output.data, digitpadProbabilities(modelBytes(manifest.models.find((m) => m.id === 'small-cnn'))).probabilities)).toBeLessThan(1e-5);

    const imported = spawnSync(NATIVE_TOOL, ['import', '--model', onnxFile, '--out', back], { encoding: 'utf8' });
    expect(imported.stdout).toMatch(/^wrote .*back\.bin: input:28x28x1,conv:16x3:same/);
    // A model that says it takes 0..1 refuses another range; a range that is none refuses too.
    const refused = spawnSync(NATIVE_TOOL, ['import', '--model', onnxFile, '--out', back, '--input', '0..255'], { encoding: 'utf8' });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/was exported by digitpad and takes 0\.\.1/);
    const bad = spawnSync(NATIVE_TOOL, ['import', '--model', onnxFile, '--out', back, '--input', '0..100'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--input: input '0\.\.100' is not 0\.\.1, 0\.\.255 or MEAN\/STD/);
  });
});
