// The training worker: its own WASM instance, the training data, and one training job at a
// time, run in chunks so pause, resume and cancel messages get in between.
// The messages are in protocol.js.
import { loadDigitpad } from '../../digitpad.js';
import wasmUrl from '../../wasm/digitpad.wasm?url';
import { Reply, Request } from './protocol.js';

const dpReady = loadDigitpad({ locateFile: () => wasmUrl });
let data = null;  // { train: { pixels, labels }, test: { pixels, labels } }
let job = null;   // { paused, cancelled, resume }

const reply = (id, type, payload, transfer = []) => self.postMessage({ id, type, data: payload }, transfer);

class ProtocolError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

// Yields to the message queue without the 4 ms clamp of nested timeouts.
const channel = new MessageChannel();
const waiting = [];
channel.port1.onmessage = () => waiting.shift()?.();
const yieldToMessages = () => new Promise((resolve) => {
  waiting.push(resolve);
  channel.port2.postMessage(0);
});

// A data file's bytes, decompressed. Static hosts serve a .gz file in one of two ways: as it
// is (the body is gzip), or with `Content-Encoding: gzip` (the browser has already decoded the
// body), so the bytes decide (gunzipIfNeeded), never the headers or the name. Progress is in
// bytes of the .gz file (`bytes`) either way: a decoded body counts in proportion to its size
// (`rawBytes`).
async function fetchDataFile(url, { bytes, rawBytes }, onBytes) {
  const response = await fetch(url);
  if (!response.ok) throw new ProtocolError('DataError', `could not fetch ${url}: HTTP ${response.status}`);
  const chunks = [];
  let received = 0;
  let counted = 0;
  const reader = response.body.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    chunks.push(next.value);
    received += next.value.byteLength;
    const gzip = chunks[0][0] === 0x1f && chunks[0][1] === 0x8b;
    const progress = Math.min(bytes, gzip ? received : Math.floor(received * (bytes / rawBytes)));
    if (progress > counted) onBytes(progress - counted);
    counted = Math.max(counted, progress);
  }
  if (counted < bytes) onBytes(bytes - counted);
  const body = new Uint8Array(received);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return gunzipIfNeeded(body);
}

// Gzip-compressed or raw IDX bytes -> raw bytes.
async function gunzipIfNeeded(buffer) {
  const bytes = new Uint8Array(buffer);
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  } catch {
    throw new ProtocolError('DataError', 'a .gz file could not be decompressed: it is damaged or not gzip');
  }
}

function parsePair(dp, images, labels, what) {
  try {
    const set = dp.parseIdx(images, labels);
    if (set.rows !== 28 || set.cols !== 28) throw new Error(`images are ${set.rows}x${set.cols}, not 28x28`);
    return { pixels: set.pixels, labels: set.labels };
  } catch (error) {
    throw new ProtocolError('DataError', `${what}: ${error.message}`);
  }
}

