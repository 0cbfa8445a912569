// digitpad's JavaScript API: a thin, owning wrapper around the WebAssembly module.
//
//   const dp = await loadDigitpad();                 // in Node: loadDigitpad({ wasmBinary })
//   const model = dp.loadModel(bytes);               // Uint8Array of a model file; throws Error
//   model.readDrawing(imageData.data, width, height) // any drawing, RGBA: preprocessed and read
//     -> { state: 'empty' | 'not-digit' | 'digit', reason, digit, confidence, probabilities, notDigit, image }
//   model.readNumber(imageData.data, width, height, strokes) // several digits in a row (or one)
//     -> { state: 'empty' | 'not-digit' | 'digit' | 'number', number: '2026', digits: [{ digit, reason,
//          confidence, probabilities, notDigit, box, image }] }
//   model.predict(pixels784)                         // Float32Array(10, or 11 with "not a digit")
//   model.predictBatch(pixels, count)                // Float32Array(classes * count)
//   model.explain(image784, target = -1)             // why: { target, layers: [{ name, shape, values }],
//                                                    //   gradient, gradientTimesInput } (Float32Array(784) each)
//   model.layerWeights(index)                        // { name, units, patchShape, values }: a layer's filters
//   model.info                                       // { name, architecture, loss, parameters, inputShape,
//                                                    //   classes: ['0', ..., '9'(, 'not a digit')], temperature }
//   model.toBytes(); model.toBytes('f16'); model.dispose();   // float32 or float16 parameters
//   model.onnxParameters()                           // Float32Array: the parameters in ONNX's layouts
//   dp.modelFromOnnxParameters(spec, name, temperature, parameters)   // the inverse (web/src/onnx/)
//
//   dp.preprocess(imageData.data, width, height)     // { ink, image (what the net sees), box, strokeWidth }
//
//   const trainer = dp.createTrainer('784-128-64-10', { epochs: 2, batchSize: 64, ... });
//                                                    // the keys: dp.trainOptionKeys(), plus name
//   trainer.setData(pixelsU8, labelsU8);             // count*784 uint8 pixels, count labels
//   trainer.run(50)                                  // { loss, accuracy, samples, epoch, batch, ... }
//   trainer.evaluate(pixelsU8, labelsU8)             // { accuracy, n, loss, perClassAccuracy, confusion }
//   trainer.exportModel(); trainer.dispose();
//
// Every C++ error arrives as a JS Error with the core's message; the module keeps working.
// Each wrapper owns one Embind handle and deletes it in dispose(); a disposed wrapper throws.
import createDigitpadModule from './wasm/digitpad.mjs';

