// The training studio end to end in Chromium: train the default MLP preset on the default
// subset, draw while a run goes on, use the trained model, cancel, divergence, bad settings,
// a crashed worker, and the user's corrections: saved, exported, used for fine-tuning.
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, expect, test } from 'vitest';
import { recipeArgs } from '../../web/src/recipe.js';
import { ROOT, runNative } from '../js/helpers.js';
import { DIGIT_STROKES, drawStrokes, installLatencyProbe, predictionOf, readLatencies, waitForText } from './browser.js';
import { saveScreenshot } from './looks.js';
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
  await waitForText(page, '#train-result-text', /^Trained\. It reads \d+\.\d\d% of 2,000 test images, not the 10,000 the shipped models are measured on\. The shipped models on the 10,000 MNIST test images: /);
  expect(await page.locator('#model-info').textContent()).toBe(before);  // nothing changes until asked
  // The charts' text alternatives carry their latest values.
  expect(await page.locator('#loss-chart').getAttribute('aria-label')).toMatch(/^Training loss \(smoothed\): \d+\.\d{3} at epoch \d\.\d$/);
  expect(await page.locator('#accuracy-chart').getAttribute('aria-label')).toMatch(/^Training accuracy \(smoothed\): \d+\.\d% at epoch \d\.\d; test accuracy after epoch 1: \d+\.\d%$/);

  // Where the run's model fails after its epoch: the confusion matrix of the 2,000 test images.
  await waitForText(page, '#train-confusion caption', /^After epoch 1, on the test images: .* \(test accuracy \d+\.\d%\)$/);
  expect(await page.locator('#train-confusion').getAttribute('data-total')).toBe('2000');
  const diagonal = await page.locator('#train-confusion .confusion-right').evaluateAll((cells) => cells.reduce((sum, c) => sum + Number(c.dataset.count), 0));
  expect(diagonal / 2000).toBeCloseTo(accuracy, 6);
  await page.locator('#train-confusion').scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'studio-epoch-confusion');

  await page.click('#train-use');
  await waitForText(page, '#model-info', /^Trained here \(\d+\.\d%\)/);
  expect(await page.locator('#model-select').inputValue()).toBe('trained');
  await drawStrokes(page, DIGIT_STROKES[1]);
  expect((await predictionOf(page)).digit).toBe('1');

  // ... and in "Where it fails", the model in use now, with its misread images.
  await page.click('#inside-panel summary');
  await page.click('#failures-test');
  await waitForText(page, '#failures-status', /^Trained here .*: \d+\.\d% of 2,000 test images read right; \d+ misread\.$/, 30_000);
  expect(await page.locator('#confusion').getAttribute('data-total')).toBe('2000');
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
  await waitForText(page, '#train-result-text', /^Cancelled\. Best model so far: epoch \d+\./);
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
    await waitForText(page, '#train-stats', /^Cancelled/);
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

