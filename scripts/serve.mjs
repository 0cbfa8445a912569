// Serves the built site (dist/) the way a static host does: every file as its bytes, with its
// MIME type; a .gz file is application/gzip, not a Content-Encoding. `npm start`
// (scripts/start.sh) runs it at http://localhost:4173/; the browser tests and the benchmark
// import serveSite() and serve from a sub-path, as GitHub Pages does (/REPO/), so both run
// against the same server.
//
// Hosts differ, and the page must work with all of them: `gzipEncoding` serves .gz files with
// `Content-Encoding: gzip` (the browser then hands the page decompressed bytes), and `vary`
// adds a Vary header to every response, as `vite preview` and some hosts do.
//
//   node scripts/serve.mjs [--port 4173] [--root dist] [--prefix /] [--gzip-encoding] [--vary Origin]
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.gz': 'application/gzip',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

/** The MIME type a static host gives a file, by its name. */
export const contentTypeOf = (file) => TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

/**
 * Starts serving `root` at `prefix`. Resolves to { url, port, requests (every path asked
 * for, in order), close() }. Port 0 takes a free one.
 */
export function serveSite({ root = DIST, prefix = '/digitpad/', port = 0, host = '127.0.0.1', gzipEncoding = false, vary = null } = {}) {
  const base = path.resolve(root);
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    requests.push(url.pathname);
    const send = (status, headers, body) => res.writeHead(status, { ...headers, ...(vary && { Vary: vary }) }).end(body);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { Allow: 'GET, HEAD' });
    if (!url.pathname.startsWith(prefix)) return send(404, { 'Content-Type': 'text/plain' }, 'not found');
    let file;
    try {
      file = path.join(base, decodeURIComponent(url.pathname.slice(prefix.length)));
    } catch {
      return send(400, { 'Content-Type': 'text/plain' }, 'bad request');
    }
    if (file !== base && !file.startsWith(base + path.sep)) return send(403, { 'Content-Type': 'text/plain' }, 'forbidden');
    if (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) file = path.join(file, 'index.html');
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) return send(404, { 'Content-Type': 'text/plain' }, 'not found');

    const headers = { 'Content-Type': contentTypeOf(file), 'Content-Length': stat.size, 'Cache-Control': 'no-cache' };
    if (gzipEncoding && file.endsWith('.gz')) {
      // What the file would be without .gz, compressed in transit (so the page sees it decoded).
      headers['Content-Type'] = contentTypeOf(file.slice(0, -3));
      headers['Content-Encoding'] = 'gzip';
    }
    if (vary) headers.Vary = vary;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const actual = server.address().port;
      resolve({
        url: `http://${host}:${actual}${prefix}`,
        port: actual,
        requests,
        close: () => new Promise((done) => {
          server.closeAllConnections();
          server.close(done);
        }),
      });
    });
  });
}

async function main(args) {
  const option = (name, fallback) => {
    const i = args.lastIndexOf(`--${name}`);  // the last one wins: npm start -- --port 8080
    return i < 0 ? fallback : args[i + 1];
  };
  const known = new Set(['--port', '--root', '--prefix', '--vary', '--gzip-encoding']);
  const unknown = args.filter((a, i) => a.startsWith('--') && !known.has(a) && !known.has(args[i - 1]));
  if (unknown.length) {
    console.error(`serve: unknown option ${unknown[0]}\nusage: node scripts/serve.mjs [--port 4173] [--root dist] [--prefix /] [--gzip-encoding] [--vary Origin]`);
    process.exit(2);
  }
  const port = Number(option('port', process.env.PORT ?? 4173));
  const root = path.resolve(option('root', DIST));
  const prefix = option('prefix', '/');
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    console.error(`serve: ${root}/index.html does not exist: build the site first (npm run build)`);
    process.exit(1);
  }
  let site;
  try {
    site = await serveSite({ root, prefix, port, gzipEncoding: args.includes('--gzip-encoding'), vary: option('vary', null) });
  } catch (error) {
    if (error.code !== 'EADDRINUSE') throw error;
    console.error(`serve: port ${port} is in use (another npm start or vite preview?). Stop it, or use another port: PORT=${port + 1} npm start`);
    process.exit(1);
  }
  console.log(`digitpad: serving ${path.relative(process.cwd(), root) || '.'}/ at http://localhost:${site.port}${prefix} (Ctrl+C stops)`);
  const stop = () => site.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
