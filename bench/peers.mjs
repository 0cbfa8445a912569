// digitpad against TensorFlow.js in Debian's Chromium, each in a Web Worker of one page served
// from the repo root (bench/browser/, web/, models/ and node_modules/, nothing from the network):
// training throughput of the 784-128-64-10 MLP and of the default CNN, and one-digit inference
// latency, with bench/config.mjs's settings on both sides.
// Merges `peers` into bench/results.json; bench/report.mjs prints the table.
import path from 'node:path';
import { launchChromium } from '../tests/e2e/browser.js';
import { serveSite } from '../scripts/serve.mjs';
import { CNN, DEFAULT_MODEL, MLP, ROOT, saveResults } from './config.mjs';

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
      },
      cnn: {
        model: DEFAULT_MODEL.id,
        spec: CNN.spec,
        digitpadWorker: await run('digitpad CNN latency', 'digitpad', { type: 'latency', modelUrl: `/models/${DEFAULT_MODEL.file}` }),
        tfjsWasm: await run('tfjs wasm CNN latency', 'tfjs', { type: 'latency', backend: 'wasm', spec: CNN.spec }),
      },
    },
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
