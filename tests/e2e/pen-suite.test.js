// The pen suite's fixed subset in npm test: the first 20 MNIST test digits of each class as pen
// trajectories, replayed with the real mouse on the page's pad at desktop size and read by the
// default model, give exactly the figures models/manifest.json records for it
// (suites.penSubset, written by scripts/measure-pen.mjs). The replay is deterministic: the pad
// gets the same points however Chromium groups the mouse events, so the ink, and every
// reading, is the same run after run.
import { expect, test } from 'vitest';
import { PEN_SUBSET_PER_CLASS, penFigures, penSuiteDigits, readManifest, replayPenSuite } from './pen-suite.js';
import { pageSuite } from './suite.js';

const suite = pageSuite();
const manifest = readManifest();
const recorded = manifest.models.find((m) => m.id === manifest.default).suites.penSubset;

// About a minute on two cores shared with other work; the bound leaves room for the browser
// suites that Vitest runs alongside.
test(`${PEN_SUBSET_PER_CLASS} pen digits of each class are read as the manifest records for the default model`, async () => {
  const result = await replayPenSuite(suite.page(), penSuiteDigits(PEN_SUBSET_PER_CLASS));
  expect(penFigures(result)).toEqual(recorded);
}, 240_000);
