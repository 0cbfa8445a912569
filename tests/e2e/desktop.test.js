// The page on a desktop screen: the pad and the result side by side, the "draw here" hint on the
// empty pad (over the canvas, not in what the network reads), the time a recognition took next
// to the result, and screenshots in both themes.
import { beforeEach, expect, test } from 'vitest';
import { DIGIT_STROKES, drawStrokes, predictionOf } from './browser.js';
import { nextFrames, saveScreenshot } from './looks.js';
import { pageSuite } from './suite.js';

const suite = pageSuite({ viewport: { width: 1280, height: 800 } });
let page;
beforeEach(() => {
  page = suite.page();
});

const padInk = () => page.locator('#pad').evaluate((canvas) => {
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let opaque = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) opaque++;
  return opaque;
});

test('the empty pad says "draw a digit here", not in its pixels, and the hint goes once there is ink', async () => {
  const hint = page.locator('#pad-hint');
  expect(await hint.isVisible()).toBe(true);
  expect(await hint.textContent()).toMatch(/draw/i);
  expect(await padInk()).toBe(0);  // the canvas the network reads holds nothing but ink
  const [padBox, hintBox] = [await page.locator('#pad').boundingBox(), await hint.boundingBox()];
  expect(hintBox.x >= padBox.x && hintBox.x + hintBox.width <= padBox.x + padBox.width).toBe(true);

  await drawStrokes(page, DIGIT_STROKES[1]);
  expect(await hint.isVisible()).toBe(false);
  await page.click('#undo');
  expect(await hint.isVisible()).toBe(true);
  await drawStrokes(page, DIGIT_STROKES[7]);
  await page.click('#clear');
  expect(await hint.isVisible()).toBe(true);
});

test('the time the recognition took shows next to the result', async () => {
  const latency = page.locator('#prediction .latency');
  expect((await latency.textContent()).trim()).toBe('');
  await drawStrokes(page, DIGIT_STROKES[4]);
  const p = await predictionOf(page);
  const text = await latency.textContent();
  expect(text).toMatch(/^read in \d+(\.\d)? ms$/);
  expect(Number(text.match(/[\d.]+/)[0])).toBeCloseTo(Number(p.latencyMs), Number(p.latencyMs) < 10 ? 0 : -1);
  expect(await latency.isVisible()).toBe(true);
});

test('desktop: the pad and the result side by side, no sideways scrolling; screenshots in both themes', async () => {
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.click('#clear');
    await drawStrokes(page, DIGIT_STROKES[7]);
    await nextFrames(page);
    const [pad, result] = [await page.locator('#pad').boundingBox(), await page.locator('#prediction').boundingBox()];
    expect(result.x).toBeGreaterThan(pad.x + pad.width);
    expect(result.y).toBeLessThan(pad.y + pad.height);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await saveScreenshot(page, `desktop-${scheme}`);
  }
});
