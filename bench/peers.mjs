// digitpad against TensorFlow.js and ONNX Runtime Web in Debian's Chromium, each in a Web Worker
// of one page served from the repo root (bench/browser/, web/, models/, node_modules/ and the
// ONNX files written here into build/bench/, nothing from the network): training throughput of
// the 784-128-64-10 MLP and of the default CNN, one-digit inference latency, and a batch of
// 1,000 digits, with bench/config.mjs's settings on every side. ONNX Runtime runs digitpad's
// own ONNX export of the same networks (web/src/onnx/).
// Merges `peers` into bench/results.json; bench/report.mjs prints the table.
import fs from 'node:fs';
import path from 'node:path';
import { loadDigitpad } from '../web/digitpad.js';
import { exportOnnx } from '../web/src/onnx/onnx-model.js';
import { launchChromium } from '../tests/e2e/browser.js';
import { serveSite } from '../scripts/serve.mjs';
import { CNN, DEFAULT_MODEL, MANIFEST, MLP, ROOT, saveResults } from './config.mjs';

// The networks ONNX Runtime runs, exported as a user would (`digitpad export --onnx`): the MLP
// with fresh weights as digitpad's latency job makes it, the default CNN from its file; and every
// shipped model's export, for its size.
const BATCH = 1000;
const ONNX_DIR = path.join(ROOT, 'build/bench');
fs.mkdirSync(ONNX_DIR, { recursive: true });
const dp = await loadDigitpad({ wasmBinary: fs.readFileSync(path.join(ROOT, 'web/wasm/digitpad.wasm')) });
const freshMlp = dp.createTrainer(MLP.spec);
const onnxFiles = { mlp: exportOnnx(dp, freshMlp.exportModel()) };
freshMlp.dispose();
const onnxExports = MANIFEST.models.map((m) => {
  const bytes = fs.readFileSync(path.join(ROOT, 'models', m.file));
  const onnx = exportOnnx(dp, bytes, { accuracy: m.testAccuracy });
  if (m.id === DEFAULT_MODEL.id) onnxFiles.cnn = onnx;
  return { model: m.id, modelFileBytes: bytes.length, onnxBytes: onnx.length };
});
for (const [key, bytes] of Object.entries(onnxFiles)) fs.writeFileSync(path.join(ONNX_DIR, `${key}.onnx`), bytes);
const onnxUrl = (key) => `/build/bench/${key}.onnx`;

const server = await serveSite({ root: ROOT, prefix: '/' });
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && console.error(`[page] ${m.text()}`));
  await page.goto(`${server.url}bench/browser/index.html`);
  await page.waitForFunction(() => window.benchReady);
  const run = async (label, kind, job) => {
    process.stderr.write(`peers: ${label} ... `);
    const result = await page.evaluate(([k, j]) => window.runJob(k, j), [kind, job]);
    process.stderr.write(`${result.samplesPerSecond ? `${Math.round(result.samplesPerSecond)} samples/s` : `${result.medianUs.toFixed(1)} us`}\n`);
    return result;
  };
  // A peer that cannot run a job is recorded with its error: TF.js 4.22's wasm backend has
  // no Conv2DBackpropFilter kernel, so it cannot train a CNN (tensorflow/tfjs#8474).
  const train = (engine, backend, config, epochs) =>
    run(`${engine}${backend ? ` ${backend}` : ''} training ${config.spec}`, engine, { type: 'train', backend, ...config, epochs })
      .catch((e) => {
        const error = e.message.split('\n')[0].replace(/^.*Error: /, '');
        process.stderr.write(`failed: ${error}\n`);
        return { error };
      });

  const peers = {
    mlpTraining: {
      ...MLP,
      digitpadWorker: await train('digitpad', undefined, MLP, 10),
      tfjsWasm: await train('tfjs', 'wasm', MLP, 1),
      tfjsCpu: await train('tfjs', 'cpu', MLP, 1),
    },
    cnnTraining: {
      ...CNN,
      model: DEFAULT_MODEL.id,
      digitpadWorker: await train('digitpad', undefined, CNN, CNN.epochs),
      tfjsWasm: await train('tfjs', 'wasm', CNN, CNN.epochs),
      tfjsCpu: await train('tfjs', 'cpu', CNN, CNN.epochs),
    },
    latency: {
      mlp: {
        spec: MLP.spec,
        digitpadWorker: await run('digitpad MLP latency', 'digitpad', { type: 'latency', spec: MLP.spec }),
        tfjsWasm: await run('tfjs wasm MLP latency', 'tfjs', { type: 'latency', backend: 'wasm', spec: MLP.spec }),
        ortWasm: await run('onnxruntime-web MLP latency', 'ort', { type: 'latency', onnxUrl: onnxUrl('mlp') }),
      },
      cnn: {
        model: DEFAULT_MODEL.id,
        spec: CNN.spec,
        digitpadWorker: await run('digitpad CNN latency', 'digitpad', { type: 'latency', modelUrl: `/models/${DEFAULT_MODEL.file}` }),
        tfjsWasm: await run('tfjs wasm CNN latency', 'tfjs', { type: 'latency', backend: 'wasm', spec: CNN.spec }),
        ortWasm: await run('onnxruntime-web CNN latency', 'ort', { type: 'latency', onnxUrl: onnxUrl('cnn') }),
      },
    },
    batch: {
      count: BATCH,
      mlp: {
        spec: MLP.spec,
        digitpadWorker: await run(`digitpad MLP, ${BATCH} digits`, 'digitpad', { type: 'batch', spec: MLP.spec, count: BATCH }),
        ortWasm: await run(`onnxruntime-web MLP, ${BATCH} digits`, 'ort', { type: 'batch', onnxUrl: onnxUrl('mlp'), count: BATCH }),
      },
      cnn: {
        model: DEFAULT_MODEL.id,
        digitpadWorker: await run(`digitpad CNN, ${BATCH} digits`, 'digitpad', { type: 'batch', modelUrl: `/models/${DEFAULT_MODEL.file}`, count: BATCH }),
        ortWasm: await run(`onnxruntime-web CNN, ${BATCH} digits`, 'ort', { type: 'batch', onnxUrl: onnxUrl('cnn'), count: BATCH }),
      },
    },
    onnxExports,
    // Which of ONNX Runtime Web's .wasm builds it fetched.
    ortWasmFiles: [...new Set(server.requests.filter((p) => p.endsWith('.wasm') && p.includes('onnxruntime-web')).map((p) => path.basename(p)))],
    // Which of TF.js's three .wasm builds the backend fetched (threads need cross-origin
    // isolation, which this server does not ask for, so one thread as digitpad).
    tfjsWasmFiles: [...new Set(server.requests.filter((p) => p.endsWith('.wasm') && p.includes('tfjs-backend-wasm')).map((p) => path.basename(p)))],
    chromium: browser.version(),
  };
  // The spec translation must give TF.js the very network digitpad trains: same parameter count.
  for (const key of ['mlpTraining', 'cnnTraining']) {
    const { digitpadWorker, ...others } = peers[key];
    for (const [name, run] of Object.entries(others)) {
      if (run?.parameters !== undefined && run.parameters !== digitpadWorker.parameters)
        throw new Error(`${key}: ${name} has ${run.parameters} parameters, digitpad ${digitpadWorker.parameters}: the TF.js network differs`);
    }
  }
  saveResults('peers', peers);
} finally {
  await browser.close();
  await server.close();
}
