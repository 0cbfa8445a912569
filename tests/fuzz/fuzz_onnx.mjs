// Fuzzes the ONNX reader (web/src/onnx/onnx-model.js) and what it hands the core, for a bounded
// time: mutated ONNX files, from byte flips and cuts to graphs with their operators,
// attributes, shapes and initializers changed. Every input must end one of two ways: the reader
// or the core refuses it with its message (an OnnxImportError, or the core's Error), or it
// becomes a model the core loads. A TypeError or RangeError (a bug in the reader), any other
// throw, or one input taking over 5 s is a finding, written to build/fuzz-findings/.
//   node tests/fuzz/fuzz_onnx.mjs [seconds, default 10]      (needs web/wasm: npm run build:wasm)
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import { loadDigitpad } from '../../web/digitpad.js';
import { parseInputRange } from '../../web/src/onnx/input-range.js';
import { exportOnnx, onnxToModelBytes, OnnxImportError, readOnnx, SUPPORTED_OPERATORS } from '../../web/src/onnx/onnx-model.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const seconds = Number(process.argv[2] ?? 10);
const { onnx } = onnxProto;
const dp = await loadDigitpad({ wasmBinary: fs.readFileSync(path.join(ROOT, 'web/wasm/digitpad.wasm')) });

// Seeds: small networks of every layer kind, exported by digitpad (a temperature, a scale layer).
const SEEDS = ['scale:255:0,conv:2x3,relu,maxpool:2,conv:3x3:valid:s2,sigmoid,flatten,dense:10', 'dense:16,tanh,dense:11'].map((spec) => {
  const trainer = dp.createTrainer(spec, { seed: 3 });
  try {
    return exportOnnx(dp, trainer.exportModel());
  } finally {
    trainer.dispose();
  }
});

let seed = 12345;
const random = (n) => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return (seed >>> 8) % n;
};
const pick = (list) => list[random(list.length)];
const OPERATORS = [...SUPPORTED_OPERATORS, 'LeakyRelu', 'Transpose', 'Concat', ''];

// Changes one thing in a decoded graph.
function mutateGraph(model) {
  const g = model.graph;
  const node = g.node.length ? pick(g.node) : null;
  switch (random(9)) {
    case 0: if (node) node.opType = pick(OPERATORS); break;
    case 1: if (node?.attribute.length) { const a = pick(node.attribute); a.ints = a.ints.map(() => random(7) - 2); a.i = random(5) - 1; a.f = pick([0, -1, 1e30, NaN, 0.5]); } break;
    case 2: if (node) node.input = node.input.filter(() => random(3) > 0); break;
    case 3: if (g.initializer.length) { const t = pick(g.initializer); t.dims = t.dims.map(() => random(40)); } break;
    case 4: if (g.initializer.length) g.initializer.splice(random(g.initializer.length), 1); break;
    case 5: if (g.node.length > 1) { const i = random(g.node.length - 1); [g.node[i], g.node[i + 1]] = [g.node[i + 1], g.node[i]]; } break;
    case 6: if (node) g.node.splice(g.node.indexOf(node), 0, { ...node, name: `copy${random(9)}` }); break;
    case 7: g.input[0].type.tensorType.shape.dim = [{ dimParam: 'N' }, ...Array.from({ length: random(4) }, () => ({ dimValue: pick([1, 28, 784, 0, 3]) }))]; break;
    default: if (g.initializer.length) { const t = pick(g.initializer); t.dataType = pick([1, 7, 10, 11, 6]); t.rawData = t.rawData.subarray(0, random(t.rawData.length + 1)); } break;
  }
}

function mutateBytes(bytes) {
  const out = Uint8Array.from(bytes);
  switch (random(3)) {
    case 0: for (let k = 0; k < 1 + random(8); k++) out[random(out.length)] ^= 1 << random(8); return out;
    case 1: return out.subarray(0, random(out.length));
    default: { const at = random(out.length); return Uint8Array.from([...out.subarray(0, at), ...crypto.randomBytes(1 + random(16)), ...out.subarray(at)]); }
  }
}

function mutate(bytes) {
  if (random(3) === 0) return mutateBytes(bytes);
  const model = onnx.ModelProto.decode(bytes);
  for (let k = 0; k < 1 + random(3); k++) mutateGraph(model);
  return onnx.ModelProto.encode(model).finish();
}

// One input through the reader and the core: undefined, or what is wrong.
function check(bytes) {
  try {
    const read = readOnnx(bytes, 'fuzz.onnx');
    const model = dp.loadModel(onnxToModelBytes(dp, read, parseInputRange(pick(['0..1', '0..255', '0.1307/0.3081']))));
    model.predict(new Float32Array(784).fill(0.5));
    model.dispose();
  } catch (error) {
    if (error instanceof OnnxImportError) return undefined;
    if (!(error instanceof Error) || error instanceof TypeError || error instanceof RangeError) return String(error?.stack ?? error);
    if (error.constructor !== Error) return `unexpected ${error.name}: ${error.message}`;
  }
  return undefined;
}

const findings = path.join(ROOT, 'build/fuzz-findings');
const end = Date.now() + seconds * 1000;
let runs = 0, accepted = 0;
while (Date.now() < end) {
  const input = mutate(pick(SEEDS));
  const start = Date.now();
  const problem = check(input) ?? (Date.now() - start > 5000 ? `took ${Date.now() - start} ms` : undefined);
  runs++;
  if (problem) {
    fs.mkdirSync(findings, { recursive: true });
    const file = path.join(findings, `onnx-${crypto.createHash('sha1').update(input).digest('hex').slice(0, 12)}.onnx`);
    fs.writeFileSync(file, input);
    console.error(`fuzz_onnx: ${problem}\n  input: ${file} (make it a case in tests/js/onnx.test.js)`);
    process.exit(1);
  }
  try {
    readOnnx(input);
    accepted++;
  } catch {}
}
console.log(`fuzz_onnx: ${runs} inputs in ${seconds} s, ${accepted} read as networks, no finding`);
