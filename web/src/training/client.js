// The page's side of the training worker: requests as promises, the job's events as
// callbacks, and a new worker if the old one crashed.
import { Reply } from './protocol.js';

export class WorkerCrashedError extends Error {
  name = 'WorkerCrashedError';
}

export class TrainingClient {
  #worker = null;
  #nextId = 1;
  #pending = new Map();  // id -> { resolve, reject, onEvent }
  onCrash = () => {};

  #start() {
    const worker = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data: { id, type, data } }) => {
      const call = this.#pending.get(id);
      if (!call) return;
      if (type === Reply.RESULT || type === Reply.ERROR) {
        this.#pending.delete(id);
        if (type === Reply.RESULT) call.resolve(data);
        else call.reject(Object.assign(new Error(data.message), { name: data.name }));
      } else {
        call.onEvent?.(type, data);
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.#crashed(event.message || 'the training worker crashed');
    };
    this.#worker = worker;
  }

  #crashed(message) {
    this.#worker?.terminate();
    this.#worker = null;
    const calls = [...this.#pending.values()];
    this.#pending.clear();
    for (const call of calls) call.reject(new WorkerCrashedError(message));
    this.onCrash(message);
  }

  /** Sends { id, type, data }; resolves with the result, rejects with a named Error. */
  request(type, data = {}, { transfer = [], onEvent } = {}) {
    if (!this.#worker) this.#start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onEvent });
      this.#worker.postMessage({ id, type, data }, transfer);
    });
  }

  /** Stops the worker at once (its state is lost); the next request starts a new one. */
  terminate(reason = 'the training worker was stopped') {
    if (this.#worker) this.#crashed(reason);
  }
}
