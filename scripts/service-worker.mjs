// Writes dist/sw.js: web/service-worker.js preceded by the list of files the first visit needs
// (index.html, every asset, the model manifest and the default model) and a version that is a
// hash of their contents. Vite calls it after each build; tests call it on a copy of dist/ to
// stand for a new deploy.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web/service-worker.js');

export function writeServiceWorker(distDir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(distDir, 'models/manifest.json'), 'utf8'));
  const defaultModel = manifest.models.find((m) => m.id === manifest.default);
  const files = [
    'index.html',
    ...fs.readdirSync(path.join(distDir, 'assets')).sort().map((f) => `assets/${f}`),
    'models/manifest.json',
    `models/${defaultModel.file}`,
  ];
  const hash = crypto.createHash('sha256');
  for (const file of files) hash.update(file).update(fs.readFileSync(path.join(distDir, file)));
  const version = hash.digest('hex').slice(0, 16);
  // './' is the address the page is opened at; it is index.html.
  const precache = ['./', ...files.map((f) => `./${f}`)];
  const header = `const VERSION = ${JSON.stringify(version)};\nconst PRECACHE = ${JSON.stringify(precache, null, 2)};\n\n`;
  fs.writeFileSync(path.join(distDir, 'sw.js'), header + fs.readFileSync(SOURCE, 'utf8'));
  return { version, files: precache };
}
