// ONNX out and in: digitpad's one ONNX graph builder and reader, for the page (loaded only when
// a user exports or imports ONNX) and the command line (scripts/digitpad-onnx.mjs). The
// protobuf messages are onnx-proto's (ONNX's own .proto compiled for protobufjs); the
// parameters' layouts are converted by the core (cpp/core/onnx_layout.hpp), so this file only
// lays out nodes.
//
// Export: input `image`, N x 1 x 28 x 28 float, 0 (background) to 1 (ink); output
// `probabilities`, N x 10 (the digits) or N x 11 (index 10: "not a digit"), softmax(logits / T)
// exactly as digitpad gives them: the calibration temperature T is a Div before the Softmax.
//
// Import: a chain of the operators in SUPPORTED_OPERATORS, as PyTorch's and Keras's (tf2onnx)
// exporters write small digit networks: see readOnnx.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const { DataType } = onnx.TensorProto;
const { AttributeType } = onnx.AttributeProto;

export const OPSET = 13;
export const INPUT_NAME = 'image';
export const OUTPUT_NAME = 'probabilities';
// An ONNX file larger than this is refused before it is parsed: digitpad's largest network
// (kMaxParameters, 64 Mi floats) is 256 MB.
export const MAX_ONNX_BYTES = 256 << 20;
export const SUPPORTED_OPERATORS = ['Conv', 'Relu', 'Sigmoid', 'Tanh', 'MaxPool', 'Gemm', 'MatMul', 'Add',
  'Sub', 'Mul', 'Div', 'Flatten', 'Reshape', 'Dropout', 'Softmax', 'LogSoftmax', 'BatchNormalization',
  'Constant', 'Identity'];
// Metadata keys the exporter writes; `digitpad.input` tells the importer the input is 0..1.
const META = { name: 'digitpad.name', architecture: 'digitpad.architecture', accuracy: 'digitpad.mnist_test_accuracy',
  classes: 'digitpad.classes', temperature: 'digitpad.temperature', input: 'digitpad.input' };
const INPUT_DESCRIPTION = '0..1 (N x 1 x 28 x 28: 0 background, 1 ink)';

// ---- Export -----------------------------------------------------------------------------------

const tensor = (name, dims, values) =>
  ({ name, dims, dataType: DataType.FLOAT, rawData: new Uint8Array(Float32Array.from(values).buffer) });
const int64s = (name, values) =>
  ({ name, dims: [values.length], dataType: DataType.INT64, rawData: new Uint8Array(BigInt64Array.from(values, BigInt).buffer) });
const ints = (name, values) => ({ name, type: AttributeType.INTS, ints: values });
const int = (name, value) => ({ name, type: AttributeType.INT, i: value });
const valueInfo = (name, dims) => ({
  name,
  type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
});

/**
 * A digitpad model's bytes -> the ONNX file's bytes (Uint8Array). dp: loadDigitpad()'s API.
 * extra: more metadata, e.g. { accuracy } from the manifest. Throws for a model trained with
 * the mean-squared-error loss (its probabilities are not a softmax).
 */
export function exportOnnx(dp, modelBytes, extra = {}) {
  const model = dp.loadModel(modelBytes);
  try {
    const { info } = model;
    if (info.loss !== 'ce')
      throw new Error(`${info.name || 'this model'} was trained with the ${info.loss} loss; ONNX export gives the probabilities of cross-entropy models`);
    return encodeGraph(info, model.onnxParameters(), extra);
  } finally {
    model.dispose();
  }
}