const handlers = {
  async [Request.LOAD_DATA](id, { source }) {
    const dp = await dpReady;
    if (typeof source === 'string') {
      // The data sit in <site>/data/, next to assets/ where this worker is built.
      const base = new URL('../data/', self.location.href);
      const index = await (await fetch(new URL('index.json', base))).json();
      const entry = index[source];
      if (!entry) throw new ProtocolError('DataError', `no data set '${source}'`);
      const parts = [entry.train.images, entry.train.labels, entry.test.images, entry.test.labels];
      const total = parts.reduce((s, p) => s + p.bytes, 0);
      let loaded = 0;
      let lastPost = 0;
      const onBytes = (n) => {
        loaded += n;
        if (performance.now() - lastPost > 100 || loaded === total) {
          lastPost = performance.now();
          reply(id, Reply.PROGRESS, { loaded, total });
        }
      };
      const [trI, trL, teI, teL] = await Promise.all(parts.map((p) => fetchDataFile(new URL(p.file, base), p, onBytes)));
      data = { train: parsePair(dp, trI, trL, 'training data'), test: parsePair(dp, teI, teL, 'test data') };
    } else {
      const [trI, trL, teI, teL] = await Promise.all(
        [source.trainImages, source.trainLabels, source.testImages, source.testLabels].map(gunzipIfNeeded));
      const loaded = { train: parsePair(dp, trI, trL, 'the training files'), test: parsePair(dp, teI, teL, 'the test files') };
      data = loaded;  // only once both pairs are valid: a bad file keeps the data that was loaded
    }
    return { train: data.train.labels.length, test: data.test.labels.length };
  },

  async [Request.TRAIN](id, request) {
    if (job) throw new ProtocolError('BusyError', 'a training run is already going');
    if (!data) throw new ProtocolError('DataError', 'no training data loaded');
    const dp = await dpReady;
    let trainer;
    try {
      trainer = request.modelBytes
        ? dp.trainerFromModel(new Uint8Array(request.modelBytes), request.options)
        : dp.createTrainer(request.spec, request.options);
    } catch (error) {
      throw new ProtocolError('SettingsError', error.message);
    }
    job = { paused: false, cancelled: false, resume: null };
    try {
      trainer.setData(...trainingSet(request.extra));
      const { architecture, options } = trainer.info;
      reply(id, Reply.STARTED, { architecture, options });
      return await runJob(id, trainer, options.epochs);
    } catch (error) {
      throw new ProtocolError(/diverged/.test(error.message) ? 'DivergedError' : 'TrainingError', error.message);
    } finally {
      trainer.dispose();
      job = null;
    }
  },

  async [Request.PAUSE]() {
    if (job) job.paused = true;
    return {};
  },
  async [Request.RESUME]() {
    if (job) {
      job.paused = false;
      job.resume?.();
    }
    return {};
  },
  async [Request.CANCEL]() {
    if (job) {
      job.cancelled = true;
      job.resume?.();
    }
    return {};
  },

  async [Request.EVALUATE](id, { modelBytes, pixels, labels }) {
    return evaluateOn(await dpReady, modelBytes, evaluationSet(pixels, labels));
  },

  async [Request.FAILURES](id, { modelBytes, pixels, labels, limit = 500 }) {
    const dp = await dpReady;
    const set = evaluationSet(pixels, labels);
    const evaluation = evaluateOn(dp, modelBytes, set);
    const misread = misreadImages(dp, modelBytes, set, limit);
    return [{ evaluation, misread }, [misread.pixels.buffer]];
  },
};

// The given images, or else the loaded test set.
function evaluationSet(pixels, labels) {
  const set = pixels ? { pixels, labels } : data?.test;
  if (!set) throw new ProtocolError('DataError', 'no test data loaded');
  return set;
}

function evaluateOn(dp, modelBytes, set) {
  const trainer = dp.trainerFromModel(new Uint8Array(modelBytes), {});
  try {
    return trainer.evaluate(set.pixels, set.labels);
  } finally {
    trainer.dispose();
  }
}

// The images the model reads wrong (its top class is not the label), in the set's order: how
// many, and the first `limit` with what was read and how sure (the model's probability of it).
function misreadImages(dp, modelBytes, set, limit) {
  const model = dp.loadModel(new Uint8Array(modelBytes));
  const found = { indices: [], labels: [], predicted: [], confidence: [] };
  let count = 0;
  try {
    const classes = model.info.classes.length;
    const slice = 256;
    const inputs = new Float32Array(slice * 784);
    for (let first = 0; first < set.labels.length; first += slice) {
      const n = Math.min(slice, set.labels.length - first);
      for (let i = 0; i < n * 784; i++) inputs[i] = set.pixels[first * 784 + i] / 255;
      const probabilities = model.predictBatch(inputs.subarray(0, n * 784), n);
      for (let j = 0; j < n; j++) {
        let top = 0;
        for (let k = 1; k < classes; k++) if (probabilities[j * classes + k] > probabilities[j * classes + top]) top = k;
        if (top === set.labels[first + j]) continue;
        if (count++ >= limit) continue;
        found.indices.push(first + j);
        found.labels.push(set.labels[first + j]);
        found.predicted.push(top);
        found.confidence.push(probabilities[j * classes + top]);
      }
    }
  } finally {
    model.dispose();
  }
  const pixels = new Uint8Array(found.indices.length * 784);
  found.indices.forEach((index, i) => pixels.set(set.pixels.subarray(index * 784, (index + 1) * 784), i * 784));
  return { count, indices: Uint32Array.from(found.indices), labels: Uint8Array.from(found.labels),
    predicted: Uint8Array.from(found.predicted), confidence: Float32Array.from(found.confidence), pixels };
}

