#!/usr/bin/env node
// ONNX on the command line, with the page's own converter (web/src/onnx/) and the WebAssembly
// core (web/wasm/, built by scripts/build-wasm.sh). `digitpad export` and `digitpad import`
// (the native tool) run this; it can also be run as it is:
//   node scripts/digitpad-onnx.mjs export --onnx --model FILE --out FILE.onnx
//   node scripts/digitpad-onnx.mjs import --model FILE.onnx --out FILE [--input 0..1|0..255|MEAN/STD] [--weights f32|f16]
// Errors: one line on stderr, exit status 2 (usage) or 1 (a file that is not what it should be).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDigitpad } from '../web/digitpad.js';
import { DEFAULT_INPUT_RANGE, INPUT_RANGES, parseInputRange } from '../web/src/onnx/input-range.js';
import { exportOnnx, onnxToModelBytes, readOnnx } from '../web/src/onnx/onnx-model.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `usage:
  digitpad export --onnx --model FILE --out FILE.onnx
  digitpad import --model FILE.onnx --out FILE [--input RANGE] [--weights f32|f16]
      RANGE: what the ONNX model expects as input, made from digitpad's 0..1 pixels:
      ${INPUT_RANGES.map((r) => `${r.text} (${r.label})`).join(',\n      ')};
      any MEAN/STD; default ${DEFAULT_INPUT_RANGE} (a file exported by digitpad says 0..1 itself)`;

class UsageError extends Error {}

function parseArgs(argv, valued, flags = []) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    if (flags.includes(key)) args[key] = true;
    else if (valued.includes(key)) {
      if (i + 1 >= argv.length) throw new UsageError(`${key} needs a value`);
      args[key] = argv[++i];
    } else throw new UsageError(`unknown option '${key}'`);
  }
  return args;
}

const required = (args, key) => {
  if (args[key] === undefined) throw new UsageError(`${key} is required`);
  return args[key];
};
const readFile = (file) => {
  try {
    return new Uint8Array(fs.readFileSync(file));
  } catch (error) {
    throw new Error(`cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  }
};

const loadCore = () => loadDigitpad({ wasmBinary: fs.readFileSync(path.join(ROOT, 'web/wasm/digitpad.wasm')) });

// The manifest's MNIST test accuracy when the model is one of the shipped ones.
function shippedAccuracy(modelPath) {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'models/manifest.json'), 'utf8'));
  const entry = manifest.models.find((m) => path.resolve(ROOT, 'models', m.file) === path.resolve(modelPath));
  return entry?.testAccuracy;
}

async function exportCommand(argv) {
  const args = parseArgs(argv, ['--model', '--out'], ['--onnx']);
  if (!args['--onnx']) throw new UsageError('export needs --onnx (the one format it writes)');
  const modelPath = required(args, '--model'), out = required(args, '--out');
  const bytes = exportOnnx(await loadCore(), readFile(modelPath), { accuracy: shippedAccuracy(modelPath) });
  fs.writeFileSync(out, bytes);
  console.log(`wrote ${out}: ONNX, ${bytes.length.toLocaleString('en')} bytes`);
}

async function importCommand(argv) {
  const args = parseArgs(argv, ['--model', '--out', '--input', '--weights'], ['--onnx']);
  const modelPath = required(args, '--model'), out = required(args, '--out');
  let range;
  try {
    range = parseInputRange(args['--input'] ?? DEFAULT_INPUT_RANGE);
  } catch (error) {
    throw new UsageError(`--input: ${error.message}`);
  }
  const read = readOnnx(readFile(modelPath), path.basename(modelPath));
  if (read.inputKnown && args['--input'] && range.text !== '0..1')
    throw new UsageError(`--input: ${path.basename(modelPath)} was exported by digitpad and takes 0..1`);
  const dp = await loadCore();
  const model = dp.loadModel(onnxToModelBytes(dp, read, range));
  try {
    const bytes = model.toBytes(args['--weights'] ?? 'f32');
    fs.writeFileSync(out, bytes);
    console.log(`wrote ${out}: ${model.info.architecture} (input ${range.text}), ${bytes.length.toLocaleString('en')} bytes`);
  } finally {
    model.dispose();
  }
}

const COMMANDS = { export: exportCommand, import: importCommand };
const [command, ...rest] = process.argv.slice(2);
try {
  if (command === '--help' || command === 'help') console.log(USAGE);
  else if (!COMMANDS[command]) throw new UsageError(`unknown command '${command ?? ''}' (export or import)`);
  else await COMMANDS[command](rest);
} catch (error) {
  console.error(`digitpad: ${error.message}`);
  if (error instanceof UsageError) console.error(USAGE);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
