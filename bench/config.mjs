// The settings every engine trains with, so native, WASM and TF.js figures compare: the same
// networks, data (the first MNIST training images), batch and optimizer (SGD with momentum 0.9,
// lr 0.05: digitpad's defaults, matched in TF.js by tf.train.momentum). One thread everywhere.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS = path.join(ROOT, 'bench/results.json');
export const NATIVE = path.join(ROOT, 'build/native/digitpad');  // -march=native
export const NATIVE_SSE = path.join(ROOT, 'build/native-sse/digitpad');  // -msse4.2 (bench/train-speed.mjs builds it)

export const MANIFEST = JSON.parse(fs.readFileSync(path.join(ROOT, 'models/manifest.json'), 'utf8'));
/** The default model's manifest entry: the CNN figures follow whatever it is. */
export const DEFAULT_MODEL = MANIFEST.models.find((m) => m.id === MANIFEST.default);

const SGD = { batch: 64, learningRate: 0.05, momentum: 0.9 };
export const MLP = { spec: '784-128-64-10', images: 10_000, ...SGD, maxSeconds: 60 };
// The CNN is slow in every engine: fewer images, one epoch and a 60 s bound, the same for all.
export const CNN = { spec: DEFAULT_MODEL.architecture, images: 2048, epochs: 1, ...SGD, maxSeconds: 60 };

/** Merges one script's figures into bench/results.json under `key`. */
export function saveResults(key, figures) {
  const results = fs.existsSync(RESULTS) ? JSON.parse(fs.readFileSync(RESULTS, 'utf8')) : {};
  results[key] = figures;
  fs.writeFileSync(RESULTS, JSON.stringify(results, null, 2) + '\n');
}