// The training set, or for fine-tuning the first `mnist` training images with extra samples
// (the user's corrections) mixed in `repeat` times.
function trainingSet(extra) {
  if (!extra) return [data.train.pixels, data.train.labels];
  const repeat = extra.repeat ?? 1;
  const mnist = Math.min(extra.mnist ?? data.train.labels.length, data.train.labels.length);
  const count = mnist + repeat * extra.labels.length;
  const pixels = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  pixels.set(data.train.pixels.subarray(0, mnist * 784));
  labels.set(data.train.labels.subarray(0, mnist));
  for (let r = 0; r < repeat; r++) {
    const at = mnist + r * extra.labels.length;
    pixels.set(extra.pixels, at * 784);
    labels.set(extra.labels, at);
  }
  return [pixels, labels];
}

async function runJob(id, trainer, epochs) {
  const start = performance.now();
  const { classes } = trainer.info;  // what each row of the epochs' confusion matrices is
  let trainingMs = 0;
  let batches = 4;
  let lastPost = 0;
  let best = null;
  let last = null;
  let finalAccuracy = null;
  for (;;) {
    if (job.cancelled) break;
    if (job.paused) {
      await new Promise((resolve) => { job.resume = resolve; });
      job.resume = null;
      continue;
    }
    const t0 = performance.now();
    const p = trainer.run(batches);
    const dt = performance.now() - t0;
    trainingMs += dt;
    batches = Math.max(1, Math.min(2000, Math.round((batches * 30) / Math.max(dt, 1))));  // ~30 ms chunks
    last = p;
    const samplesPerSecond = p.samples / (trainingMs / 1000);
    const batchesDone = p.epoch * p.batchesPerEpoch + p.batch;
    const etaSeconds = ((epochs * p.batchesPerEpoch - batchesDone) * (trainingMs / 1000)) / Math.max(1, batchesDone);
    if (performance.now() - lastPost > 100 || p.epochDone) {
      lastPost = performance.now();
      reply(id, Reply.PROGRESS, { ...p, epochs, samplesPerSecond, etaSeconds: Math.max(0, etaSeconds) });
    }
    if (p.epochDone) {
      const evaluation = trainer.evaluate(data.test.pixels, data.test.labels);
      finalAccuracy = evaluation.accuracy;
      reply(id, Reply.EPOCH, { epoch: p.epoch, loss: p.loss, accuracy: p.accuracy, testAccuracy: evaluation.accuracy,
        classes, confusion: evaluation.confusion, perClassAccuracy: evaluation.perClassAccuracy });
      if (!best || evaluation.accuracy > best.testAccuracy) {
        best = { model: trainer.exportModel(), testAccuracy: evaluation.accuracy, epoch: p.epoch };
      }
    }
    if (p.done) break;
    await yieldToMessages();
  }
  const cancelled = job.cancelled;
  const result = { cancelled, best, testImages: data.test.labels.length, seconds: (performance.now() - start) / 1000, samples: last?.samples ?? 0 };
  if (!cancelled) Object.assign(result, { model: trainer.exportModel(), testAccuracy: finalAccuracy });
  const transfer = [result.model?.buffer, best?.model?.buffer].filter(Boolean);
  return [result, transfer];
}

self.onmessage = async ({ data: message }) => {
  const { id, type, data: payload } = message;
  const handler = handlers[type];
  if (!handler) {
    reply(id, Reply.ERROR, { name: 'ProtocolError', message: `unknown request '${type}'` });
    return;
  }
  try {
    const out = await handler(id, payload ?? {});
    const [result, transfer] = Array.isArray(out) ? out : [out, []];
    reply(id, Reply.RESULT, result, transfer);
  } catch (error) {
    reply(id, Reply.ERROR, { name: error.name ?? 'Error', message: error.message ?? String(error) });
  }
};
