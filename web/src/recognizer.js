// Recognition on the main thread: the WASM module, the model in use, and one call that reads
// the pad's pixels. A model that fails to load leaves the current one in use.
import { loadDigitpad } from '../digitpad.js';
import wasmUrl from '../wasm/digitpad.wasm?url';

export const CONFIDENT = 0.6;  // below this top probability the page says "not sure"

export class Recognizer {
  #dp;
  #model = null;
  #bytes = null;
  #label = '';

  static async create() {
    const recognizer = new Recognizer();
    recognizer.#dp = await loadDigitpad({ locateFile: () => wasmUrl });
    return recognizer;
  }

  /** The WebAssembly module's API (web/digitpad.js), for the ONNX converter. */
  get digitpad() {
    return this.#dp;
  }

  /** The core's table of training options (the studio builds its settings form from it). */
  get trainOptionKeys() {
    return this.#dp.trainOptionKeys();
  }

  get ready() {
    return this.#model !== null;
  }

  /** The model in use: { info, bytes, label }. */
  get current() {
    return this.#model && { info: this.#model.info, bytes: this.#bytes, label: this.#label };
  }

  /** Loads model-file bytes and uses them; throws (keeping the current model) if invalid. */
  use(bytes, label) {
    const model = this.#dp.loadModel(bytes);
    this.#model?.dispose();
    this.#model = model;
    this.#bytes = bytes;
    this.#label = label;
  }

  /** The model in use on one 28x28 input: each layer's output and the attribution (DigitModel.explain). */
  explain(image, target = -1) {
    return this.#model.explain(image, target);
  }

  /** An architecture spec checked by the core: shapes, parameters, multiply-adds (dp.describeArchitecture). */
  describeArchitecture(spec) {
    return this.#dp.describeArchitecture(spec);
  }

  /**
   * This machine's speed in multiply-adds per second: the model in use on a batch of 64 blank
   * images, the best of 5 runs (what the layer editor's time estimates scale by).
   */
  measureSpeed() {
    const { multiplyAdds } = this.#dp.describeArchitecture(this.#model.info.architecture);
    const [h, w, c] = this.#model.info.inputShape;
    const batch = new Float32Array(64 * h * w * c);
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      this.#model.predictBatch(batch, 64);
      best = Math.min(best, performance.now() - start);
    }
    return (multiplyAdds * 64) / (Math.max(best, 0.1) / 1000);
  }

  /** Another model from model-file bytes, beside the one in use (the caller owns it); throws if invalid. */
  loadModel(bytes) {
    return this.#dp.loadModel(bytes);
  }

  /** A layer's weights in the model in use (DigitModel.layerWeights). */
  layerWeights(index) {
    return this.#model.layerWeights(index);
  }

  /**
   * imageData: RGBA pixels of a drawing; strokes: the pen's strokes in those pixels (DrawingPad
   * strokes()) or null for an image. Needs a model (ready). One call into WebAssembly splits the
   * ink into digits and reads them (DigitModel.readNumber): { state: 'empty' | 'not-digit' |
   * 'digit' | 'number', number: the digits left to right, '?' for a part that is not a digit,
   * digits: [{ digit (or null), reason ('dot', 'flick', 'small', 'network' or null),
   * confidence, probabilities (the ten digits'), notDigit, box: { x, y, width, height } in the
   * pixels, image (the 28x28 the network saw) }], width, height (the pixels'), latencyMs }.
   * One digit is read as readDrawing reads it.
   */
  recognize(imageData, strokes) {
    const { data, width, height } = imageData;
    const start = performance.now();
    const reading = this.#model.readNumber(data, width, height, strokes);
    return { ...reading, width, height, latencyMs: performance.now() - start };
  }
}

/** The top two digits and their probabilities. */
export function topTwo(probabilities) {
  const order = Array.from(probabilities.keys()).sort((a, b) => probabilities[b] - probabilities[a]);
  return order.slice(0, 2).map((digit) => ({ digit, p: probabilities[digit] }));
}
