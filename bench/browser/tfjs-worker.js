// TensorFlow.js's side of the peer benchmark, in a module worker like digitpad's. The UMD
// bundles from node_modules set globalThis.tf when imported; the wasm backend's .wasm files
// are served locally (setWasmPaths). Jobs as digitpad-worker.js's, plus `backend`
// ('wasm' | 'cpu'); every reply says which backend ran and whether its WASM used SIMD.
import { timeCalls, timeTraining } from './timing.js';
import { tfModelFromSpec } from './tf-model.js';

const TFJS = new URL('../../node_modules/@tensorflow/', import.meta.url);

async function loadTf(backend) {
  await import(new URL('tfjs/dist/tf.min.js', TFJS));
  await import(new URL('tfjs-backend-wasm/dist/tf-backend-wasm.min.js', TFJS));
  const { tf } = globalThis;
  tf.wasm.setWasmPaths(new URL('tfjs-backend-wasm/dist/', TFJS).href);
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend '${backend}' did not initialise`);
  await tf.ready();
  return tf;
}

function environment(tf) {
  const wasm = tf.getBackend() === 'wasm';
  return {
    tfjsVersion: tf.version.tfjs,
    backend: tf.getBackend(),
    wasmSimd: wasm ? tf.env().getBool('WASM_HAS_SIMD_SUPPORT') : null,
    wasmThreads: wasm ? tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') : null,
  };
}

function train(tf, job) {
  const { model, inputShape } = tfModelFromSpec(tf, job.spec);
  const count = job.labels.length;
  const pixels = Float32Array.from(job.images, (p) => p / 255);
  const xs = tf.tensor(pixels, [count, ...inputShape]);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(job.labels, 'int32'), 10).toFloat());
  // Same update as digitpad's SGD: v = momentum * v + g, w -= lr * v (digitpad: v' = -lr * v).
  const optimizer = tf.train.momentum(job.learningRate, job.momentum);
  const order = new Int32Array(count).map((_, i) => i);
  let next = count;  // position in the shuffled order; count = shuffle first
  let loss = NaN;
  const step = (batches) => {
    let samples = 0;
    for (let b = 0; b < batches; b++) {
      if (next >= count) {
        tf.util.shuffle(order);
        next = 0;
      }
      const size = Math.min(job.batch, count - next);
      const indices = order.subarray(next, next + size);
      next += size;
      const cost = tf.tidy(() => {
        const idx = tf.tensor1d(indices, 'int32');
        const x = tf.gather(xs, idx);
        const y = tf.gather(ys, idx);
        return optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })), true);
      });
      loss = cost.dataSync()[0];  // digitpad computes each batch's loss too
      cost.dispose();
      samples += size;
    }
    return samples;
  };
  // Warm-up on 8 samples (kernels, weight init): a full CNN batch takes a minute on 'cpu'.
  tf.tidy(() => optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys.slice(0, 8), model.apply(xs.slice(0, 8), { training: true }))));
  const timed = timeTraining(step, { ...job, images: count });
  const parameters = model.countParams();
  tf.dispose([xs, ys]);
  model.dispose();
  optimizer.dispose();
  return { ...timed, loss, parameters };
}

function latency(tf, job) {
  const { model, inputShape } = tfModelFromSpec(tf, job.spec);
  try {
    // One digit in, its 10 probabilities out (as digitpad's Model.predict returns them).
    const predict = () => {
      const probs = tf.tidy(() => tf.softmax(model.predict(tf.tensor(job.digit, [1, ...inputShape]))));
      probs.dataSync();
      probs.dispose();
    };
    return timeCalls(predict);
  } finally {
    model.dispose();
  }
}

let tfReady;
self.onmessage = async ({ data: job }) => {
  try {
    tfReady ??= loadTf(job.backend);
    const tf = await tfReady;
    const result = job.type === 'train' ? train(tf, job) : latency(tf, job);
    self.postMessage({ ...result, ...environment(tf) });
  } catch (e) {
    self.postMessage({ error: String(e?.stack ?? e) });
  }
};
