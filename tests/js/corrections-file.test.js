// The corrections file: what Export writes, Import reads back (only what is not saved yet), files
// of the first version (format "digitpad-drawings-1"), and which corrections fine-tuning holds out.
import { expect, test } from 'vitest';
import { correctionsFromJson, correctionsToJson, newCorrections } from '../../web/src/corrections/file.js';
import { splitForFineTuning } from '../../web/src/training/corrections-panel.js';

const pixels = (v) => new Uint8Array(784).fill(v);
const base64 = (bytes) => btoa(String.fromCharCode(...bytes));

test('export then import gives the same corrections', () => {
  const text = correctionsToJson([{ label: 4, pixels: pixels(200), saved: 1 }, { label: 7, pixels: pixels(3), saved: 2 }]);
  expect(JSON.parse(text).format).toBe('digitpad-corrections-1');
  expect(correctionsFromJson(text)).toEqual([{ label: 4, pixels: pixels(200) }, { label: 7, pixels: pixels(3) }]);
});

test('a file exported by the first version (digitpad-drawings.json) imports', () => {
  const old = JSON.stringify({ format: 'digitpad-drawings-1', drawings: [{ label: 9, pixels: base64(pixels(128)) }] });
  expect(correctionsFromJson(old)).toEqual([{ label: 9, pixels: pixels(128) }]);
});

test('files that are not corrections files, or damaged ones, are refused with the reason', () => {
  expect(() => correctionsFromJson('not json')).toThrow('this file is not a digitpad corrections file (not JSON)');
  expect(() => correctionsFromJson('{"nope": 1}')).toThrow('this file is not a digitpad corrections file');
  const short = JSON.stringify({ format: 'digitpad-corrections-1', corrections: [{ label: 1, pixels: base64(pixels(1)) }, { label: 1, pixels: base64(new Uint8Array(10)) }] });
  expect(() => correctionsFromJson(short)).toThrow('correction 2 in the file is damaged');
  const badLabel = JSON.stringify({ format: 'digitpad-corrections-1', corrections: [{ label: 10, pixels: base64(pixels(1)) }] });
  expect(() => correctionsFromJson(badLabel)).toThrow('correction 1 in the file is damaged');
});

test('an import adds only the drawings not saved yet, and a re-import adds nothing', () => {
  const saved = [{ label: 4, pixels: pixels(200), saved: 1 }];
  const file = correctionsFromJson(correctionsToJson([{ label: 4, pixels: pixels(200) }, { label: 7, pixels: pixels(3) }, { label: 7, pixels: pixels(3) }]));
  const first = newCorrections(saved, file);
  expect(first).toEqual({ added: [{ label: 7, pixels: pixels(3) }], skipped: 2 });  // one saved, one twice in the file
  expect(newCorrections([...saved, ...first.added], file)).toEqual({ added: [], skipped: 3 });
  expect(newCorrections(saved, [{ label: 1, pixels: pixels(200) }]).added).toHaveLength(1);  // same drawing, other digit
});

test('fine-tuning keeps every 5th correction out to measure on, once there are 5', () => {
  const list = (n) => Array.from({ length: n }, (_, i) => ({ label: i % 10, pixels: pixels(i) }));
  expect(splitForFineTuning(list(4))).toEqual({ train: list(4), test: list(4), heldOut: false });
  const split = splitForFineTuning(list(12));
  expect(split.heldOut).toBe(true);
  expect(split.test.map((c) => c.label)).toEqual([4, 9]);
  expect(split.train).toHaveLength(10);
  expect(split.train.some((c) => split.test.includes(c))).toBe(false);
});
