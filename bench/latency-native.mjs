// One-digit inference latency of digitpad native (the tool's `latency` subcommand: std::chrono
// around each predict of the first test image), for a fresh 784-128-64-10 MLP and the default
// model's file, in both native builds. Merges `nativeLatency` into bench/results.json.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { DEFAULT_MODEL, MLP, NATIVE, NATIVE_SSE, ROOT, saveResults } from './config.mjs';

const latency = (binary, ...args) =>
  JSON.parse(execFileSync(binary, ['latency', ...args, '--repeat', '5000', '--json'], { encoding: 'utf8' }));
const model = path.join(ROOT, 'models', DEFAULT_MODEL.file);

saveResults('nativeLatency', {
  mlp: { spec: MLP.spec, native: latency(NATIVE, '--arch', MLP.spec), nativeSse: latency(NATIVE_SSE, '--arch', MLP.spec) },
  cnn: { model: DEFAULT_MODEL.id, native: latency(NATIVE, '--model', model), nativeSse: latency(NATIVE_SSE, '--model', model) },
});
process.stderr.write('latency-native: done\n');
