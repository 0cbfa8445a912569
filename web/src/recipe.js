// A training recipe is { architecture, options }: a spec and the training options it sets, in
// the keys of the core's table (dp.trainOptionKeys() in JS, `digitpad options --json` natively).
// The command line is derived from it, never stored: for the page to show and for
// scripts/train-models.mjs to run.

/** The `digitpad train` arguments of a recipe: ['--arch', spec, '--lr', '0.002', '--augment', ...]. */
export function recipeArgs({ architecture, options }, keys) {
  const args = ['--arch', architecture];
  for (const [name, value] of Object.entries(options)) {
    const key = keys.find((k) => k.name === name);
    if (!key) throw new Error(`unknown training option '${name}' in a recipe`);
    if (key.type !== 'boolean') args.push(key.flag, String(value));
    else if (value) args.push(key.flag);  // false is the default: no flag
  }
  return args;
}

/** The recipe as a shell command line, quoted where a shell needs it. */
export function recipeCommand(recipe, keys) {
  const quote = (arg) => (/^[\w.\-/=]+$/.test(arg) ? arg : `'${arg}'`);
  return ['digitpad', 'train', ...recipeArgs(recipe, keys)].map(quote).join(' ');
}
