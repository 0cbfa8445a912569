// Prints the benchmark's one table and its targets from bench/results.json (written by
// train-speed.mjs, latency-native.mjs, peers.mjs, page.mjs and worker-training.mjs in one run).
// Ratios are speed ratios (higher = digitpad faster), each from figures of the same run.
import fs from 'node:fs';
import { RESULTS } from './config.mjs';

const r = JSON.parse(fs.readFileSync(RESULTS, 'utf8'));
const get = (f) => {
  try {
    const v = f();
    return Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
};
const int = (v) => (v === undefined ? '—' : v < 10 ? v.toPrecision(2) : Math.round(v).toLocaleString('en-US'));
const us = (v) => (v === undefined ? '—' : v < 100 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US'));
const epochs = (run) => (run ? `${run.epochs} epoch${run.epochs === 1 ? '' : 's'}` : '');
const ratio = (a, b) => (a === undefined || b === undefined ? undefined : a / b);
const x = (v) => (v === undefined ? '—' : `${v.toFixed(2)}x`);

const ort = r.peers?.latency?.mlp?.ortWasm ?? {};
const ortWasm = `ONNX Runtime Web ${ort.ortVersion ?? '?'} wasm (${(r.peers?.ortWasmFiles ?? []).join(', ') || '?'}, ${ort.wasmThreads ?? '?'} thread)`;

const rows = [];
const section = (title) => rows.push([`**${title}**`, '', '']);
const row = (what, value, note = '') => rows.push([what, value, note]);

const tf = r.peers?.mlpTraining?.tfjsWasm ?? {};
const tfWasm = `TF.js ${tf.tfjsVersion ?? '?'} wasm (getBackend() = ${tf.backend ?? '?'}, ${(r.peers?.tfjsWasmFiles ?? []).join(', ') || '?'}, SIMD ${tf.wasmSimd ? 'on' : 'off'}, threads ${tf.wasmThreads ? 'on' : 'off'})`;

function training(title, key, config) {
  const t = r[key] ?? {};
  const p = r.peers?.[key] ?? {};
  section(`${title}: training, samples/s (${int(config?.images)} images${config?.maxSeconds ? `; in Chromium, stop at the first batch end after ${config.maxSeconds} s` : ''}, batch ${config?.batch ?? '?'}, SGD momentum ${config?.momentum ?? '?'}, one thread)`);
  row('digitpad native (-march=native)', int(t.native?.samplesPerSecond), epochs(t.native));
  row('digitpad native (-msse4.2)', int(t.nativeSse?.samplesPerSecond), epochs(t.nativeSse));
  row('digitpad WASM, Node', int(t.wasmNode?.samplesPerSecond), epochs(t.wasmNode));
  row('digitpad WASM, Chromium worker', int(p.digitpadWorker?.samplesPerSecond), p.digitpadWorker ? `${int(p.digitpadWorker.samples)} samples, loss ${p.digitpadWorker.loss.toFixed(3)}` : '');
  const peer = (label, run) => {
    if (run?.error) row(label, 'cannot train', run.error);
    else row(label, int(run?.samplesPerSecond), run ? `${int(run.samples)} samples, loss ${run.loss.toFixed(3)}` : '');
  };
  peer(`${tfWasm}, Chromium worker`, p.tfjsWasm);
  if (p.tfjsCpu) peer('TF.js cpu, Chromium worker', p.tfjsCpu);
  const dp = get(() => p.digitpadWorker.samplesPerSecond);
  row('ratio digitpad WASM (Chromium) / TF.js wasm', x(ratio(dp, get(() => p.tfjsWasm.samplesPerSecond))));
  if (p.tfjsCpu) row('ratio digitpad WASM (Chromium) / TF.js cpu', x(ratio(dp, get(() => p.tfjsCpu.samplesPerSecond))));
  row('ratio digitpad WASM (Chromium) / native sse4.2', x(ratio(dp, get(() => t.nativeSse.samplesPerSecond))),
      `Node: ${x(ratio(get(() => t.wasmNode.samplesPerSecond), get(() => t.nativeSse.samplesPerSecond)))}`);
}

function latency(title, key) {
  const n = r.nativeLatency?.[key] ?? {};
  const p = r.peers?.latency?.[key] ?? {};
  const fmt = (l) => (l ? `${us(l.medianUs)} / ${us(l.p95Us)}` : '—');
  const group = (l) => (l ? `p95 of ${l.samples} means of ${l.callsPerSample} calls` : '');
  section(`${title}: one-digit inference, median / p95 us (probabilities out)`);
  row('digitpad native (-march=native)', fmt(n.native), n.native ? `${n.native.repeat} single calls` : '');
  row('digitpad native (-msse4.2)', fmt(n.nativeSse));
  row('digitpad WASM, Chromium worker (Model.predict)', fmt(p.digitpadWorker), group(p.digitpadWorker));
  row(`TF.js wasm, Chromium worker (predict + softmax + dataSync)`, fmt(p.tfjsWasm), group(p.tfjsWasm));
  row('ratio TF.js wasm / digitpad WASM (median)', x(ratio(get(() => p.tfjsWasm.medianUs), get(() => p.digitpadWorker.medianUs))));
  row(`${ortWasm}, Chromium worker (session.run of digitpad's ONNX export)`, fmt(p.ortWasm), group(p.ortWasm));
  row('ratio ONNX Runtime Web / digitpad WASM (median)', x(ratio(get(() => p.ortWasm.medianUs), get(() => p.digitpadWorker.medianUs))));
}

function batch(title, key) {
  const b = r.peers?.batch?.[key] ?? {};
  const ms = (l) => (l ? `${(l.medianUs / 1000).toFixed(1)} / ${(l.p95Us / 1000).toFixed(1)}` : '—');
  section(`${title}: a batch of ${r.peers?.batch?.count ?? '?'} digits in one call, median / p95 ms`);
  row('digitpad WASM, Chromium worker (Model.predictBatch)', ms(b.digitpadWorker), b.digitpadWorker ? `${b.digitpadWorker.samples} runs` : '');
  row(`${ortWasm}, Chromium worker (one session.run)`, ms(b.ortWasm), b.ortWasm ? `${b.ortWasm.samples} runs` : '');
  row('ratio ONNX Runtime Web / digitpad WASM (median)', x(ratio(get(() => b.ortWasm.medianUs), get(() => b.digitpadWorker.medianUs))));
}

training('784-128-64-10 ReLU MLP', 'mlpTraining', r.mlpTraining ?? r.peers?.mlpTraining);
training(`default CNN (${r.cnnTraining?.model ?? '?'})`, 'cnnTraining', r.cnnTraining ?? r.peers?.cnnTraining);
latency('784-128-64-10 MLP (fresh weights)', 'mlp');
latency(`default CNN (${r.nativeLatency?.cnn?.model ?? '?'}, its model file)`, 'cnn');
batch('784-128-64-10 MLP (fresh weights)', 'mlp');
batch(`default CNN (${r.peers?.batch?.cnn?.model ?? '?'})`, 'cnn');
section('ONNX export (`digitpad export --onnx`): file sizes, bytes (float32 weights)');
for (const e of r.peers?.onnxExports ?? []) row(e.model, e.onnxBytes.toLocaleString('en-US'), `model file ${e.modelFileBytes.toLocaleString('en-US')}`);

const nr = r.numberReading ?? {};
section(`reading a six-digit number (${nr.digits ?? '?'}, ${nr.width ?? '?'}x${nr.height ?? '?'}), pixels and strokes to the answer, median / p95 ms`);
for (const key of ['default', 'smallCnn']) {
  const m = nr[key];
  if (!m) continue;
  const ms = (t) => (t ? `${t.medianMs.toFixed(2)} / ${t.p95Ms.toFixed(2)}` : '—');
  const workerMs = (t) => (t ? `${(t.medianUs / 1000).toFixed(2)} / ${(t.p95Us / 1000).toFixed(2)}` : '—');
  row(`${m.model}: native, with strokes`, ms(m.native?.strokes), `read "${m.native?.strokes?.number ?? '?'}"`);
  row(`${m.model}: native, pixels alone`, ms(m.native?.pixels));
  row(`${m.model}: WASM, Chromium worker, with strokes`, workerMs(m.chromiumWorker?.strokes), `read "${m.chromiumWorker?.strokes?.number ?? '?'}"`);
  row(`${m.model}: WASM, Chromium worker, pixels alone`, workerMs(m.chromiumWorker?.pixels));
}

const page = r.page ?? {};
const bt = r.browserTraining ?? {};
section('page (built site, Chromium, localhost)');
row('first-load transfer', page.firstLoadGzipBytes ? `${(page.firstLoadGzipBytes / 1024).toFixed(1)} KB gzip` : '—', page.firstLoadFiles ? `${page.firstLoadFiles.length} files` : '');
row('navigation to first possible prediction', page.navigationToReadyMsMedian !== undefined ? `${Math.round(page.navigationToReadyMsMedian)} ms` : '—', 'median of 5');
row('draw to prediction', page.drawToPredictionMsMedian !== undefined ? `${page.drawToPredictionMsMedian.toFixed(1)} ms` : '—', page.drawToPredictionMsMax !== undefined ? `max ${page.drawToPredictionMsMax.toFixed(1)} ms` : '');
row('live reading while drawing (pixels to answer, one a frame)', page.liveReadingMsMedian !== undefined ? `${page.liveReadingMsMedian.toFixed(2)} ms` : '—', page.liveReadings ? `median of ${page.liveReadings}` : '');
row('final reading when a stroke ends', page.finalReadingMsMedian !== undefined ? `${page.finalReadingMsMedian.toFixed(2)} ms` : '—', page.finalReadingMsMax !== undefined ? `max ${page.finalReadingMsMax.toFixed(2)} ms` : '');
row('a 4-digit number being written on the wide pad (every reading)', page.numberReadingMsMedian !== undefined ? `${page.numberReadingMsMedian.toFixed(2)} ms` : '—', page.numberReadings ? `median of ${page.numberReadings}; read right ${page.numbersReadRight}` : '');
row('"Inside the network": explain and draw a frame (default model)', page.insideWhyMsMedian !== undefined ? `${page.insideWhyMsMedian.toFixed(2)} ms` : '—', page.insideWhyUpdates ? `median of ${page.insideWhyUpdates}; Model.explain ${page.insideExplainMsMedian?.toFixed(2)} ms of it` : '');
row("MLP training in the page's worker", bt.mlp ? `${int(bt.mlp.samplesPerSecond)} samples/s` : '—', bt.mlp ? `one epoch ${bt.mlp.seconds.toFixed(1)} s` : '');
row("default CNN training in the page's worker (its recipe)", bt.cnn ? `${int(bt.cnn.samplesPerSecond)} samples/s` : '—', bt.cnn ? `one epoch ${bt.cnn.seconds.toFixed(1)} s` : '');
row('draw to prediction while the CNN trains', bt.padLatencyWhileTrainingMs ? `${bt.padLatencyWhileTrainingMs.median.toFixed(1)} ms` : '—', bt.padLatencyWhileTrainingMs ? `max ${bt.padLatencyWhileTrainingMs.max.toFixed(1)} ms` : '');

const pen = r.penSuite;
section('pen suite (MNIST test digits replayed as mouse strokes on the page)');
row(`read right (${pen?.model ?? 'default model'})`, pen ? `${(100 * pen.accuracy).toFixed(1)}%` : '—', pen ? `${pen.correct} of ${pen.n}, ${pen.notDigit} answered "not a digit", ${Math.round(pen.seconds ?? 0)} s` : '');

console.log(`digitpad bench, ${r.date ?? '?'}: ${r.machine ?? '?'}; Chromium ${r.peers?.chromium ?? '?'}`);
console.log('| figure | value | note |');
console.log('|---|---|---|');
for (const cells of rows) console.log(`| ${cells.join(' | ')} |`);

// The goals of issues 7, 15 and 17. A figure that is missing counts as not met.
const mlpDp = get(() => r.peers.mlpTraining.digitpadWorker.samplesPerSecond);
const targets = [
  ['MLP training: digitpad WASM >= 8x TF.js wasm', ratio(mlpDp, get(() => r.peers.mlpTraining.tfjsWasm.samplesPerSecond)), (v) => v >= 8, x],
  ['MLP training: digitpad WASM >= 0.8x native sse4.2', ratio(mlpDp, get(() => r.mlpTraining.nativeSse.samplesPerSecond)), (v) => v >= 0.8, x],
  ['CNN training: digitpad WASM >= 0.8x native sse4.2', ratio(get(() => r.peers.cnnTraining.digitpadWorker.samplesPerSecond), get(() => r.cnnTraining.nativeSse.samplesPerSecond)), (v) => v >= 0.8, x],
  ['MLP inference: digitpad WASM >= 2x faster than ONNX Runtime Web (median; issue 17)', ratio(get(() => r.peers.latency.mlp.ortWasm.medianUs), get(() => r.peers.latency.mlp.digitpadWorker.medianUs)), (v) => v >= 2, x],
  ['default CNN inference: digitpad WASM >= 2x faster than ONNX Runtime Web (median; issue 17)', ratio(get(() => r.peers.latency.cnn.ortWasm.medianUs), get(() => r.peers.latency.cnn.digitpadWorker.medianUs)), (v) => v >= 2, x],
  ['MLP inference in Chromium < 15 us (median)', get(() => r.peers.latency.mlp.digitpadWorker.medianUs), (v) => v < 15, (v) => `${us(v)} us`],
  ['default CNN inference in Chromium < 300 us (median)', get(() => r.peers.latency.cnn.digitpadWorker.medianUs), (v) => v < 300, (v) => `${us(v)} us`],
  ['six-digit number read in Chromium < 5 ms (median, default model, pixels and strokes)', get(() => r.numberReading.default.chromiumWorker.strokes.medianUs / 1000), (v) => v < 5, (v) => `${v.toFixed(2)} ms`],
  ['first prediction possible within 500 ms of navigation', page.navigationToReadyMsMedian, (v) => v <= 500, (v) => `${Math.round(v)} ms`],
  ['first-load transfer <= 350 KB gzip (KB = 1024 bytes; issue 15)', page.firstLoadGzipBytes, (v) => v <= 350 * 1024, (v) => `${(v / 1024).toFixed(1)} KB`],
  ['pen suite >= 99% read right (issue 15)', pen?.accuracy, (v) => v >= 0.99, (v) => `${(100 * v).toFixed(1)}%`],
  ['live reading on the page < 2 ms a frame (median; issue 15)', page.liveReadingMsMedian, (v) => v < 2, (v) => `${v.toFixed(2)} ms`],
  ['final reading at pen-up < 10 ms (median; issue 15)', page.finalReadingMsMedian, (v) => v < 10, (v) => `${v.toFixed(2)} ms`],
  ['"Inside the network" activations + attribution < 5 ms a frame (median; issue 18)', page.insideWhyMsMedian, (v) => v < 5, (v) => `${v.toFixed(2)} ms`],
];
console.log('\ntargets:');
for (const [what, value, met, show] of targets) {
  console.log(`- ${what}: ${value === undefined ? 'not measured' : `${show(value)}, ${met(value) ? 'met' : 'NOT MET'}`}`);
}
