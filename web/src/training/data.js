// The training data the worker holds: which set it has, loading the chosen one (once, even if
// Start, Fine-tune and opening the panel all ask while it loads), and the data status line.
import { Request } from './protocol.js';

const $ = (id) => document.getElementById(id);
const IDX_INPUTS = ['idx-train-images', 'idx-train-labels', 'idx-test-images', 'idx-test-labels'];

/** 'subset', 'full' or 'files': the data radio buttons. */
export const dataChoice = () => document.querySelector('input[name="train-data"]:checked').value;

export class TrainingData {
  #client;
  #loaded = null;   // what the worker holds: 'subset', 'full', 'files' or null
  #pending = null;  // { choice, promise } of the load under way

  constructor(client) {
    this.#client = client;
  }

  /** After a crash: the new worker starts without data. */
  forget() {
    this.#loaded = null;
  }

  get loaded() {
    return this.#loaded;
  }

  /**
   * Resolves once the worker holds the chosen data. Loads run one after another (the worker
   * keeps the last one loaded); files are read again each time since the user may change them.
   */
  ensure() {
    const choice = dataChoice();
    if (choice !== 'files' && this.#pending?.choice === choice) return this.#pending.promise;
    const previous = this.#pending?.promise.catch(() => {}) ?? Promise.resolve();
    const promise = previous.then(() => (choice !== 'files' && this.#loaded === choice ? undefined : this.#load(choice)));
    const pending = { choice, promise };
    this.#pending = pending;
    promise.catch(() => {}).finally(() => {
      if (this.#pending === pending) this.#pending = null;
    });
    return promise;
  }

  /** Loading without a run (the panel was opened): a failure is shown in the data status line. */
  preload() {
    this.ensure().catch((error) => {
      $('data-status').textContent = `Could not load the training data: ${error.message}.`;
    });
  }

  async #load(choice) {
    const progress = $('data-progress');
    const status = $('data-status');
    let source = choice;
    const transfer = [];
    if (choice === 'files') {
      const inputs = IDX_INPUTS.map((id) => $(id).files[0]);
      if (inputs.some((f) => !f)) throw Object.assign(new Error('choose all four IDX files (training and test images and labels)'), { name: 'DataError' });
      const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(inputs.map((f) => f.arrayBuffer()));
      source = { trainImages, trainLabels, testImages, testLabels };
      transfer.push(trainImages, trainLabels, testImages, testLabels);
    }
    progress.hidden = false;
    progress.removeAttribute('value');
    status.textContent = 'Loading training data…';
    try {
      const counts = await this.#client.request(Request.LOAD_DATA, { source }, {
        transfer,
        onEvent: (type, p) => {
          progress.max = p.total;
          progress.value = p.loaded;
          status.textContent = `Loading training data: ${(p.loaded / 1048576).toFixed(1)} of ${(p.total / 1048576).toFixed(1)} MB`;
        },
      });
      this.#loaded = choice;
      status.textContent = `Data ready: ${counts.train.toLocaleString('en')} training and ${counts.test.toLocaleString('en')} test images.`;
    } catch (error) {
      status.textContent = '';
      throw error;
    } finally {
      progress.hidden = true;
    }
  }
}
