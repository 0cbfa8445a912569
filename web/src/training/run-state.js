// A training run (or a fine-tuning, which is a run too) as one state machine. Buttons, status
// lines and the result box are derived from it by viewOf(); event handlers only ask for
// transitions, so a late reply or a double click cannot leave the page half-updated.
import { percent } from '../format.js';

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

// A result can cross a pause message on its way, so a paused run may still finish. Cancel
// while the data load stops the run at once (no job is in the worker yet; the load itself
// goes on and keeps the data for the next run). Pause waits for training: there is nothing to
// pause before. Every end state can start a new run.
const NEXT = {
  [IDLE]: [LOADING_DATA],
  [LOADING_DATA]: [TRAINING, CANCELLED, FAILED],
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
  attempt = 0;      // counts begin(): a job whose attempt is no longer current has been left behind

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

  /** Starts a run; returns its attempt number for isCurrent(). */
  begin(kind) {
    this.#to(LOADING_DATA, { kind, progress: null, outcome: null, offer: null, error: null, attempt: this.attempt + 1 });
    return this.attempt;
  }

  /** True while the run begun as `attempt` still goes on (not cancelled, not followed by another). */
  isCurrent(attempt) {
    return attempt === this.attempt && this.active;
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

  /** Cancel pressed while the data load: the run ends here, before any training. */
  cancelLoading() {
    if (this.#state !== LOADING_DATA) throw new IllegalTransitionError(`cannot cancel a data load: the run is ${this.#state}`);
    this.#to(CANCELLED);
  }

  /**
   * The worker's reply to 'train': { cancelled, best, model, testAccuracy, testImages, samples,
   * seconds }. The offer carries testImages: how many test images its accuracy was measured on.
   */
  ended(result) {
    const { testImages } = result;
    if (result.cancelled) this.#to(CANCELLED, { offer: result.best ? { ...result.best, testImages } : null });
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


const duration = (seconds) => (seconds >= 60 ? `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s` : `${Math.round(seconds)} s`);

/** A run expected to take longer than this gets a warning while it trains. */
export const LONG_RUN_SECONDS = 10 * 60;

function progressLine(p) {
  return `Epoch ${p.epoch + 1} of ${p.epochs}, batch ${p.batch} of ${p.batchesPerEpoch} · loss ${p.loss.toFixed(3)} · accuracy ${percent(p.accuracy, 1)} · ${Math.round(p.samplesPerSecond).toLocaleString('en')} samples/s · ETA ${duration(p.etaSeconds)}`;
}

function statusLine(run) {
  switch (run.state) {
    case IDLE: return 'Not started.';
    case LOADING_DATA: return run.kind === 'fine-tune'
      ? 'Loading the data and measuring the current model… (Pause works once training has begun.)'
      : 'Loading the data… (Pause works once training has begun.)';
    case TRAINING: return run.progress ? progressLine(run.progress) : 'Starting…';
    case PAUSED: return run.progress ? `${progressLine(run.progress)} · paused` : 'Paused.';
    case FINISHED: return `Done: ${run.outcome.samples.toLocaleString('en')} samples in ${run.outcome.seconds.toFixed(1)} s.`;
    case CANCELLED:
      if (!run.progress) return 'Cancelled before training began: no model is offered.';
      if (!run.offer) return 'Cancelled before the first epoch ended: no model is offered, since a model is kept only once an epoch is done and tested.';
      return 'Cancelled.';
    default: return 'Stopped.';
  }
}

function errorLine(error) {
  if (error.name === 'WorkerCrashedError') {
    return `The training worker stopped unexpectedly (${error.message}); press Start to begin again with a new one. The model in use is unchanged.`;
  }
  return `${error.name === 'DivergedError' ? 'The run diverged' : 'Training stopped'}: ${error.message}. The model in use is unchanged.`;
}

const MNIST_TEST_IMAGES = 10_000;

function offerLine(run, shippedModels) {
  const { epoch, testAccuracy, testImages } = run.offer;
  const what = run.state === CANCELLED
    ? `Cancelled. Best model so far: epoch ${epoch + 1}.`
    : run.kind === 'fine-tune' ? 'Fine-tuned.' : 'Trained.';
  const set = testImages === MNIST_TEST_IMAGES
    ? 'the 10,000 MNIST test images'
    : `${testImages.toLocaleString('en')} test images, not the 10,000 the shipped models are measured on`;
  return `${what} It reads ${percent(testAccuracy, 2)} of ${set}. The shipped models on the 10,000 MNIST test images: ${shippedModels}.`;
}

function longRunWarning(run) {
  const p = run.progress;
  if (!p || (run.state !== TRAINING && run.state !== PAUSED) || p.etaSeconds <= LONG_RUN_SECONDS) return '';
  return `This is a long run: about ${Math.round(p.etaSeconds / 60)} more minutes at this speed. Cancel and choose fewer epochs or a smaller network for a quicker one.`;
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
  const fineTuned = run.kind === 'fine-tune';
  return {
    startEnabled: !run.active,
    pauseEnabled: controllable,
    pauseLabel: run.state === PAUSED ? 'Resume' : 'Pause',
    pauseTitle: run.state === LOADING_DATA ? 'Pause works once training has begun' : '',
    cancelEnabled: run.active,
    fineTuneEnabled: !run.active && savedCorrections > 0,
    offerVisible: offered,
    offerText: offered ? offerLine(run, shippedModels) : '',
    offerTestAccuracy: offered ? run.offer.testAccuracy : null,
    // What the model is called once in use, and its file name.
    offerLabel: offered ? `${fineTuned ? 'Fine-tuned here' : 'Trained here'} (${percent(run.offer.testAccuracy, 1)})` : '',
    offerFileName: fineTuned ? 'digitpad-fine-tuned.bin' : 'digitpad-trained.bin',
    status: statusLine(run),
    warning: longRunWarning(run),
    samplesPerSecond: run.progress?.samplesPerSecond ?? null,
    progress: progressFraction(run),
    error: run.state === FAILED ? errorLine(run.error) : '',
  };
}
