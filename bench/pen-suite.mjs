// The pen suite in Debian's Chromium: 1,000 MNIST test digits (100 per class) replayed as
// mouse strokes on the built page's #pad (tests/e2e/pen-suite.js), read by the default model or
// any shipped one. Prints accuracy, per class, the confusion matrix and the seconds taken, and
// merges them into bench/results.json.
//   node bench/pen-suite.mjs [--per-class N] [--model ID]
import { measurePenSuite } from '../tests/e2e/pen-suite.js';
import { saveResults } from './config.mjs';

const option = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const result = await measurePenSuite({ perClass: Number(option('per-class') ?? 100), modelId: option('model') });
saveResults('penSuite', result);
const pct = (v) => `${(100 * v).toFixed(1)}%`;
console.log(`pen suite (${result.model}): ${result.correct} of ${result.n} read right (${pct(result.accuracy)}), ` +
  `${result.notDigit} answered "not a digit", ${result.seconds.toFixed(0)} s (${(1000 * result.seconds / result.n).toFixed(0)} ms a digit)`);
console.log(`per class: ${result.perClassAccuracy.map((a, d) => `${d} ${pct(a)}`).join(', ')}`);
console.log('confusion (rows: true digit; columns: 0-9, not a digit):');
for (const [d, row] of result.confusion.entries()) console.log(`  ${d}: ${row.map((v) => String(v).padStart(4)).join('')}`);
