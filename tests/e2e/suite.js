// One served site, one Chromium per test file, and a fresh page per test that must end with
// no console errors, page errors, failed requests or requests to other origins.
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { DESKTOP, launchChromium } from './browser.js';
import { serveSite } from '../../scripts/serve.mjs';

/**
 * Registers the hooks; returns { page() } for the current test's page, and allow(pattern) for
 * a problem a test provokes on purpose. context: more of Playwright's context options (a phone:
 * { isMobile: true, hasTouch: true }; colorScheme; bypassCSP to inject a checker). `host` is
 * passed to serveSite (scripts/serve.mjs), to serve the site the way another kind of static
 * host does.
 */
export function pageSuite({ viewport = DESKTOP, context = {}, afterLoad = async () => {}, host = {} } = {}) {
  let site;
  let browser;
  let page;
  let allowed = [];
  beforeAll(async () => {
    site = await serveSite(host);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport, ...context });
    const problems = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    page.on('request', (r) => {
      if (!/^(data|blob):/.test(r.url()) && !r.url().startsWith(site.url)) problems.push(`foreign request: ${r.url()}`);
    });
    await page.goto(site.url);
    await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
    await afterLoad(page);
    return async () => {
      await page.close();
      expect(problems.filter((p) => !allowed.some((pattern) => pattern.test(p)))).toEqual([]);
      allowed = [];
    };
  });
  return { page: () => page, allow: (pattern) => allowed.push(pattern) };
}
