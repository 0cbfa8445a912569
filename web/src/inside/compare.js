// "Compare models on this drawing": every shipped model, and each other model used on the pad
// this visit (one just trained, a loaded file), read the same 28x28 input side by side: each
// one's answer, how sure, and its top three. Updated when a stroke ends (reading six models
// every frame would slow drawing down).
import { percent } from '../format.js';

const cell = (tag, props) => Object.assign(document.createElement(tag), props);

export class CompareView {
  #root;
  #recognizer;
  #manifest;
  #models = new Map();  // label -> DigitModel (this view's own copies)
  #loading = null;
  #last = null;

  /** root: the section (markup in inside.js). */
  constructor(root, { recognizer, manifest }) {
    this.#root = root;
    this.#recognizer = recognizer;
    this.#manifest = manifest;
    root.querySelector('.compare-load').addEventListener('click', () => this.#loadShipped());
  }

  // Every shipped model, fetched once (the service worker keeps them for offline use).
  #loadShipped() {
    this.#loading ??= (async () => {
      const button = this.#root.querySelector('.compare-load');
      button.disabled = true;
      const status = this.#root.querySelector('.compare-status');
      try {
        for (const entry of this.#manifest.models) {
          status.textContent = `Loading ${entry.name}…`;
          if (this.#models.has(entry.name)) continue;
          const response = await fetch(`models/${entry.file}`);
          if (!response.ok) throw new Error(`could not fetch ${entry.file}: HTTP ${response.status}`);
          this.#models.set(entry.name, this.#recognizer.loadModel(new Uint8Array(await response.arrayBuffer())));
        }
        status.textContent = '';
        button.hidden = true;
      } catch (error) {
        status.textContent = `Could not load the shipped models: ${error.message}.`;
        button.disabled = false;
        this.#loading = null;
        return;
      }
      if (this.#last) this.showReading(this.#last);
    })();
  }

  /** result: a final reading of the pad; every model's answer on what the network saw. */
  showReading(result) {
    this.#last = result;
    const { bytes, label: inUse } = this.#recognizer.current;
    if (!this.#models.has(inUse)) this.#models.set(inUse, this.#recognizer.loadModel(bytes));  // a model used this visit
    const table = this.#root.querySelector('.compare-table');
    if (result.state === 'empty') {
      table.replaceChildren();
      table.dataset.rows = '0';
      return;
    }
    const head = cell('tr', {});
    head.append(...['model', 'answer', 'how sure', 'its top three'].map((t) => cell('th', { scope: 'col', textContent: t })));
    const rows = [...this.#models].map(([label, model]) => {
      const probabilities = model.predict(result.image);
      const { classes } = model.info;
      const order = Array.from(probabilities.keys()).sort((a, b) => probabilities[b] - probabilities[a]);
      const tr = cell('tr', { className: label === inUse ? 'compare-in-use' : '' });
      tr.dataset.answer = classes[order[0]];
      tr.dataset.confidence = probabilities[order[0]].toFixed(4);
      tr.append(cell('th', { scope: 'row', textContent: label === inUse ? `${label} (in use)` : label }),
        cell('td', { textContent: classes[order[0]] }), cell('td', { textContent: percent(probabilities[order[0]]) }),
        cell('td', { textContent: order.slice(0, 3).map((k) => `${classes[k]} ${percent(probabilities[k])}`).join(' · ') }));
      return tr;
    });
    table.replaceChildren(cell('caption', { textContent: 'Each model on the same drawing (what the network sees)' }), head, ...rows);
    table.dataset.rows = String(rows.length);
  }
}