test('Cancel while Full MNIST loads stops the run: no training follows; Pause waits for training', async () => {
  // The full set's downloads are slowed down, so the load is still going when Cancel is pressed.
  await page.context().route('**/data/full-*.gz', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  await page.check('input[name="train-data"][value="full"]');
  await page.fill('#train-epochs', '1');
  await page.click('#train-start');
  await waitForText(page, '#train-stats', /^Loading the data/);
  expect(await page.locator('#train-pause').isDisabled()).toBe(true);
  expect(await page.locator('#train-pause').textContent()).toBe('Pause');
  expect(await page.locator('#train-pause').getAttribute('title')).toBe('Pause works once training has begun');
  await page.click('#train-cancel');
  await waitForText(page, '#train-stats', /^Cancelled before training began: no model is offered\.$/);
  expect(await page.locator('#train-start').isEnabled()).toBe(true);
  expect(await page.locator('#train-cancel').isDisabled()).toBe(true);
  // The load goes on and keeps the data; no training starts when it ends.
  await waitForText(page, '#data-status', /Data ready: 60,000 training/, 60_000);
  await page.waitForTimeout(1000);
  expect(await page.locator('#train-stats').textContent()).toBe('Cancelled before training began: no model is offered.');
  expect(await page.locator('#train-result').isHidden()).toBe(true);
});

test('the digit buttons: a visible note, nothing saved from an empty pad, one save per drawing', async () => {
  await page.click('#corrections-panel summary');
  await page.click('#correction button[data-label="3"]');
  await waitForText(page, '#correction-status', 'Nothing to save: the pad is empty.');
  expect(await page.locator('#corrections-count').getAttribute('data-count')).toBe('0');
  await drawStrokes(page, DIGIT_STROKES[4]);
  await page.dblclick('#correction button[data-label="9"]');
  await waitForText(page, '#correction-status', /Saved as a 9\.|Already saved as a 9\./);
  await page.click('#correction button[data-label="9"]');
  await waitForText(page, '#correction-status', 'Already saved as a 9.');
  await page.click('#correction button[data-label="4"]');  // a slip of the finger: the same drawing, relabelled
  await waitForText(page, '#correction-status', 'Saved as a 4 (not a 9).');
  expect(await page.locator('#corrections-count').getAttribute('data-count')).toBe('1');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#corrections-export')]);
  expect(JSON.parse(fs.readFileSync(await download.path(), 'utf8')).corrections.map((c) => c.label)).toEqual([4]);

  // Forget asks first, in the page, and can be undone.
  await page.click('#corrections-clear');
  await page.waitForSelector('#corrections-confirm:not([hidden])');
  expect(await page.locator('#corrections-confirm').textContent()).toMatch(/Forget all 1 correction saved in this browser\?/);
  await page.click('#corrections-clear-no');
  expect(await page.locator('#corrections-confirm').isHidden()).toBe(true);
  expect(await page.locator('#corrections-count').getAttribute('data-count')).toBe('1');
  await page.click('#corrections-clear');
  await page.click('#corrections-clear-yes');
  await page.waitForFunction(() => document.getElementById('corrections-count').dataset.count === '0');
  await waitForText(page, '#corrections-undo-box', 'Forgot 1 correction.');
  await page.click('#corrections-undo');
  await page.waitForFunction(() => document.getElementById('corrections-count').dataset.count === '1');
  expect(await page.locator('#corrections-undo-box').isHidden()).toBe(true);
});

test('correct drawings, import them twice (nothing new the second time), fine-tune once however often Fine-tune is clicked', async () => {
  await page.selectOption('#model-select', 'mlp');  // fine-tuning the CNN in WASM takes minutes
  await waitForText(page, '#model-info', 'digitpad MLP');
  await page.click('#corrections-panel summary');
  await drawStrokes(page, DIGIT_STROKES[4]);
  await page.click('#correction button[data-label="4"]');
  await page.click('#clear');
  await drawStrokes(page, DIGIT_STROKES[7]);
  await page.click('#correction button[data-label="7"]');
  await page.waitForFunction(() => document.getElementById('corrections-count').dataset.count === '2');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#corrections-export')]);
  const file = { name: 'mine.json', mimeType: 'application/json', buffer: fs.readFileSync(await download.path()) };
  expect(JSON.parse(file.buffer.toString('utf8')).corrections.map((c) => c.label)).toEqual([4, 7]);
  await page.setInputFiles('#corrections-import', file);
  await waitForText(page, '#corrections-result', 'Nothing new in mine.json. 2 corrections were already saved and skipped.');
  expect(await page.locator('#corrections-count').getAttribute('data-count')).toBe('2');
  await page.click('#corrections-clear');
  await page.click('#corrections-clear-yes');
  await page.waitForFunction(() => document.getElementById('corrections-count').dataset.count === '0');
  await page.setInputFiles('#corrections-import', file);
  await waitForText(page, '#corrections-result', 'Imported 2 corrections from mine.json.');
  await page.waitForFunction(() => document.getElementById('corrections-count').dataset.count === '2');

  // Two clicks in a row: the first disables the button at once; the second starts nothing.
  const disabledAfterFirst = await page.evaluate(() => {
    const button = document.getElementById('corrections-finetune');
    button.click();
    const disabled = button.disabled;
    button.click();
    return disabled;
  });
  expect(disabledAfterFirst).toBe(true);
  await waitForText(page, '#train-stats', /^Loading the data and measuring the current model/);
  await page.waitForFunction(() => /Your 2 corrections, which it trained on .*: .* before, .* after\. 2,000 MNIST test images: .* before, .* after/.test(document.getElementById('corrections-result').textContent), null, { timeout: 120_000 });
  const text = await page.locator('#corrections-result').textContent();
  const mnistAfter = Number(/MNIST test images: [\d.]+% before, ([\d.]+)% after/.exec(text)[1]);
  expect(mnistAfter).toBeGreaterThan(90);  // it did not forget MNIST
  expect(await page.locator('#train-error').isHidden()).toBe(true);
  await waitForText(page, '#train-result-text', /^Fine-tuned\. It reads/);
  await page.click('#train-use');
  await waitForText(page, '#model-info', /^Fine-tuned here \(\d+\.\d%\)/);

  await page.setInputFiles('#corrections-import', { name: 'junk.json', mimeType: 'application/json', buffer: Buffer.from('{"nope": 1}') });
  await page.waitForFunction(() => /Could not import junk\.json: this file is not a digitpad corrections file/.test(document.getElementById('corrections-result').textContent));
  await page.waitForFunction(() => document.getElementById('corrections-count').dataset.count === '2');
});
