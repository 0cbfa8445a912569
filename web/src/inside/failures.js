// "Where it fails": the model in use measured by the studio's worker on the test images (the
// data chosen in the studio: the MNIST subset by default) or on the user's corrections: the
// confusion matrix (the core's evaluate), each class's accuracy, and a gallery of the misread
// images with what was read and how sure. A click on a cell of the matrix shows its images.
import { allCorrections, correctionsAsSet } from '../corrections/store.js';
import { Request } from '../training/protocol.js';
import { percent } from '../format.js';
import { renderConfusion } from './confusion.js';

const SHOWN = 120;  // gallery images at most at once

function digitCanvas(pixels, label) {
  const canvas = document.createElement('canvas');
  Object.assign(canvas, { width: 28, height: 28, className: 'inside-pixels failure-image' });
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  const context = canvas.getContext('2d');
  const image = context.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = 255 - pixels[i];
    image.data.set([v, v, v, 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
  return canvas;
}

export class FailuresView {
  #root;
  #recognizer;
  #loadStudio;
  #result = null;   // { evaluation, misread, classes, what }

  /** root: the section (markup in inside.js); loadStudio(): resolves with { client, data }. */
  constructor(root, { recognizer, loadStudio }) {
    this.#root = root;
    this.#recognizer = recognizer;
    this.#loadStudio = loadStudio;
    root.querySelector('.failures-test').addEventListener('click', () => this.measure('test'));
    root.querySelector('.failures-corrections').addEventListener('click', () => this.measure('corrections'));
    root.querySelector('.gallery-all').addEventListener('click', () => this.#show(null));
  }

  #status(text) {
    this.#root.querySelector('.failures-status').textContent = text;
  }

  /** Measures the model in use on 'test' (the studio's test images) or 'corrections'. */
  async measure(source) {
    const buttons = this.#root.querySelectorAll('.failures-controls button');
    buttons.forEach((b) => { b.disabled = true; });
    const { info, bytes, label } = this.#recognizer.current;
    try {
      let set = {};
      let what;
      if (source === 'corrections') {
        const saved = await allCorrections();
        if (!saved.length) throw new Error('no corrections are saved yet: use "Wrong? It is a …" under the chart');
        set = correctionsAsSet(saved);
        what = `your ${saved.length.toLocaleString('en')} correction${saved.length === 1 ? '' : 's'}`;
      }
      this.#status(source === 'test' ? 'Loading the test images…' : 'Measuring…');
      const { client, data } = await this.#loadStudio();
      if (source === 'test') {
        await data.ensure();
        this.#status('Measuring…');
      }
      const { evaluation, misread } = await client.request(Request.FAILURES, { modelBytes: bytes.slice(), ...set });
      what ??= `${evaluation.n.toLocaleString('en')} test images`;
      this.#result = { evaluation, misread, classes: info.classes, what };
      this.#status(`${label}: ${percent(evaluation.accuracy)} of ${what} read right; ${misread.count.toLocaleString('en')} misread.`);
      this.#renderMatrix();
      this.#show(null);
      this.#root.querySelector('.failures-result').hidden = false;
    } catch (error) {
      this.#status(`Could not measure the model: ${error.message}.`);
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  #renderMatrix() {
    const { evaluation, classes, what } = this.#result;
    renderConfusion(this.#root.querySelector('.confusion'), evaluation, classes,
      `Confusion matrix of the model in use on ${what}: rows the true class, columns what was read`,
      (label, predicted) => this.#show({ label, predicted }));
  }

  // The gallery: every misread image (the first SHOWN), or one cell's: filter { label, predicted }.
  #show(filter) {
    const { misread, classes } = this.#result;
    const gallery = this.#root.querySelector('.gallery');
    const figures = [];
    let matching = 0;
    for (let i = 0; i < misread.indices.length; i++) {
      if (filter && (misread.labels[i] !== filter.label || misread.predicted[i] !== filter.predicted)) continue;
      if (matching++ >= SHOWN) continue;
      const caption = `${classes[misread.labels[i]]} read as ${classes[misread.predicted[i]]} (${percent(misread.confidence[i])})`;
      const figure = document.createElement('figure');
      figure.className = 'failure';
      figure.append(digitCanvas(misread.pixels.subarray(i * 784, (i + 1) * 784), `A ${caption}`), Object.assign(document.createElement('figcaption'), { textContent: caption }));
      figures.push(figure);
    }
    gallery.replaceChildren(...figures);
    gallery.dataset.count = String(figures.length);
    const kept = misread.indices.length < misread.count ? ` (the first ${misread.indices.length.toLocaleString('en')} of ${misread.count.toLocaleString('en')} kept)` : '';
    this.#root.querySelector('.gallery-heading').textContent = filter
      ? `${classes[filter.label]} read as ${classes[filter.predicted]}: ${matching} image${matching === 1 ? '' : 's'}${matching > SHOWN ? `, the first ${SHOWN} shown` : ''}`
      : `Every misread image: ${matching}${kept}${matching > SHOWN ? `, the first ${SHOWN} shown` : ''}`;
    this.#root.querySelector('.gallery-all').hidden = !filter;
  }
}
