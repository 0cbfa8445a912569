// Page figures in Debian's Chromium, against the built site served from a sub-path:
// first-load transfer size (gzip), time from navigation to the first possible prediction,
// draw-to-prediction latency (pointer up -> #prediction updated), and with "Inside the network"
// open the time each frame spends explaining the drawing and drawing the explanation. Prints a table and
// merges the figures into bench/results.json. Run: npm run bench (after npm run build).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { DIGIT_STROKES, drawStrokes, installLatencyProbe, launchChromium, numberStrokes, predictionOf, readLatencies } from '../tests/e2e/browser.js';
import { DIST, serveSite } from '../scripts/serve.mjs';
import { saveResults } from './config.mjs';

const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];

const site = await serveSite();
const browser = await launchChromium();
try {
  // First load, five times: requests made and time to ready.
  const readyMs = [];
  let firstLoad = [];
  let wallClockToReadyMs;
  // Service workers blocked: this is what the page needs before it is usable. (Once ready it
  // registers its service worker, which caches the same files in the background.)
  for (let run = 0; run < 5; run++) {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    const before = site.requests.length;
    const start = Date.now();
    await page.goto(site.url);
    await page.waitForSelector('body[data-ready=true]');
    // The page's own mark (since navigation start), set when a model is loaded and the pad
    // answers: reading performance.now() here would add Playwright's polling and round trip.
    readyMs.push(await page.evaluate(() => performance.getEntriesByName('digitpad-ready')[0].startTime));
    firstLoad = site.requests.slice(before);
    if (run === 0) wallClockToReadyMs = Date.now() - start;
    await context.close();
  }
  const files = firstLoad.map((p) => path.join(DIST, decodeURIComponent(p.replace(/^\/digitpad\//, '')) || 'index.html'))
    .map((f) => (fs.statSync(f).isDirectory() ? path.join(f, 'index.html') : f));
  const transfer = files.map((f) => ({ file: path.relative(DIST, f), bytes: fs.statSync(f).size, gzipBytes: zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length }));
  const totalGzip = transfer.reduce((s, t) => s + t.gzipBytes, 0);

  // Draw-to-prediction: from the pointerup of a stroke to the prediction element's update.
  const page = await browser.newPage();
  await page.goto(site.url);
  await page.waitForSelector('body[data-ready=true]');
  await installLatencyProbe(page);
  for (let i = 0; i < 20; i++) {
    await drawStrokes(page, DIGIT_STROKES[[0, 1, 4, 7][i % 4]]);
    await page.click('#clear');
  }
  const latencies = await readLatencies(page);
  // The page's own measures of each reading (pixels to answer, one WASM call): live ones while
  // a stroke is drawn (at most one a frame) and the final one when it ends.
  const readingMs = await page.evaluate(() => Object.fromEntries(['live', 'final'].map((kind) =>
    [kind, performance.getEntriesByName(`digitpad-${kind}-reading`).map((e) => e.duration)])));
  const recognitionMs = Number(await page.locator('#prediction').getAttribute('data-latency-ms'));

  // A four-digit number written on the desktop's wide pad: every reading, live and final.
  await page.evaluate(() => performance.clearMeasures());
  let numbersRead = 0;
  for (let i = 0; i < 5; i++) {
    await drawStrokes(page, numberStrokes('7410'));
    numbersRead += (await predictionOf(page)).number === '7410';
    await page.click('#clear');
  }
  const numberMs = await page.evaluate(() => ['live', 'final'].flatMap((kind) =>
    performance.getEntriesByName(`digitpad-${kind}-reading`).map((e) => e.duration)));
  // "Inside the network" open: every reading is also explained (each layer's activations and
  // the attribution, Model.explain) and drawn; its own measure times that part of each frame.
  await page.click('#inside-panel summary');
  await page.waitForSelector('body[data-inside-ready=true]');
  for (let i = 0; i < 20; i++) {
    await drawStrokes(page, DIGIT_STROKES[[0, 1, 4, 7][i % 4]]);
    await page.click('#clear');
  }
  const [insideWhyMs, insideExplainMs] = await page.evaluate(() => ['why', 'explain'].map((part) =>
    performance.getEntriesByName(`digitpad-inside-${part}`).map((e) => e.duration)));

  const figures = {
    firstLoadGzipBytes: totalGzip,
    firstLoadFiles: transfer,
    navigationToReadyMsMedian: median(readyMs),
    wallClockToReadyMsFirstRun: wallClockToReadyMs,
    drawToPredictionMsMedian: median(latencies),
    drawToPredictionMsMax: Math.max(...latencies),
    preprocessAndPredictMs: recognitionMs,
    liveReadingMsMedian: median(readingMs.live),
    liveReadings: readingMs.live.length,
    finalReadingMsMedian: median(readingMs.final),
    finalReadingMsMax: Math.max(...readingMs.final),
    numberReadingMsMedian: median(numberMs),
    numberReadings: numberMs.length,
    numbersReadRight: `${numbersRead}/5`,
    insideWhyMsMedian: median(insideWhyMs),
    insideWhyUpdates: insideWhyMs.length,
    insideExplainMsMedian: median(insideExplainMs),
  };
  saveResults('page', figures);
  process.stderr.write(`page: ${(totalGzip / 1024).toFixed(1)} KB gzip, ready in ${figures.navigationToReadyMsMedian.toFixed(0)} ms\n`);
} finally {
  await browser.close();
  await site.close();
}
