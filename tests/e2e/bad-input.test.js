// Whatever a user feeds the page, it shows a clear message and loses nothing: the model in
// use, the drawing on the pad and the saved corrections stay as they were.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, expect, test } from 'vitest';
import { ROOT } from '../js/helpers.js';
import { DIGIT_STROKES, drawStrokes, predictionOf, waitForText } from './browser.js';
import { encodeGreyPng } from './png.js';
import { pageSuite } from './suite.js';

const suite = pageSuite({ viewport: { width: 1100, height: 1000 } });
let page;
beforeEach(() => {
  page = suite.page();
});

const cnn = fs.readFileSync(path.join(ROOT, 'models/cnn.bin'));
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'models/manifest.json'), 'utf8'));
const defaultName = manifest.models.find((m) => m.default).name;
const BAD_MODELS = [
  ['empty.bin', Buffer.alloc(0), /model file is empty/],
  ['truncated.bin', cnn.subarray(0, 1000), /truncated/],
  ['picture.bin', encodeGreyPng(new Uint8Array(64), 8, 8), /wrong magic/],
  ['flipped.bin', Buffer.from(cnn.map((b, i) => (i === 5000 ? b ^ 0x40 : b))), /bad checksum/],
];

async function state() {
  return {
    model: await page.locator('#model-info').textContent(),
    prediction: await predictionOf(page),
    saved: await page.locator('#corrections-count').getAttribute('data-count'),
  };
}

test('corrupt, truncated, empty, huge and wrong-kind model files', async () => {
  await drawStrokes(page, DIGIT_STROKES[7]);
  const before = await state();
  expect(before.prediction.digit).toBe('7');
  const huge = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'digitpad-')), 'huge.bin');
  fs.writeFileSync(huge, Buffer.alloc(100 * 1024 * 1024));  // 100 MB of zeros
  for (const [name, bytes, message] of [...BAD_MODELS, ['huge.bin', huge, /wrong magic/]]) {
    await page.setInputFiles('#model-input', typeof bytes === 'string' ? bytes : { name, mimeType: 'application/octet-stream', buffer: bytes });
    await waitForText(page, '#error', new RegExp(`${name.replace('.', '\\.')} is not a usable model: .*${message.source}.*Still using ${defaultName}`), 30_000);
    expect(await state()).toEqual(before);
  }
});

test('IDX files that lie about their sizes', async () => {
  await page.click('#training-panel summary');
  await page.waitForFunction(() => /Data ready/.test(document.getElementById('data-status').textContent), null, { timeout: 30_000 });
  const before = await state();
  const be = (v) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
  const images = Buffer.from([0, 0, 8, 3, ...be(1000), ...be(28), ...be(28), ...new Array(10 * 784).fill(7)]);  // says 1,000, holds 10
  const labels = Buffer.from([0, 0, 8, 1, ...be(10), ...new Array(10).fill(3)]);
  await page.check('input[name="train-data"][value="files"]');
  for (const [id, buffer] of [['#idx-train-images', images], ['#idx-train-labels', labels], ['#idx-test-images', images], ['#idx-test-labels', labels]]) {
    await page.setInputFiles(id, { name: `${id.slice(5)}.idx`, mimeType: 'application/octet-stream', buffer });
  }
  await page.click('#train-start');
  await waitForText(page, '#train-error', /the training files: the image file is truncated: header says 1000 images.*The model in use is unchanged/, 30_000);
  expect(await state()).toEqual(before);
});

test('the worker crashing mid-run is reported, and a new one trains', async () => {
  await page.click('#training-panel summary');
  await page.waitForFunction(() => /Data ready/.test(document.getElementById('data-status').textContent), null, { timeout: 30_000 });
  await drawStrokes(page, DIGIT_STROKES[4]);
  const before = await state();
  await page.fill('#train-epochs', '50');
  await page.click('#train-start');
  await page.waitForFunction(() => /Epoch \d+ of 50/.test(document.getElementById('train-stats').textContent), null, { timeout: 30_000 });
  suite.allow(/worker crashed on purpose/);
  const [worker] = page.workers();
  await worker.evaluate(() => setTimeout(() => { throw new Error('worker crashed on purpose'); }));
  await waitForText(page, '#train-error', /The training worker stopped unexpectedly \(.*worker crashed on purpose\); press Start to begin again/);
  expect(await state()).toEqual(before);

  await page.fill('#train-epochs', '1');
  await page.click('#train-start');
  await page.waitForSelector('#train-result:not([hidden])', { timeout: 60_000 });
  expect(Number(await page.locator('#train-result').getAttribute('data-test-accuracy'))).toBeGreaterThan(0.85);
});
