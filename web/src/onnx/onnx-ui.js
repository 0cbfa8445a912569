// The page's ONNX actions, loaded only when a user downloads a model as ONNX or loads an .onnx
// file (models.js imports this on demand, so the first load does not carry protobufjs).
import { DEFAULT_INPUT_RANGE, INPUT_RANGES, parseInputRange } from './input-range.js';
import { onnxToModelBytes, readOnnx } from './onnx-model.js';

export { exportOnnx } from './onnx-model.js';

/**
 * An .onnx file's bytes -> digitpad model bytes, or null if the user cancelled the question
 * about its input. Throws OnnxImportError (the node and operator) for a graph digitpad does
 * not run.
 */
export async function onnxToModel(digitpad, bytes, fileName) {
  const read = readOnnx(bytes, fileName);
  const range = read.inputKnown ? parseInputRange('0..1') : await askInputRange(fileName);
  return range && onnxToModelBytes(digitpad, read, range);
}

const OTHER = 'other';

// A modal dialog: which input the model expects, 0..1 chosen. Resolves to parseInputRange's
// result, or null when cancelled.
function askInputRange(fileName) {
  const dialog = document.createElement('dialog');
  dialog.id = 'onnx-input-dialog';
  dialog.setAttribute('aria-labelledby', 'onnx-input-heading');
  const form = document.createElement('form');
  form.method = 'dialog';
  const heading = Object.assign(document.createElement('h3'), { id: 'onnx-input-heading', textContent: `What input does ${fileName} expect?` });
  const explain = Object.assign(document.createElement('p'), {
    textContent: 'digitpad gives a network 28×28 pixels from 0 (background) to 1 (ink). An ONNX file does not say what its network was trained on: choose it, and digitpad keeps the answer with the model.',
  });
  const fieldset = document.createElement('fieldset');
  fieldset.append(Object.assign(document.createElement('legend'), { textContent: 'The model expects' }));
  const radio = (value, text, checked) => {
    const label = document.createElement('label');
    const input = Object.assign(document.createElement('input'), { type: 'radio', name: 'onnx-input', value, checked });
    label.append(input, ` ${text}`);
    fieldset.append(label);
    return input;
  };
  for (const range of INPUT_RANGES) radio(range.text, range.label, range.text === DEFAULT_INPUT_RANGE);
  const other = radio(OTHER, 'normalised with another mean and standard deviation:', false);
  const number = (id, label, value) => {
    const wrap = Object.assign(document.createElement('label'), { textContent: `${label} ` });
    const input = Object.assign(document.createElement('input'), { id, type: 'number', step: 'any', value });
    input.addEventListener('input', () => (other.checked = true));
    wrap.append(input);
    return [wrap, input];
  };
  const [meanLabel, mean] = number('onnx-input-mean', 'mean', '0.5');
  const [stdLabel, std] = number('onnx-input-std', 'standard deviation', '0.25');
  const custom = Object.assign(document.createElement('div'), { className: 'onnx-input-custom' });
  custom.append(meanLabel, stdLabel);
  fieldset.append(custom);
  const error = Object.assign(document.createElement('p'), { id: 'onnx-input-error', role: 'alert', hidden: true });
  const buttons = Object.assign(document.createElement('div'), { className: 'file-actions' });
  const cancel = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Cancel', id: 'onnx-input-cancel' });
  const use = Object.assign(document.createElement('button'), { type: 'submit', textContent: 'Use this model', id: 'onnx-input-use' });
  buttons.append(use, cancel);
  form.append(heading, explain, fieldset, error, buttons);
  dialog.append(form);
  document.body.append(dialog);

  return new Promise((resolve) => {
    const finish = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    cancel.addEventListener('click', () => finish(null));
    dialog.addEventListener('cancel', () => finish(null));  // Escape
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const choice = form.elements['onnx-input'].value;
      try {
        finish(parseInputRange(choice === OTHER ? `${mean.value}/${std.value}` : choice));
      } catch (problem) {
        error.textContent = problem.message;
        error.hidden = false;
      }
    });
    dialog.showModal();
  });
}
