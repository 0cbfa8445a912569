// The layer editor: a custom network, CNNs included, as a list of layers (add, remove, move;
// each layer's kind and sizes) or as spec text, the two kept in step. Every change is checked
// by the core (describeArchitecture: its own message for a bad spec) and shows each layer's
// output shape, parameters and multiply-adds, the totals, and an estimated time per epoch from
// this machine's measured speed.
const INPUT = 'input:28x28x1';
const DEFAULT_LAYERS = 'conv:8x3:same,relu,maxpool:2,conv:16x3:same,relu,maxpool:2,flatten,dense:10';
// Training does a forward pass and two backward GEMMs of the same size (inputs and weights).
const TRAINING_COST = 3;
const KINDS = ['conv', 'maxpool', 'dense', 'relu', 'sigmoid', 'tanh', 'dropout', 'flatten'];
const FRESH = { conv: 'conv:8x3:same', maxpool: 'maxpool:2', dense: 'dense:32', dropout: 'dropout:0.2' };

// A token as the row's fields: { kind, a, b, padding } or { kind: 'other', token } for forms
// the rows do not edit (a stride); the text field takes any spec.
function fieldsOf(token) {
  let m;
  if ((m = /^conv:(\d+)x(\d+)(?::(same|valid))?$/.exec(token))) return { kind: 'conv', a: m[1], b: m[2], padding: m[3] ?? 'valid' };
  if ((m = /^maxpool:(\d+)$/.exec(token))) return { kind: 'maxpool', a: m[1] };
  if ((m = /^dense:(\d+)$/.exec(token))) return { kind: 'dense', a: m[1] };
  if ((m = /^dropout:([\d.]+)$/.exec(token))) return { kind: 'dropout', a: m[1] };
  if (['relu', 'sigmoid', 'tanh', 'flatten'].includes(token)) return { kind: token };
  return { kind: 'other', token };
}

function tokenOf(f) {
  switch (f.kind) {
    case 'conv': return `conv:${f.a}x${f.b}:${f.padding}`;
    case 'maxpool': return `maxpool:${f.a}`;
    case 'dense': return `dense:${f.a}`;
    case 'dropout': return `dropout:${f.a}`;
    case 'other': return f.token;
    default: return f.kind;
  }
}

const element = (tag, props = {}, ...children) => {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...children);
  return el;
};
const number = (v) => v.toLocaleString('en');
const shapeText = ([h, w, c]) => (h * w > 1 ? `${h}×${w}×${c}` : `${c}`);

/**
 * recognizer: the page's (describeArchitecture, measureSpeed); container: where the editor
 * goes; onChange(): the spec changed. Returns { root, spec() (with the input), trainImages }.
 */
