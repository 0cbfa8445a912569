// The page on a phone: a 390x844 touch screen (isMobile, hasTouch). The page fits the width
// from 320 to 600 px, the result stays in view while a finger draws, a digit drawn by touch is
// read, taps work and the touch targets are large enough. Screenshots in both themes.
import { beforeEach, describe, expect, test } from 'vitest';
import { DIGIT_STROKES, predictionOf } from './browser.js';
import { nextFrames, saveScreenshot, touchStrokes } from './looks.js';
import { pageSuite } from './suite.js';

const PHONE = { width: 390, height: 844 };
const suite = pageSuite({ viewport: PHONE, context: { isMobile: true, hasTouch: true } });
let page;
beforeEach(() => {
  page = suite.page();
});

/** How wide the page really is (with isMobile, innerWidth grows with an overflowing page). */
const pageWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
const rightEdge = (selector) => page.locator(selector).evaluate((el) => el.getBoundingClientRect().right);

describe('layout', () => {
  test.each([320, 390, 600])('at %i px the page fits the width: no sideways scrolling', async (width) => {
    await page.setViewportSize({ width, height: PHONE.height });
    await nextFrames(page);
    expect(await pageWidth()).toBeLessThanOrEqual(width);
    for (const selector of ['#pad', '#clear', '#undo', '#chart', '#model-select']) {
      expect(await rightEdge(selector), selector).toBeLessThanOrEqual(width);
    }
  });

  test('the whole pad and the digit read with its confidence are in view while drawing, without scrolling', async () => {
    const inView = (selector) => page.locator(selector).evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= document.documentElement.clientWidth;
    });
    expect(await inView('#pad')).toBe(true);
    await touchStrokes(page, DIGIT_STROKES[7], {
      duringStroke: async () => {
        expect(await page.evaluate(() => window.scrollY)).toBe(0);
        expect((await predictionOf(page)).state).not.toBe('empty');  // read live, finger still down
        expect(await inView('#prediction .digit')).toBe(true);
        expect(await inView('#prediction .verdict')).toBe(true);
        // Mid-stroke the ink may be no digit yet (the 7's bar alone): then the page says so.
        expect(await page.locator('#prediction .verdict').textContent()).toMatch(/%|does not look like a digit/);
      },
    });
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    expect(await inView('#prediction .verdict')).toBe(true);
    expect(await page.locator('#prediction .verdict').textContent()).toMatch(/%/);  // the 7, read
  });
});

describe('touch', () => {
  test.each([1, 4, 7])('a %i drawn with a finger is read', async (digit) => {
    await touchStrokes(page, DIGIT_STROKES[digit]);
    const p = await predictionOf(page);
    expect(p.digit).toBe(String(digit));
    expect(p.state).toBe('confident');
  });

  test('taps on Undo and Clear work', async () => {
    await touchStrokes(page, DIGIT_STROKES[1]);
    await touchStrokes(page, DIGIT_STROKES[0]);
    // A tap's click comes after the touch is acknowledged: wait for the page to act on it
    // (polling on a timer: polling on animation frames missed the change when frames stalled).
    const predictionBecomes = (key, value) => page.waitForFunction(([k, v]) => document.getElementById('prediction').dataset[k] === v, [key, value], { timeout: 5_000, polling: 100 });
    // The last stroke read first: a tap sent while the page still handles the touch sequence
    // was lost under load.
    await predictionBecomes('digit', '0');
    await nextFrames(page);
    await page.tap('#undo');
    await predictionBecomes('digit', '1');
    await nextFrames(page);
    await page.tap('#clear');
    await predictionBecomes('state', 'empty');
  });

  test('the correction buttons and the pad buttons are at least 44x44 px on a touch screen', async () => {
    const sizes = await page.locator('#correction button, .pad-tools button').evaluateAll((buttons) =>
      buttons.map((b) => ({ label: b.textContent, width: b.getBoundingClientRect().width, height: b.getBoundingClientRect().height })));
    expect(sizes.length).toBe(12);
    for (const s of sizes) {
      expect(s.width, s.label).toBeGreaterThanOrEqual(44);
      expect(s.height, s.label).toBeGreaterThanOrEqual(44);
    }
  });
});

test('screenshots of the phone layout in both themes (test-artifacts/phone-*.png)', async () => {
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.click('#clear');
    await touchStrokes(page, DIGIT_STROKES[4]);
    await nextFrames(page);
    await saveScreenshot(page, `phone-${scheme}`);
    await saveScreenshot(page, `phone-${scheme}-full`, { fullPage: true });
  }
});
