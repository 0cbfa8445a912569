// What the page shows of one reading: the digit (or the number) and verdict, the confidence
// chart, the 28x28 image the network saw, and the screen reader's announcement when a stroke
// ends. A number also gets each digit's image and confidence, and boxes over the pad's ink;
// the selected digit's chart and image are shown, and "Wrong?" corrects that digit.
import { ConfidenceChart } from './chart.js';
import { percent } from './format.js';
import { CONFIDENT, topTwo } from './recognizer.js';

const $ = (id) => document.getElementById(id);

// Gives parent exactly count children, keeping the first ones, making new ones with make().
function fitChildren(parent, count, make) {
  while (parent.children.length > count) parent.lastElementChild.remove();
  while (parent.children.length < count) parent.append(make());
}

export class RecognitionView {
  #chart = new ConfidenceChart($('chart'));
  #prediction = $('prediction');
  #seen = $('seen').getContext('2d');
  #parts = $('number-parts');
  #boxes = $('pad-boxes');
  #finalReadings = 0;
  #reading = null;
  #selected = 0;  // the part of a number whose chart and image are shown
  /** The digit shown ({ state, image }): what "it is a 4" saves. */
  lastSeen = null;

  constructor() {
    this.#parts.addEventListener('click', (e) => {
      const button = e.target.closest('button[data-part]');
      if (button) this.#select(Number(button.dataset.part));
    });
  }

  /** result: Recognizer.recognize()'s; final: the stroke ended (announce it). */
  show(result, final) {
    const prediction = this.#prediction;
    // Counted for tests that send input without waiting for each event: the answer after
    // pen-up is on the page once the count has grown by one for that stroke's end.
    if (final) prediction.dataset.finalReadings = String(++this.#finalReadings);
    prediction.dataset.latencyMs = result.latencyMs.toFixed(2);
    prediction.dataset.number = result.number;
    prediction.querySelector('.latency').textContent = result.state === 'empty' ? '' : `read in ${formatMs(result.latencyMs)}`;
    const count = result.digits.length;
    // While a number is written the newest digit is shown; a digit picked stays picked while
    // the count of digits stays the same.
    if (!this.#reading || this.#reading.digits.length !== count) this.#selected = Math.max(0, count - 1);
    this.#reading = result;
    const text = result.state === 'number' ? this.#showNumber(result) : this.#showOne(result);
    if (final) $('announce').textContent = text;
    this.#showParts(result);
    this.#select(this.#selected);
  }

  // One digit, ink that is not one, or nothing; returns what to announce.
  #showOne(result) {
    const prediction = this.#prediction;
    const part = result.digits[0];
    const digitEl = prediction.querySelector('.digit');
    const verdict = prediction.querySelector('.verdict');
    prediction.dataset.reason = part?.reason ?? '';
    if (result.state === 'empty') {
      Object.assign(prediction.dataset, { digit: '', confidence: '0', state: 'empty' });
      digitEl.textContent = '';
      verdict.textContent = 'draw a digit';
      return 'The pad is empty.';
    }
    if (result.state === 'not-digit') {
      Object.assign(prediction.dataset, { digit: '', confidence: part.confidence.toFixed(4), state: 'not-digit' });
      digitEl.textContent = '';
      verdict.textContent = 'that does not look like a digit';
      return 'That does not look like a digit.';
    }
    const [first, second] = topTwo(part.probabilities);
    const confident = first.p >= CONFIDENT;
    Object.assign(prediction.dataset, {
      digit: String(first.digit),
      confidence: first.p.toFixed(4),
      state: confident ? 'confident' : 'unsure',
    });
    digitEl.textContent = String(first.digit);
    verdict.textContent = confident
      ? `${percent(first.p, 1)} sure`
      : `not sure: ${first.digit} (${percent(first.p, 0)}) or ${second.digit} (${percent(second.p, 0)})`;
    return confident
      ? `I read a ${first.digit}, ${percent(first.p, 0).replace('%', ' percent')} sure.`
      : `Not sure: ${first.digit} or ${second.digit}.`;
  }

  // Two parts or more: the number large, its unsure digits marked; returns what to announce.
  #showNumber(result) {
    const prediction = this.#prediction;
    const unsure = result.digits.filter(isUnsure).length;
    const notDigits = result.digits.filter((d) => d.digit === null).length;
    Object.assign(prediction.dataset, {
      digit: '',
      // A number is as sure as its least sure digit.
      confidence: Math.min(...result.digits.map((d) => d.confidence)).toFixed(4),
      state: 'number',
      reason: '',
    });
    prediction.querySelector('.digit').replaceChildren(...result.digits.map((part) => {
      const span = document.createElement('span');
      span.textContent = part.digit ?? '?';
      span.classList.toggle('unsure', isUnsure(part));
      return span;
    }));
    const doubts = [
      unsure && `not sure of ${unsure}`,
      notDigits && `${notDigits} ${notDigits === 1 ? 'part is' : 'parts are'} not a digit`,
    ].filter(Boolean);
    prediction.querySelector('.verdict').textContent = `${result.digits.length} digits${doubts.length ? `, ${doubts.join(', ')}` : ''}`;
    return `I read the number ${result.number}${doubts.length ? `; ${doubts.join('; ')}` : ''}.`;
  }

  // A number's digits as buttons (image, digit, confidence) and boxes over the pad's ink. The
  // elements are updated in place (a reading comes every frame while writing), added or
  // removed only when the number of digits changes.
  #showParts(result) {
    const number = result.state === 'number';
    this.#parts.hidden = !number;
    const digits = number ? result.digits : [];
    const count = digits.length;
    fitChildren(this.#parts, count, () => {
      const button = document.createElement('button');
      button.type = 'button';
      const image = document.createElement('canvas');
      image.width = image.height = 28;
      button.append(image, document.createElement('span'));
      return button;
    });
    fitChildren(this.#boxes, count, () => document.createElement('div'));
    digits.forEach((part, i) => {
      const button = this.#parts.children[i];
      button.dataset.part = String(i);
      button.dataset.digit = part.digit ?? '';
      button.classList.toggle('unsure', isUnsure(part));
      drawSeen(button.firstChild.getContext('2d'), part.image);
      button.lastChild.textContent = part.digit === null ? '?' : `${part.digit} ${percent(part.confidence, 0)}`;
      button.setAttribute('aria-label', part.digit === null
        ? `Part ${i + 1} of ${count}: not a digit`
        : `Digit ${i + 1} of ${count}: ${part.digit}, ${percent(part.confidence, 0)} sure`);
      const box = this.#boxes.children[i];
      box.className = isUnsure(part) ? 'pad-box unsure' : 'pad-box';
      Object.assign(box.style, {
        left: `${(100 * part.box.x) / result.width}%`,
        top: `${(100 * part.box.y) / result.height}%`,
        width: `${(100 * part.box.width) / result.width}%`,
        height: `${(100 * part.box.height) / result.height}%`,
      });
    });
  }

  // Shows part i's chart and image (the only part of a single digit) and makes it the one
  // "Wrong?" corrects.
  #select(i) {
    const result = this.#reading;
    const part = result.digits[i];
    this.#selected = i;
    this.#prediction.dataset.selected = result.state === 'number' ? String(i) : '';
    [...this.#parts.children].forEach((button, k) => button.setAttribute('aria-pressed', String(k === i)));
    [...this.#boxes.children].forEach((box, k) => box.classList.toggle('selected', k === i));
    drawSeen(this.#seen, part?.image ?? new Float32Array(784));
    // Not a digit: the network's ten probabilities are still shown, greyed, as what it made of the ink.
    this.#chart.show(part?.probabilities ?? null, { greyed: part?.digit === null });
    this.lastSeen = part ? { state: part.digit === null ? 'not-digit' : 'digit', image: part.image } : { state: 'empty' };
  }
}

function isUnsure(part) {
  return part.digit !== null && part.confidence < CONFIDENT;
}

// A 28x28 image (0 background .. 1 ink) on a 28x28 canvas: dark ink on white.
function drawSeen(ctx, image) {
  const pixels = ctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = 255 - Math.round(255 * image[i]);
    pixels.data.set([v, v, v, 255], 4 * i);
  }
  ctx.putImageData(pixels, 0, 0);
}

/** 0.3 ms, 2.4 ms, 17 ms: two significant figures are all a timing on a busy machine gives. */
function formatMs(ms) {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}
