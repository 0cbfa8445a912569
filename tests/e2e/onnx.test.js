// ONNX on the page, on a desktop and on a phone: the model in use downloads as ONNX, an .onnx
// file loads (asking what input it expects, unless digitpad exported it), and a bad one is
// refused with its error while the current model stays.
import fs from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { beforeEach, describe, expect, test } from 'vitest';
import { ROOT } from '../js/helpers.js';
import { DIGIT_STROKES, drawStrokes, predictionOf, waitForText } from './browser.js';
import { pageSuite } from './suite.js';

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'models/manifest.json'), 'utf8'));
const defaultName = manifest.models.find((m) => m.default).name;
const onnxFile = (name, buffer) => ({ name, mimeType: 'application/octet-stream', buffer });

describe.each([
  ['desktop', {}],
  ['phone', { viewport: { width: 390, height: 844 }, context: { isMobile: true, hasTouch: true } }],
])('%s', (_, options) => {
  const suite = pageSuite(options);
  let page;
  beforeEach(() => {
    page = suite.page();
  });

  test('download as ONNX, load it back; a foreign file asks for its input; a bad one is refused', async () => {
    await drawStrokes(page, DIGIT_STROKES[7]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-onnx')]);
    expect(download.suggestedFilename()).toMatch(/\.onnx$/);
    const exported = fs.readFileSync(await download.path());
    const model = onnxProto.onnx.ModelProto.decode(exported);
    expect(model.graph.output[0].name).toBe('probabilities');

    // digitpad's own export says its input is 0..1: no question, and it reads the 7 as before.
    await page.setInputFiles('#model-input', onnxFile('mine.onnx', exported));
    await waitForText(page, '#model-info', /^mine\.onnx: conv:16x3:same/);
    expect((await predictionOf(page)).digit).toBe('7');

    // A file that does not say: the page asks, 0..1 chosen; the answer is kept in the model.
    const foreign = onnxProto.onnx.ModelProto.decode(exported);
    foreign.metadataProps = [];
    await page.setInputFiles('#model-input', onnxFile('foreign.onnx', onnxProto.onnx.ModelProto.encode(foreign).finish()));
    await page.waitForSelector('#onnx-input-dialog[open]');
    expect(await page.isChecked('input[name="onnx-input"][value="0..1"]')).toBe(true);
    await page.check('input[name="onnx-input"][value="0..255"]');
    await page.click('#onnx-input-use');
    await waitForText(page, '#model-info', /^foreign\.onnx: scale:255:0,conv:16x3:same/);
    // Cancelling keeps the model in use.
    await page.setInputFiles('#model-input', onnxFile('again.onnx', onnxProto.onnx.ModelProto.encode(foreign).finish()));
    await page.waitForSelector('#onnx-input-dialog[open]');
    await page.fill('#onnx-input-std', '0');
    await page.click('#onnx-input-use');
    await waitForText(page, '#onnx-input-error', /is not 0\.\.1, 0\.\.255 or MEAN\/STD/);
    await page.click('#onnx-input-cancel');
    await waitForText(page, '#model-info', /^foreign\.onnx:/);

    // A bad file: its error, and the model in use stays.
    const leaky = onnxProto.onnx.ModelProto.decode(exported);
    leaky.graph.node[1].opType = 'LeakyRelu';
    leaky.graph.node[1].name = 'Conv_3';
    await page.setInputFiles('#model-input', onnxFile('model.onnx', onnxProto.onnx.ModelProto.encode(leaky).finish()));
    await waitForText(page, '#error', /model\.onnx is not a usable model: model\.onnx: node 'Conv_3' uses LeakyRelu, which digitpad does not run.*Still using foreign\.onnx/);
    await page.setInputFiles('#model-input', onnxFile('cut.onnx', exported.subarray(0, 3000)));
    await waitForText(page, '#error', /cut\.onnx is not an ONNX model: it does not parse as one.*Still using foreign\.onnx/);
    await waitForText(page, '#model-info', /^foreign\.onnx:/);
    expect(defaultName).not.toBe('foreign.onnx');
  });
});
