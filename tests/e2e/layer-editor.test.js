// The studio's layer editor in Chromium: a network as a list of layers or as spec text, checked
// live by the core (its message for a bad spec; shapes, parameters and multiply-adds per
// layer; an estimated time per epoch), and a custom CNN built in it trains for one epoch and
// reads the pad. Screenshots in test-artifacts/.
import { beforeEach, expect, test } from 'vitest';
import { DIGIT_STROKES, drawStrokes, predictionOf, waitForText } from './browser.js';
import { nextFrames, saveScreenshot, seriousAxeViolations } from './looks.js';
import { pageSuite } from './suite.js';

const suite = pageSuite({
  context: { bypassCSP: true },  // axe is injected
  afterLoad: async (page) => {
    await page.click('#training-panel summary');
    await page.waitForSelector('body[data-studio-ready=true]');
    await page.selectOption('#train-preset', 'custom-layers');
  },
});
let page;
beforeEach(() => {
  page = suite.page();
});

const summary = () => page.locator('#layer-summary tr').evaluateAll((rows) => rows.slice(1).map((r) => [...r.children].map((c) => c.textContent)));

test('the layers as a list and as text, checked by the core as they change', async () => {
  expect(await page.locator('#train-hidden').isVisible()).toBe(false);  // the MLP's fields belong to the other preset
  expect(await page.locator('#train-layers-spec').inputValue()).toBe('conv:8x3:same,relu,maxpool:2,conv:16x3:same,relu,maxpool:2,flatten,dense:10');
  expect(await page.locator('#layer-list li').count()).toBe(8);
  // conv 8x3: 8*9+8 = 80 parameters, 28*28*72 = 56,448 multiply-adds; conv 16x3 on 14x14x8: 16*72+16 = 1,168, 14*14*16*72 = 225,792; dense 10 on 7*7*16 = 784: 7,850 and 7,840.
  expect((await summary()).map((r) => r.join(' | '))).toEqual([
    'conv:8x3:same | 28×28×8 | 80 | 56,448', 'relu | 28×28×8 | 0 | 0', 'maxpool:2 | 14×14×8 | 0 | 0',
    'conv:16x3:same | 14×14×16 | 1,168 | 225,792', 'relu | 14×14×16 | 0 | 0', 'maxpool:2 | 7×7×16 | 0 | 0',
    'flatten | 784 | 0 | 0', 'dense:10 | 10 | 7,850 | 7,840']);
  await waitForText(page, '#layer-status', /^9,098 parameters · 290,080 multiply-adds per digit · (about \d+(\.\d)?|under 0\.1) s per epoch of 10,000 images on this machine/);
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await nextFrames(page);
    expect(await seriousAxeViolations(page), scheme).toEqual([]);
  }
  expect(await page.locator('#train-spec').textContent()).toBe('input:28x28x1,conv:8x3:same,relu,maxpool:2,conv:16x3:same,relu,maxpool:2,flatten,dense:10');

  // A row's field: the first conv gets 4 filters; the text follows.
  await page.fill('#layer-list li:first-child input[aria-label="Layer 1: filters"]', '4');
  expect(await page.locator('#train-layers-spec').inputValue()).toMatch(/^conv:4x3:same,relu,/);
  expect(await page.locator('#layer-status').getAttribute('data-parameters')).toBe(String(40 + 16 * 36 + 16 + 7850));
  // Reorder: the output layer moved above flatten still gives 10 outputs, which the core accepts.
  await page.click('button[aria-label="Move up: layer 8"]');
  expect(await page.locator('#train-layers-spec').inputValue()).toMatch(/,maxpool:2,dense:10,flatten$/);
  expect(await page.locator('#layer-status').getAttribute('data-valid')).toBe('true');
  await page.click('button[aria-label="Move down: layer 7"]');
  await page.click('button[aria-label="Remove: layer 5"]');  // the second ReLU
  expect(await page.locator('#layer-list li').count()).toBe(7);
  await page.click('#layer-add');  // dense:32 before the output layer
  expect(await page.locator('#train-layers-spec').inputValue()).toBe('conv:4x3:same,relu,maxpool:2,conv:16x3:same,maxpool:2,flatten,dense:32,dense:10');
  // Without its output layer the network ends in 32 values: the core's message says why not.
  await page.click('button[aria-label="Remove: layer 8"]');
  await waitForText(page, '#layer-status', /^Not a network the core can build: .*the last layer must give 10 outputs \(one per digit\) or 11 \(and "not a digit"\), not 32$/);
  expect(await page.locator('#layer-summary tr').count()).toBe(0);
  // Text: a bad token is the core's message, a stride the rows cannot edit stays as it is.
  await page.fill('#train-layers-spec', 'conv:4x3,pool:2,dense:10');
  await waitForText(page, '#layer-status', "Not a network the core can build: unknown layer 'pool' (known: dense, conv, maxpool, flatten, dropout, relu, sigmoid, tanh, scale)");
  await page.fill('#train-layers-spec', 'conv:4x3:valid:s2,relu,flatten,dense:10');
  expect(await page.locator('#layer-list li:first-child code').textContent()).toBe('conv:4x3:valid:s2');
  expect((await summary())[0].slice(0, 2)).toEqual(['conv:4x3:valid:s2', '13×13×4']);
  await page.locator('#layer-editor').scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'studio-layer-editor');
});

test('a custom CNN built in the editor trains for one epoch and reads the pad', async () => {
  await page.fill('#train-layers-spec', 'conv:4x3:same,relu,maxpool:2,flatten,dense:10');
  await page.fill('#train-epochs', '1');
  await page.click('#train-start');
  await page.waitForSelector('#train-result:not([hidden])', { timeout: 120_000 });
  expect(Number(await page.locator('#train-result').getAttribute('data-test-accuracy'))).toBeGreaterThan(0.85);
  await page.click('#train-use');
  await waitForText(page, '#model-info', /conv:4x3:same,relu,maxpool:2,flatten,dense:10/);
  await drawStrokes(page, DIGIT_STROKES[1]);
  const reading = await predictionOf(page);
  expect(['confident', 'unsure']).toContain(reading.state);
  expect(reading.digit).toBe('1');
});
