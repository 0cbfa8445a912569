// The pen suite in Debian's Chromium: 1,000 MNIST test digits (100 per class) replayed as
// mouse strokes on the built page's #pad (tests/e2e/pen-suite.js), read by the default model.
// Prints accuracy, per class and the confusion matrix, and merges them into bench/results.json.
//   node bench/pen-suite.mjs [--per-class N]
import { launchChromium } from '../tests/e2e/browser.js';
import { penSuiteDigits, replayPenSuite } from '../tests/e2e/pen-suite.js';
import { serveSite } from '../scripts/serve.mjs';
import { saveResults } from './config.mjs';

const perClassArg = process.argv.indexOf('--per-class');
const perClass = perClassArg > 0 ? Number(process.argv[perClassArg + 1]) : 100;
const site = await serveSite();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(site.url);
  await page.waitForSelector('body[data-ready=true]');
  const start = Date.now();
  const result = await replayPenSuite(page, penSuiteDigits(perClass));
  saveResults('penSuite', result);
  const pct = (v) => `${(100 * v).toFixed(1)}%`;
  console.log(`pen suite: ${result.correct} of ${result.n} read right (${pct(result.accuracy)}), ` +
    `${result.notDigit} answered "not a digit", ${((Date.now() - start) / 1000).toFixed(0)} s`);
  console.log(`per class: ${result.perClassAccuracy.map((a, d) => `${d} ${pct(a)}`).join(', ')}`);
  console.log('confusion (rows: true digit; columns: 0-9, not a digit):');
  for (const [d, row] of result.confusion.entries()) console.log(`  ${d}: ${row.map((v) => String(v).padStart(4)).join('')}`);
} finally {
  await browser.close();
  await site.close();
}