export function initLayerEditor(recognizer, container, onChange) {
  let tokens = DEFAULT_LAYERS.split(',');
  let speed = null;  // multiply-adds per second, measured when first needed
  const list = element('ol', { className: 'layer-list', id: 'layer-list' });
  const text = element('input', { id: 'train-layers-spec', value: tokens.join(','), spellcheck: false });
  const add = element('button', { type: 'button', id: 'layer-add', textContent: 'Add a layer' });
  const status = element('p', { id: 'layer-status', role: 'status' });
  const table = element('table', { className: 'layer-summary', id: 'layer-summary' });
  const root = element('div', { className: 'layer-editor', id: 'layer-editor' },
    element('p', { className: 'muted', textContent: 'Your own network, layer by layer (the input is 28×28×1; the last layer gives 10 outputs, or 11 with "not a digit"):' }),
    list, add,
    element('label', {}, 'Or as spec text ', text),
    status, element('div', { className: 'confusion-box' }, table));
  container.append(root);

  function check() {
    let summary;
    try {
      summary = recognizer.describeArchitecture(`${INPUT},${tokens.join(',')}`);
    } catch (error) {
      status.textContent = `Not a network the core can build: ${error.message}`;
      status.dataset.valid = 'false';
      table.replaceChildren();
      onChange();
      return;
    }
    speed ??= recognizer.measureSpeed();
    const seconds = (TRAINING_COST * summary.multiplyAdds * 10_000) / speed;
    status.textContent = `${number(summary.parameters)} parameters · ${number(summary.multiplyAdds)} multiply-adds per digit · ${seconds < 0.1 ? 'under 0.1' : `about ${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}`} s per epoch of 10,000 images on this machine (estimated: ${TRAINING_COST} × the multiply-adds at its measured speed)`;
    status.dataset.valid = 'true';
    Object.assign(status.dataset, { parameters: String(summary.parameters), multiplyAdds: String(summary.multiplyAdds) });
    const head = element('tr', {}, ...['layer', 'output', 'parameters', 'multiply-adds'].map((t) => element('th', { scope: 'col', textContent: t })));
    table.replaceChildren(element('caption', { textContent: 'What each layer computes for one digit' }), head,
      ...summary.layers.map((l) => element('tr', {}, element('th', { scope: 'row', textContent: l.name }),
        ...[shapeText(l.shape), number(l.parameters), number(l.multiplyAdds)].map((t) => element('td', { textContent: t })))));
    onChange();
  }

  const changed = () => {
    text.value = tokens.join(',');
    check();
  };

  function row(token, i) {
    const fields = fieldsOf(token);
    const li = element('li', { className: 'layer-row' });
    const update = () => {
      tokens[i] = tokenOf(fields);
      changed();
    };
    const kind = element('select');
    kind.setAttribute('aria-label', `Layer ${i + 1}: kind`);
    kind.append(...KINDS.map((k) => new Option(k, k)), ...(fields.kind === 'other' ? [new Option('other', 'other')] : []));
    kind.value = fields.kind;
    kind.addEventListener('change', () => {
      tokens[i] = FRESH[kind.value] ?? kind.value;
      render();
    });
    li.append(kind);
    const field = (name, label, value, attrs) => {
      const input = element('input', { type: 'number', value, ...attrs });
      input.setAttribute('aria-label', `Layer ${i + 1}: ${label}`);
      input.addEventListener('input', () => {
        fields[name] = input.value;
        update();
      });
      li.append(element('label', {}, `${label} `, input));
    };
    if (fields.kind === 'conv') {
      field('a', 'filters', fields.a, { min: 1, max: 256 });
      field('b', 'size', fields.b, { min: 1, max: 9 });
      const padding = element('select');
      padding.setAttribute('aria-label', `Layer ${i + 1}: padding`);
      padding.append(new Option('same', 'same'), new Option('valid', 'valid'));
      padding.value = fields.padding;
      padding.addEventListener('change', () => {
        fields.padding = padding.value;
        update();
      });
      li.append(padding);
    }
    if (fields.kind === 'maxpool') field('a', 'size', fields.a, { min: 1, max: 8 });
    if (fields.kind === 'dense') field('a', 'units', fields.a, { min: 1, max: 4096 });
    if (fields.kind === 'dropout') field('a', 'rate', fields.a, { min: 0, max: 0.9, step: 0.05 });
    if (fields.kind === 'other') li.append(element('code', { textContent: token }));
    const move = (label, title, to) => {
      const button = element('button', { type: 'button', textContent: label, title, disabled: to < 0 || to >= tokens.length });
      button.setAttribute('aria-label', `${title}: layer ${i + 1}`);
      button.addEventListener('click', () => {
        if (to === null) tokens.splice(i, 1);
        else [tokens[i], tokens[to]] = [tokens[to], tokens[i]];
        render();
      });
      li.append(button);
    };
    move('↑', 'Move up', i - 1);
    move('↓', 'Move down', i + 1);
    move('✕', 'Remove', null);
    return li;
  }

  function render() {
    list.replaceChildren(...tokens.map(row));
    changed();
  }

  add.addEventListener('click', () => {
    tokens.splice(Math.max(0, tokens.length - 1), 0, FRESH.dense);  // before the output layer
    render();
  });
  text.addEventListener('input', () => {
    tokens = text.value.split(',').map((t) => t.trim()).filter(Boolean).filter((t) => !t.startsWith('input:'));
    list.replaceChildren(...tokens.map(row));
    check();
  });

  return {
    root,
    /** The spec a run gets: the input and the layers. */
    spec: () => `${INPUT},${tokens.join(',')}`,
    /** Shows the editor (and measures) only when its preset is chosen. */
    show(visible) {
      root.hidden = !visible;
      if (visible && !table.childElementCount && status.dataset.valid !== 'false') render();
    },
  };
}
