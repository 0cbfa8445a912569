// "Inside the network" and the on-demand parts of the page in Chromium: the first visit
// fetches neither the studio's code nor this panel's; "Why this answer" shows the real
// module's explanation of the drawing (a drawn 7 is explained as a 7, live as the pen moves),
// and "Where it fails" measures the model in use in the studio's worker (the confusion matrix
// sums to the test set, a cell shows its images); on desktop and phone, in both themes, with
// screenshots in test-artifacts/.
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { ROOT } from '../js/helpers.js';
import { DIGIT_STROKES, drawStrokes, predictionOf, waitForText } from './browser.js';
import { nextFrames, saveScreenshot, touchStrokes } from './looks.js';
import { pageSuite } from './suite.js';

const loadedChunks = (page) => page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name)
  .filter((name) => /\/assets\/(studio|inside)-/.test(name)).map((name) => name.replace(/.*\/assets\/(\w+)-.*\.(\w+)$/, '$1.$2')).sort());

async function openInside(page) {
  await page.click('#inside-panel summary');
  await page.waitForSelector('body[data-inside-ready=true]');
}

const whyTarget = (page) => page.locator('#inside-why').getAttribute('data-target');

describe('desktop', () => {
  const suite = pageSuite();
  let page;
  beforeEach(() => {
    page = suite.page();
  });

  test('the first visit fetches no studio or inside code; opening each panel fetches its own', async () => {
    await drawStrokes(page, DIGIT_STROKES[4]);
    expect(await loadedChunks(page)).toEqual([]);
    await openInside(page);
    expect(await loadedChunks(page)).toEqual(['inside.css', 'inside.js']);
    await page.click('#training-panel summary');
    await page.waitForSelector('body[data-studio-ready=true]');
    expect(await loadedChunks(page)).toEqual(['inside.css', 'inside.js', 'studio.js']);
  });

  test('"Wrong? It is a N" works before the studio was ever opened (the click loads it)', async () => {
    await drawStrokes(page, DIGIT_STROKES[1]);
    await page.click('#correction button[data-label="1"]');
    await page.waitForSelector('body[data-studio-ready=true]');
    await page.waitForFunction(() => document.getElementById('correction-status').textContent === 'Saved as a 1.');
  });

  test.each(['light', 'dark'])('why a drawn 7 is a 7: attribution, filters and every layer, live; %s theme', async (scheme) => {
    await page.emulateMedia({ colorScheme: scheme });
    await openInside(page);
    expect(await page.locator('#inside-why .why-empty').isVisible()).toBe(true);
    await drawStrokes(page, DIGIT_STROKES[7]);
    expect((await predictionOf(page)).digit).toBe('7');
    await page.waitForSelector('#inside-why[data-target="7"]');
    // The default model: five convs and three pools (each with its ReLU folded in) and the scores.
    const stages = await page.locator('#inside-why .why-layers canvas').evaluateAll((c) => c.map((x) => x.getAttribute('aria-label')));
    expect(stages).toHaveLength(9);
    expect(stages[0]).toBe('conv:16x3:same → relu: 16 feature maps of 28×28');
    expect(stages.at(-1)).toMatch(/^dense:11, the score of each class: 0: -?\d+\.\d\d, .* 7: (\d+\.\d\d), .*not a digit: -?\d+\.\d\d$/);
    expect(await page.locator('#inside-why .why-filters canvas').getAttribute('aria-label')).toBe('conv:16x3:same: 16 filters of 3×3');
    // The attribution map has red (raised the 7) where the ink is.
    const red = await page.locator('#why-attribution').evaluate((c) => {
      const d = c.getContext('2d').getImageData(0, 0, 28, 28).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] > 150 && d[i + 2] < 120) n++;
      return n;
    });
    expect(red).toBeGreaterThan(10);
    await saveScreenshot(page, `inside-why-desktop-${scheme}`, { fullPage: true });

    // Another class to explain, and the gradient alone.
    await page.selectOption('#why-target', '1');
    await page.waitForSelector('#inside-why[data-target="1"]');
    await page.check('input[name="why-mode"][value="gradient"]');
    expect(await page.locator('#inside-why .why-caption').textContent()).toBe('Why "1": the gradient of its score. Red raised its score, blue lowered it.');
    await page.selectOption('#why-target', '-1');

    // Live: a new drawing is explained while it is drawn, and each update is timed.
    await page.click('#clear');
    await page.waitForSelector('#inside-why .why-empty:not([hidden])');
    await drawStrokes(page, DIGIT_STROKES[0]);
    await page.waitForSelector('#inside-why[data-target="0"]');
    const updates = await page.evaluate(() => performance.getEntriesByName('digitpad-inside-why').length);
    expect(updates).toBeGreaterThan(3);
  });

  test('a model from the picker is explained with its own layers (an MLP: its first layer\'s units as 28x28 images)', async () => {
    await openInside(page);
    await drawStrokes(page, DIGIT_STROKES[7]);
    await page.waitForSelector('#inside-why[data-target="7"]');
    await page.selectOption('#model-select', 'mlp');
    await page.waitForFunction(() => document.querySelector('#inside-why .why-filters canvas')?.getAttribute('aria-label').startsWith('dense:512'));
    expect(await page.locator('#inside-why .why-filters canvas').getAttribute('aria-label')).toBe('dense:512: the first 64 of 512 units of 28×28');
    expect(await page.locator('#inside-why .why-layers canvas').count()).toBe(3);
    expect(await whyTarget(page)).toBe(String(await page.locator('#prediction').getAttribute('data-digit')));
  });

  test('every model side by side on one drawing: the shipped ones and a loaded file', async () => {
    await openInside(page);
    await drawStrokes(page, DIGIT_STROKES[7]);
    await page.waitForSelector('#compare-table[data-rows="1"]');  // the model in use
    await page.click('#compare-load');
    await page.waitForSelector('#compare-table[data-rows="6"]', { timeout: 30_000 });
    const rows = () => page.locator('#compare-table tr[data-answer]').evaluateAll((trs) => trs.map((tr) => ({
      name: tr.querySelector('th').textContent, answer: tr.dataset.answer, confidence: Number(tr.dataset.confidence) })));
    const shipped = await rows();
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'models/manifest.json'), 'utf8'));
    expect(shipped.map((r) => r.name)).toEqual(manifest.models.map((m) => (m.id === manifest.default ? `${m.name} (in use)` : m.name)));
    // The model in use answers as the page does.
    const page7 = await predictionOf(page);
    expect(shipped[0].answer).toBe(page7.digit);
    expect(shipped[0].confidence).toBeCloseTo(Number(page7.confidence), 3);
    for (const row of shipped) expect(row.answer).toBe('7');
    // A model file (the small CNN's bytes under another name) joins once it is used.
    await page.setInputFiles('#model-input', { name: 'my-model.bin', mimeType: 'application/octet-stream', buffer: fs.readFileSync(path.join(ROOT, 'models/small-cnn.bin')) });
    await page.waitForSelector('#compare-table[data-rows="7"]');
    const all = await rows();
    expect(all.at(-1)).toEqual({ ...all[1], name: 'my-model.bin (in use)' });
    await page.locator('#inside-compare').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'inside-compare-desktop');
  });

  test.each(['light', 'dark'])('where the default model fails: the confusion matrix sums to the test set, a cell shows its images; %s theme', async (scheme) => {
    await page.emulateMedia({ colorScheme: scheme });
    await openInside(page);
    await page.click('#failures-test');
    await waitForText(page, '#failures-status', /^digitpad CNN .*: \d+\.\d% of 2,000 test images read right; \d+ misread\.$/, 60_000);
    const cells = await page.locator('#confusion tr').evaluateAll((rows) => rows.slice(1).map((r) => [...r.querySelectorAll('td[data-count]')].map((td) => Number(td.dataset.count))));
    expect(cells).toHaveLength(11);
    expect(cells.flat().reduce((a, b) => a + b, 0)).toBe(2000);
    expect(await page.locator('#confusion').getAttribute('data-total')).toBe('2000');
    const wrong = cells.flatMap((row, t) => row.filter((_, p) => p !== t)).reduce((a, b) => a + b, 0);
    const misread = Number((await page.locator('#failures-status').textContent()).match(/(\d+) misread/)[1]);
    expect(misread).toBe(wrong);
    expect(Number(await page.locator('#gallery').getAttribute('data-count'))).toBe(Math.min(wrong, 120));
    // The first row's accuracy is its diagonal over its sum.
    const accuracy = await page.locator('#confusion tr').nth(1).locator('.confusion-accuracy').textContent();
    expect(accuracy).toBe(`${((cells[0][0] / cells[0].reduce((a, b) => a + b, 0)) * 100).toFixed(1)}%`);
    // A cell: exactly its images, each captioned with the cell's two classes.
    const cell = page.locator('#confusion .confusion-wrong button').first();
    const label = await cell.getAttribute('aria-label');
    const [, count, truth, read] = label.match(/^(\d+) (.+) read as (.+): show them$/);
    await cell.click();
    expect(await page.locator('#gallery').getAttribute('data-count')).toBe(count);
    for (const caption of await page.locator('#gallery figcaption').allTextContents()) expect(caption).toMatch(new RegExp(`^${truth} read as ${read} \\(\\d+\\.\\d%\\)$`));
    await page.locator('#inside-failures').scrollIntoViewIfNeeded();
    await saveScreenshot(page, `inside-failures-desktop-${scheme}`);
    await page.click('#inside-failures .gallery-all');
    expect(Number(await page.locator('#gallery').getAttribute('data-count'))).toBe(Math.min(wrong, 120));
  });

  test('where it fails on my corrections: one saved drawing, measured', async () => {
    await drawStrokes(page, DIGIT_STROKES[4]);
    await page.click('#correction button[data-label="9"]');  // "wrong, it is a 9": the model reads it as a 4
    await waitForText(page, '#correction-status', 'Saved as a 9.');
    await openInside(page);
    await page.click('#failures-corrections');
    await waitForText(page, '#failures-status', /: 0\.0% of your 1 correction read right; 1 misread\.$/, 30_000);
    expect(await page.locator('#confusion').getAttribute('data-total')).toBe('1');
    expect(await page.locator('#gallery figcaption').allTextContents()).toEqual([expect.stringMatching(/^9 read as 4 \(\d+\.\d%\)$/)]);
  });
});

describe('phone', () => {
  const suite = pageSuite({ viewport: { width: 390, height: 844 }, context: { isMobile: true, hasTouch: true } });
  let page;
  beforeEach(() => {
    page = suite.page();
  });

  test.each(['light', 'dark'])('"Why this answer" fits a phone, %s theme', async (scheme) => {
    await page.emulateMedia({ colorScheme: scheme });
    await touchStrokes(page, DIGIT_STROKES[7]);  // the pad is on screen before the panel opens
    await page.waitForSelector('#prediction[data-digit="7"]');
    // Opened as the accessibility suite opens panels: a tap on the summary right after touch
    // strokes is sometimes lost under load (as phone.test.js found for Undo).
    await page.evaluate(() => { document.getElementById('inside-panel').open = true; });
    await page.waitForSelector('body[data-inside-ready=true]');
    await page.waitForSelector('#inside-why[data-target="7"]');
    await nextFrames(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await saveScreenshot(page, `inside-why-phone-${scheme}`, { fullPage: true });
  });
});
