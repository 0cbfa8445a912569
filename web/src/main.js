// The page: wires the pad, the recognizer, the chart and the model controls together.
import { ConfidenceChart } from './chart.js';
import { DrawingPad } from './pad.js';
import { CONFIDENT, Recognizer, topTwo } from './recognizer.js';
import { registerServiceWorker } from './offline.js';
import { downloadBytes } from './download.js';
import { initTraining } from './training/studio.js';

const $ = (id) => document.getElementById(id);
const pad = new DrawingPad($('pad'));
const chart = new ConfidenceChart($('chart'));
const prediction = $('prediction');
const seenCtx = $('seen').getContext('2d');
let recognizer = null;
let manifest = { models: [] };
let lastSeen = null;  // the last preprocessing result: what "it is a 4" saves

// ---- Theme -------------------------------------------------------------------------------

const storedTheme = localStorage.getItem('digitpad-theme');
if (storedTheme) document.documentElement.dataset.theme = storedTheme;
$('theme-toggle').addEventListener('click', () => {
  const dark = document.documentElement.dataset.theme
    ? document.documentElement.dataset.theme === 'dark'
    : matchMedia('(prefers-color-scheme: dark)').matches;
  document.documentElement.dataset.theme = dark ? 'light' : 'dark';
  localStorage.setItem('digitpad-theme', document.documentElement.dataset.theme);
  pad.render();
  recognizeNow(false);
});

// The pad's ink colour follows the theme, also when the system switches it.
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => pad.render());

// ---- Showing a result --------------------------------------------------------------------

function showSeen(image) {
  const pixels = seenCtx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = 255 - Math.round(255 * image[i]);
    pixels.data.set([v, v, v, 255], 4 * i);
  }
  seenCtx.putImageData(pixels, 0, 0);
}

function showResult(result, final) {
  lastSeen = result;
  showSeen(result.image);
  chart.show(result.probabilities);
  const digitEl = prediction.querySelector('.digit');
  const verdict = prediction.querySelector('.verdict');
  if (!result.probabilities) {
    Object.assign(prediction.dataset, { digit: '', confidence: '0', state: 'empty' });
    digitEl.textContent = '';
    verdict.textContent = 'draw a digit';
    if (final) $('announce').textContent = 'The pad is empty.';
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
  if (final) {
    $('announce').textContent = confident
      ? `I read a ${first.digit}, ${(first.p * 100).toFixed(0)} percent sure.`
      : `Not sure: ${first.digit} or ${second.digit}.`;
  }
}

function recognizeNow(final) {
  if (!recognizer?.ready) return;
  const result = recognizer.recognize(pad.pixels());
  showResult(result, final);
  prediction.dataset.latencyMs = result.latencyMs.toFixed(2);
}

// Live while drawing (at most once a frame), and at once when a stroke ends.
let framePending = false;
pad.addEventListener('change', () => {
  if (framePending) return;
  framePending = true;
  requestAnimationFrame(() => {
    framePending = false;
    recognizeNow(false);
  });
});
pad.addEventListener('strokeend', () => recognizeNow(true));

// ---- Pad controls ------------------------------------------------------------------------

$('clear').addEventListener('click', () => pad.clear());
$('undo').addEventListener('click', () => pad.undo());
const brush = $('brush-size');
pad.brushSize = Number(brush.value);
brush.addEventListener('input', () => {
  pad.brushSize = Number(brush.value);
});
document.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
  if (e.key === 'Escape' || e.key === 'Delete') {
    pad.clear();
    e.preventDefault();
  } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') {
    pad.undo();
    e.preventDefault();
  }
});

// ---- Models ------------------------------------------------------------------------------

function showError(message) {
  const el = $('error');
  el.textContent = message;
  el.hidden = !message;
}

function describeModel() {
  const { info, bytes, label } = recognizer.current;
  $('model-info').textContent =
    `${label}: ${info.architecture.replace(/^input:28x28x1,/, '')} · ${info.parameters.toLocaleString('en')} parameters · ${(bytes.length / 1024).toFixed(0)} KB`;
}

