// The pen suite: MNIST test digits as pen trajectories (`digitpad-synth --pen-suite`: each
// digit's centre line traced into ordered strokes) replayed with the real mouse on the page's
// #pad, at seeded random sizes (30% to 90% of the pad's height) and places, with the page's own
// brush; what #prediction says after each digit is tallied. Used by bench/pen-suite.mjs (1,000
// digits) and tests/e2e/pen-suite.test.js (a fixed subset).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drawStrokes, predictionOf } from './browser.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SUITE = path.join(ROOT, 'build/pen-suite.json');

/** The suite's digits (written by the native tool on first use): `perClass` of each digit. */
export function penSuiteDigits(perClass = 100) {
  if (!fs.existsSync(SUITE))
    execFileSync(path.join(ROOT, 'build/native/digitpad-synth'), ['--pen-suite', SUITE], { stdio: 'inherit' });
  const all = JSON.parse(fs.readFileSync(SUITE, 'utf8'));
  const taken = new Array(10).fill(0);
  return all.filter((d) => taken[d.label]++ < perClass);
}

// mulberry32: a seeded generator, so every run places the digits alike.
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Draws each digit on the page's pad and reads the answer. Returns { n, correct, accuracy,
 * notDigit, perClassAccuracy, confusion (10 rows x 11 columns, the last "not a digit") }.
 */
export async function replayPenSuite(page, digits, seed = 1) {
  const random = seeded(seed);
  const confusion = Array.from({ length: 10 }, () => new Array(11).fill(0));
  for (const digit of digits) {
    await page.click('#clear');
    const height = 0.3 + 0.6 * random();
    const width = Math.min(0.95, digit.width * height);
    const left = 0.02 + (0.96 - width) * random(), top = 0.02 + (0.96 - height) * random();
    const strokes = digit.strokes.map((flat) => {
      const points = [];
      for (let i = 0; i < flat.length; i += 2) points.push([left + flat[i] * height, top + flat[i + 1] * height]);
      return points.filter((_, i) => i % 3 === 0 || i === points.length - 1);  // a mouse's pace, not every pixel
    });
    await drawStrokes(page, strokes);
    await page.evaluate(() => new Promise(requestAnimationFrame));
    const seen = await predictionOf(page);
    confusion[digit.label][seen.state === 'not-digit' || seen.digit === '' ? 10 : Number(seen.digit)]++;
  }
  const n = digits.length;
  const correct = confusion.reduce((sum, row, label) => sum + row[label], 0);
  return {
    n,
    correct,
    accuracy: correct / n,
    notDigit: confusion.reduce((sum, row) => sum + row[10], 0),
    perClassAccuracy: confusion.map((row, label) => row[label] / Math.max(1, row.reduce((a, b) => a + b, 0))),
    confusion,
  };
}
