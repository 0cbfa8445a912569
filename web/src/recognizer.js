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
