// What the page shows of one recognition: the digit and verdict, the confidence chart, the
// 28x28 image the network saw, and the screen reader's announcement when a stroke ends.
import { ConfidenceChart } from './chart.js';
import { CONFIDENT, topTwo } from './recognizer.js';

const $ = (id) => document.getElementById(id);

export class RecognitionView {
  #chart = new ConfidenceChart($('chart'));
  #prediction = $('prediction');
  #seen = $('seen').getContext('2d');
  #finalReadings = 0;
  /** The last recognition: what "it is a 4" saves. */
  lastSeen = null;

  #showSeen(image) {
    const pixels = this.#seen.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const v = 255 - Math.round(255 * image[i]);
      pixels.data.set([v, v, v, 255], 4 * i);
    }
    this.#seen.putImageData(pixels, 0, 0);
  }

  /** result: Recognizer.recognize()'s; final: the stroke ended (announce it). */
  show(result, final) {
    this.lastSeen = result;
    this.#showSeen(result.image);
    // Not a digit: the network's ten probabilities are still shown, greyed, as what it made of the ink.
    this.#chart.show(result.probabilities, { greyed: result.state === 'not-digit' });
    const prediction = this.#prediction;
    // Counted for tests that send input without waiting for each event: the answer after
    // pen-up is on the page once the count has grown by one for that stroke's end.
    if (final) prediction.dataset.finalReadings = String(++this.#finalReadings);
    prediction.dataset.latencyMs = result.latencyMs.toFixed(2);
    prediction.dataset.reason = result.reason ?? '';
    const digitEl = prediction.querySelector('.digit');
    const verdict = prediction.querySelector('.verdict');
    prediction.querySelector('.latency').textContent = result.probabilities ? `read in ${formatMs(result.latencyMs)}` : '';
    const announce = (text) => {
      if (final) $('announce').textContent = text;
    };
    if (result.state === 'empty') {
      Object.assign(prediction.dataset, { digit: '', confidence: '0', state: 'empty' });
      digitEl.textContent = '';
      verdict.textContent = 'draw a digit';
      announce('The pad is empty.');
      return;
    }
    if (result.state === 'not-digit') {
      Object.assign(prediction.dataset, { digit: '', confidence: result.confidence.toFixed(4), state: 'not-digit' });
      digitEl.textContent = '';
      verdict.textContent = 'that does not look like a digit';
      announce('That does not look like a digit.');
      return;
    }
    const [first, second] = topTwo(result.probabilities);
    const confident = first.p >= CONFIDENT;
    Object.assign(prediction.dataset, {
      digit: String(first.digit),
      confidence: first.p.toFixed(4),
      state: confident ? 'confident' : 'unsure',
    });
    digitEl.textContent = String(first.digit);
    verdict.textContent = confident
      ? `${(first.p * 100).toFixed(1)}% sure`
      : `not sure: ${first.digit} (${(first.p * 100).toFixed(0)}%) or ${second.digit} (${(second.p * 100).toFixed(0)}%)`;
    announce(confident
      ? `I read a ${first.digit}, ${(first.p * 100).toFixed(0)} percent sure.`
      : `Not sure: ${first.digit} or ${second.digit}.`);
  }
}

/** 0.3 ms, 2.4 ms, 17 ms: two significant figures are all a timing on a busy machine gives. */
function formatMs(ms) {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}
