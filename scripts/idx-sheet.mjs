// A contact sheet of an IDX image file, to look at synthetic data:
//   node scripts/idx-sheet.mjs IMAGES-IDX OUT.png [--first N] [--count N] [--columns N]
import fs from 'node:fs';
import { encodeGreyPng } from '../tests/e2e/png.js';

const [imagesPath, outPath, ...rest] = process.argv.slice(2);
const option = (name, fallback) => {
  const i = rest.indexOf(name);
  return i >= 0 ? Number(rest[i + 1]) : fallback;
};
const bytes = fs.readFileSync(imagesPath);
const total = bytes.readUInt32BE(4);
const first = option('--first', 0), count = Math.min(option('--count', 200), total - first), columns = option('--columns', 20);
const rows = Math.ceil(count / columns), cell = 30;
const sheet = new Uint8Array(columns * cell * rows * cell).fill(128);
for (let n = 0; n < count; n++) {
  const image = bytes.subarray(16 + (first + n) * 784, 16 + (first + n + 1) * 784);
  const ox = (n % columns) * cell + 1, oy = Math.floor(n / columns) * cell + 1;
  for (let y = 0; y < 28; y++)
    for (let x = 0; x < 28; x++) sheet[(oy + y) * columns * cell + ox + x] = 255 - image[y * 28 + x];
}
fs.writeFileSync(outPath, encodeGreyPng(sheet, columns * cell, rows * cell));
