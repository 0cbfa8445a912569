// The settings form of the training studio, built from the core's table of training options
// (dp.trainOptionKeys(): name, label, group, type, range, defaults, description, when): one
// field per key, grouped as the table groups them, fields that do not apply to the current
// choice (momentum with Adam, the augmentation details without augmentation) hidden. Presets
// are recipes { architecture, options } as the manifest stores them; a run gets every key.
import { recipeCommand } from '../recipe.js';

const $ = (id) => document.getElementById(id);
const CUSTOM_FIELDS = ['train-hidden', 'train-activation', 'train-dropout'];
const GROUP_LEGENDS = { run: 'Run', optimizer: 'Optimizer', augmentation: 'Augmentation' };

const QUICK_MLP = {
  id: 'quick-mlp',
  name: 'Quick MLP: 784-128-64-10 ReLU, SGD',
  architecture: '784-128-64-10',
  options: { learningRate: 0.05, momentum: 0.9, batchSize: 16, epochs: 3, schedule: 'cosine' },
};

/** Each field's id comes from its CLI flag: --lr -> train-lr, --batch -> train-batch. */
const fieldId = (key) => `train-${key.flag.replace(/^--/, '')}`;

function createField(key) {
  const id = fieldId(key);
  const label = document.createElement('label');
  label.title = `${key.description} (${key.flag})`;
  let input;
  if (key.type === 'choice') {
    input = document.createElement('select');
    input.append(...key.choices.map((c) => new Option(c, c)));
  } else {
    input = document.createElement('input');
    input.type = key.type === 'boolean' ? 'checkbox' : 'number';
    if (key.type !== 'boolean') {
      input.min = String(key.min);
      input.max = String(key.max);
      input.step = key.type === 'integer' ? '1' : 'any';
    }
  }
  input.id = id;
  input.name = key.name;
  if (key.type === 'boolean') label.append(input, ` ${key.label}`);
  else label.append(`${key.label} `, input);
  return label;
}

/** The table's defaults for an optimizer. */
function defaultsFor(keys, optimizer) {
  return Object.fromEntries(keys.map((k) => [k.name, optimizer === 'adam' && k.adamDefault !== null ? k.adamDefault : k.default]));
}

/**
 * Fills the preset selector and the option fields; returns the settings' API. layerEditor:
 * initLayerEditor's, the network of the "Custom layers" preset.
 */
export function initSettings(manifest, keys, layerEditor) {
  const groups = new Map();
  for (const key of keys) {
    if (!groups.has(key.group)) {
      const fieldset = document.createElement('fieldset');
      fieldset.className = `train-options train-options-${key.group}`;
      const legend = document.createElement('legend');
      legend.textContent = GROUP_LEGENDS[key.group] ?? key.group;
      fieldset.append(legend);
      groups.set(key.group, fieldset);
    }
    groups.get(key.group).append(createField(key));
  }
  $('train-network').after(...groups.values());
  const input = (key) => $(fieldId(key));

  const presets = [
    QUICK_MLP,
    ...manifest.presets.map((p) => ({ id: p.id, name: `Seed: ${p.name} (published ${p.publishedAccuracy})`, ...p.recipe })),
    ...manifest.models.map((m) => ({ id: `shipped-${m.id}`, name: `${m.name} (shipped)`, ...m.recipe })),
    { id: 'custom', name: 'Custom: hidden layers below', architecture: null, options: {} },
    { id: 'custom-layers', name: 'Custom layers: any network, CNNs too', architecture: null, options: { optimizer: 'adam', learningRate: 0.002, epochs: 1 } },
  ];
  const presetSelect = $('train-preset');
  presetSelect.replaceChildren(...presets.map((p) => new Option(p.name, p.id)));
  const selected = () => presets.find((p) => p.id === presetSelect.value);

  /** The architecture spec: the preset's, or the custom hidden layers of the form. */
  function architecture() {
    const preset = selected();
    if (preset.architecture) return preset.architecture;
    if (preset.id === 'custom-layers') return layerEditor.spec();
    const sizes = $('train-hidden').value.split(',').map((s) => s.trim()).filter(Boolean);
    const act = $('train-activation').value;
    const dropout = Number($('train-dropout').value);
    const hidden = sizes.map((n) => `dense:${n},${act}${dropout > 0 ? `,dropout:${dropout}` : ''}`);
    return ['input:28x28x1', ...hidden, 'dense:10'].join(',');
  }

  /** Every key as the form holds it (an empty number field is NaN: the core rejects it). */
  function options() {
    return Object.fromEntries(keys.map((key) => {
      const el = input(key);
      if (key.type === 'boolean') return [key.name, el.checked];
      if (key.type === 'choice') return [key.name, el.value];
      return [key.name, el.value.trim() === '' ? NaN : Number(el.value)];
    }));
  }

  /** The options that differ from the table's defaults: what a command line needs. */
  function changedOptions(all) {
    const defaults = defaultsFor(keys, all.optimizer);
    return Object.fromEntries(Object.entries(all).filter(([name, value]) => value !== defaults[name]));
  }

  function showSpec() {
    const current = options();
    for (const key of keys) {
      const [other, value] = key.when ? key.when.split('=') : [];
      input(key).closest('label').hidden = Boolean(key.when) && String(current[other]) !== value;
    }
    $('train-spec').textContent = architecture();
    $('train-command').textContent = recipeCommand({ architecture: architecture(), options: changedOptions(current) }, keys);
  }

  function applyPreset() {
    const preset = selected();
    // The custom MLP's fields mean nothing with another preset's architecture: not shown at all.
    const mlp = preset.id === 'custom';
    for (const id of CUSTOM_FIELDS) {
      $(id).disabled = !mlp;
      $(id).closest('label').hidden = !mlp;
    }
    $('hidden-help').hidden = !mlp;
    layerEditor.show(preset.id === 'custom-layers');
    const values = { ...defaultsFor(keys, preset.options.optimizer), ...preset.options };
    for (const key of keys) {
      if (key.type === 'boolean') input(key).checked = Boolean(values[key.name]);
      else input(key).value = String(values[key.name]);
    }
    delete $('train-command').dataset.options;
    showSpec();
  }

  presetSelect.addEventListener('change', applyPreset);
  $('train-form').addEventListener('input', (e) => {
    if (e.target !== presetSelect) showSpec();
  });
  applyPreset();

  return {
    /** The spec shown and its command line follow a change made outside the form's fields. */
    refresh: showSpec,
    /** The request of a run: the spec and every training option, with the model's name. */
    trainRequest: () => ({
      spec: architecture(),
      options: { ...options(), name: `Trained here: ${architecture().replace(/^input:28x28x1,/, '')}` },
    }),
    /** A run started: show the options its trainer really got ({ architecture, options }). */
    showTrainerOptions({ architecture: spec, options: given }) {
      $('train-command').textContent = recipeCommand({ architecture: spec, options: changedOptions(given) }, keys);
      $('train-command').dataset.options = JSON.stringify({ architecture: spec, options: given });
    },
  };
}
