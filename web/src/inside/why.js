// "Why this answer", live for the drawing on the pad: the attribution map over what the
// network sees (gradient x input, or the gradient, of the answer or of a chosen class), the
// first layer's filters and every layer's activations: conv and pooling layers as feature maps,
// dense layers as bars. Every number comes from the core (Model.explain, Model.layerWeights).
import { drawAttribution, drawBars, drawMaps, gridSize } from './maps.js';

const ACTIVATIONS = ['relu', 'sigmoid', 'tanh'];
const SAME_VALUES = ['flatten', 'dropout'];  // outputs equal to their inputs at inference
const kind = (name) => name.split(':')[0];
const MAX_FILTERS_SHOWN = 64;  // a wide first dense layer shows its first 64 units

// User timing for the benchmark (bench/page.mjs), kept bounded: the browser keeps every entry.
// digitpad-inside-why: a whole update; digitpad-inside-explain: the core's part (Model.explain).
const kKeptTimes = 2000;
let timesKept = 0;
function recordTimes(totalMs, explainMs) {
  if (timesKept++ === kKeptTimes) {
    performance.clearMeasures('digitpad-inside-why');
    performance.clearMeasures('digitpad-inside-explain');
    timesKept = 1;
  }
  const end = performance.now();
  performance.measure('digitpad-inside-why', { end, duration: totalMs });
  performance.measure('digitpad-inside-explain', { end, duration: explainMs });
}

/**
 * The layers worth a picture: each weighted or pooling layer, with the activation after it
 * folded in ("conv:16x3:same → relu" shows the activation's output). Returns [{ label, index:
 * the layer whose output is shown, shape }].
 */
export function stagesOf(layers) {
  const stages = [];
  layers.forEach((layer, i) => {
    if (SAME_VALUES.includes(kind(layer.name))) return;
    const last = stages.at(-1);
    if (ACTIVATIONS.includes(kind(layer.name)) && last && last.index === i - 1) {
      Object.assign(last, { label: `${last.label} → ${layer.name}`, index: i });
      return;
    }
    stages.push({ label: layer.name, index: i, shape: layer.shape });
  });
  return stages;
}

// A grid about as wide as tall for c maps of h x w, at most 16 across.
const columnsFor = ([h, w, c]) => Math.min(c, 16, Math.max(1, Math.round(Math.sqrt((c * h) / w))));

function pixelCanvas(width, height, label, displayWidth) {
  const canvas = document.createElement('canvas');
  Object.assign(canvas, { width, height });
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  canvas.className = 'inside-pixels';
  canvas.style.width = `${displayWidth}px`;
  return canvas;
}

/** A picture of one stage's values (maps or bars) that redraws itself. */
function stageView(stage, classes, isLast) {
  const [h, w, c] = stage.shape;
  const figure = document.createElement('figure');
  figure.className = 'inside-stage';
  const caption = document.createElement('figcaption');
  let canvas;
  let draw;
  if (h * w > 1) {
    const columns = columnsFor(stage.shape);
    const { width, height } = gridSize([h, w], c, columns);
    canvas = pixelCanvas(width, height, `${stage.label}: ${c} feature maps of ${h}×${w}`, Math.min(360, width * Math.max(1, Math.floor(360 / width))));
    draw = (values) => drawMaps(canvas.getContext('2d'), values, stage.shape, columns);
    caption.textContent = `${stage.label} · ${c} maps of ${h}×${w}`;
  } else {
    const barWidth = c <= 16 ? 12 : c <= 64 ? 4 : 2;
    canvas = pixelCanvas(c * (barWidth + 1) - 1, 48, stage.label, Math.min(360, (c * (barWidth + 1) - 1) * (c <= 16 ? 2 : 1)));
    draw = (values) => {
      drawBars(canvas.getContext('2d'), values, barWidth, 48);
      if (isLast) {  // the scores: which class is which, for screen readers and tests
        const scores = Array.from(values, (v, k) => `${classes[k]}: ${v.toFixed(2)}`).join(', ');
        canvas.setAttribute('aria-label', `${stage.label}, the score of each class: ${scores}`);
      }
    };
    caption.textContent = `${stage.label} · ${c} values${isLast ? ` (${classes.join(', ')})` : ''}`;
  }
  figure.append(canvas, caption);
  return { figure, draw };
}

