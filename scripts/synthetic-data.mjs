// The synthetic data sets (digitpad-synth), written once and written again whenever the tool
// that makes them changed: DIR/stamp holds the hash of the tool's binary and its arguments,
// so a set made by an older generator (other families, other fonts) is never measured with.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SYNTH_TOOL = path.join(ROOT, 'build/native/digitpad-synth');

/** Makes sure `dir` holds what `digitpad-synth --seed 1 --out dir ...extraArgs` writes. */
export function ensureSyntheticData(dir, extraArgs = [], log = () => {}) {
  const args = ['--seed', '1', '--out', dir, ...extraArgs];
  const stamp = crypto.createHash('sha256').update(fs.readFileSync(SYNTH_TOOL)).update(JSON.stringify(args)).digest('hex');
  const stampFile = path.join(dir, 'stamp');
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) return;
  log(`== writing the synthetic data: digitpad-synth ${args.join(' ')}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  execFileSync(SYNTH_TOOL, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  fs.writeFileSync(stampFile, stamp);
}