async function fetchBytes(url) {
  let response;
  try {
    response = await fetch(url);
  } catch {
    // Offline, only what was used before is in the service worker's cache.
    throw new Error(`could not download ${url}: the network is unreachable and it was never downloaded before`);
  }
  if (!response.ok) throw new Error(`could not fetch ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function useShipped(id) {
  const entry = manifest.models.find((m) => m.id === id);
  recognizer.use(await fetchBytes(`models/${entry.file}`), entry.name);
  describeModel();
  recognizeNow(true);
}

// A model that is not one of the shipped ones (a file, a model trained here): it gets its own
// entry in the selector. Returns false (keeping the current model) if the bytes are not a model.
function useCustomModel(bytes, label, key) {
  try {
    recognizer.use(bytes, label);
  } catch (error) {
    showError(`${label} is not a usable model: ${error.message}. Still using ${recognizer.current.label}.`);
    return false;
  }
  showError('');
  const select = $('model-select');
  let option = select.querySelector(`option[value="${key}"]`);
  if (!option) {
    option = new Option('', key);
    select.add(option);
  }
  option.textContent = label;
  customModels.set(key, { bytes, label });
  select.value = key;
  describeModel();
  recognizeNow(true);
  return true;
}
const customModels = new Map();

function useFileBytes(bytes, fileName) {
  useCustomModel(bytes, fileName, 'file');
}

$('model-select').addEventListener('change', async (e) => {
  const custom = customModels.get(e.target.value);
  if (custom) {
    useCustomModel(custom.bytes, custom.label, e.target.value);
    return;
  }
  try {
    await useShipped(e.target.value);
    showError('');
  } catch (error) {
    showError(error.message);
  }
});

$('model-input').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  e.target.value = '';
  if (file) useFileBytes(new Uint8Array(await file.arrayBuffer()), file.name);
});

$('download-model').addEventListener('click', () => {
  const { bytes, label } = recognizer.current;
  downloadBytes(bytes, `${label.replace(/[^\w.-]+/g, '-').replace(/\.bin$/, '')}.bin`);
});

// ---- Images ------------------------------------------------------------------------------

async function classifyImage(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    showError(`${file.name} is not an image this browser can read (PNG or JPEG).`);
    return;
  }
  showError('');
  pad.showImage(bitmap);
}

$('image-input').addEventListener('change', (e) => {
  const file = e.target.files[0];
  e.target.value = '';
  if (file) classifyImage(file);
});

document.addEventListener('dragover', (e) => e.preventDefault());
document.addEventListener('drop', async (e) => {
  e.preventDefault();
  const file = e.dataTransfer.files[0];
  if (!file) return;
  if (file.type.startsWith('image/')) classifyImage(file);
  else useFileBytes(new Uint8Array(await file.arrayBuffer()), file.name);
});

// ---- Start -------------------------------------------------------------------------------

async function start() {
  try {
    const [ready, manifestResponse] = await Promise.all([Recognizer.create(), fetch('models/manifest.json')]);
    recognizer = ready;
    manifest = await manifestResponse.json();
    const select = $('model-select');
    select.replaceChildren(...manifest.models.map((m) =>
      new Option(`${m.name} · ${(m.testAccuracy * 100).toFixed(2)}% · ${Math.round(m.sizeBytes / 1024)} KB`, m.id)));
    select.value = manifest.default;
    await useShipped(manifest.default);
    select.disabled = false;
    initTraining({
      manifest,
      recognizer,
      useModel: (bytes, label) => useCustomModel(bytes, label, 'trained'),
      currentSeen: () => lastSeen,
    });
    document.body.dataset.ready = 'true';
    performance.mark('digitpad-ready');  // the benchmark's "first possible prediction"
    // Only the built site has a service worker (the dev server rebuilds files on every change).
    if (import.meta.env.PROD) {
      registerServiceWorker({ status: $('offline-status'), updateBanner: $('update-banner'), updateButton: $('update-reload') });
    }
  } catch (error) {
    showError(`digitpad could not start: ${error.message}`);
  }
}

start();
