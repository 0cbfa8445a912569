// The page for people who see it differently or use no mouse: axe-core finds no serious or
// critical violation (page, open studio, open corrections panel, open "Inside the network"; light and dark; desktop and
// phone; with a digit and with a drawing that is not one); what axe cannot see on canvases and
// borders is measured here: the result and the chart read by a screen reader, chart text, the
// greyed chart's bars and control borders in contrast, target sizes, disabled buttons that look
// disabled, the custom-network fields only with the custom preset, and a Tab order that reaches
// every control with a visible focus ring.
import { beforeEach, describe, expect, test } from 'vitest';
import { clickPad, DIGIT_STROKES, drawStrokes, predictionOf } from './browser.js';
import { canvasPaint, canvasTextContrast, coloursOf, contrastRatio, nextFrames, seriousAxeViolations, touchStrokes } from './looks.js';
import { pageSuite } from './suite.js';

const SCHEMES = ['light', 'dark'];
// The studio's code loads when one of its panels first opens: wait for it.
async function openPanel(page, id) {
  await page.evaluate((panel) => { document.getElementById(panel).open = true; }, id);
  await page.waitForSelector(id === 'inside-panel' ? 'body[data-inside-ready=true]' : 'body[data-studio-ready=true]');
}

/** axe on the page, then with the studio open, then the corrections panel, then "Inside the network". */
async function expectNoSeriousViolations(page, scheme) {
  await page.emulateMedia({ colorScheme: scheme });
  await nextFrames(page);
  expect(await seriousAxeViolations(page), `${scheme}: page`).toEqual([]);
  await openPanel(page, 'training-panel');
  expect(await seriousAxeViolations(page), `${scheme}: studio open`).toEqual([]);
  await page.evaluate(() => { document.getElementById('training-panel').open = false; });
  await openPanel(page, 'corrections-panel');
  expect(await seriousAxeViolations(page), `${scheme}: corrections open`).toEqual([]);
  await openPanel(page, 'inside-panel');
  await page.waitForSelector('#inside-why[data-target]:not([data-target=""])');
  expect(await seriousAxeViolations(page), `${scheme}: inside the network open`).toEqual([]);
}

