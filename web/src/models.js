// Choosing the model the pad recognises with: the shipped ones (models/manifest.json), a model
// file from disk or dropped on the page (a digitpad model, or an .onnx file), a model trained
// here; and downloading the current one, as a digitpad model or as ONNX.
import { downloadBytes } from './download.js';
import { showPageError } from './page-error.js';

const $ = (id) => document.getElementById(id);

async function fetchBytes(url) {
  let response;
  try {
    response = await fetch(url);
  } catch {
    // Offline, only what was used before is in the service worker's cache.
    throw new Error(`could not download ${url}: the network is unreachable and it was never downloaded before`);
  }
  if (!response.ok) throw new Error(`could not fetch ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// ONNX is converted by ./onnx/, fetched only when used.
const loadOnnx = () => import('./onnx/onnx-ui.js');
const isOnnxFile = (fileName) => /\.onnx$/i.test(fileName);
const fileStem = (label) => label.replace(/[^\w.-]+/g, '-').replace(/\.(bin|onnx)$/i, '');

export class ModelPicker {
  #recognizer;
  #manifest;
  #onChange;
  #select = $('model-select');
  #custom = new Map();  // selector value -> { bytes, label } of the models that are not shipped
  #inUseKey = null;     // the selector value of the model in use
  #choice = 0;          // counts the user's choices: a download that ends after a later choice is dropped

  /** onChange(): the model in use changed (recognise the pad again). */
  constructor(recognizer, manifest, onChange) {
    this.#recognizer = recognizer;
    this.#manifest = manifest;
    this.#onChange = onChange;
    this.#select.replaceChildren(...manifest.models.map((m) =>
      new Option(`${m.name} · ${(m.testAccuracy * 100).toFixed(2)}% · ${Math.round(m.sizeBytes / 1024)} KB`, m.id)));
    this.#select.addEventListener('change', () => this.#chosen(this.#select.value));
    $('model-input').addEventListener('change', async (e) => {
      const file = e.target.files[0];
      e.target.value = '';
      if (file) this.useFile(new Uint8Array(await file.arrayBuffer()), file.name);
    });
    $('download-model').addEventListener('click', () => {
      const { bytes, label } = this.#recognizer.current;
      downloadBytes(bytes, `${fileStem(label)}.bin`);
    });
    $('download-onnx').addEventListener('click', async () => {
      const { bytes, label } = this.#recognizer.current;
      const shipped = this.#manifest.models.find((m) => m.id === this.#inUseKey);
      try {
        const { exportOnnx } = await loadOnnx();
        downloadBytes(exportOnnx(this.#recognizer.digitpad, bytes, { accuracy: shipped?.testAccuracy }), `${fileStem(label)}.onnx`);
        showPageError('');
      } catch (error) {
        showPageError(`Could not export ${label} as ONNX: ${error.message}`);
      }
    });
  }

  /** Starts with the manifest's default model and enables the selector. */
  async start() {
    this.#select.value = this.#manifest.default;
    await this.#useShipped(this.#manifest.default, await fetchBytes(this.#shippedUrl(this.#manifest.default)));
    this.#select.disabled = false;
  }

  /** A model file's bytes (from the file input or dropped on the page): digitpad's or ONNX. */
  async useFile(bytes, fileName) {
    if (!isOnnxFile(fileName)) return this.useCustom(bytes, fileName, 'file');
    const choice = ++this.#choice;
    try {
      const { onnxToModel } = await loadOnnx();
      const converted = await onnxToModel(this.#recognizer.digitpad, bytes, fileName);
      if (converted && choice === this.#choice) return this.useCustom(converted, fileName, 'file');
    } catch (error) {
      if (choice === this.#choice) this.#refuse(fileName, error);
    }
    return false;
  }

  // The current model stays; the message says why the other is not used.
  #refuse(label, error) {
    this.#select.value = this.#inUseKey;
    this.#inUse(false);
    showPageError(`${label} is not a usable model: ${error.message}. Still using ${this.#recognizer.current.label}.`);
  }

  /**
   * A model that is not one of the shipped ones gets its own entry (key) in the selector.
   * Returns false, keeping the current model, if the bytes are not a usable model.
   */
  useCustom(bytes, label, key) {
    this.#choice++;  // a download still under way is no longer wanted
    try {
      this.#recognizer.use(bytes, label);
    } catch (error) {
      this.#refuse(label, error);
      return false;
    }
    showPageError('');
    let option = this.#select.querySelector(`option[value="${key}"]`);
    if (!option) {
      option = new Option('', key);
      this.#select.add(option);
    }
    option.textContent = label;
    this.#custom.set(key, { bytes, label });
    this.#select.value = key;
    this.#inUseKey = key;
    this.#inUse();
    return true;
  }

  // The user chose an entry of the selector. The last choice wins: a download that finishes
  // after a later choice is dropped, so what the selector shows is what is in use.
  async #chosen(key) {
    const custom = this.#custom.get(key);
    if (custom) {
      this.useCustom(custom.bytes, custom.label, key);
      return;
    }
    const choice = ++this.#choice;
    const entry = this.#manifest.models.find((m) => m.id === key);
    showPageError('');
    $('model-info').textContent = `Loading ${entry.name} (${Math.round(entry.sizeBytes / 1024)} KB)… Still using ${this.#recognizer.current.label} until it is here.`;
    $('model-info').dataset.loading = entry.id;
    try {
      const bytes = await fetchBytes(this.#shippedUrl(key));
      if (choice !== this.#choice) return;
      this.#useShipped(key, bytes);
    } catch (error) {
      if (choice !== this.#choice) return;
      this.#select.value = this.#inUseKey;
      this.#inUse(false);
      showPageError(`Could not use ${entry.name}: ${error.message}. Still using ${this.#recognizer.current.label}.`);
    }
  }

  #shippedUrl(id) {
    return `models/${this.#manifest.models.find((m) => m.id === id).file}`;
  }

  #useShipped(id, bytes) {
    this.#recognizer.use(bytes, this.#manifest.models.find((m) => m.id === id).name);
    this.#inUseKey = id;
    this.#inUse();
  }

  /** Shows the model in use; changed: it is another model than before (recognise again). */
  #inUse(changed = true) {
    const { info, bytes, label } = this.#recognizer.current;
    delete $('model-info').dataset.loading;
    $('model-info').textContent =
      `${label}: ${info.architecture.replace(/^input:28x28x1,/, '')} · ${info.parameters.toLocaleString('en')} parameters · ${(bytes.length / 1024).toFixed(0)} KB`;
    if (changed) this.#onChange();
  }
}
