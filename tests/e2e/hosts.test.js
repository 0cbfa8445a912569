// The training studio on a host that serves the data's .gz files with `Content-Encoding: gzip`
// and every response with `Vary: Origin` (as `vite preview` and some static hosts do): the
// browser hands the worker decoded bytes, which it must not decompress again. The other suites
// use the plain kind of host (a .gz file as its bytes), so the studio is tested with both.
import { beforeEach, expect, test } from 'vitest';
import { DIGIT_STROKES, drawStrokes, waitForText } from './browser.js';
import { pageSuite } from './suite.js';

const suite = pageSuite({
  viewport: { width: 1100, height: 1000 },
  host: { gzipEncoding: true, vary: 'Origin' },
  afterLoad: async (page) => {
    // Every status line the data load shows, to check its progress figures.
    await page.evaluate(() => {
      const status = document.getElementById('data-status');
      window.dataStatuses = [];
      new MutationObserver(() => window.dataStatuses.push(status.textContent))
        .observe(status, { childList: true, characterData: true, subtree: true });
    });
    await page.click('#training-panel summary');
    await page.waitForFunction(() => /Data ready|Could not load/.test(document.getElementById('data-status').textContent), null, { timeout: 30_000 });
  },
});
let page;
beforeEach(() => {
  page = suite.page();
});

test('the data load, with the .gz files sent as Content-Encoding: gzip, and its progress in the files\' sizes', async () => {
  await waitForText(page, '#data-status', /Data ready/);
  const progress = (await page.evaluate(() => window.dataStatuses))
    .map((text) => /Loading training data: ([\d.]+) of ([\d.]+) MB/.exec(text))
    .filter(Boolean)
    .map(([, loaded, total]) => ({ loaded: Number(loaded), total: Number(total) }));
  expect(progress.length).toBeGreaterThan(0);
  for (const { loaded, total } of progress) {
    expect(total).toBeCloseTo(1.8, 1);  // the subset's four .gz files, not their 9.4 MB decoded
    expect(loaded).toBeLessThanOrEqual(total);
  }
});

test('a training run and a fine-tune, with the .gz files sent as Content-Encoding: gzip', async () => {
  await waitForText(page, '#data-status', /Data ready/);
  await page.fill('#train-epochs', '1');
  await page.click('#train-start');
  await page.waitForSelector('#train-result:not([hidden])', { timeout: 60_000 });
  expect(Number(await page.locator('#train-result').getAttribute('data-test-accuracy'))).toBeGreaterThanOrEqual(0.9);

  await page.selectOption('#model-select', 'mlp');
  await waitForText(page, '#model-info', 'digitpad MLP');
  await page.click('#corrections-panel summary');
  expect(await page.locator('#corrections-count').getAttribute('data-count')).toBe('0');  // a new browser context
  await drawStrokes(page, DIGIT_STROKES[4]);
  await page.click('#correction button[data-label="4"]');
  await page.waitForFunction(() => document.getElementById('corrections-count').dataset.count === '1');
  await page.click('#corrections-finetune');
  await page.waitForFunction(() => /MNIST test images: .* before, .* after/.test(document.getElementById('corrections-result').textContent), null, { timeout: 120_000 });
});
