// The training worker's protocol, against the real built worker module and WASM, in a real
// page in Chromium: load-data, train with progress and epoch events, pause, resume, cancel,
// typed errors, and buffers in the transfer list.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium } from './browser.js';
import { DIST, serveSite } from '../../scripts/serve.mjs';

let site;
let browser;
let page;
const workerFile = fs.readdirSync(path.join(DIST, 'assets')).find((f) => /^train-worker-.*\.js$/.test(f));

beforeAll(async () => {
  site = await serveSite();
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(site.url);
  // A tiny client in the page: request(type, data) -> { result | error, events }.
  await page.evaluate((url) => {
    const worker = new Worker(url, { type: 'module' });
    const calls = new Map();
    let next = 1;
    worker.onmessage = ({ data: { id, type, data } }) => {
      const call = calls.get(id);
      if (type === 'result' || type === 'error') {
        calls.delete(id);
        call.resolve({ [type]: data, events: call.events });
      } else {
        call.events.push({ type, data, at: performance.now() });
      }
    };
    window.request = (type, data, transfer = []) => {
      const id = next++;
      const call = { events: [] };
      const done = new Promise((resolve) => { call.resolve = resolve; });
      calls.set(id, call);
      worker.postMessage({ id, type, data }, transfer);
      window.lastCall = call;
      return done;
    };
  }, `${site.url}assets/${workerFile}`);
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

test('load-data fetches the default subset with progress', async () => {
  const reply = await page.evaluate(() => request('load-data', { source: 'subset' }));
  expect(reply.result).toEqual({ train: 10_000, test: 2000 });
  const progress = reply.events.filter((e) => e.type === 'progress').map((e) => e.data);
  expect(progress.length).toBeGreaterThan(0);
  expect(progress.at(-1).loaded).toBe(progress.at(-1).total);
});

test('train reports progress and epochs and returns the model in the transfer list', async () => {
  const reply = await page.evaluate(async () => {
    const r = await request('train', { spec: '784-32-10', options: { epochs: 2, batchSize: 32, seed: 1 } });
    return { ...r, modelIsBytes: r.result.model instanceof Uint8Array, magic: String.fromCharCode(...r.result.model.slice(0, 8)) };
  });
  expect(reply.error).toBeUndefined();
  expect(reply.modelIsBytes).toBe(true);
  expect(reply.magic).toBe('DIGITPAD');
  expect(reply.result.cancelled).toBe(false);
  expect(reply.result.testAccuracy).toBeGreaterThan(0.85);
  expect(reply.result.best.epoch).toBeGreaterThanOrEqual(0);
  const epochs = reply.events.filter((e) => e.type === 'epoch').map((e) => e.data.epoch);
  expect(epochs).toEqual([0, 1]);
  const progress = reply.events.filter((e) => e.type === 'progress').map((e) => e.data);
  expect(progress.at(-1)).toMatchObject({ epoch: 1, batch: 313, batchesPerEpoch: 313, epochs: 2, samples: 20_000 });
  expect(progress.at(-1).samplesPerSecond).toBeGreaterThan(0);
});

test('pause stops progress, resume continues, cancel returns the best model so far', async () => {
  const outcome = await page.evaluate(async () => {
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    const running = request('train', { spec: '784-64-10', options: { epochs: 40, batchSize: 16, seed: 2 } });
    const call = window.lastCall;
    while (!call.events.some((e) => e.type === 'epoch')) await sleep(20);
    await request('pause');
    await sleep(100);
    const pausedAt = call.events.length;
    await sleep(500);
    const duringPause = call.events.length - pausedAt;
    await request('resume');
    await sleep(400);
    const afterResume = call.events.length - pausedAt;
    await request('cancel');
    const reply = await running;
    return { duringPause, afterResume, result: reply.result, hasBest: reply.result.best?.model instanceof Uint8Array };
  });
  expect(outcome.duringPause).toBe(0);
  expect(outcome.afterResume).toBeGreaterThan(0);
  expect(outcome.result.cancelled).toBe(true);
  expect(outcome.hasBest).toBe(true);
  expect(outcome.result.best.testAccuracy).toBeGreaterThan(0.8);
});

test('typed errors: bad settings, divergence, a busy worker, bad files, unknown requests', async () => {
  const errors = await page.evaluate(async () => {
    const out = {};
    out.settings = (await request('train', { spec: '784-32-10', options: { learningRate: 1e6 } })).error;
    out.architecture = (await request('train', { spec: '784-32-7', options: {} })).error;
    out.diverged = (await request('train', { spec: '784-64-10', options: { loss: 'mse', learningRate: 10, epochs: 3 } })).error;
    const long = request('train', { spec: '784-32-10', options: { epochs: 50 } });
    out.busy = (await request('train', { spec: '784-32-10', options: {} })).error;
    await request('cancel');
    await long;
    const junk = new TextEncoder().encode('not an IDX file at all').buffer;
    out.files = (await request('load-data', { source: { trainImages: junk.slice(0), trainLabels: junk.slice(0), testImages: junk.slice(0), testLabels: junk } })).error;
    out.unknown = (await request('fly', {})).error;
    out.stillLoaded = (await request('train', { spec: '784-16-10', options: { epochs: 1 } })).result?.testAccuracy > 0.5;
    return out;
  });
  expect(errors.settings).toEqual({ name: 'SettingsError', message: expect.stringMatching(/^learningRate must be in \(0, 10\], got 1000000$/) });
  expect(errors.architecture).toEqual({ name: 'SettingsError', message: expect.stringMatching(/10 outputs/) });
  expect(errors.diverged).toEqual({ name: 'DivergedError', message: expect.stringMatching(/training diverged/) });
  expect(errors.busy.name).toBe('BusyError');
  expect(errors.files).toEqual({ name: 'DataError', message: expect.stringMatching(/not an IDX image file/) });
  expect(errors.unknown.name).toBe('ProtocolError');
  expect(errors.stillLoaded).toBe(true);  // the bad files replaced nothing
});
