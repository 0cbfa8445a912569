// In-browser training figures, in Debian's Chromium against the built site: samples/s in the
// training worker and the time of one epoch on the default subset (10,000 images) for the
// 784-128-64-10 MLP (batch 64, SGD) and the default CNN (its shipped recipe, batch 64), and
// the pad's draw-to-prediction latency while the CNN trains. Merges into bench/results.json.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIGIT_STROKES, drawStrokes, installLatencyProbe, launchChromium, readLatencies } from '../tests/e2e/browser.js';
import { serveSite } from '../tests/e2e/static-server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = path.join(ROOT, 'bench/results.json');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'models/manifest.json'), 'utf8'));

const site = await serveSite();
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
try {
  await page.goto(site.url);
  await page.waitForSelector('body[data-ready=true]');
  await page.click('#training-panel summary');
  await page.waitForFunction(() => /Data ready/.test(document.getElementById('data-status').textContent));

  async function trainOneEpoch(preset, { batch, duringRun } = {}) {
    await page.selectOption('#train-preset', preset);
    await page.fill('#train-epochs', '1');
    if (batch) await page.fill('#train-batch', String(batch));
    await page.click('#train-start');
    await page.waitForFunction(() => document.getElementById('train-stats').dataset.samplesPerSecond);
    const during = duringRun ? await duringRun() : null;
    await page.waitForSelector('#train-result:not([hidden])', { timeout: 30 * 60_000 });
    const text = await page.locator('#train-stats').textContent();
    const [, samples, seconds] = /Done: ([\d,]+) samples in ([\d.]+) s/.exec(text);
    return { samples: Number(samples.replace(/,/g, '')), seconds: Number(seconds), samplesPerSecond: Number(samples.replace(/,/g, '')) / Number(seconds), during };
  }

  async function padLatencies() {
    await installLatencyProbe(page);
    for (let i = 0; i < 8; i++) {
      await drawStrokes(page, DIGIT_STROKES[[0, 1, 4, 7][i % 4]]);
      await page.click('#clear');
    }
    return readLatencies(page);
  }

  const mlp = await trainOneEpoch('quick-mlp', { batch: 64 });
  const cnn = await trainOneEpoch(`shipped-${manifest.default}`, { batch: 64, duringRun: padLatencies });
  const latencies = cnn.during.sort((a, b) => a - b);
  const figures = {
    mlp: { spec: '784-128-64-10', batch: 64, ...mlp, during: undefined },
    cnn: { model: manifest.default, batch: 64, ...cnn, during: undefined },
    padLatencyWhileTrainingMs: { median: latencies[latencies.length >> 1], max: latencies.at(-1), samples: latencies.length },
  };
  const results = fs.existsSync(RESULTS) ? JSON.parse(fs.readFileSync(RESULTS, 'utf8')) : {};
  results.browserTraining = figures;
  fs.writeFileSync(RESULTS, JSON.stringify(results, null, 2) + '\n');
  console.log('| in-browser training (Chromium worker, default subset) | samples/s | one epoch |');
  console.log('|---|---|---|');
  console.log(`| 784-128-64-10 MLP, batch 64, SGD | ${Math.round(mlp.samplesPerSecond)} | ${mlp.seconds.toFixed(1)} s |`);
  console.log(`| default CNN (${manifest.default}), batch 64, its recipe | ${Math.round(cnn.samplesPerSecond)} | ${cnn.seconds.toFixed(1)} s |`);
  console.log(`pad draw-to-prediction while the CNN trains: median ${figures.padLatencyWhileTrainingMs.median.toFixed(1)} ms, max ${figures.padLatencyWhileTrainingMs.max.toFixed(1)} ms (${latencies.length} drawings)`);
} finally {
  await browser.close();
  await site.close();
}
