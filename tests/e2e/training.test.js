// The training studio end to end in Chromium: train the default MLP preset on the default
// subset, draw while a run goes on, use the trained model, cancel, divergence, bad settings,
// a crashed worker, and the user's corrections: saved, exported, used for fine-tuning.
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, expect, test } from 'vitest';
import { recipeArgs } from '../../web/src/recipe.js';
import { ROOT, runNative } from '../js/helpers.js';
import { DIGIT_STROKES, drawStrokes, installLatencyProbe, predictionOf, readLatencies, waitForText } from './browser.js';
import { pageSuite } from './suite.js';

const suite = pageSuite({
  viewport: { width: 1100, height: 1000 },
  afterLoad: async (page) => {
    await page.click('#training-panel summary');
    await page.waitForFunction(() => /Data ready/.test(document.getElementById('data-status').textContent), null, { timeout: 30_000 });
  },
});
let page;
beforeEach(() => {
  page = suite.page();
});

async function statsOf() {
  return { text: await page.locator('#train-stats').textContent(), progress: Number(await page.locator('#train-progress').evaluate((p) => p.value)) };
}

test('train the default MLP preset for an epoch, then use it', async () => {
  expect(await page.locator('#train-preset').inputValue()).toBe('quick-mlp');
  await page.fill('#train-epochs', '1');
  const before = await page.locator('#model-info').textContent();
  await page.click('#train-start');
  await page.waitForSelector('#train-result:not([hidden])', { timeout: 60_000 });
  expect((await statsOf()).progress).toBe(1);
  const accuracy = Number(await page.locator('#train-result').getAttribute('data-test-accuracy'));
  expect(accuracy).toBeGreaterThanOrEqual(0.9);
  await waitForText(page, '#train-result-text', /Trained: \d+\.\d\d% on the test images \(shipped models/);
  expect(await page.locator('#model-info').textContent()).toBe(before);  // nothing changes until asked

  await page.click('#train-use');
  await waitForText(page, '#model-info', /^Trained here \(\d+\.\d%\)/);
  expect(await page.locator('#model-select').inputValue()).toBe('trained');
  await drawStrokes(page, DIGIT_STROKES[1]);
  expect((await predictionOf(page)).digit).toBe('1');
});

test('progress and charts advance, the pad answers within 100 ms while training, cancel keeps the best', async () => {
  await page.fill('#train-epochs', '400');  // long enough to be cancelled, on any machine
  await page.click('#train-start');
  await page.waitForFunction(() => /Epoch 2 of 400/.test(document.getElementById('train-stats').textContent), null, { timeout: 60_000 });
  const first = await statsOf();
  await page.waitForTimeout(600);
  const second = await statsOf();
  expect(second.progress).toBeGreaterThan(first.progress);
  expect(second.text).not.toBe(first.text);
  expect(second.text).toMatch(/samples\/s · ETA/);

  await installLatencyProbe(page);  // pen up -> #prediction updated, in milliseconds
  for (const digit of [7, 0, 4]) {
    await drawStrokes(page, DIGIT_STROKES[digit]);
    expect((await predictionOf(page)).digit).toBe(String(digit));
    await page.click('#clear');
  }
  const latencies = await readLatencies(page);
  expect(latencies.length).toBeGreaterThanOrEqual(3);
  expect(Math.max(...latencies)).toBeLessThan(100);
  expect(await page.locator('#train-stats').textContent()).toMatch(/Epoch/);  // still running

  await page.click('#train-cancel');
  await page.waitForSelector('#train-result:not([hidden])', { timeout: 30_000 });
  await waitForText(page, '#train-result-text', /Cancelled; best model so far \(epoch \d+\)/);
  await waitForText(page, '#train-stats', /^Cancelled.$/);
});

test('each shipped model\'s preset trains its recipe: the trainer gets the options the CLI builds from it', async () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'models/manifest.json'), 'utf8'));
  const keys = JSON.parse(runNative(['options', '--json']));
  for (const model of manifest.models) {
    await page.selectOption('#train-preset', `shipped-${model.id}`);
    await page.click('#train-start');
    await page.waitForFunction(() => document.getElementById('train-command').dataset.options, null, { timeout: 60_000 });
    const trainer = JSON.parse(await page.locator('#train-command').getAttribute('data-options'));
    expect(trainer).toEqual(JSON.parse(runNative(['train', ...recipeArgs(model.recipe, keys), '--dry-run'])));
    await page.click('#train-cancel');
    await waitForText(page, '#train-stats', /^Cancelled.$/);
  }
});

test('a diverging run and absurd settings are reported; the model in use stays', async () => {
  const before = await page.locator('#model-info').textContent();
  await page.selectOption('#train-preset', 'custom');
  await page.selectOption('#train-loss', 'mse');
  await page.fill('#train-lr', '10');
  await page.fill('#train-epochs', '3');
  await page.click('#train-start');
  await page.waitForSelector('#train-error:not([hidden])', { timeout: 60_000 });
  await waitForText(page, '#train-error', /The run diverged: training diverged: the loss became/);

  await page.fill('#train-lr', '1e6');
  await page.click('#train-start');
  await page.waitForFunction(() => /learningRate must be in \(0, 10\], got 1000000/.test(document.getElementById('train-error').textContent), null, { timeout: 10_000 });
  await page.fill('#train-lr', '0.05');
  await page.fill('#train-batch', '0');
  await page.click('#train-start');
  await page.waitForFunction(() => /batchSize must be a whole number in 1\.\.65536, got 0/.test(document.getElementById('train-error').textContent), null, { timeout: 10_000 });
  expect(await page.locator('#model-info').textContent()).toBe(before);
  await drawStrokes(page, DIGIT_STROKES[7]);
  expect((await predictionOf(page)).digit).toBe('7');
});

test('correct a drawing, export it, fine-tune with it', async () => {
  await page.selectOption('#model-select', 'mlp');  // fine-tuning the CNN in WASM takes minutes
  await waitForText(page, '#model-info', 'digitpad MLP');
  await page.click('#corrections-panel summary');
  await page.click('#corrections-clear');
  await drawStrokes(page, DIGIT_STROKES[4]);
  await page.click('#correction button[data-label="4"]');
  await page.click('#clear');
  await drawStrokes(page, DIGIT_STROKES[7]);
  await page.click('#correction button[data-label="7"]');
  await page.waitForFunction(() => document.getElementById('corrections-count').dataset.count === '2');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#corrections-export')]);
  const exported = JSON.parse(await (await import('node:fs')).promises.readFile(await download.path(), 'utf8'));
  expect(exported.corrections.map((c) => c.label)).toEqual([4, 7]);

  await page.click('#corrections-finetune');
  await page.waitForFunction(() => /Your corrections: .* before, .* after\. MNIST test images: .* before, .* after/.test(document.getElementById('corrections-result').textContent), null, { timeout: 120_000 });
  const text = await page.locator('#corrections-result').textContent();
  const mnistAfter = Number(/MNIST test images: [\d.]+% before, ([\d.]+)% after/.exec(text)[1]);
  expect(mnistAfter).toBeGreaterThan(90);  // it did not forget MNIST

  await page.setInputFiles('#corrections-import', { name: 'junk.json', mimeType: 'application/json', buffer: Buffer.from('{"nope": 1}') });
  await page.waitForFunction(() => /Could not import junk\.json: this file is not a digitpad corrections file/.test(document.getElementById('corrections-result').textContent));
  await page.waitForFunction(() => document.getElementById('corrections-count').dataset.count === '2');
});
