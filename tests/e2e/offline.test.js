// Offline use and updates: after one visit the page recognises digits with the network off,
// and a new deploy is offered on the page and taken only when the user says so.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeServiceWorker } from '../../scripts/service-worker.mjs';
import { DIGIT_STROKES, drawStrokes, launchChromium, predictionOf, waitForText } from './browser.js';
import { DIST, serveSite } from '../../scripts/serve.mjs';

// Each kind of host: one that serves files as they are, and one that adds `Vary: Origin` to
// every response and sends .gz files with `Content-Encoding: gzip` (as `vite preview` and some
// hosts do), which a service worker's cache.match misses unless it ignores Vary.
const HOSTS = [
  { name: 'a plain static host', options: {} },
  { name: 'a host that sends Vary: Origin', options: { gzipEncoding: true, vary: 'Origin' } },
];
for (const { name, options } of HOSTS) describe(`on ${name}`, () => {
  // A copy of dist/ that the update test can redeploy.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'digitpad-site-'));
  let site;
  let browser;
  beforeAll(async () => {
    fs.cpSync(DIST, root, { recursive: true });
    site = await serveSite({ root, ...options });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function firstVisit() {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(site.url);
    await page.waitForSelector('body[data-offline-ready=true]', { timeout: 30_000 });
    await waitForText(page, '#offline-status', 'works without a network');
    return { context, page, errors };
  }

  test('after the first visit, digits are recognised with the network off', async () => {
    const { context, page, errors } = await firstVisit();
    await context.setOffline(true);
    const requestsBefore = site.requests.length;
    await page.reload();
    await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
    await drawStrokes(page, DIGIT_STROKES[7]);
    expect(await predictionOf(page)).toMatchObject({ digit: '7', state: 'confident' });

    // A model never downloaded cannot come from the cache: a clear message, the model stays.
    const modelBefore = await page.locator('#model-info').textContent();
    await page.selectOption('#model-select', 'mlp');
    await waitForText(page, '#error', /could not download models\/mlp\.bin: the network is unreachable/);
    expect(await page.locator('#model-info').textContent()).toBe(modelBefore);
    expect(await predictionOf(page)).toMatchObject({ digit: '7' });

    expect(site.requests.slice(requestsBefore)).toEqual([]);  // which, if any, reached the server
    expect(errors).toEqual([]);
    await context.close();
  });

  test('a new deploy is installed in the background and used when the user switches to it', async () => {
    const { context, page, errors } = await firstVisit();
    const oldVersion = await page.evaluate(() => caches.keys());

    // Deploy: a changed page and the service worker the build writes for it.
    const index = path.join(root, 'index.html');
    fs.writeFileSync(index, fs.readFileSync(index, 'utf8').replace('<title>digitpad:', '<title>digitpad (new):'));
    const { version } = writeServiceWorker(root);

    // The open page keeps its version until the user switches; then it reloads into the new one.
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    expect(await page.title()).not.toMatch(/\(new\)/);
    await page.waitForSelector('#update-banner:not([hidden])', { timeout: 30_000 });
    await Promise.all([page.waitForEvent('load'), page.click('#update-reload')]);
    await page.waitForSelector('body[data-ready=true]');
    expect(await page.title()).toMatch(/\(new\)/);
    expect(await page.evaluate(() => caches.keys())).toEqual([`digitpad-${version}`]);
    expect(oldVersion).not.toEqual([`digitpad-${version}`]);
    await drawStrokes(page, DIGIT_STROKES[1]);
    expect(await predictionOf(page)).toMatchObject({ digit: '1' });
    expect(errors).toEqual([]);
    await context.close();
  });
});
