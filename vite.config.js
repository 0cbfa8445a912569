// The page: web/ is the site's source, dist/ the built static site. base './' makes every URL
// relative, so the site works from any sub-path (GitHub Pages serves it at /REPO/).
import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vite';
import { buildDatasets } from './scripts/datasets.mjs';
import { writeServiceWorker } from './scripts/service-worker.mjs';

const MODELS = path.resolve('models');
const readManifest = () => JSON.parse(fs.readFileSync(path.join(MODELS, 'manifest.json'), 'utf8'));

// Serves models/ at <base>models/ in development and copies the shipped models into
// dist/models/ (the manifest and the files it lists) at build time.
function shippedModels() {
  const files = () => ['manifest.json', ...readManifest().models.map((m) => m.file)];
  return {
    name: 'digitpad-models',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const match = /\/models\/([\w.-]+)$/.exec(req.url.split('?')[0]);
        if (!match || !files().includes(match[1])) return next();
        res.setHeader('Content-Type', match[1].endsWith('.json') ? 'application/json' : 'application/octet-stream');
        fs.createReadStream(path.join(MODELS, match[1])).pipe(res);
      });
    },
    generateBundle() {
      for (const file of files()) {
        this.emitFile({ type: 'asset', fileName: `models/${file}`, source: fs.readFileSync(path.join(MODELS, file)) });
      }
    },
  };
}

// Training data for the in-browser trainer (scripts/datasets.mjs), at <base>data/.
function trainingData() {
  let files = null;
  const all = () => (files ??= buildDatasets());
  return {
    name: 'digitpad-training-data',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const match = /\/data\/([\w.-]+)$/.exec(req.url.split('?')[0]);
        if (!match || !all()[match[1]]) return next();
        res.setHeader('Content-Type', match[1].endsWith('.json') ? 'application/json' : 'application/octet-stream');
        res.end(all()[match[1]]);
      });
    },
    generateBundle() {
      for (const [file, source] of Object.entries(all())) this.emitFile({ type: 'asset', fileName: `data/${file}`, source });
    },
  };
}

// The first prediction needs the WebAssembly module, the manifest and the default model, which
// the code would only ask for once it runs: preload tags let the browser fetch all of them
// while it loads the script. (as="fetch" + crossorigin match the page's own fetch() calls.)
function preloadFirstPrediction() {
  return {
    name: 'digitpad-preload',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle }) {
        const manifest = readManifest();
        const model = manifest.models.find((m) => m.id === manifest.default);
        const wasm = Object.keys(bundle).find((f) => f.endsWith('.wasm'));
        return [wasm, 'models/manifest.json', `models/${model.file}`].map((file) => ({
          tag: 'link',
          attrs: { rel: 'preload', href: `./${file}`, as: 'fetch', crossorigin: 'anonymous' },
          injectTo: 'head',
        }));
      },
    },
  };
}

// dist/sw.js, the service worker that makes the site work offline (scripts/service-worker.mjs).
function serviceWorker() {
  let outDir;
  return {
    name: 'digitpad-service-worker',
    apply: 'build',
    configResolved(config) { outDir = path.resolve(config.root, config.build.outDir); },
    closeBundle() { writeServiceWorker(outDir); },
  };
}

export default defineConfig({
  root: 'web',
  base: './',
  publicDir: false,
  plugins: [shippedModels(), trainingData(), preloadFirstPrediction(), serviceWorker()],
  worker: { format: 'es' },
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
  },
});