/** The first weighted layer's filters (or a first dense layer's units) as small images. */
function filtersView(recognizer, layers) {
  const index = layers.findIndex((l) => ['conv', 'dense'].includes(kind(l.name)));
  const weights = recognizer.layerWeights(index);
  const [h, w, c] = weights.patchShape;
  const units = Math.min(weights.units, MAX_FILTERS_SHOWN);
  const patch = h * w * c;
  // One map per unit and input channel: weights[unit][y][x][channel] -> HWC with units*c channels.
  const values = new Float32Array(h * w * units * c);
  for (let u = 0; u < units; u++) {
    for (let p = 0; p < h * w; p++) {
      for (let ch = 0; ch < c; ch++) values[p * units * c + u * c + ch] = weights.values[u * patch + p * c + ch];
    }
  }
  const shape = [h, w, units * c];
  const columns = Math.min(units * c, 8);
  const { width, height } = gridSize([h, w], units * c, columns);
  const shown = units < weights.units ? `the first ${units} of ${weights.units}` : `${units}`;
  const canvas = pixelCanvas(width, height, `${weights.name}: ${shown} ${kind(weights.name) === 'conv' ? 'filters' : 'units'} of ${h}×${w}`,
    Math.min(360, width * Math.max(1, Math.floor(360 / width))));
  drawMaps(canvas.getContext('2d'), values, shape, columns);
  const caption = document.createElement('figcaption');
  caption.textContent = `${weights.name}: ${shown} ${kind(weights.name) === 'conv' ? `filters of ${h}×${w}` : 'units, each weight on its input pixel'} (red positive, blue negative)`;
  const figure = document.createElement('figure');
  figure.className = 'inside-stage';
  figure.append(canvas, caption);
  return figure;
}

/**
 * The view in `root` (its markup: inside.js). recognizer: the page's Recognizer (the model in
 * use). showReading(result) redraws for a reading of the pad (Recognizer.recognize()'s).
 */
export class WhyView {
  #root;
  #recognizer;
  #model = null;   // the model the layer views were built for (its bytes)
  #stages = [];    // [{ index, draw }]
  #last = null;    // the last reading shown, redrawn when a control changes

  constructor(root, recognizer) {
    this.#root = root;
    this.#recognizer = recognizer;
    root.querySelector('.why-target').addEventListener('change', () => this.#redraw());
    for (const radio of root.querySelectorAll('input[name="why-mode"]')) radio.addEventListener('change', () => this.#redraw());
  }

  // The class to explain: -1 for the answer (also before the choices exist).
  #target() {
    const value = this.#root.querySelector('.why-target').value;
    return value === '' ? -1 : Number(value);
  }

  #redraw() {
    if (this.#last) this.showReading(this.#last);
  }

  // New model: the target choices, the filters and one view per stage.
  #build(explanation) {
    const { info } = this.#recognizer.current;
    const select = this.#root.querySelector('.why-target');
    const chosen = this.#target();  // kept if the new model has that class
    select.replaceChildren(new Option('its answer (the top class)', '-1'), ...info.classes.map((label, k) => new Option(label, String(k))));
    select.value = String(chosen < info.classes.length ? chosen : -1);
    const stages = stagesOf(explanation.layers);
    const views = stages.map((stage, i) => ({ index: stage.index, ...stageView(stage, info.classes, i === stages.length - 1) }));
    this.#root.querySelector('.why-filters').replaceChildren(filtersView(this.#recognizer, explanation.layers));
    this.#root.querySelector('.why-layers').replaceChildren(...views.map((v) => v.figure));
    this.#stages = views;
  }

  /** result: a reading of the pad; shows why the network answered what it did. */
  showReading(result) {
    this.#last = result;
    const start = performance.now();
    const root = this.#root;
    const empty = result.state === 'empty';
    root.querySelector('.why-empty').hidden = !empty;
    root.querySelector('.why-content').hidden = empty;
    if (empty) {
      root.dataset.target = '';
      return;
    }
    const current = this.#recognizer.current;
    if (this.#model !== current.bytes) {  // a new model: its layers' views first
      this.#build(this.#recognizer.explain(result.image, -1));
      this.#model = current.bytes;
    }
    const explanation = this.#recognizer.explain(result.image, this.#target());
    const explainMs = performance.now() - start;  // the core's part of the frame
    const mode = root.querySelector('input[name="why-mode"]:checked').value;
    const attribution = mode === 'gradient' ? explanation.gradient : explanation.gradientTimesInput;
    drawAttribution(root.querySelector('.why-attribution').getContext('2d'), result.image, attribution);
    for (const stage of this.#stages) stage.draw(explanation.layers[stage.index].values);
    const label = current.info.classes[explanation.target];
    const what = mode === 'gradient' ? 'the gradient of its score' : 'gradient × input';
    root.querySelector('.why-attribution').setAttribute('aria-label',
      `Attribution for "${label}" over what the network sees: red where a pixel raised its score, blue where it lowered it (${what})`);
    root.querySelector('.why-caption').textContent = `Why "${label}": ${what}. Red raised its score, blue lowered it.`;
    root.dataset.target = String(explanation.target);
    const ms = performance.now() - start;
    recordTimes(ms, explainMs);
    root.dataset.ms = ms.toFixed(2);
    root.querySelector('.why-time').textContent = `explained and drawn in ${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  }
}