function encodeGraph(info, parameters, extra) {
  const nodes = [], initializers = [];
  let current = INPUT_NAME, image = true, offset = 0;
  const add = (opType, inputs, attribute = []) => {
    const name = `${opType}_${nodes.length}`;
    nodes.push({ name, opType, input: [current, ...inputs], output: [name], attribute });
    current = name;
    return name;
  };
  const constant = (suffix, dims, values) => {
    const name = `${nodes.length}_${suffix}`;
    initializers.push(tensor(name, dims, values));
    return name;
  };
  const flatten = () => {
    if (image) add('Flatten', [], [int('axis', 1)]);
    image = false;
  };
  for (const layer of info.layers) {
    const [kind, ...args] = layer.spec.split(':');
    const [, , channels] = layer.inputShape;
    const weights = parameters.subarray(offset, offset + layer.parameters);
    offset += layer.parameters;
    if (kind === 'conv') {
      const [filters, kernel] = args[0].split('x').map(Number);
      const padding = { same: (kernel - 1) / 2, valid: 0 }[args[1]] ?? Number(args[1].slice(1));
      const stride = Number(args.find((a, i) => i > 1 && a.startsWith('s'))?.slice(1) ?? 1);
      const bias = filters;
      add('Conv', [constant('W', [filters, channels, kernel, kernel], weights.subarray(0, weights.length - bias)),
        constant('B', [filters], weights.subarray(weights.length - bias))],
      [ints('kernel_shape', [kernel, kernel]), ints('pads', [padding, padding, padding, padding]), ints('strides', [stride, stride])]);
    } else if (kind === 'dense') {
      flatten();
      const units = Number(args[0]), inputs = (weights.length - units) / units;
      add('Gemm', [constant('W', [units, inputs], weights.subarray(0, units * inputs)), constant('B', [units], weights.subarray(units * inputs))],
        [int('transB', 1)]);
    } else if (kind === 'maxpool') {
      const window = Number(args[0]), stride = args[1] ? Number(args[1].slice(1)) : window;
      add('MaxPool', [], [ints('kernel_shape', [window, window]), ints('strides', [stride, stride])]);
    } else if (kind === 'flatten') {
      flatten();
    } else if (kind === 'scale') {
      const [scale, shift] = args.map(Number);
      if (scale !== 1) add('Mul', [constant('scale', [], [scale])]);
      if (shift !== 0) add('Add', [constant('shift', [], [shift])]);
    } else if (kind === 'relu' || kind === 'sigmoid' || kind === 'tanh') {
      add({ relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh' }[kind], []);
    } else if (kind !== 'dropout') {  // dropout: nothing at inference
      throw new Error(`layer ${layer.spec} has no ONNX export`);
    }
  }
  flatten();  // a network whose last layer is a convolution with 10 filters of 1x1 outputs
  if (info.temperature !== 1) add('Div', [constant('temperature', [], [info.temperature])]);
  nodes.push({ name: 'Softmax', opType: 'Softmax', input: [current], output: [OUTPUT_NAME], attribute: [int('axis', 1)] });

  const metadata = {
    [META.name]: info.name,
    [META.architecture]: info.architecture,
    [META.classes]: JSON.stringify(info.classes),
    [META.temperature]: String(info.temperature),
    [META.input]: INPUT_DESCRIPTION,
    ...(extra.accuracy !== undefined && { [META.accuracy]: String(extra.accuracy) }),
  };
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'digitpad',
    docString: `${info.name}: ${info.architecture}. Input ${INPUT_DESCRIPTION}; output: the probability of each class (${info.classes.join(', ')}).`,
    graph: {
      name: info.name || 'digitpad',
      node: nodes,
      initializer: initializers,
      input: [valueInfo(INPUT_NAME, ['N', 1, 28, 28])],
      output: [valueInfo(OUTPUT_NAME, ['N', info.classes.length])],
    },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}

// ---- Import -----------------------------------------------------------------------------------

export class OnnxImportError extends Error {
  name = 'OnnxImportError';
}

const number = (v) => (typeof v === 'number' ? v : v == null ? 0 : v.toNumber());  // int64 fields may be Long
const product = (dims) => dims.reduce((a, b) => a * b, 1);

function tensorValues(t, where) {
  const dims = (t.dims ?? []).map(number);
  const count = product(dims);
  const raw = t.rawData?.length ? t.rawData : null;
  let values;
  if (t.dataType === DataType.FLOAT) {
    if (raw) {
      if (raw.length !== count * 4) throw new OnnxImportError(`${where}: tensor '${t.name}' holds ${raw.length} bytes for ${count} floats`);
      values = new Float32Array(count);
      new Uint8Array(values.buffer).set(raw);
    } else {
      values = Float32Array.from(t.floatData ?? []);
    }
  } else if (t.dataType === DataType.INT64) {
    if (raw) {
      if (raw.length !== count * 8) throw new OnnxImportError(`${where}: tensor '${t.name}' holds ${raw.length} bytes for ${count} integers`);
      const copy = new Uint8Array(raw);  // aligned
      values = Array.from(new BigInt64Array(copy.buffer), Number);
    } else {
      values = (t.int64Data ?? []).map(number);
    }
  } else {
    const type = Object.keys(DataType).find((k) => DataType[k] === t.dataType) ?? t.dataType;
    throw new OnnxImportError(`${where}: tensor '${t.name}' is ${type}; digitpad reads FLOAT weights (and INT64 shapes)`);
  }
  if (values.length !== count)
    throw new OnnxImportError(`${where}: tensor '${t.name}' holds ${values.length} values, but its shape [${dims}] needs ${count}`);
  return { dims, values };
}

function attributes(node) {
  const out = {};
  for (const a of node.attribute ?? []) {
    out[a.name] = a.type === AttributeType.INTS ? a.ints.map(number)
      : a.type === AttributeType.INT ? number(a.i)
        : a.type === AttributeType.FLOAT ? a.f
          : a.type === AttributeType.STRING ? new TextDecoder().decode(a.s)
            : a.type === AttributeType.TENSOR ? a.t : a;
  }
  return out;
}

/**
 * An ONNX file's bytes -> what digitpad needs to build the network: { spec (the architecture,
 * without any input arithmetic), name, temperature, parameters (Float32Array in ONNX's
 * layouts, cpp/core/onnx_layout.hpp), inputAffine: { scale, shift } (what the graph itself does
 * to its input), inputKnown (the file says its input is 0..1: one digitpad exported) }.
 * Throws OnnxImportError naming the file, and the node and operator where the graph goes
 * beyond what digitpad runs.
 */
export function readOnnx(bytes, fileName = 'model.onnx') {
  if (bytes.length === 0) throw new OnnxImportError(`${fileName} is empty`);
  if (bytes.length > MAX_ONNX_BYTES)
    throw new OnnxImportError(`${fileName} is ${(bytes.length / 2 ** 20).toFixed(0)} MB; digitpad reads ONNX files of at most ${MAX_ONNX_BYTES >> 20} MB`);
  let model;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new OnnxImportError(`${fileName} is not an ONNX model: it does not parse as one (${error.message})`);
  }
  const graph = model.graph;
  if (!graph || !(graph.node?.length > 0))
    throw new OnnxImportError(`${fileName} is not an ONNX model: it holds no graph`);
  const metadata = Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key, p.value]));
  return { ...new GraphReader(fileName, graph).read(), name: metadata[META.name] ?? graph.name ?? '', inputKnown: META.input in metadata };
}

