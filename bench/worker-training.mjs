// In-browser training figures, in Debian's Chromium against the built site: samples/s in the
// training worker and the time of one epoch on the default subset (10,000 images) for the
// 784-128-64-10 MLP (batch 64, SGD) and the default CNN (its shipped recipe, batch 64), and
// the pad's draw-to-prediction latency while the CNN trains. Merges `browserTraining` into
// bench/results.json; bench/report.mjs prints the table.
import { DIGIT_STROKES, drawStrokes, installLatencyProbe, launchChromium, readLatencies } from '../tests/e2e/browser.js';
import { serveSite } from '../scripts/serve.mjs';
import { DEFAULT_MODEL, saveResults } from './config.mjs';


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
  const cnn = await trainOneEpoch(`shipped-${DEFAULT_MODEL.id}`, { batch: 64, duringRun: padLatencies });
  const latencies = cnn.during.sort((a, b) => a - b);
  const figures = {
    mlp: { spec: '784-128-64-10', batch: 64, ...mlp, during: undefined },
    cnn: { model: DEFAULT_MODEL.id, batch: 64, ...cnn, during: undefined },
    padLatencyWhileTrainingMs: { median: latencies[latencies.length >> 1], max: latencies.at(-1), samples: latencies.length },
  };
  saveResults('browserTraining', figures);
  process.stderr.write(`worker-training: MLP ${Math.round(mlp.samplesPerSecond)} samples/s, CNN ${Math.round(cnn.samplesPerSecond)} samples/s\n`);
} finally {
  await browser.close();
  await site.close();
}
