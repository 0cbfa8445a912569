// Reading a six-digit number, from pixels (and the pen's strokes) to the answer: the native
// tool (`digitpad read --repeat`, on a PNG of the number) and Model.readNumber in a Chromium
// worker, with the default model and with the small CNN (ten outputs, no "not a digit": a
// lighter network). The number is the number suite's first of six digits
// (`digitpad-synth --numbers`), drawn with its pen as the pad draws strokes.
// Merges `numberReading` into bench/results.json.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { launchChromium } from '../tests/e2e/browser.js';
import { drawnNumber, encodePng, writtenNumbers } from '../tests/js/helpers.js';
import { serveSite } from '../scripts/serve.mjs';
import { DEFAULT_MODEL, NATIVE, ROOT, saveResults } from './config.mjs';

const number = writtenNumbers().find((n) => n.digits.length === 6);
const { rgba } = drawnNumber(number);
const dir = path.join(ROOT, 'build/bench');
fs.mkdirSync(dir, { recursive: true });
const image = path.join(dir, 'six-digits.png'), strokesFile = path.join(dir, 'six-digits-strokes.json');
fs.writeFileSync(image, encodePng(rgba, number.width, number.height));
fs.writeFileSync(strokesFile, JSON.stringify(number.strokes));

const models = { default: DEFAULT_MODEL.file, smallCnn: 'small-cnn.bin' };
const native = (model, withStrokes) => JSON.parse(execFileSync(NATIVE, ['read', '--model', path.join(ROOT, 'models', model),
  '--image', image, ...(withStrokes ? ['--strokes', strokesFile] : []), '--repeat', '300', '--json'], { encoding: 'utf8' }));

const server = await serveSite({ root: ROOT, prefix: '/' });
const browser = await launchChromium();
const results = { digits: number.digits, width: number.width, height: number.height, strokes: number.strokes.length };
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}bench/browser/index.html`);
  await page.waitForFunction(() => window.benchReady);
  for (const [key, file] of Object.entries(models)) {
    const job = (withStrokes) => ({
      type: 'read-number', modelUrl: `/models/${file}`, rgba: Array.from(rgba), width: number.width, height: number.height,
      strokes: withStrokes ? number.strokes : null,
    });
    const inWorker = (withStrokes) => page.evaluate(([j]) => window.runJob('digitpad', { ...j, rgba: Uint8ClampedArray.from(j.rgba) }), [job(withStrokes)]);
    results[key] = {
      model: file,
      native: { strokes: native(file, true), pixels: native(file, false) },
      chromiumWorker: { strokes: await inWorker(true), pixels: await inWorker(false) },
    };
    const r = results[key];
    process.stderr.write(`number-reading (${file}): "${r.native.strokes.number}" native ${r.native.strokes.medianMs.toFixed(2)} ms, ` +
      `Chromium ${(r.chromiumWorker.strokes.medianUs / 1000).toFixed(2)} ms (pixels + strokes, median)\n`);
  }
  results.chromium = browser.version();
} finally {
  await browser.close();
  await server.close();
}
saveResults('numberReading', results);