// Walks the graph's nodes (ONNX keeps them in topological order) along the one chain from the
// input to the output, turning each into digitpad layers.
class GraphReader {
  #file;
  #graph;
  #constants = new Map();  // name -> { dims, values }: initializers and Constant outputs
  #layers = [];            // { spec, weights (Float32Array, ONNX layout), biases (Float32Array) }
  #current;                // the name of the value the chain has reached
  #shape;                  // of #current, without N: [C, H, W] or [features]
  #input = { scale: 1, shift: 0 };  // scalar arithmetic on the input before any layer
  #foldable = false;       // the last layer is a conv or dense with nothing after it yet
  #temperature = 1;
  #ended = false;          // a Softmax or LogSoftmax was reached

  constructor(file, graph) {
    this.#file = file;
    this.#graph = graph;
  }

  read() {
    for (const t of this.#graph.initializer ?? []) this.#constants.set(t.name, tensorValues(t, this.#file));
    const inputs = (this.#graph.input ?? []).filter((v) => !this.#constants.has(v.name));
    if (inputs.length !== 1)
      throw new OnnxImportError(`${this.#file}: the graph has ${inputs.length} inputs (${inputs.map((v) => v.name).join(', ')}); digitpad runs networks with one image input`);
    this.#readInput(inputs[0]);
    this.#graph.node.forEach((node, index) => this.#readNode(node, index));
    const outputs = this.#graph.output ?? [];
    if (outputs.length !== 1 || outputs[0].name !== this.#current)
      throw new OnnxImportError(`${this.#file}: the graph's output${outputs.length === 1 ? ` '${outputs[0].name}' is not the end of its chain of layers` : `s (${outputs.length}) are not one`}; digitpad runs one chain from the input to one output`);
    const classes = product(this.#shape);
    if (this.#shape.length !== 1 || (classes !== 10 && classes !== 11))
      throw new OnnxImportError(`${this.#file}: the network gives ${this.#shape.length === 1 ? classes : `[${this.#shape}]`} outputs; digitpad runs networks whose outputs are the 10 digits (or 11, the eleventh "not a digit")`);
    const parameters = new Float32Array(this.#layers.reduce((n, l) => n + l.weights.length + l.biases.length, 0));
    let offset = 0;
    for (const { weights, biases } of this.#layers) {
      parameters.set(weights, offset);
      parameters.set(biases, offset + weights.length);
      offset += weights.length + biases.length;
    }
    if (this.#layers.every((l) => l.weights.length === 0))
      throw new OnnxImportError(`${this.#file}: the graph has no Conv, Gemm or MatMul layer with weights`);
    return {
      spec: ['input:28x28x1', ...this.#layers.map((l) => l.spec)].join(','),
      parameters,
      temperature: this.#temperature,
      inputAffine: this.#input,
    };
  }

  #readInput(input) {
    const dims = input.type?.tensorType?.shape?.dim?.map((d) => (d.dimParam ? d.dimParam : number(d.dimValue))) ?? [];
    const rest = dims.slice(1).join(' x ');
    if (input.type?.tensorType?.elemType !== DataType.FLOAT)
      throw new OnnxImportError(`${this.#file}: input '${input.name}' is not float; digitpad gives its network float pixels`);
    if (rest === '1 x 28 x 28' && dims.length === 4) this.#shape = [1, 28, 28];
    else if (rest === '784' && dims.length === 2) this.#shape = [784];
    else
      throw new OnnxImportError(`${this.#file}: input '${input.name}' has shape [${dims.join(' x ')}]; digitpad gives N x 1 x 28 x 28 or N x 784`);
    this.#current = input.name;
  }

  #fail(node, index, message, { withOperator = true } = {}) {
    const name = node.name || `${node.opType}_${index}`;
    throw new OnnxImportError(`${this.#file}: node '${name}'${withOperator ? ` (${node.opType})` : ''} ${message}`);
  }

  #readNode(node, index) {
    const op = node.opType;
    const where = `${this.#file}: node '${node.name || index}'`;
    if (op === 'Constant') {
      const a = attributes(node);
      if (!a.value) this.#fail(node, index, 'holds no tensor value; digitpad reads Constant nodes with a tensor value');
      this.#constants.set(node.output[0], tensorValues(a.value, where));
      return;
    }
    if (op === 'Identity' && this.#constants.has(node.input[0])) {
      this.#constants.set(node.output[0], this.#constants.get(node.input[0]));
      return;
    }
    if (!SUPPORTED_OPERATORS.includes(op)) this.#fail(node, index, `uses ${op}, which digitpad does not run (it runs ${SUPPORTED_OPERATORS.join(', ')})`, { withOperator: false });
    const data = node.input.filter((name) => name && !this.#constants.has(name));
    if (data.length !== 1 || data[0] !== this.#current)
      this.#fail(node, index, `does not continue the chain of layers from the input (it reads ${node.input.join(', ')}); digitpad runs one chain, no branches`);
    if (this.#ended) this.#fail(node, index, `comes after the Softmax; digitpad's networks end with it`);
    const constant = (i) => this.#constants.get(node.input[i]);
    const a = attributes(node);
    const wasFoldable = this.#foldable;
    this.#foldable = false;
    this.#current = node.output[0];
    switch (op) {
      case 'Identity':
      case 'Dropout':
        this.#foldable = wasFoldable;
        return;
      case 'Relu':
      case 'Sigmoid':
      case 'Tanh':
        return this.#layer(op.toLowerCase());
      case 'Conv':
        return this.#conv(node, index, a, constant(1), constant(2));
      case 'MaxPool':
        return this.#maxPool(node, index, a);
      case 'Gemm': {
        if (a.transA) this.#fail(node, index, 'has transA=1; digitpad reads Gemm with the data as A');
        const b = constant(1);
        if (!b || b.dims.length !== 2) this.#fail(node, index, 'needs B as a 2-D constant');
        const [rows, cols] = b.dims;
        const units = a.transB ? rows : cols;
        const weights = a.transB ? Float32Array.from(b.values) : transpose(b.values, rows, cols);
        const alpha = a.alpha ?? 1, beta = a.beta ?? 1;
        if (alpha !== 1) weights.forEach((w, i) => (weights[i] = w * alpha));
        const bias = this.#biasOf(node, index, constant(2), units).map((v) => v * beta);
        return this.#dense(node, index, units, a.transB ? cols : rows, weights, bias);
      }
      case 'MatMul': {
        const b = constant(1);
        if (!b || b.dims.length !== 2 || node.input[0] !== data[0]) this.#fail(node, index, 'needs the data first and a 2-D constant second');
        const [rows, cols] = b.dims;
        return this.#dense(node, index, cols, rows, transpose(b.values, rows, cols), new Float32Array(cols));
      }
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Div':
        return this.#arithmetic(node, index, op, constant(node.input[0] === data[0] ? 1 : 0), node.input[0] === data[0], wasFoldable);
      case 'BatchNormalization':
        return this.#batchNorm(node, index, a, wasFoldable);
      case 'Flatten':
        if ((a.axis ?? 1) !== 1) this.#fail(node, index, `has axis ${a.axis}; digitpad flattens from axis 1`);
        return this.#flatten();
      case 'Reshape':
        return this.#reshape(node, index, constant(1));
      case 'Softmax':
      case 'LogSoftmax': {
        // Over the classes of N x classes: axis 1 or -1 (the default is either, by opset).
        const axis = a.axis ?? 1;
        if (this.#shape.length !== 1 || (axis !== 1 && axis !== -1)) this.#fail(node, index, 'is not over the classes of an N x classes tensor');
        this.#ended = true;
        return;
      }
    }
  }

  #layer(spec, weights = new Float32Array(0), biases = new Float32Array(0), shape = this.#shape) {
    this.#layers.push({ spec, weights, biases });
    this.#shape = shape;
    this.#foldable = weights.length > 0;
  }

  #conv(node, index, a, w, b) {
    if (this.#shape.length !== 3) this.#fail(node, index, 'reads a flat tensor; digitpad convolves images');
    if (!w || w.dims.length !== 4) this.#fail(node, index, 'needs its weights W as a constant of 4 dimensions');
    const [filters, channels, kh, kw] = w.dims;
    const [c, h, wd] = this.#shape;
    if (channels !== c) this.#fail(node, index, `has ${channels}-channel filters for a ${c}-channel input`);
    if (kh !== kw) this.#fail(node, index, `has a ${kh}x${kw} kernel; digitpad's kernels are square`);
    if ((a.group ?? 1) !== 1) this.#fail(node, index, `has group ${a.group}; digitpad runs group 1`);
    if ((a.dilations ?? []).some((d) => d !== 1)) this.#fail(node, index, `has dilations [${a.dilations}]; digitpad runs 1`);
    const strides = a.strides ?? [1, 1];
    if (strides[0] !== strides[1]) this.#fail(node, index, `has strides [${strides}]; digitpad's are the same both ways`);
    const stride = strides[0];
    let padding = 0;
    const autoPad = a.auto_pad ?? 'NOTSET';
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      if (stride !== 1 || kh % 2 === 0) this.#fail(node, index, `has auto_pad ${autoPad} with stride ${stride} and kernel ${kh}; digitpad pads evenly`);
      padding = (kh - 1) / 2;
    } else if (autoPad === 'NOTSET') {
      const pads = a.pads ?? [0, 0, 0, 0];
      if (pads.some((p) => p !== pads[0])) this.#fail(node, index, `has pads [${pads}]; digitpad pads every side the same`);
      padding = pads[0];
    } else if (autoPad !== 'VALID') {
      this.#fail(node, index, `has auto_pad ${autoPad}`);
    }
    const outH = Math.floor((h + 2 * padding - kh) / stride) + 1, outW = Math.floor((wd + 2 * padding - kh) / stride) + 1;
    if (!(outH >= 1 && outW >= 1)) this.#fail(node, index, `has a ${kh}x${kh} kernel larger than its ${h}x${wd} input`);
    const p = padding ? `:p${padding}` : ':valid';
    this.#layer(`conv:${filters}x${kh}${p}${stride !== 1 ? `:s${stride}` : ''}`, Float32Array.from(w.values),
      this.#biasOf(node, index, b, filters), [filters, outH, outW]);
  }

  #maxPool(node, index, a) {
    if (this.#shape.length !== 3) this.#fail(node, index, 'reads a flat tensor; digitpad pools images');
    const [k, k2] = a.kernel_shape ?? [];
    if (k !== k2) this.#fail(node, index, `has a ${k}x${k2} window; digitpad's are square`);
    const strides = a.strides ?? [1, 1];
    if (strides[0] !== strides[1]) this.#fail(node, index, `has strides [${strides}]; digitpad's are the same both ways`);
    if ((a.pads ?? []).some((p) => p !== 0) || !['NOTSET', 'VALID', undefined].includes(a.auto_pad))
      this.#fail(node, index, 'pads its input; digitpad pools without padding');
    if (a.ceil_mode) this.#fail(node, index, 'has ceil_mode 1; digitpad rounds down');
    if ((a.dilations ?? []).some((d) => d !== 1)) this.#fail(node, index, `has dilations [${a.dilations}]; digitpad runs 1`);
    const [c, h, w] = this.#shape;
    const outH = Math.floor((h - k) / strides[0]) + 1, outW = Math.floor((w - k) / strides[0]) + 1;
    if (!(outH >= 1 && outW >= 1)) this.#fail(node, index, `has a ${k}x${k} window larger than its ${h}x${w} input`);
    this.#layer(`maxpool:${k}${strides[0] !== k ? `:s${strides[0]}` : ''}`, undefined, undefined, [c, outH, outW]);
  }

  // weights: units x inputs, row-major.
  #dense(node, index, units, inputs, weights, bias) {
    if (this.#shape.length !== 1) this.#fail(node, index, `reads a [${this.#shape}] image; flatten it first (Flatten or Reshape)`);
    if (inputs !== this.#shape[0]) this.#fail(node, index, `takes ${inputs} inputs, but the layer before gives ${this.#shape[0]}`);
    this.#layer(`dense:${units}`, weights, bias, [units]);
  }

  #biasOf(node, index, b, units) {
    if (!b) return new Float32Array(units);
    if (b.values.length === 1) return new Float32Array(units).fill(b.values[0]);
    if (b.values.length !== units) this.#fail(node, index, `has ${b.values.length} biases for ${units} outputs`);
    return Float32Array.from(b.values);
  }

  #flatten() {
    if (this.#shape.length === 3) this.#layer('flatten', undefined, undefined, [product(this.#shape)]);
  }

  #reshape(node, index, shape) {
    if (!shape) this.#fail(node, index, 'takes its shape from the data; digitpad reads a constant shape (an initializer)');
    const target = shape.values.slice(1);
    const features = product(this.#shape);
    if (target.length === 1 && (target[0] === -1 || target[0] === features)) return this.#flatten();
    if (target.join() === '1,28,28' && this.#shape.join() === '784') {
      this.#shape = [1, 28, 28];  // the same values: digitpad's 28x28x1 input is row-major
      return;
    }
    this.#fail(node, index, `reshapes [${this.#shape}] to [${shape.values}]; digitpad reshapes only to N x features or N x 784 to N x 1 x 28 x 28`);
  }

  // Arithmetic with a constant: on the input before any layer (kept as a scale layer), a bias
  // added to the layer before, a scale folded into it, or the temperature before the Softmax.
  #arithmetic(node, index, op, c, dataFirst, foldable) {
    if (!c) this.#fail(node, index, 'needs a constant operand');
    if (!dataFirst && (op === 'Sub' || op === 'Div')) this.#fail(node, index, 'has the constant first; digitpad reads data - constant and data / constant');
    const scalar = c.values.length === 1 ? c.values[0] : null;
    const inputStage = this.#layers.length === 0;
    if (inputStage) {
      if (scalar === null) this.#fail(node, index, `applies ${c.values.length} values to the input; digitpad's input has one channel`);
      const s = this.#input;
      if (op === 'Add') s.shift += scalar;
      if (op === 'Sub') s.shift -= scalar;
      if (op === 'Mul') { s.scale *= scalar; s.shift *= scalar; }
      if (op === 'Div') { s.scale /= scalar; s.shift /= scalar; }
      return;
    }
    const last = this.#layers.at(-1);
    const units = last.biases.length;
    if (op === 'Div' && scalar !== null && this.#nextIsSoftmax(node) && this.#temperature === 1 && scalar >= 0.05 && scalar <= 20) {
      this.#temperature = scalar;  // digitpad's own export writes its temperature this way
      this.#foldable = foldable;
      return;
    }
    if (!foldable) this.#fail(node, index, `does arithmetic that digitpad cannot fold into the layer before (it must follow a Conv, Gemm or MatMul directly)`);
    const values = scalar !== null ? new Float32Array(units).fill(scalar) : c.values;
    if (values.length !== units) this.#fail(node, index, `has ${values.length} values for ${units} outputs`);
    if (op === 'Add' || op === 'Sub') {
      last.biases.forEach((v, i) => (last.biases[i] = op === 'Add' ? v + values[i] : v - values[i]));
    } else {
      const perUnit = last.weights.length / units;  // conv OIHW and dense units x in: output-major
      const factor = (i) => (op === 'Mul' ? values[i] : 1 / values[i]);
      last.weights.forEach((v, i) => (last.weights[i] = v * factor(Math.floor(i / perUnit))));
      last.biases.forEach((v, i) => (last.biases[i] = v * factor(i)));
    }
    this.#foldable = true;
  }

  #nextIsSoftmax(node) {
    const next = this.#graph.node.find((n) => n.input.includes(node.output[0]));
    return next?.opType === 'Softmax' || next?.opType === 'LogSoftmax';
  }

  // y = gamma (x - mean) / sqrt(var + eps) + beta per channel, folded into the conv or dense
  // layer before it.
  #batchNorm(node, index, a, foldable) {
    if (!foldable) this.#fail(node, index, 'does not follow a Conv, Gemm or MatMul directly, so digitpad cannot fold it into one');
    const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => this.#constants.get(node.input[i]));
    if (!gamma || !beta || !mean || !variance) this.#fail(node, index, 'needs scale, B, mean and var as constants');
    const last = this.#layers.at(-1);
    const units = last.biases.length;
    if ([gamma, beta, mean, variance].some((t) => t.values.length !== units)) this.#fail(node, index, `does not have ${units} values per parameter, one per output`);
    const epsilon = a.epsilon ?? 1e-5;
    const perUnit = last.weights.length / units;
    for (let u = 0; u < units; u++) {
      const factor = gamma.values[u] / Math.sqrt(variance.values[u] + epsilon);
      for (let i = u * perUnit; i < (u + 1) * perUnit; i++) last.weights[i] *= factor;
      last.biases[u] = (last.biases[u] - mean.values[u]) * factor + beta.values[u];
    }
    this.#foldable = true;
  }
}

function transpose(values, rows, cols) {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}

/**
 * readOnnx's result and the input the model expects (input-range.js's parseInputRange) ->
 * digitpad model bytes (float32), the answer kept as a scale layer in front.
 */
export function onnxToModelBytes(dp, read, range) {
  // The graph's own input arithmetic after the user's: A x + B = g.scale (r.scale x + r.shift) + g.shift.
  const scale = read.inputAffine.scale * range.scale, shift = read.inputAffine.scale * range.shift + read.inputAffine.shift;
  const [input, ...layers] = read.spec.split(',');
  const spec = [input, ...(scale !== 1 || shift !== 0 ? [`scale:${Math.fround(scale)}:${Math.fround(shift)}`] : []), ...layers].join(',');
  const model = dp.modelFromOnnxParameters(spec, read.name, read.temperature, read.parameters);
  try {
    return model.toBytes('f32');
  } finally {
    model.dispose();
  }
}
