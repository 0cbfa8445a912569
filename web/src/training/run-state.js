// A training run (or a fine-tuning, which is a run too) as one state machine. Buttons, status
// lines and the result box are derived from it by viewOf(); event handlers only ask for
// transitions, so a late reply or a double click cannot leave the page half-updated.
export const RunState = Object.freeze({
  IDLE: 'idle',
  LOADING_DATA: 'loading-data',
  TRAINING: 'training',
  PAUSED: 'paused',
  FINISHED: 'finished',
  CANCELLED: 'cancelled',
  FAILED: 'failed',
});
const { IDLE, LOADING_DATA, TRAINING, PAUSED, FINISHED, CANCELLED, FAILED } = RunState;

// A result can cross a pause message on its way, so a paused run may still finish. Every end
// state can start a new run.
const NEXT = {
  [IDLE]: [LOADING_DATA],
  [LOADING_DATA]: [TRAINING, FAILED],
  [TRAINING]: [PAUSED, FINISHED, CANCELLED, FAILED],
  [PAUSED]: [TRAINING, FINISHED, CANCELLED, FAILED],
  [FINISHED]: [LOADING_DATA],
  [CANCELLED]: [LOADING_DATA],
  [FAILED]: [LOADING_DATA],
};
const ACTIVE = [LOADING_DATA, TRAINING, PAUSED];

export class IllegalTransitionError extends Error {
  name = 'IllegalTransitionError';
}

export class TrainingRun {
  #state = IDLE;
  #listeners = new Set();
  kind = null;      // 'train' or 'fine-tune'
  progress = null;  // the worker's last 'progress' event of this run
  outcome = null;   // finished: { samples, seconds }
  offer = null;     // the model offered to the user: { model, testAccuracy, epoch? }; null once discarded
  error = null;     // failed: { name, message }

  get state() {
    return this.#state;
  }

  /** True from Start until the run ends (loading data, training or paused). */
  get active() {
    return ACTIVE.includes(this.#state);
  }

  /** Calls listener(run) after every change. */
  subscribe(listener) {
    this.#listeners.add(listener);
  }

  begin(kind) {
    this.#to(LOADING_DATA, { kind, progress: null, outcome: null, offer: null, error: null });
  }

  dataReady() {
    this.#to(TRAINING);
  }

  /** A 'progress' event; it may still arrive after Pause was pressed. */
  progressed(progress) {
    if (this.#state !== TRAINING && this.#state !== PAUSED) throw new IllegalTransitionError(`progress while ${this.#state}`);
    this.progress = progress;
    this.#changed();
  }

  pause() {
    this.#to(PAUSED);
  }

  resume() {
    if (this.#state !== PAUSED) throw new IllegalTransitionError(`cannot resume: the run is ${this.#state}`);
    this.#to(TRAINING);
  }

  /** The worker's reply to 'train': { cancelled, best, model, testAccuracy, samples, seconds }. */
  ended(result) {
    if (result.cancelled) this.#to(CANCELLED, { offer: result.best ?? null });
    else this.#to(FINISHED, { outcome: { samples: result.samples, seconds: result.seconds }, offer: result });
  }

  fail(error) {
    this.#to(FAILED, { error: { name: error.name, message: error.message } });
  }

  /** Drops the offered model; the run's state stays what it was. */
  discard() {
    if (!this.offer) return;
    this.offer = null;
    this.#changed();
  }

  #to(next, changes = {}) {
    if (!NEXT[this.#state].includes(next)) throw new IllegalTransitionError(`cannot go from ${this.#state} to ${next}`);
    this.#state = next;
    Object.assign(this, changes);
    this.#changed();
  }

  #changed() {
    for (const listener of this.#listeners) listener(this);
  }
}

const percent = (p, digits) => `${(p * 100).toFixed(digits)}%`;

function progressLine(p) {
  const eta = p.etaSeconds >= 60 ? `${Math.floor(p.etaSeconds / 60)} min ${Math.round(p.etaSeconds % 60)} s` : `${Math.round(p.etaSeconds)} s`;
  return `Epoch ${p.epoch + 1} of ${p.epochs}, batch ${p.batch} of ${p.batchesPerEpoch} · loss ${p.loss.toFixed(3)} · accuracy ${percent(p.accuracy, 1)} · ${Math.round(p.samplesPerSecond).toLocaleString('en')} samples/s · ETA ${eta}`;
}

function statusLine(run) {
  switch (run.state) {
    case IDLE: return 'Not started.';
    case LOADING_DATA: return 'Starting…';
    case TRAINING: return run.progress ? progressLine(run.progress) : 'Starting…';
    case PAUSED: return run.progress ? `${progressLine(run.progress)} · paused` : 'Paused.';
    case FINISHED: return `Done: ${run.outcome.samples.toLocaleString('en')} samples in ${run.outcome.seconds.toFixed(1)} s.`;
    case CANCELLED: return 'Cancelled.';
    default: return 'Stopped.';
  }
}

function errorLine(error) {
  if (error.name === 'WorkerCrashedError') {
    return `The training worker stopped unexpectedly (${error.message}); press Start to begin again with a new one. The model in use is unchanged.`;
  }
  return `${error.name === 'DivergedError' ? 'The run diverged' : 'Training stopped'}: ${error.message}. The model in use is unchanged.`;
}

function offerLine(run, shippedModels) {
  const what = run.state === CANCELLED
    ? `Cancelled; best model so far (epoch ${run.offer.epoch + 1})`
    : run.kind === 'fine-tune' ? 'Fine-tuned' : 'Trained';
  return `${what}: ${percent(run.offer.testAccuracy, 2)} on the test images (shipped models on MNIST's 10,000: ${shippedModels}).`;
}

function progressFraction(run) {
  if (run.state === FINISHED) return 1;
  const p = run.progress;
  return p ? (p.epoch * p.batchesPerEpoch + p.batch) / (p.epochs * p.batchesPerEpoch) : 0;
}

/**
 * Everything the page shows about the run, derived from its state alone.
 * savedCorrections: how many corrections are saved (Fine-tune needs one);
 * shippedModels: "name accuracy, ..." for the comparison in the result line.
 */
export function viewOf(run, { savedCorrections = 0, shippedModels = '' } = {}) {
  const controllable = run.state === TRAINING || run.state === PAUSED;
  const offered = (run.state === FINISHED || run.state === CANCELLED) && run.offer !== null;
  return {
    startEnabled: !run.active,
    pauseEnabled: controllable,
    pauseLabel: run.state === PAUSED ? 'Resume' : 'Pause',
    cancelEnabled: controllable,
    fineTuneEnabled: !run.active && savedCorrections > 0,
    offerVisible: offered,
    offerText: offered ? offerLine(run, shippedModels) : '',
    offerTestAccuracy: offered ? run.offer.testAccuracy : null,
    status: statusLine(run),
    samplesPerSecond: run.progress?.samplesPerSecond ?? null,
    progress: progressFraction(run),
    error: run.state === FAILED ? errorLine(run.error) : '',
  };
}
