// digitpad's side of the peer benchmark, in a module worker as the page's training runs:
// { type: 'train', spec, images, labels, epochs, batch, learningRate, momentum, maxSeconds }
//   -> { samples, seconds, samplesPerSecond, loss, parameters }
// { type: 'latency', spec | modelUrl, digit } -> { medianUs, p95Us, ... } for Model.predict
// { type: 'batch', spec | modelUrl, images, count } -> the same for predictBatch of `count` digits
// { type: 'read-number', modelUrl, rgba, width, height, strokes } -> { number, medianUs, p95Us,
//   ... } for Model.readNumber (strokes null: pixels alone)
import { loadDigitpad } from '../../web/digitpad.js';
import { timeCalls, timeTraining } from './timing.js';

const digitpad = loadDigitpad();  // the .wasm is found next to web/wasm/digitpad.mjs

async function train(job) {
  const dp = await digitpad;
  const settings = { epochs: job.epochs, batchSize: job.batch, learningRate: job.learningRate, momentum: job.momentum };
  // Warm-up on a throwaway trainer: the first batches pay for memory growth.
  const warm = dp.createTrainer(job.spec, settings);
  try {
    warm.setData(job.images.subarray(0, 2 * job.batch * 784), job.labels.subarray(0, 2 * job.batch));
    warm.run(2);
  } finally {
    warm.dispose();
  }
  const trainer = dp.createTrainer(job.spec, settings);
  try {
    trainer.setData(job.images, job.labels);
    let done = 0;
    let progress;
    const timed = timeTraining((batches) => {
      progress = trainer.run(batches);
      const samples = progress.samples - done;
      done = progress.samples;
      return samples;
    }, { ...job, images: job.labels.length });
    return { ...timed, loss: progress.loss, parameters: trainer.info.parameters };
  } finally {
    trainer.dispose();
  }
}

// The job's model: a shipped file, or a freshly initialised network (same time as trained ones).
async function modelOf(dp, job) {
  let bytes;
  if (job.modelUrl) {
    bytes = new Uint8Array(await (await fetch(job.modelUrl)).arrayBuffer());
  } else {
    const fresh = dp.createTrainer(job.spec);  // freshly initialised weights: same time as trained ones
    try {
      bytes = fresh.exportModel();
    } finally {
      fresh.dispose();
    }
  }
  return dp.loadModel(bytes);
}

async function latency(job) {
  const model = await modelOf(await digitpad, job);
  try {
    return { architecture: model.info.architecture, ...timeCalls(() => model.predict(job.digit)) };
  } finally {
    model.dispose();
  }
}

async function batch(job) {
  const model = await modelOf(await digitpad, job);
  try {
    return { architecture: model.info.architecture, ...timeCalls(() => model.predictBatch(job.images, job.count), { minGroupMs: 50 }) };
  } finally {
    model.dispose();
  }
}

async function readNumber(job) {
  const dp = await digitpad;
  const model = dp.loadModel(new Uint8Array(await (await fetch(job.modelUrl)).arrayBuffer()));
  try {
    const read = () => model.readNumber(job.rgba, job.width, job.height, job.strokes);
    return { number: read().number, ...timeCalls(read, { minGroupMs: 20 }) };
  } finally {
    model.dispose();
  }
}

const JOBS = { train, latency, batch, 'read-number': readNumber };

self.onmessage = async ({ data: job }) => {
  try {
    self.postMessage(await JOBS[job.type](job));
  } catch (e) {
    self.postMessage({ error: String(e?.stack ?? e) });
  }
};
