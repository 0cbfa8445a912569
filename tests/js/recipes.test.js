// One training-options schema for both front ends: the recipe of every shipped model and
// preset, given to the JS API, reaches the trainer as exactly the options struct that the
// native CLI builds from the same recipe's derived command line (scripts/train-models.mjs
// runs that same command line). Both sides print the struct with the core's one serialiser.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { recipeArgs, recipeCommand } from '../../web/src/recipe.js';
import { loadWasm, ROOT, runNative } from './helpers.js';

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'models/manifest.json'), 'utf8'));
const recipes = [
  ...manifest.models.map((m) => [`model ${m.id}`, m.recipe]),
  ...manifest.presets.map((p) => [`preset ${p.id}`, p.recipe]),
];
let dp;
let keys;

beforeAll(async () => {
  dp = await loadWasm();
  keys = dp.trainOptionKeys();
});

test('the JS API and the CLI list the same training options', () => {
  expect(JSON.parse(runNative(['options', '--json']))).toEqual(keys);
  expect(keys.map((k) => k.name)).toEqual(expect.arrayContaining(['optimizer', 'learningRate', 'init', 'rotation', 'scaleMin', 'elasticProbability']));
});

describe.each(recipes)('%s', (label, recipe) => {
  test('trains with the same options from JS and from the CLI', () => {
    const cli = JSON.parse(runNative(['train', ...recipeArgs(recipe, keys), '--dry-run']));
    const trainer = dp.createTrainer(recipe.architecture, recipe.options);
    try {
      const { architecture, options } = trainer.info;
      expect({ architecture, options }).toEqual(cli);
      // Every option the recipe sets is what the trainer got, not a default.
      for (const [name, value] of Object.entries(recipe.options)) expect(options[name]).toBe(value);
    } finally {
      trainer.dispose();
    }
  });
});

test('the small CNN recipe derives the command line the shipped model was trained with', () => {
  const small = manifest.models.find((m) => m.id === 'small-cnn');
  expect(recipeCommand(small.recipe, keys)).toBe(
    "digitpad train --arch 'conv:16x3,relu,maxpool:2,conv:32x3,relu,maxpool:2,conv:64x3,relu,maxpool:2,flatten,dropout:0.3,dense:10' "
    + '--optimizer adam --lr 0.002 --lr-schedule cosine --epochs 15 --batch 64 --augment --rotation 10 --scale-min 0.9 '
    + '--scale-max 1.1 --shift 2 --elastic-alpha 0 --elastic-sigma 4 --elastic-probability 0 --seed 1');
});

test('a recipe with a key the table does not have is refused by both', () => {
  const bad = { architecture: '784-10', options: { learnRate: 0.1 } };
  expect(() => recipeArgs(bad, keys)).toThrow(/unknown training option 'learnRate'/);
  expect(() => dp.createTrainer(bad.architecture, bad.options)).toThrow(/unknown training option 'learnRate'/);
});
