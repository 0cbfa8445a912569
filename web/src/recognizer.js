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

  /** A layer's weights in the model in use (DigitModel.layerWeights). */
  layerWeights(index) {
    return this.#model.layerWeights(index);
  }

  /**
   * imageData: RGBA pixels of a drawing; needs a model (ready). One call into WebAssembly
   * preprocesses and reads it: { state: 'empty' | 'not-digit' | 'digit', reason ('dot', 'flick',
   * 'network' or null), image (the 28x28 the network saw), probabilities (the ten digits', or
   * null when empty), notDigit, digit (or null), confidence, latencyMs } (DigitModel.readDrawing).
   */
  recognize(imageData) {
    const start = performance.now();
    const reading = this.#model.readDrawing(imageData.data, imageData.width, imageData.height);
    return { ...reading, latencyMs: performance.now() - start };
  }
}

/** The top two digits and their probabilities. */
export function topTwo(probabilities) {
  const order = Array.from(probabilities.keys()).sort((a, b) => probabilities[b] - probabilities[a]);
  return order.slice(0, 2).map((digit) => ({ digit, p: probabilities[digit] }));
}
