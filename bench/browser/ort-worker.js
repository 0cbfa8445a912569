// ONNX Runtime Web's side of the peer benchmark, in a module worker like digitpad's: its
// WebAssembly backend (SIMD, one thread; the .wasm served locally from node_modules) running
// digitpad's ONNX export of the same network (bench/peers.mjs writes the files).
// { type: 'latency', onnxUrl, digit } -> { medianUs, p95Us, ... } for one digit's probabilities
// { type: 'batch', onnxUrl, images, count } -> the same for `count` digits in one run
import { timeAsyncCalls } from './timing.js';

const ORT = new URL('../../node_modules/onnxruntime-web/dist/', import.meta.url);
const ort = await import(new URL('ort.wasm.min.mjs', ORT));
ort.env.wasm.wasmPaths = ORT.href;
ort.env.wasm.numThreads = 1;  // as digitpad: one thread (threads would need cross-origin isolation)
ort.env.wasm.proxy = false;   // already in a worker

async function timeSession(job, input, dims) {
  const session = await ort.InferenceSession.create(job.onnxUrl, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  try {
    const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', input, dims) };
    const run = async () => (await session.run(feeds))[session.outputNames[0]].data;
    const classes = (await run()).length / dims[0];
    return { ...(await timeAsyncCalls(run, dims[0] > 1 ? { minGroupMs: 50 } : {})), classes, ortVersion: ort.env.versions?.common, wasmThreads: ort.env.wasm.numThreads };
  } finally {
    await session.release();
  }
}

const JOBS = {
  latency: (job) => timeSession(job, job.digit, [1, 1, 28, 28]),
  batch: (job) => timeSession(job, job.images, [job.count, 1, 28, 28]),
};

self.onmessage = async ({ data: job }) => {
  try {
    self.postMessage(await JOBS[job.type](job));
  } catch (e) {
    self.postMessage({ error: String(e?.stack ?? e) });
  }
};
