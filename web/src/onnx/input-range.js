// What input an imported ONNX model expects, and how digitpad makes it from its own 0..1
// pixels (0 background, 1 ink): one table for the page's prompt and the CLI's --input flag.
// The answer becomes a `scale:A:B` layer in front of the network (y = A*x + B), so it stays
// with the model when it is saved.

/** The choices offered, the first the default. `text` is what --input takes. */
export const INPUT_RANGES = [
  { text: '0..1', label: '0 to 1 (as digitpad)' },
  { text: '0..255', label: '0 to 255 (raw pixel values)' },
  { text: '0.1307/0.3081', label: "normalised with MNIST's mean 0.1307 and standard deviation 0.3081" },
  { text: '0.5/0.5', label: "normalised with torchvision's common mean 0.5 and standard deviation 0.5" },
];
export const DEFAULT_INPUT_RANGE = INPUT_RANGES[0].text;

/**
 * '0..1', '0..255' or 'MEAN/STD' (normalised after scaling to 0..1, as torchvision's
 * Normalize) -> { text, scale, shift }: the model's input is scale * x + shift. Throws on
 * anything else, naming the forms.
 */
export function parseInputRange(text) {
  const t = String(text).trim();
  if (t === '0..1') return { text: t, scale: 1, shift: 0 };
  if (t === '0..255') return { text: t, scale: 255, shift: 0 };
  const match = /^([-+]?\d*\.?\d+(?:e[-+]?\d+)?)\s*\/\s*(\d*\.?\d+(?:e[-+]?\d+)?)$/i.exec(t);
  const mean = match && Number(match[1]), std = match && Number(match[2]);
  if (!match || !(std >= 1e-4) || !(Math.abs(mean) <= 1000))
    throw new Error(`input '${t}' is not 0..1, 0..255 or MEAN/STD (a mean and a standard deviation of at least 0.0001, e.g. 0.1307/0.3081)`);
  return { text: `${mean}/${std}`, scale: 1 / std, shift: -mean / std };
}
