// End to end in real Chromium against the built site served from a sub-path, as GitHub Pages
// serves it: drawing with the mouse, clear, undo, keyboard, a corrupt model file, a model from
// file, an image file, the model selector, no console errors, nothing from other origins.
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { readMnist, ROOT } from '../js/helpers.js';
import { DIGIT_STROKES, drawStrokes, predictionOf, waitForText } from './browser.js';
import { mnistAsPicture } from './png.js';
import { pageSuite } from './suite.js';

const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const suite = pageSuite();
let page;
beforeEach(() => {
  page = suite.page();
});

describe('drawing', () => {
  test.each([0, 1, 4, 7])('a drawn %i is recognised', async (digit) => {
    expect((await predictionOf(page)).state).toBe('empty');
    await drawStrokes(page, DIGIT_STROKES[digit]);
    const p = await predictionOf(page);
    expect(p.digit).toBe(String(digit));
    expect(p.state).toBe('confident');
    expect(Number(p.confidence)).toBeGreaterThan(0.6);
    await waitForText(page, '#announce', `a ${digit}`);
  });

  test('clear, undo and the keyboard', async () => {
    await drawStrokes(page, DIGIT_STROKES[1]);
    expect((await predictionOf(page)).digit).toBe('1');
    await page.click('#clear');
    expect(await predictionOf(page)).toMatchObject({ digit: '', state: 'empty' });

    // Undo takes back exactly the last stroke: the 1 alone comes back, to the last digit.
    await drawStrokes(page, DIGIT_STROKES[1]);
    const one = await predictionOf(page);
    await drawStrokes(page, DIGIT_STROKES[0]);
    expect((await predictionOf(page)).confidence).not.toBe(one.confidence);
    await page.click('#undo');
    expect((await predictionOf(page)).confidence).toBe(one.confidence);
    await page.keyboard.press('Control+z');
    expect((await predictionOf(page)).state).toBe('empty');

    await drawStrokes(page, DIGIT_STROKES[0]);
    expect((await predictionOf(page)).digit).toBe('0');
    await page.keyboard.press('Escape');
    expect((await predictionOf(page)).state).toBe('empty');
  });
});

describe('models', () => {
  test('a corrupt model file shows the loader error and keeps the current model', async () => {
    const before = await page.locator('#model-select').inputValue();
    await page.setInputFiles('#model-input', { name: 'broken.bin', mimeType: 'application/octet-stream', buffer: Buffer.from('DIGITPAD but not really a model') });
    await waitForText(page, '#error', /broken\.bin is not a usable model: unsupported model format version/);
    expect(await page.locator('#model-select').inputValue()).toBe(before);
    await drawStrokes(page, DIGIT_STROKES[7]);
    expect((await predictionOf(page)).digit).toBe('7');
    expect(await page.locator('#error').isHidden()).toBe(true);  // drawing again: the message is old news
  });

  test('the model selector: the last choice wins over downloads that end out of order', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'models/manifest.json'), 'utf8'));
    // Each download takes longer than the next one asked for: they end in reverse order.
    let asked = 0;
    await page.context().route('**/models/*.bin', async (route) => {
      const delayMs = Math.max(0, 1600 - 200 * asked++);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await route.continue();
    });
    await page.focus('#model-select');
    await page.keyboard.press('ArrowDown');
    const second = manifest.models[1];
    await waitForText(page, '#model-info', `Loading ${second.name}`);  // a download shows that it is loading
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowUp');
    expect(await page.locator('#model-select').inputValue()).toBe(manifest.models[0].id);
    await page.waitForTimeout(2500);  // every download has ended
    expect(asked).toBeGreaterThanOrEqual(4);
    expect(await page.locator('#model-info').textContent()).toMatch(new RegExp(`^${manifest.models[0].name}:`));
    expect(await page.locator('#model-select').inputValue()).toBe(manifest.models[0].id);
  });

  test('a model that cannot be downloaded: the message names the model still in use, the selector shows it', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'models/manifest.json'), 'utf8'));
    const inUse = manifest.models.find((m) => m.default);
    const broken = manifest.models.find((m) => !m.default);
    suite.allow(/503|Failed to load resource/);
    await page.context().route(`**/models/${broken.file}`, (route) => route.fulfill({ status: 503, body: 'busy' }));
    await page.selectOption('#model-select', broken.id);
    await waitForText(page, '#error', `Could not use ${broken.name}: could not fetch models/${broken.file}: HTTP 503. Still using ${inUse.name}.`);
    expect(await page.locator('#model-select').inputValue()).toBe(inUse.id);
    expect(await page.locator('#model-info').textContent()).toMatch(new RegExp(`^${inUse.name}:`));
    await page.selectOption('#model-select', 'mlp');  // choosing another model: the message goes
    await waitForText(page, '#model-info', /^digitpad MLP:/);
    expect(await page.locator('#error').isHidden()).toBe(true);
  });

  test('a model file from disk, and the selector switches models', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'models/manifest.json'), 'utf8'));
    const mlp = manifest.models.find((m) => m.id === 'mlp');
    await page.setInputFiles('#model-input', { name: 'my-model.bin', mimeType: 'application/octet-stream', buffer: fs.readFileSync(path.join(ROOT, 'models', mlp.file)) });
    await waitForText(page, '#model-info', 'my-model.bin');
    expect(await page.locator('#error').isHidden()).toBe(true);
    await drawStrokes(page, DIGIT_STROKES[4]);
    expect((await predictionOf(page)).digit).toBe('4');

    await page.selectOption('#model-select', manifest.default);
    await waitForText(page, '#model-info', manifest.models.find((m) => m.default).name);
    expect((await predictionOf(page)).digit).toBe('4');  // recognised again with the new model
  });

  test('the current model downloads as a model file', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-model')]);
    const bytes = fs.readFileSync(await download.path());
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('DIGITPAD');
  });
});

