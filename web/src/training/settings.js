// The settings form of the training studio: presets (the quick MLP, the seeds' recipes, the
// shipped models' recipes, custom), the architecture it describes, and the options object a
// run gets. Kept apart so the way options are defined can change here alone.
const $ = (id) => document.getElementById(id);
const CUSTOM_FIELDS = ['train-hidden', 'train-activation', 'train-dropout'];

const QUICK_MLP = {
  id: 'quick-mlp',
  name: 'Quick MLP: 784-128-64-10 ReLU, SGD',
  architecture: '784-128-64-10',
  options: { loss: 'ce', optimizer: 'sgd', learningRate: 0.05, momentum: 0.9, batchSize: 16, epochs: 3, l2: 0, schedule: 'cosine', augment: false },
};

// "digitpad train --arch X --lr 0.05 ..." -> { architecture, options } in the JS API's names.
function recipeToPreset(entry) {
  const args = entry.recipe.replace(/^digitpad train /, '').match(/'[^']*'|\S+/g).map((a) => a.replace(/^'|'$/g, ''));
  const options = { loss: 'ce', optimizer: 'sgd', momentum: 0.9, l2: 0, augment: false };
  const names = { '--lr': 'learningRate', '--momentum': 'momentum', '--batch': 'batchSize', '--epochs': 'epochs',
    '--l2': 'l2', '--optimizer': 'optimizer', '--loss': 'loss', '--lr-schedule': 'schedule', '--seed': 'seed' };
  let architecture = '';
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--arch') architecture = args[++i];
    else if (args[i] === '--augment') options.augment = true;
    else if (names[args[i]]) {
      const v = args[++i];
      options[names[args[i - 1]]] = Number.isNaN(Number(v)) ? v : Number(v);
    }
  }
  if (options.optimizer === 'adam' && !entry.recipe.includes('--lr ')) options.learningRate = 0.001;
  return { id: `shipped-${entry.id}`, name: `${entry.name} (shipped)`, architecture, options };
}

const field = () => ({
  loss: $('train-loss'), optimizer: $('train-optimizer'), learningRate: $('train-lr'), momentum: $('train-momentum'),
  batchSize: $('train-batch'), epochs: $('train-epochs'), l2: $('train-l2'), augment: $('train-augment'),
  schedule: $('train-schedule'),
});

/** The architecture spec: the preset's, or the custom hidden layers of the form. */
function architectureOf(preset) {
  if (preset.architecture) return preset.architecture;
  const sizes = $('train-hidden').value.split(',').map((s) => s.trim()).filter(Boolean);
  const act = $('train-activation').value;
  const dropout = Number($('train-dropout').value);
  const hidden = sizes.map((n) => `dense:${n},${act}${dropout > 0 ? `,dropout:${dropout}` : ''}`);
  return ['input:28x28x1', ...hidden, 'dense:10'].join(',');
}

/** Puts a preset's options into the form (the custom fields only count for the custom preset). */
function applyPresetToForm(preset) {
  for (const id of CUSTOM_FIELDS) $(id).disabled = Boolean(preset.architecture);
  const f = field();
  const o = { ...QUICK_MLP.options, ...preset.options };
  f.loss.value = o.loss;
  f.optimizer.value = o.optimizer ?? 'sgd';
  f.learningRate.value = o.learningRate;
  f.momentum.value = o.momentum ?? 0.9;
  f.batchSize.value = o.batchSize;
  f.epochs.value = o.epochs;
  f.l2.value = o.l2 ?? 0;
  f.augment.checked = Boolean(o.augment);
  f.schedule.value = ['constant', 'cosine'].includes(o.schedule ?? 'constant') ? (o.schedule ?? 'constant') : 'constant';
}

/** The form as the options object of a run (an empty number field becomes NaN: the core rejects it). */
function readOptionsFromForm(preset) {
  const f = field();
  const number = (el) => (el.value.trim() === '' ? NaN : Number(el.value));
  return {
    ...(preset.options.init ? { init: preset.options.init } : {}),
    loss: f.loss.value,
    optimizer: f.optimizer.value,
    learningRate: number(f.learningRate),
    momentum: number(f.momentum),
    batchSize: number(f.batchSize),
    epochs: number(f.epochs),
    l2: number(f.l2),
    augment: f.augment.checked,
    schedule: f.schedule.value,
    seed: Date.now() % 100000,
    name: `Trained here: ${architectureOf(preset).replace(/^input:28x28x1,/, '')}`,
  };
}

/** Fills the preset selector and follows it; returns trainRequest() -> { spec, options }. */
export function initSettings(manifest) {
  const presets = [
    QUICK_MLP,
    ...manifest.presets.map((p) => ({ ...p, name: `Seed: ${p.name} (published ${p.publishedAccuracy})` })),
    ...manifest.models.map(recipeToPreset),
    { id: 'custom', name: 'Custom: hidden layers below', architecture: null, options: {} },
  ];
  const presetSelect = $('train-preset');
  presetSelect.replaceChildren(...presets.map((p) => new Option(p.name, p.id)));
  const selected = () => presets.find((p) => p.id === presetSelect.value);
  const showSpec = () => { $('train-spec').textContent = architectureOf(selected()); };
  presetSelect.addEventListener('change', () => {
    applyPresetToForm(selected());
    showSpec();
  });
  for (const id of CUSTOM_FIELDS) $(id).addEventListener('input', showSpec);
  applyPresetToForm(selected());
  showSpec();
  return {
    trainRequest: () => ({ spec: architectureOf(selected()), options: readOptionsFromForm(selected()) }),
  };
}