class Owned {
  #handle;
  constructor(handle) {
    this.#handle = handle;
  }
  get handle() {
    if (!this.#handle) throw new Error(`this ${this.constructor.name} has been disposed`);
    return this.#handle;
  }
  get disposed() {
    return !this.#handle;
  }
  dispose() {
    this.#handle?.delete();
    this.#handle = null;
  }
  [Symbol.dispose]() {
    this.dispose();
  }
}

export class DigitModel extends Owned {
  #info;
  constructor(handle) {
    super(handle);
    this.#info = handle.describe();
  }
  /**
   * Name, architecture spec, loss, parameter count, input shape, `classes` (what each output
   * means: '0'..'9', and 'not a digit' for an eleventh) and the calibration `temperature`
   * (predictions are softmax(logits / temperature); 1 is uncalibrated).
   */
  get info() {
    return this.#info;
  }
  /**
   * A drawing (RGBA bytes of width x height, e.g. canvas ImageData.data) preprocessed and read,
   * in one call into WebAssembly. Returns
   *   state: 'empty' (no ink), 'not-digit' or 'digit';
   *   reason: why not a digit: 'dot' or 'flick' (shape rules of preprocessing) or 'network' (the
   *     model's "not a digit" output won); null otherwise;
   *   digit: 0..9 when state is 'digit', else null;
   *   confidence: the digit's probability; for 'not-digit' the network's "not a digit"
   *     probability, or 1 when a shape rule decided; 0 when empty;
   *   probabilities: Float32Array(10), the network's probability of each digit (its softmax over
   *     all its outputs), also for 'not-digit'; null when empty;
   *   notDigit: the network's "not a digit" probability (0 for a 10-output model);
   *   image: Float32Array(784), what the network saw.
   */
  readDrawing(rgba, width, height) {
    return this.handle.readDrawing(rgba, width, height);
  }
  /**
   * A number written in a row (or a single digit), read in one call into WebAssembly. The ink
   * is split into digits (its blobs, or with `strokes` the pen's strokes, cut where digits
   * touch; recognition decides between splits) and each is read as readDrawing reads a
   * drawing; a single digit reads exactly as readDrawing reads it.
   *   strokes (optional): the pen's strokes in drawing pixels, in the order drawn: an array of
   *     strokes, each a flat Float32Array or array [x0, y0, x1, y1, ...] or an array of [x, y]
   *     points. Images have none; the pad's strokes help tell digits that touch apart.
   * Returns
   *   state: 'empty', 'not-digit' (one thing that is no digit), 'digit' (one digit) or 'number'
   *     (two parts or more, at least one a digit);
   *   number: the digits left to right, '?' for a part that is not a digit; '' when empty;
   *   digits: one entry per part, left to right: { digit (0..9, or null when not a digit),
   *     reason ('dot', 'flick', 'network', 'small': lower than the line's digits; or null),
   *     confidence, probabilities: Float32Array(10), notDigit, box: { x, y, width, height } in
   *     drawing pixels, image: Float32Array(784), what the network saw }, as readDrawing's.
   */
  readNumber(rgba, width, height, strokes = null) {
    return this.handle.readNumber(rgba, width, height, strokes);
  }
  /** One 28x28 input (784 values, 0 = background, 1 = ink) -> Float32Array(classes): 10, or 11 with "not a digit". */
  predict(input) {
    return this.predictBatch(input, 1);
  }
  /** count inputs of 784 values one after another -> Float32Array(classes * count). */
  predictBatch(inputs, count) {
    return this.handle.predict(inputs, count);
  }
  /**
   * Every parameter in ONNX's layouts (cpp/core/onnx_layout.hpp), layer by layer as
   * info.layers counts them: conv weights OIHW, dense weights units x in row-major (Gemm's B
   * with transB=1) with the inputs in NCHW order, then the biases.
   */
  onnxParameters() {
    return this.handle.onnxParameters();
  }
  /**
   * What the network does with one input (784 values, e.g. readDrawing's image), in one call:
   *   target: the class explained (`target`, or with -1 the top class: the network's answer);
   *   layers: each layer's output, [{ name: its spec token ('conv:16x3:same', 'relu', ...),
   *     shape: [height, width, channels], values: Float32Array (HWC) }], the last one the scores
   *     (logits for cross-entropy models);
   *   gradient: Float32Array(784), d score[target] / d input pixel (a backward pass to the input);
   *   gradientTimesInput: Float32Array(784), the gradient times the input: where the ink
   *     pushed the answer up (positive) or down.
   */
  explain(input, target = -1) {
    return this.handle.explain(input, target);
  }
  /**
   * A dense or conv layer's weights: { name, units (filters or outputs), patchShape: [h, w, c]
   * (a filter's K x K x C, or a dense unit's input shape), values: Float32Array(units x patch),
   * one unit after another, each HWC }. Throws for a layer without weights.
   */
  layerWeights(index) {
    return this.handle.layerWeights(index);
  }
  /** The model file's bytes (Uint8Array), its parameters as float32 ('f32') or float16 ('f16', half the bytes). */
  toBytes(encoding = 'f32') {
    return this.handle.toBytes(encoding);
  }
}

export class DigitTrainer extends Owned {
  /** pixels: Uint8Array(count * 784), labels: Uint8Array(count) of digits. */
  setData(pixels, labels) {
    this.handle.setData(pixels, labels);
  }
  /** Trains up to `batches` batches (stopping at an epoch's end) and reports progress. */
  run(batches) {
    return this.handle.run(batches);
  }
  evaluate(pixels, labels) {
    return this.handle.evaluate(pixels, labels);
  }
  /** The trained model as model-file bytes; throws if the run diverged. */
  exportModel() {
    return this.handle.exportModel();
  }
  /** The network's info, and `options`: every training option as the trainer has it. */
  get info() {
    return this.handle.describe();
  }
}

// A trainer's settings are the training options' keys plus the model's name.
const splitName = ({ name = '', ...options } = {}) => [options, name];

/**
 * Instantiates the WebAssembly module. Options go to the Emscripten factory; in Node pass
 * { wasmBinary } (the bytes of web/wasm/digitpad.wasm), in a page or worker nothing.
 */
export async function loadDigitpad(options = {}) {
  const module = await createDigitpadModule({ ...options });
  return {
    module,
    loadModel: (bytes) => new DigitModel(module.Model.fromBytes(bytes)),
    /** A cross-entropy model from an architecture spec and its parameters in ONNX's layouts. */
    modelFromOnnxParameters: (spec, name, temperature, parameters) =>
      new DigitModel(module.Model.fromOnnxParameters(spec, name, temperature, parameters)),
    createTrainer: (spec, settings) => new DigitTrainer(module.Trainer.create(spec, ...splitName(settings))),
    /** A trainer that continues from a model file's weights (fine-tuning). */
    trainerFromModel: (bytes, settings) => new DigitTrainer(module.Trainer.fromModel(bytes, ...splitName(settings))),
    /**
     * The training options, one entry per key: { name, flag, group, type ('integer', 'real',
     * 'boolean', 'choice'), min, max, minExclusive, choices, default, adamDefault, description }.
     */
    trainOptionKeys: () => module.trainOptionKeys(),
    /**
     * An architecture spec checked by the core, without building it: { spec (canonical),
     * parameters, multiplyAdds (per image, forward), layers: [{ name, shape: [h, w, c],
     * parameters, multiplyAdds }] }; a bad spec throws the core's message.
     */
    describeArchitecture: (spec) => module.describeArchitecture(spec),
    /** MNIST IDX files (uncompressed bytes) -> { count, rows, cols, pixels, labels }; throws if malformed. */
    parseIdx: (images, labels) => module.parseIdx(images, labels),
    /**
     * A drawing (RGBA bytes, e.g. canvas ImageData.data; dark on light, light on dark or
     * opaque on transparent) -> { ink, image: Float32Array(784), box, strokeWidth }: the 28x28
     * input made the way MNIST was made. ink: 'none' (an empty canvas), 'dot', 'flick' (shape
     * rules: not a digit) or 'shape' (for the network).
     */
    preprocess: (rgba, width, height) => module.preprocess(rgba, width, height),
    /** Bytes of WASM heap in use (malloc'd): for leak checks. */
    heapBytesInUse: () => module.heapBytesInUse(),
    /** Size of the WASM memory (grows, never shrinks). */
    memoryBytes: () => module.HEAP8.length,
  };
}
