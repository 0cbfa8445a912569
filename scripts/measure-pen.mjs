// Measures a shipped model on the pen suite in Debian's Chromium, on the built site (dist/),
// and writes the figures into its models/manifest.json entry: suites.penSubset, the first 20
// digits of each class (what tests/e2e/pen-suite.test.js holds the default model to), and with
// --full also suites.pen, all 1,000 (tests/e2e/pen-suite.js replays them). The site must hold
// the model as it is in models/: build it first. scripts/train-models.sh runs this for the
// default model after training.
//   npm run build && node scripts/measure-pen.mjs [--model ID] [--full]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST } from './serve.mjs';
import { measurePenSuite, PEN_SUBSET_PER_CLASS, penFigures, readManifest } from '../tests/e2e/pen-suite.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MANIFEST = path.join(ROOT, 'models/manifest.json');

const modelArg = process.argv.indexOf('--model');
const modelId = modelArg > 0 ? process.argv[modelArg + 1] : readManifest().default;
const entry = readManifest().models.find((m) => m.id === modelId);
if (!entry) throw new Error(`no shipped model '${modelId}' in models/manifest.json`);
const served = path.join(DIST, 'models', entry.file);
if (!fs.existsSync(served) || !fs.readFileSync(served).equals(fs.readFileSync(path.join(ROOT, 'models', entry.file)))) {
  console.error(`measure-pen: dist/models/${entry.file} is not models/${entry.file}: build the site first (npm run build)`);
  process.exit(1);
}

const measured = { penSubset: await measurePenSuite({ perClass: PEN_SUBSET_PER_CLASS, modelId }) };
if (process.argv.includes('--full')) measured.pen = await measurePenSuite({ modelId });

// Read the manifest only now: training may have rewritten it meanwhile.
const manifest = readManifest();
const suites = manifest.models.find((m) => m.id === modelId).suites;
for (const [key, result] of Object.entries(measured)) {
  suites[key] = penFigures(result);
  console.log(`${modelId} suites.${key}: ${result.correct} of ${result.n} (${(100 * result.accuracy).toFixed(1)}%), ` +
    `${result.notDigit} "not a digit", ${result.seconds.toFixed(0)} s`);
}
fs.writeFileSync(MANIFEST, JSON.stringify(manifest, null, 2) + '\n');
console.log(`wrote ${path.relative(ROOT, MANIFEST)}`);