test('an image file of a handwritten digit is shown and recognised', async () => {
  const mnist = readMnist('test', 3);
  for (let i = 0; i < 3; i++) {
    const png = mnistAsPicture(mnist.pixels.subarray(i * 784, (i + 1) * 784), { lightOnDark: i === 1 });
    await page.setInputFiles('#image-input', { name: `digit-${i}.png`, mimeType: 'image/png', buffer: png });
    await page.waitForFunction((d) => document.querySelector('#prediction').dataset.digit === d, String(mnist.labels[i]), { timeout: 5000 });
  }
  await page.setInputFiles('#image-input', { name: 'not-an-image.png', mimeType: 'image/png', buffer: Buffer.from('no pixels here') });
  await waitForText(page, '#error', /not an image/);
});

test('a Content-Security-Policy allows only this origin (and WebAssembly)', async () => {
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(policy).toMatch(/default-src 'self'/);
  expect(policy).toMatch(/script-src 'self' 'wasm-unsafe-eval'/);
  expect(policy).not.toMatch(/'unsafe-eval'|'unsafe-inline'|https?:/);
  // The policy is in force: an injected inline script and a request to another origin are refused.
  suite.allow(/Content Security Policy/);
  const violations = await page.evaluate(() => new Promise((resolve) => {
    const seen = [];
    document.addEventListener('securitypolicyviolation', (e) => seen.push(e.effectiveDirective));
    const script = document.createElement('script');
    script.textContent = 'window.injected = true';
    document.head.append(script);
    fetch('http://127.0.0.2:9/x').catch(() => {}).finally(() => setTimeout(() => resolve({ seen, ran: Boolean(window.injected) }), 200));
  }));
  expect(violations.ran).toBe(false);
  expect(violations.seen).toEqual(expect.arrayContaining(['script-src-elem', 'connect-src']));
});

test('the page as a person sees it (screenshot artifact)', async () => {
  await drawStrokes(page, DIGIT_STROKES[7]);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'page.png') });
  await page.setViewportSize({ width: 390, height: 844 });  // a phone
  await page.screenshot({ path: path.join(ARTIFACTS, 'page-phone.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: path.join(ARTIFACTS, 'page-phone-dark.png'), fullPage: true });
  expect(fs.statSync(path.join(ARTIFACTS, 'page.png')).size).toBeGreaterThan(10_000);
  expect((await predictionOf(page)).digit).toBe('7');
});
