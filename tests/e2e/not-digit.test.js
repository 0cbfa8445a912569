// "That does not look like a digit", in real Chromium through the suites' server: a click (a dot)
// and a 3-px drag (a flick) with the mouse and with a finger give #prediction[data-state=
// not-digit], the chart greyed and the announcement; a straight 1 of digit size stays a 1; the
// drawing can still be corrected to a digit.
//
// The scribble and the capital A at the end need a model with the eleventh output ("not a
// digit"): they choose the shipped experimental one in the model picker, as a user would.
import { beforeEach, describe, expect, test } from 'vitest';
import { clickPad, DIGIT_STROKES, drawStrokes, NOT_DIGIT_STROKES, predictionOf, waitForText } from './browser.js';
import { canvasPaint, touchStrokes } from './looks.js';
import { pageSuite } from './suite.js';

const STRAIGHT_ONE = [[[0.5, 0.25], [0.5, 0.75]]];  // half the pad's height, one stroke

/** A 3-px stroke at the pad's centre, in pad coordinates. */
async function flickStrokes(page) {
  const { height } = await page.locator('#pad').boundingBox();  // pad coordinates: fractions of its height
  return [[[0.5, 0.5], [0.5 + 3 / height, 0.5]]];
}

// The page reads the pad when a stroke ends, before the mouse or touch event returns.
async function expectNotADigit(page, reason) {
  expect(await predictionOf(page)).toMatchObject({ state: 'not-digit', digit: '', reason });
  expect(await page.locator('#prediction .verdict').textContent()).toBe('that does not look like a digit');
  expect(await page.locator('#prediction .digit').textContent()).toBe('');
  // The chart: the network's ten values, greyed, and said so.
  expect(await page.locator('#chart').getAttribute('aria-label'))
    .toMatch(/^Greyed out, as the drawing does not look like a digit\. The network's confidence for each digit: 0: \d+%, .*9: \d+%$/);
  // After a rule the ten values are the network's reading of the ink, bars to see; when the
  // network itself says "not a digit" the ten are near 0 and so are their bars.
  if (reason !== 'network') expect((await canvasPaint(page, '#chart', '--greyed-bar')).count).toBeGreaterThan(20);
  expect((await canvasPaint(page, '#chart', '--accent')).count).toBe(0);
  await waitForText(page, '#announce', 'That does not look like a digit.');
}

// The same drawings with the mouse on a desktop and with a finger on a phone.
const INPUTS = [
  ['desktop, with the mouse', {}, { draw: drawStrokes, tap: clickPad }],
  ['phone, with a finger', { viewport: { width: 390, height: 844 }, context: { isMobile: true, hasTouch: true } },
    { draw: touchStrokes, tap: (page, point) => touchStrokes(page, [[point]]) }],
];

describe.each(INPUTS)('%s', (_, suiteOptions, input) => {
  const suite = pageSuite(suiteOptions);
  let page;
  beforeEach(() => {
    page = suite.page();
  });

  test('a click or a tap is a dot: not a digit', async () => {
    await input.tap(page, [0.5, 0.5]);
    await expectNotADigit(page, 'dot');
  });

  test('a 3-px drag is not a digit', async () => {
    await input.draw(page, await flickStrokes(page));
    await expectNotADigit(page, expect.stringMatching(/^(dot|flick)$/));
  });

  test('a 1 drawn as one straight stroke of digit size is still a 1', async () => {
    await input.draw(page, STRAIGHT_ONE);
    const p = await predictionOf(page);
    expect(['confident', 'unsure']).toContain(p.state);
    expect(p.digit).toBe('1');
    expect(p.reason).toBe('');
  });
});

describe('desktop: after a dot, a correction, and what only the network can tell', () => {
  const suite = pageSuite();
  let page;
  beforeEach(() => {
    page = suite.page();
  });

  test('a digit after a dot: the chart has its colour back, the verdict its digit', async () => {
    await clickPad(page, [0.2, 0.2]);
    await expectNotADigit(page, 'dot');
    await page.click('#clear');
    await drawStrokes(page, DIGIT_STROKES[7]);
    expect(await predictionOf(page)).toMatchObject({ state: 'confident', digit: '7', reason: '' });
    expect((await canvasPaint(page, '#chart', '--accent')).count).toBeGreaterThan(20);
    expect(await page.locator('#chart').getAttribute('aria-label')).toMatch(/^Confidence for each digit: 0:/);
  });

  test('"Wrong? It is a 7" saves a drawing the page called not a digit', async () => {
    await drawStrokes(page, await flickStrokes(page));
    expect((await predictionOf(page)).state).toBe('not-digit');
    await page.click('#correction button[data-label="7"]');
    await waitForText(page, '#correction-status', 'Saved as a 7.');
    await waitForText(page, '#corrections-count', '1 correction saved in this browser.');
  });

  // The default model has the eleventh output: it tells these without any choice.
  test('a scribble is not a digit', async () => {
    await drawStrokes(page, NOT_DIGIT_STROKES.scribble);
    await expectNotADigit(page, 'network');
  });

  test('a capital A is not a digit', async () => {
    await drawStrokes(page, NOT_DIGIT_STROKES.A);
    await expectNotADigit(page, 'network');
  });

  test('the small CNN, which has no "not a digit" output, still calls a dot no digit', async () => {
    await page.selectOption('#model-select', 'small-cnn');
    await waitForText(page, '#model-info', /^digitpad small CNN/);
    await clickPad(page, [0.5, 0.5]);
    await expectNotADigit(page, 'dot');
  });

});