describe('desktop', () => {
  const suite = pageSuite({ context: { bypassCSP: true } });
  let page;
  beforeEach(() => {
    page = suite.page();
  });

  test.each(SCHEMES)('axe: no serious or critical violation, %s theme', async (scheme) => {
    await drawStrokes(page, DIGIT_STROKES[7]);
    await expectNoSeriousViolations(page, scheme);
  });

  test('axe: no serious or critical violation in "Where it fails" with its matrix and gallery, both themes', async () => {
    await openPanel(page, 'inside-panel');
    await page.click('#failures-test');
    await page.waitForSelector('#inside-failures .failures-result:not([hidden])', { timeout: 60_000 });
    await page.locator('#confusion .confusion-wrong button').first().click();
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      await nextFrames(page);
      expect(await seriousAxeViolations(page), scheme).toEqual([]);
    }
  });

  test.each(SCHEMES)('axe: no serious or critical violation when the drawing is not a digit, %s theme', async (scheme) => {
    await clickPad(page, [0.5, 0.5]);
    expect((await predictionOf(page)).state).toBe('not-digit');
    await page.emulateMedia({ colorScheme: scheme });
    await nextFrames(page);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  test.each(SCHEMES)('the greyed chart\'s bars have a contrast of at least 3:1, %s theme', async (scheme) => {
    await page.emulateMedia({ colorScheme: scheme });
    await clickPad(page, [0.5, 0.5]);  // a dot: the network still gives one digit most of its vote
    await nextFrames(page);
    const greyed = await canvasPaint(page, '#chart', '--greyed-bar');
    expect(greyed.count).toBeGreaterThan(20);
    expect(greyed.contrast).toBeGreaterThanOrEqual(3);
  });

  test('a screen reader hears that the drawing is not a digit, and why the chart is grey', async () => {
    await clickPad(page, [0.5, 0.5]);
    expect(await page.locator('#prediction').ariaSnapshot()).toMatch(/that does not look like a digit/);
    expect(await page.locator('#chart').getAttribute('aria-label')).toMatch(/^Greyed out, as the drawing does not look like a digit\./);
  });

  test('a screen reader browsing the result hears the digit and the confidence', async () => {
    await drawStrokes(page, DIGIT_STROKES[7]);
    const snapshot = await page.locator('#prediction').ariaSnapshot();
    expect(snapshot).toMatch(/\b7\b[\s\S]*\d+(\.\d)?% sure/);
    expect(await page.locator('#prediction [aria-hidden=true]').count()).toBe(0);
  });

  test('the confidence chart has a text alternative with every digit\'s value, kept up to date', async () => {
    const name = () => page.locator('#chart').getAttribute('aria-label');
    await drawStrokes(page, DIGIT_STROKES[7]);
    const p = await predictionOf(page);
    const label = await name();
    for (let d = 0; d <= 9; d++) expect(label).toMatch(new RegExp(`\\b${d}: \\d+%`));
    expect(label).toContain(`7: ${Math.round(Number(p.confidence) * 100)}%`);
    await page.click('#clear');
    expect(await name()).not.toBe(label);
  });

  test.each(SCHEMES)('chart ticks have a contrast of at least 4.5:1, %s theme', async (scheme) => {
    await page.emulateMedia({ colorScheme: scheme });
    await nextFrames(page);
    // The left strip of the chart holds only the y axis's labels (0% .. 100%).
    const contrast = await canvasTextContrast(page, '#chart', { x: 0, y: 0, width: 12, height: 200 });
    expect(contrast).toBeGreaterThanOrEqual(4.5);
  });

  test('the theme button re-colours the chart\'s ticks', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.click('#theme-toggle');  // light -> dark
    await nextFrames(page);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await canvasTextContrast(page, '#chart', { x: 0, y: 0, width: 12, height: 200 })).toBeGreaterThanOrEqual(4.5);
  });

  test.each(SCHEMES)('the pad\'s and the controls\' borders have a contrast of at least 3:1, %s theme', async (scheme) => {
    await page.emulateMedia({ colorScheme: scheme });
    await openPanel(page, 'training-panel');
    for (const selector of ['#pad', '#undo', '#clear', '#correction button', '#theme-toggle', '#model-select', '#download-model', '.model-panel .button', '#train-preset', '#train-start']) {
      const { border, fill, around } = await coloursOf(page, selector);
      expect(contrastRatio(border, around), `${selector} against the background around it`).toBeGreaterThanOrEqual(3);
      expect(contrastRatio(border, fill), `${selector} against its own fill`).toBeGreaterThanOrEqual(3);
    }
  });

  test('the correction buttons are at least 24x24 px', async () => {
    const sizes = await page.locator('#correction button').evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect()));
    for (const s of sizes) expect(Math.min(s.width, s.height)).toBeGreaterThanOrEqual(24);
  });

  test.each(SCHEMES)('a disabled button looks disabled, %s theme', async (scheme) => {
    await page.emulateMedia({ colorScheme: scheme });
    await openPanel(page, 'training-panel');
    const look = (selector) => page.locator(selector).evaluate((el) => {
      const s = getComputedStyle(el);
      return { disabled: el.disabled, opacity: Number(s.opacity), color: s.color, background: s.backgroundColor, borderStyle: s.borderTopStyle };
    });
    const enabled = await look('#train-start');
    const disabled = await look('#train-pause');
    expect([enabled.disabled, disabled.disabled]).toEqual([false, true]);
    const { disabled: _a, ...enabledLook } = enabled;
    const { disabled: _b, ...disabledLook } = disabled;
    expect(disabledLook).not.toEqual(enabledLook);
    expect(disabled.opacity < 0.7 || disabled.borderStyle !== enabled.borderStyle).toBe(true);
  });

  test('the custom network\'s fields show only with the custom preset', async () => {
    await openPanel(page, 'training-panel');
    const fields = ['#train-hidden', '#train-activation', '#train-dropout', '#hidden-help'];
    const presets = await page.locator('#train-preset option').evaluateAll((options) => options.map((o) => o.value));
    expect(presets).toContain('custom');
    for (const preset of presets) {
      await page.selectOption('#train-preset', preset);
      for (const field of fields) {
        expect(await page.locator(field).isVisible(), `${field} with preset ${preset}`).toBe(preset === 'custom');
      }
    }
  });

  test('settings that do not apply are hidden: momentum with Adam, the betas with SGD, augmentation details without augmentation', async () => {
    await openPanel(page, 'training-panel');
    const visible = (id) => page.locator(`#${id}`).isVisible();
    await page.selectOption('#train-preset', 'shipped-small-cnn');  // Adam, cosine, augmentation
    expect(await page.locator('#train-optimizer').inputValue()).toBe('adam');
    expect([await visible('train-momentum'), await visible('train-beta1'), await visible('train-rotation')]).toEqual([false, true, true]);
    expect(await visible('train-lr-step-epochs')).toBe(false);
    await page.selectOption('#train-preset', 'quick-mlp');  // SGD, no augmentation
    expect([await visible('train-momentum'), await visible('train-beta1'), await visible('train-rotation')]).toEqual([true, false, false]);
    await page.selectOption('#train-lr-schedule', 'step');
    expect(await visible('train-lr-step-epochs')).toBe(true);
  });

  test('Tab reaches every control of the page and the open panels, each with a visible focus ring', async () => {
    await openPanel(page, 'training-panel');
    await openPanel(page, 'corrections-panel');
    await page.selectOption('#train-preset', 'custom');  // every field of the studio shown
    // Every control a person can use, with the element that shows its focus (an invisible file
    // input's label button), and its look unfocused.
    const ringOf = (el) => {
      const shown = el.type === 'file' && getComputedStyle(el).opacity === '0' ? el.closest('label') : el;
      const s = getComputedStyle(shown);
      const outline = s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0 ? 'none' : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`;
      return `${outline} | ${s.boxShadow}`;
    };
    const controls = await page.evaluate((ringSource) => {
      const ring = new Function(`return (${ringSource})`)();
      document.activeElement?.blur();
      const all = [...document.querySelectorAll('button, select, input, textarea, summary, [tabindex]:not([tabindex="-1"])')]
        .filter((el) => !el.disabled && el.getClientRects().length > 0);
      return all.map((el, i) => {
        el.dataset.tabKey = String(i);
        return { key: String(i), group: el.type === 'radio' ? `radio ${el.name}` : String(i), name: el.id || el.name || el.textContent.trim().slice(0, 30), unfocused: ring(el) };
      });
    }, ringOf.toString());
    expect(controls.length).toBeGreaterThan(30);

    const reached = new Map();
    for (let i = 0; i < controls.length + 10; i++) {
      await page.keyboard.press('Tab');
      const focus = await page.evaluate((ringSource) => {
        const el = document.activeElement;
        if (!el?.dataset.tabKey) return null;
        return { key: el.dataset.tabKey, focused: new Function(`return (${ringSource})`)()(el) };
      }, ringOf.toString());
      if (focus && !reached.has(focus.key)) reached.set(focus.key, focus.focused);
    }
    const reachedGroups = new Set(controls.filter((c) => reached.has(c.key)).map((c) => c.group));
    const missed = controls.filter((c) => !reachedGroups.has(c.group)).map((c) => c.name);
    expect(missed).toEqual([]);
    for (const c of controls.filter((c) => reached.has(c.key))) {
      const focused = reached.get(c.key);
      expect(focused, `${c.name}: focus ring`).not.toBe(c.unfocused);
      expect(focused, `${c.name}: focus ring`).not.toBe('none | none');
    }
  });
});

describe('phone', () => {
  const suite = pageSuite({ viewport: { width: 390, height: 844 }, context: { isMobile: true, hasTouch: true, bypassCSP: true } });
  let page;
  beforeEach(() => {
    page = suite.page();
  });

  test.each(SCHEMES)('axe: no serious or critical violation, %s theme', async (scheme) => {
    await touchStrokes(page, DIGIT_STROKES[7]);
    await expectNoSeriousViolations(page, scheme);
  });

  test.each(SCHEMES)('axe: no serious or critical violation when a tap is not a digit, %s theme', async (scheme) => {
    await touchStrokes(page, [[[0.5, 0.5]]]);
    expect((await predictionOf(page)).state).toBe('not-digit');
    await page.emulateMedia({ colorScheme: scheme });
    await nextFrames(page);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
