// A whole number on the pad, in real Chromium through the server `npm start` runs: drawn with
// the mouse on a desktop's wide pad and with a finger on a phone's square one, it is read
// (#prediction[data-number]), each digit gets a button with its 28x28 image and confidence and
// a box over its ink; picking a digit shows its chart and image, and "Wrong?" saves that digit
// alone. A picture of the number ("Classify an image") reads the same. axe in both themes.
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { DESKTOP, drawStrokes, numberStrokes, predictionOf } from './browser.js';
import { ARTIFACTS, nextFrames, saveScreenshot, seriousAxeViolations, touchStrokes } from './looks.js';
import { pageSuite } from './suite.js';

const NUMBER = '7410';

/** The #seen canvas's 784 grey levels (what the network saw of the selected digit). */
function seenPixels(page) {
  return page.locator('#seen').evaluate((canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, 28, 28);
    return Array.from({ length: 784 }, (_, i) => data[4 * i]);
  });
}

/** The boxes over the pad, in page pixels. */
function boxesOnPage(page) {
  return page.locator('#pad-boxes .pad-box').evaluateAll((boxes) => boxes.map((b) => {
    const r = b.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height, selected: b.classList.contains('selected') };
  }));
}

const INPUTS = [
  ['desktop, with the mouse', { viewport: DESKTOP, context: {} }, { draw: drawStrokes, size: {} }],
  // The phone's pad is square: the number is written smaller, as a person would.
  ['phone, with a finger', { viewport: { width: 390, height: 844 }, context: { isMobile: true, hasTouch: true, deviceScaleFactor: 3 } },
    { draw: touchStrokes, size: { size: 0.4, step: 0.24 } }],
];

for (const [name, { viewport, context }, { draw, size }] of INPUTS) {
  describe(name, () => {
    const suite = pageSuite({ viewport, context: { ...context, bypassCSP: true } });
    let page;
    beforeEach(() => {
      page = suite.page();
    });

    test(`${NUMBER} is read, with a button, a box and a chart for each digit`, async () => {
      await draw(page, numberStrokes(NUMBER, size));
      const p = await predictionOf(page);
      expect(p).toMatchObject({ number: NUMBER, state: 'number', digit: '' });
      expect(await page.locator('#prediction .digit').textContent()).toBe(NUMBER);
      expect(await page.locator('#prediction .verdict').textContent()).toMatch(/^4 digits/);
      expect(await page.locator('#announce').textContent()).toMatch(new RegExp(`^I read the number ${NUMBER}`));

      // One button per digit, left to right, the newest (the last) picked.
      const parts = page.locator('#number-parts button');
      expect(await page.locator('#number-parts').isVisible()).toBe(true);
      expect(await parts.evaluateAll((b) => b.map((e) => e.dataset.digit))).toEqual([...NUMBER]);
      expect(await parts.evaluateAll((b) => b.map((e) => e.getAttribute('aria-pressed')))).toEqual(['false', 'false', 'false', 'true']);
      expect(await parts.nth(1).getAttribute('aria-label')).toMatch(/^Digit 2 of 4: 4, \d+% sure$/);

      // A box over each digit's ink, on the pad, left to right, not overlapping much.
      const pad = await page.locator('#pad').boundingBox();
      const boxes = await boxesOnPage(page);
      expect(boxes).toHaveLength(4);
      for (const [i, b] of boxes.entries()) {
        expect(b.x).toBeGreaterThanOrEqual(pad.x);
        expect(b.x + b.width).toBeLessThanOrEqual(pad.x + pad.width);
        expect(b.y).toBeGreaterThanOrEqual(pad.y);
        expect(b.height).toBeGreaterThan(0.2 * pad.height);
        if (i > 0) expect(b.x + b.width / 2).toBeGreaterThan(boxes[i - 1].x + boxes[i - 1].width);
      }
      expect(boxes.map((b) => b.selected)).toEqual([false, false, false, true]);

      // Picking a digit shows its chart and its image.
      const zeroSeen = await seenPixels(page);
      await parts.nth(1).click();
      expect(await parts.nth(1).getAttribute('aria-pressed')).toBe('true');
      expect((await boxesOnPage(page)).map((b) => b.selected)).toEqual([false, true, false, false]);
      expect((await predictionOf(page)).selected).toBe('1');
      const label = await page.locator('#chart').getAttribute('aria-label');
      const values = [...label.matchAll(/(\d): (\d+)%/g)].map((m) => Number(m[2]));
      expect(values.indexOf(Math.max(...values))).toBe(4);
      expect(await seenPixels(page)).not.toEqual(zeroSeen);
      await saveScreenshot(page, `number-${viewport.width}`);
    });

    test('"Wrong?" on a number saves the picked digit alone', async () => {
      await draw(page, numberStrokes(NUMBER, size));
      expect((await predictionOf(page)).number).toBe(NUMBER);
      await page.locator('#number-parts button').nth(2).click();
      const seen = await seenPixels(page);
      await page.click('#correction button[data-label="2"]');
      await expect.poll(() => page.locator('#correction-status').textContent()).toBe('Saved as a 2.');
      await page.evaluate(() => { document.getElementById('corrections-panel').open = true; });
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#corrections-export')]);
      const { corrections } = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
      expect(corrections.map((c) => c.label)).toEqual([2]);
      // The image saved is the picked digit's 28x28, as #seen shows it (dark ink on white).
      const saved = Buffer.from(corrections[0].pixels, 'base64');
      expect(saved).toHaveLength(784);
      expect(Array.from(saved).filter((v, i) => Math.abs(255 - v - seen[i]) > 1)).toHaveLength(0);
    });

    test('no serious accessibility violation with a number read, in both themes', async () => {
      await draw(page, numberStrokes(NUMBER, size));
      expect((await predictionOf(page)).number).toBe(NUMBER);
      for (const scheme of ['light', 'dark']) {
        await page.emulateMedia({ colorScheme: scheme });
        await nextFrames(page);
        expect(await seriousAxeViolations(page), scheme).toEqual([]);
      }
    });
  });
}

describe('a picture of a number', () => {
  const suite = pageSuite({ context: { bypassCSP: true } });

  test('"Classify an image" reads the number in it', async () => {
    const page = suite.page();
    await drawStrokes(page, numberStrokes(NUMBER));
    expect((await predictionOf(page)).number).toBe(NUMBER);
    // The pad's drawing inside its border, as a PNG: a scan of the number.
    const pad = await page.locator('#pad').boundingBox();
    const border = 3;
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, 'number-picture.png');
    await page.screenshot({ path: file, clip: { x: pad.x + border, y: pad.y + border, width: pad.width - 2 * border, height: pad.height - 2 * border } });
    await page.click('#clear');
    expect((await predictionOf(page)).number).toBe('');
    await page.setInputFiles('#image-input', file);
    await expect.poll(async () => (await predictionOf(page)).number).toBe(NUMBER);
    expect((await predictionOf(page)).state).toBe('number');
    expect(await page.locator('#pad-boxes .pad-box').count()).toBe(4);
  });
});
