// `npm start`'s server (scripts/start.sh -> scripts/serve.mjs) serves dist/ as a static host
// does: each file as its bytes with its MIME type, a .gz file as application/gzip without a
// Content-Encoding (the page decompresses it), no Vary. The browser suites import the same
// server (serveSite), and this checks that both answer alike.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ROOT } from '../js/helpers.js';
import { DIST, serveSite } from '../../scripts/serve.mjs';

const hashedScript = fs.readdirSync(path.join(DIST, 'assets')).find((f) => /^index-[\w-]+\.js$/.test(f));
const FILES = [
  { path: '', file: 'index.html', type: 'text/html; charset=utf-8' },
  { path: `assets/${hashedScript}`, file: `assets/${hashedScript}`, type: 'text/javascript; charset=utf-8' },
  { path: 'data/subset-test-labels.idx.gz', file: 'data/subset-test-labels.idx.gz', type: 'application/gzip' },
  { path: 'data/index.json', file: 'data/index.json', type: 'application/json; charset=utf-8' },
  { path: 'models/manifest.json', file: 'models/manifest.json', type: 'application/json; charset=utf-8' },
  { path: 'sw.js', file: 'sw.js', type: 'text/javascript; charset=utf-8' },
];

// The raw response (node's fetch would undo a Content-Encoding and hide it).
const get = (url) => new Promise((resolve, reject) => {
  http.get(url, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
  }).on('error', reject);
});

let start;  // the `npm start` process, with the build skipped
let startUrl;
let site;   // what the browser suites use
beforeAll(async () => {
  start = spawn('bash', ['scripts/start.sh', '--port', '0'], { cwd: ROOT, env: { ...process.env, DIGITPAD_SKIP_BUILD: '1' } });
  let output = '';
  startUrl = await new Promise((resolve, reject) => {
    start.stdout.on('data', (d) => {
      output += d;
      const match = /at (http:\/\/localhost:\d+\/)/.exec(output);
      if (match) resolve(match[1]);
    });
    start.stderr.on('data', (d) => { output += d; });
    start.on('exit', (code) => reject(new Error(`npm start exited (${code}): ${output}`)));
  });
  site = await serveSite();
});
afterAll(async () => {
  await site?.close();
  if (start?.exitCode === null) start.kill('SIGINT');
});

test('npm start serves index.html, a hashed asset and a .gz as a static host does: the bytes, their types, no Content-Encoding, no Vary', async () => {
  for (const { path: urlPath, file, type } of FILES) {
    const response = await get(startUrl + urlPath);
    expect(response.status, urlPath).toBe(200);
    expect(response.headers['content-type'], urlPath).toBe(type);
    expect(response.headers['content-encoding'], urlPath).toBeUndefined();
    expect(response.headers.vary, urlPath).toBeUndefined();
    expect(response.body.equals(fs.readFileSync(path.join(DIST, file))), urlPath).toBe(true);
  }
  const gz = await get(`${startUrl}data/subset-test-labels.idx.gz`);
  expect([...gz.body.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
  expect((await get(`${startUrl}no-such-file.js`)).status).toBe(404);
});

test('the browser suites\' server answers as npm start does, from a sub-path', async () => {
  expect(site.url).toMatch(/\/digitpad\/$/);
  for (const { path: urlPath } of FILES) {
    const [a, b] = [await get(startUrl + urlPath), await get(site.url + urlPath)];
    expect(b.status, urlPath).toBe(a.status);
    for (const header of ['content-type', 'content-length', 'content-encoding', 'vary']) expect(b.headers[header], `${urlPath} ${header}`).toBe(a.headers[header]);
    expect(b.body.equals(a.body), urlPath).toBe(true);
  }
});

test('the other kind of host: .gz files with Content-Encoding: gzip and Vary: Origin on every response', async () => {
  const host = await serveSite({ gzipEncoding: true, vary: 'Origin' });
  try {
    const gz = await get(`${host.url}data/subset-test-labels.idx.gz`);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('Origin');
    expect([...gz.body.subarray(0, 2)]).toEqual([0x1f, 0x8b]);  // still gzip on the wire
    expect((await get(host.url)).headers.vary).toBe('Origin');
  } finally {
    await host.close();
  }
});

test('Ctrl+C stops npm start', async () => {
  const exited = new Promise((resolve) => start.once('exit', (code, signal) => resolve({ code, signal })));
  start.kill('SIGINT');
  expect(await exited).toEqual({ code: 0, signal: null });
});
