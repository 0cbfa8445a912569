// The page: wires the pad, the recognizer and its view, the model picker, the training studio
// and the offline support together. Each part lives in its own module.
import { applyChartTheme } from './chart-theme.js';
import { classifyImageFile, initImageInput } from './image-input.js';
import { ModelPicker } from './models.js';
import { registerServiceWorker } from './offline.js';
import { DrawingPad } from './pad.js';
import { initPadControls } from './pad-controls.js';
import { showPageError } from './page-error.js';
import { RecognitionView } from './recognition-view.js';
import { Recognizer } from './recognizer.js';
import { initTheme } from './theme.js';
import { initOnDemand } from './on-demand.js';

const $ = (id) => document.getElementById(id);
const pad = new DrawingPad($('pad'));
applyChartTheme();
const view = new RecognitionView();
let recognizer = null;
let models = null;
let onDemand = null;  // the studio and "Inside the network", loaded when opened

// User timing for the benchmark (bench/page.mjs): live readings and final ones, apart. The
// browser keeps every entry, so a long drawing session starts over past a bound.
const kKeptReadingTimes = 2000;
const readingTimesKept = { 'digitpad-final-reading': 0, 'digitpad-live-reading': 0 };
function recordReadingTime(final, latencyMs) {
  const name = final ? 'digitpad-final-reading' : 'digitpad-live-reading';
  if (readingTimesKept[name]++ === kKeptReadingTimes) {
    performance.clearMeasures(name);
    readingTimesKept[name] = 1;
  }
  performance.measure(name, { end: performance.now(), duration: latencyMs });
}

function recognizeNow(final) {
  if (!recognizer?.ready) return;
  const result = recognizer.recognize(pad.pixels(), pad.strokes());
  recordReadingTime(final, result.latencyMs);
  view.show(result, final);
  onDemand?.showReading(view.lastSeen, final);  // the digit shown: a number's picked one
}

initTheme($('theme-toggle'), () => {
  applyChartTheme();
  pad.render();
  recognizeNow(false);
});
initPadControls(pad);
initImageInput(pad);

// Live while drawing (at most once a frame), and at once when a stroke ends.
let framePending = false;
pad.addEventListener('change', () => {
  $('pad-hint').hidden = !pad.isEmpty;  // "draw a digit here" until there is ink
  if (framePending) return;
  framePending = true;
  requestAnimationFrame(() => {
    framePending = false;
    recognizeNow(false);
  });
});
pad.addEventListener('strokeend', () => {
  showPageError('');  // a message about a model or an image is old news once the user draws
  recognizeNow(true);
});

// Anything dropped on the page: a picture of a digit, or else a model file.
document.addEventListener('dragover', (e) => e.preventDefault());
document.addEventListener('drop', async (e) => {
  e.preventDefault();
  const file = e.dataTransfer.files[0];
  if (!file) return;
  if (file.type.startsWith('image/')) classifyImageFile(pad, file);
  else models?.useFile(new Uint8Array(await file.arrayBuffer()), file.name);
});

async function start() {
  try {
    const [ready, manifestResponse] = await Promise.all([Recognizer.create(), fetch('models/manifest.json')]);
    recognizer = ready;
    const manifest = await manifestResponse.json();
    models = new ModelPicker(recognizer, manifest, () => recognizeNow(true));
    await models.start();
    onDemand = initOnDemand({
      manifest,
      recognizer,
      useModel: (bytes, label) => models.useCustom(bytes, label, 'trained'),
      currentSeen: () => view.lastSeen,
    });
    document.body.dataset.ready = 'true';
    performance.mark('digitpad-ready');  // the benchmark's "first possible prediction"
    // Only the built site has a service worker (the dev server rebuilds files on every change).
    if (import.meta.env.PROD) {
      registerServiceWorker({ status: $('offline-status'), updateBanner: $('update-banner'), updateButton: $('update-reload') });
    }
  } catch (error) {
    showPageError(`digitpad could not start: ${error.message}`);
  }
}

start();
