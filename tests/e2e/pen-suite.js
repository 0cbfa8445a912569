// The pen suite: MNIST test digits as pen trajectories (`digitpad-synth --pen-suite`: each
// digit's centre line traced into ordered strokes) replayed with the real mouse on the page's
// #pad, at seeded random sizes (30% to 90% of the pad's height, less for a digit too wide to
// fit) and places, with the page's own brush; what #prediction says after each digit is
// tallied. Used by bench/pen-suite.mjs (1,000 digits), scripts/measure-pen.mjs (the figures in
// models/manifest.json) and tests/e2e/pen-suite.test.js (the fixed subset).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DESKTOP, launchChromium, mouseBatch, predictionAfter, predictionOf, waitForText } from './browser.js';
import { serveSite } from '../../scripts/serve.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SUITE = path.join(ROOT, 'build/pen-suite.json');

/** The subset `npm test` replays and the manifest records as suites.penSubset: this many of each digit. */
export const PEN_SUBSET_PER_CLASS = 20;

/** The suite's digits (written by the native tool on first use): the first `perClass` of each digit. */
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
 * Draws each digit on the page's pad and reads the answer. Each digit is one batch of real
 * mouse events (a click on Clear, then the strokes; browser.js mouseBatch) and its answer is
 * read once the page has made its final reading for the last stroke's end (#prediction's
 * data-final-readings, which grows by one for Clear and one for each stroke). Returns { n,
 * correct, accuracy, notDigit, perClassAccuracy, confusion (10 rows x 11 columns, the last
 * "not a digit") }.
 */
export async function replayPenSuite(page, digits, seed = 1) {
  const random = seeded(seed);
  const confusion = Array.from({ length: 10 }, () => new Array(11).fill(0));
  await page.locator('#pad').scrollIntoViewIfNeeded();
  const pad = await page.locator('#pad').boundingBox();
  const clear = await page.locator('#clear').boundingBox();
  const viewport = page.viewportSize();
  if (clear.y < 0 || clear.y + clear.height > viewport.height) throw new Error('the pad and Clear do not fit in the viewport together');
  const mouse = await mouseBatch(page);
  let finalReadings = Number((await predictionOf(page)).finalReadings ?? 0);
  for (const digit of digits) {
    // A wide digit is made smaller to fit the pad: a press beside the pad would select the
    // page's text and start a drag of it.
    const height = Math.min(0.3 + 0.6 * random(), 0.95 / digit.width);
    const width = digit.width * height;
    const left = 0.02 + (0.96 - width) * random(), top = 0.02 + (0.96 - height) * random();
    const strokes = digit.strokes.map((flat) => {
      const points = [];
      for (let i = 0; i < flat.length; i += 2) points.push([left + flat[i] * height, top + flat[i + 1] * height]);
      return points.filter((_, i) => i % 3 === 0 || i === points.length - 1);  // a mouse's pace, not every pixel
    });
    mouse.click([clear.x + clear.width / 2, clear.y + clear.height / 2]);
    mouse.strokes(strokes, pad);
    await mouse.send();
    finalReadings += 1 + strokes.length;
    const seen = await predictionAfter(page, finalReadings);
    if (Number(seen.finalReadings) !== finalReadings)
      throw new Error(`digit ${digit.index}: ${seen.finalReadings} final readings, expected ${finalReadings}`);
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

/** What the manifest records of a replay (suites.pen, suites.penSubset). */
export const penFigures = ({ n, accuracy, notDigit, perClassAccuracy }) => ({ n, accuracy, notDigit, perClassAccuracy });

/** models/manifest.json as it is now. */
export const readManifest = () => JSON.parse(fs.readFileSync(path.join(ROOT, 'models/manifest.json'), 'utf8'));

/**
 * The suite on the built site (dist/) in a Chromium of its own at the desktop size, read by the
 * shipped model `modelId` (chosen in #model-select, as a user would) or the page's default:
 * replayPenSuite's figures, the model's id and the seconds the replay took.
 */
export async function measurePenSuite({ perClass = 100, modelId = readManifest().default } = {}) {
  const manifest = readManifest();
  const model = manifest.models.find((m) => m.id === modelId);
  if (!model) throw new Error(`no shipped model '${modelId}'; models/manifest.json has ${manifest.models.map((m) => m.id).join(', ')}`);
  const site = await serveSite();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: DESKTOP });
    await page.goto(site.url);
    await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
    if (modelId !== manifest.default) {
      await page.selectOption('#model-select', modelId);
      await waitForText(page, '#model-info', `${model.name}: `, 30_000);
    }
    const start = performance.now();
    const result = await replayPenSuite(page, penSuiteDigits(perClass));
    return { model: modelId, ...result, seconds: Math.round((performance.now() - start) / 100) / 10 };
  } finally {
    await browser.close();
    await site.close();
  }
}
