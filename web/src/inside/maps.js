// Drawing a network's numbers: feature maps as small images side by side in one canvas, a
// layer's values as bars, and an attribution map over the 28x28 input. One putImageData per
// canvas, so the whole network redraws within a frame while the user draws.

const POSITIVE = [214, 39, 40];  // red: raises the value
const NEGATIVE = [31, 119, 180]; // blue: lowers it
const GAP = 1;                   // pixels between two maps

/** The largest |value|, or 1 when all are 0 (nothing to scale). */
export function largestMagnitude(values) {
  let largest = 0;
  for (const v of values) largest = Math.max(largest, Math.abs(v));
  return largest || 1;
}

// t in [-1, 1] -> RGBA on white (red for positive, blue for negative, white for 0), looked up
// in a table of 511 steps as one 32-bit pixel: the maps of a whole network are ~50,000 pixels
// a frame.
const STEPS = 255;
const COLOURS = new Uint32Array(2 * STEPS + 1);
for (let i = 0; i < COLOURS.length; i++) {
  const t = i / STEPS - 1;
  const [r, g, b] = t >= 0 ? POSITIVE : NEGATIVE;
  const a = Math.abs(t);
  const channel = (c) => Math.round(255 + (c - 255) * a);
  // ImageData is RGBA bytes; read as a little-endian Uint32 (every browser's platform), ABGR.
  COLOURS[i] = ((255 << 24) | (channel(b) << 16) | (channel(g) << 8) | channel(r)) >>> 0;
}
const colourOf = (t) => COLOURS[Math.round((Math.max(-1, Math.min(1, t)) + 1) * STEPS)];

/** The canvas's pixel size for `count` maps of h x w in a grid `columns` wide. */
export function gridSize([h, w], count, columns) {
  const rows = Math.ceil(count / columns);
  return { width: columns * (w + GAP) - GAP, height: rows * (h + GAP) - GAP };
}

/**
 * values: HWC (h x w x c); one h x w image per channel, in a grid `columns` wide, coloured
 * from -scale (blue) through 0 (white) to +scale (red). The canvas must have gridSize's size.
 */
export function drawMaps(context, values, [h, w, c], columns, scale = largestMagnitude(values)) {
  const { width, height } = gridSize([h, w], c, columns);
  const image = context.createImageData(width, height);
  const pixels = new Uint32Array(image.data.buffer);
  pixels.fill(0xffffffff);  // white gaps
  const inverse = 1 / scale;
  for (let channel = 0; channel < c; channel++) {
    const left = (channel % columns) * (w + GAP), top = Math.floor(channel / columns) * (h + GAP);
    for (let y = 0; y < h; y++) {
      const row = (top + y) * width + left;
      for (let x = 0; x < w; x++) pixels[row + x] = colourOf(values[(y * w + x) * c + channel] * inverse);
    }
  }
  context.putImageData(image, 0, 0);
}

/**
 * values as bars from a middle line (up for positive in red, down for negative in blue), each
 * `barWidth` px wide, on a canvas of values.length * (barWidth + 1) - 1 by `height` px.
 */
export function drawBars(context, values, barWidth, height, scale = largestMagnitude(values)) {
  const width = values.length * (barWidth + GAP) - GAP;
  const image = context.createImageData(width, height);
  const pixels = new Uint32Array(image.data.buffer);
  pixels.fill(0xffffffff);
  const middle = Math.floor(height / 2);
  values.forEach((v, i) => {
    const length = Math.round(Math.min(1, Math.abs(v) / scale) * (middle - 1));
    const colour = colourOf(v >= 0 ? 1 : -1);
    for (let k = 0; k <= length; k++) {
      const row = (v >= 0 ? middle - k : middle + k) * width + i * (barWidth + GAP);
      pixels.fill(colour, row, row + barWidth);
    }
  });
  context.putImageData(image, 0, 0);
}

/**
 * The 28x28 input in grey with the attribution over it: red where a pixel raised the score,
 * blue where it lowered it, as strong as |attribution| / its largest.
 */
export function drawAttribution(context, input, attribution) {
  const scale = largestMagnitude(attribution);
  const image = context.createImageData(28, 28);
  const data = image.data;
  for (let i = 0; i < 784; i++) {
    const grey = 255 - 150 * input[i];
    const t = attribution[i] / scale;
    const [r, g, b] = t >= 0 ? POSITIVE : NEGATIVE;
    const a = Math.min(1, Math.sqrt(Math.abs(t)));  // square root: faint evidence stays visible
    data[4 * i] = grey + (r - grey) * a;
    data[4 * i + 1] = grey + (g - grey) * a;
    data[4 * i + 2] = grey + (b - grey) * a;
    data[4 * i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}
