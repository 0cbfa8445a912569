// The training run's state machine: which transitions it allows, which it refuses, and what
// the page shows (buttons, status, result) in each state.
import { describe, expect, test } from 'vitest';
import { IllegalTransitionError, RunState, TrainingRun, viewOf } from '../../web/src/training/run-state.js';

const PROGRESS = { epoch: 1, epochs: 4, batch: 50, batchesPerEpoch: 100, loss: 0.25, accuracy: 0.93, samplesPerSecond: 12_345, etaSeconds: 75 };
const FINISHED = { cancelled: false, model: new Uint8Array(8), testAccuracy: 0.9712, testImages: 2_000, samples: 20_000, seconds: 3.21, best: null };
const CANCELLED = { cancelled: true, best: { model: new Uint8Array(8), testAccuracy: 0.95, epoch: 2 }, testImages: 2_000, samples: 9_000, seconds: 1 };

// Drives a new run into each state by its legal path.
const PATHS = {
  [RunState.IDLE]: () => {},
  [RunState.LOADING_DATA]: (run) => run.begin('train'),
  [RunState.TRAINING]: (run) => { run.begin('train'); run.dataReady(); run.progressed(PROGRESS); },
  [RunState.PAUSED]: (run) => { PATHS.training(run); run.pause(); },
  [RunState.FINISHED]: (run) => { PATHS.training(run); run.ended(FINISHED); },
  [RunState.CANCELLED]: (run) => { PATHS.training(run); run.ended(CANCELLED); },
  [RunState.FAILED]: (run) => { PATHS.training(run); run.fail({ name: 'DivergedError', message: 'training diverged' }); },
};
function runIn(state) {
  const run = new TrainingRun();
  PATHS[state](run);
  expect(run.state).toBe(state);
  return run;
}

describe('transitions', () => {
  test('a run goes idle -> loading data -> training -> paused -> training -> finished', () => {
    const run = new TrainingRun();
    const seen = [];
    run.subscribe((r) => seen.push(r.state));
    run.begin('train');
    run.dataReady();
    run.pause();
    run.resume();
    run.ended(FINISHED);
    expect(seen).toEqual(['loading-data', 'training', 'paused', 'training', 'finished']);
  });

  test('cancel ends a training or paused run with the best model offered', () => {
    for (const from of [RunState.TRAINING, RunState.PAUSED]) {
      const run = runIn(from);
      run.ended(CANCELLED);
      expect(run.state).toBe(RunState.CANCELLED);
      expect(run.offer).toEqual({ ...CANCELLED.best, testImages: 2_000 });
    }
  });

  test('cancel while the data load ends the run at once, and the job that was loading is left behind', () => {
    const run = new TrainingRun();
    const attempt = run.begin('train');
    expect(run.isCurrent(attempt)).toBe(true);
    run.cancelLoading();
    expect(run).toMatchObject({ state: RunState.CANCELLED, offer: null });
    expect(run.isCurrent(attempt)).toBe(false);  // its data arriving later starts no training
    const next = run.begin('train');
    expect(run.isCurrent(attempt)).toBe(false);  // not even once another run has begun
    expect(run.isCurrent(next)).toBe(true);
  });

  test('cancelLoading is refused once training has begun (the worker is told instead)', () => {
    expect(() => runIn(RunState.TRAINING).cancelLoading()).toThrow(IllegalTransitionError);
  });

  test('loading data, training and paused runs can fail (a crash while paused too)', () => {
    for (const from of [RunState.LOADING_DATA, RunState.TRAINING, RunState.PAUSED]) {
      const run = runIn(from);
      run.fail({ name: 'WorkerCrashedError', message: 'boom' });
      expect(run.state).toBe(RunState.FAILED);
    }
  });

  test('a result that crossed a pause message finishes the paused run', () => {
    const run = runIn(RunState.PAUSED);
    run.ended(FINISHED);
    expect(run.state).toBe(RunState.FINISHED);
  });

  test('every end state starts a new run, which forgets the last one', () => {
    for (const from of [RunState.FINISHED, RunState.CANCELLED, RunState.FAILED]) {
      const run = runIn(from);
      run.begin('fine-tune');
      expect(run).toMatchObject({ state: RunState.LOADING_DATA, kind: 'fine-tune', progress: null, offer: null, error: null });
    }
  });

  test('discard drops the offered model and keeps the state', () => {
    const run = runIn(RunState.FINISHED);
    run.discard();
    expect(run.state).toBe(RunState.FINISHED);
    expect(run.offer).toBeNull();
  });
});

describe('illegal transitions throw', () => {
  const illegal = [
    [RunState.IDLE, 'dataReady', (run) => run.dataReady()],
    [RunState.IDLE, 'pause', (run) => run.pause()],
    [RunState.IDLE, 'ended', (run) => run.ended(FINISHED)],
    [RunState.LOADING_DATA, 'begin (a second Start or Fine-tune)', (run) => run.begin('fine-tune')],
    [RunState.LOADING_DATA, 'pause (nothing to pause yet)', (run) => run.pause()],
    [RunState.LOADING_DATA, 'resume', (run) => run.resume()],
    [RunState.LOADING_DATA, 'progressed', (run) => run.progressed(PROGRESS)],
    [RunState.TRAINING, 'begin', (run) => run.begin('train')],
    [RunState.TRAINING, 'resume', (run) => run.resume()],
    [RunState.PAUSED, 'pause (pressed twice)', (run) => run.pause()],
    [RunState.PAUSED, 'begin', (run) => run.begin('train')],
    [RunState.FINISHED, 'pause', (run) => run.pause()],
    [RunState.FINISHED, 'ended (a second result)', (run) => run.ended(FINISHED)],
    [RunState.CANCELLED, 'fail', (run) => run.fail(new Error('late'))],
    [RunState.FAILED, 'fail', (run) => run.fail(new Error('twice'))],
    [RunState.FAILED, 'progressed', (run) => run.progressed(PROGRESS)],
  ];
  test.each(illegal)('%s: %s', (state, _name, act) => {
    const run = runIn(state);
    expect(() => act(run)).toThrow(IllegalTransitionError);
    expect(run.state).toBe(state);  // nothing changed
  });
});

describe('the view derived from the state', () => {
  const enabled = (view) => ({ start: view.startEnabled, pause: view.pauseEnabled, cancel: view.cancelEnabled, fineTune: view.fineTuneEnabled, offer: view.offerVisible });
  test.each([
    [RunState.IDLE, { start: true, pause: false, cancel: false, fineTune: true, offer: false }],
    [RunState.LOADING_DATA, { start: false, pause: false, cancel: true, fineTune: false, offer: false }],
    [RunState.TRAINING, { start: false, pause: true, cancel: true, fineTune: false, offer: false }],
    [RunState.PAUSED, { start: false, pause: true, cancel: true, fineTune: false, offer: false }],
    [RunState.FINISHED, { start: true, pause: false, cancel: false, fineTune: true, offer: true }],
    [RunState.CANCELLED, { start: true, pause: false, cancel: false, fineTune: true, offer: true }],
    [RunState.FAILED, { start: true, pause: false, cancel: false, fineTune: true, offer: false }],
  ])('%s: which buttons are enabled and whether a model is offered', (state, expected) => {
    expect(enabled(viewOf(runIn(state), { savedCorrections: 3 }))).toEqual(expected);
  });

  test('Fine-tune needs at least one saved correction', () => {
    expect(viewOf(runIn(RunState.IDLE), { savedCorrections: 0 }).fineTuneEnabled).toBe(false);
  });

  test('the pause button says Resume only while paused', () => {
    expect(viewOf(runIn(RunState.LOADING_DATA)).pauseLabel).toBe('Pause');
    expect(viewOf(runIn(RunState.TRAINING)).pauseLabel).toBe('Pause');
    expect(viewOf(runIn(RunState.PAUSED)).pauseLabel).toBe('Resume');
    expect(viewOf(runIn(RunState.FINISHED)).pauseLabel).toBe('Pause');
  });

  test('while the data load, Pause is unavailable and says why; Cancel works', () => {
    const view = viewOf(runIn(RunState.LOADING_DATA));
    expect(view).toMatchObject({ pauseEnabled: false, pauseLabel: 'Pause', pauseTitle: 'Pause works once training has begun', cancelEnabled: true });
    expect(view.status).toBe('Loading the data… (Pause works once training has begun.)');
    expect(viewOf(runIn(RunState.TRAINING)).pauseTitle).toBe('');
  });

  test('Fine-tune is disabled from its first click through the data load and the first evaluation', () => {
    const run = new TrainingRun();
    run.begin('fine-tune');  // runJob begins the run before anything is awaited
    expect(viewOf(run, { savedCorrections: 3 }).fineTuneEnabled).toBe(false);
    expect(viewOf(run).status).toBe('Loading the data and measuring the current model… (Pause works once training has begun.)');
    expect(() => run.begin('fine-tune')).toThrow(IllegalTransitionError);  // a second click cannot start another
  });

  test('status lines', () => {
    const status = (state) => viewOf(runIn(state)).status;
    expect(status(RunState.IDLE)).toBe('Not started.');
    expect(status(RunState.LOADING_DATA)).toBe('Loading the data… (Pause works once training has begun.)');
    expect(status(RunState.TRAINING)).toBe('Epoch 2 of 4, batch 50 of 100 · loss 0.250 · accuracy 93.0% · 12,345 samples/s · ETA 1 min 15 s');
    expect(status(RunState.PAUSED)).toMatch(/^Epoch 2 of 4, .* · ETA 1 min 15 s · paused$/);
    expect(status(RunState.FINISHED)).toBe('Done: 20,000 samples in 3.2 s.');
    expect(status(RunState.CANCELLED)).toBe('Cancelled.');
    expect(status(RunState.FAILED)).toBe('Stopped.');
  });

  test('a run cancelled before any model was kept says that none is offered, and why', () => {
    const loading = runIn(RunState.LOADING_DATA);
    loading.cancelLoading();
    expect(viewOf(loading)).toMatchObject({ status: 'Cancelled before training began: no model is offered.', offerVisible: false });
    const early = runIn(RunState.TRAINING);
    early.ended({ ...CANCELLED, best: null });
    expect(viewOf(early)).toMatchObject({
      status: 'Cancelled before the first epoch ended: no model is offered, since a model is kept only once an epoch is done and tested.',
      offerVisible: false,
    });
  });

  test('a long run warns at its start; a short one does not', () => {
    const long = new TrainingRun();
    long.begin('train');
    long.dataReady();
    long.progressed({ ...PROGRESS, epoch: 0, batch: 4, etaSeconds: 108 * 60 });
    expect(viewOf(long).warning).toBe('This is a long run: about 108 more minutes at this speed. Cancel and choose fewer epochs or a smaller network for a quicker one.');
    expect(viewOf(runIn(RunState.TRAINING)).warning).toBe('');
    long.ended(FINISHED);
    expect(viewOf(long).warning).toBe('');
  });

  test('progress: the share of batches done, full when finished', () => {
    expect(viewOf(runIn(RunState.LOADING_DATA)).progress).toBe(0);
    expect(viewOf(runIn(RunState.TRAINING)).progress).toBeCloseTo(150 / 400);
    expect(viewOf(runIn(RunState.FINISHED)).progress).toBe(1);
  });

  test('the result says which test set each score is on, in short sentences', () => {
    const shippedModels = 'MLP 98.00%';
    expect(viewOf(runIn(RunState.FINISHED), { shippedModels }).offerText)
      .toBe('Trained. It reads 97.12% of 2,000 test images, not the 10,000 the shipped models are measured on. The shipped models on the 10,000 MNIST test images: MLP 98.00%.');
    const full = new TrainingRun();
    full.begin('train');
    full.dataReady();
    full.ended({ ...FINISHED, testImages: 10_000 });
    expect(viewOf(full, { shippedModels }).offerText).toBe('Trained. It reads 97.12% of the 10,000 MNIST test images. The shipped models on the 10,000 MNIST test images: MLP 98.00%.');
    expect(viewOf(runIn(RunState.CANCELLED), { shippedModels }).offerText).toMatch(/^Cancelled\. Best model so far: epoch 3\. It reads 95\.00% of 2,000 test images/);
  });

  test('a fine-tuned model is offered and named as fine-tuned here, a trained one as trained here', () => {
    const fineTuned = new TrainingRun();
    fineTuned.begin('fine-tune');
    fineTuned.dataReady();
    fineTuned.ended(FINISHED);
    expect(viewOf(fineTuned)).toMatchObject({ offerLabel: 'Fine-tuned here (97.1%)', offerFileName: 'digitpad-fine-tuned.bin' });
    expect(viewOf(fineTuned).offerText).toMatch(/^Fine-tuned\. It reads 97\.12%/);
    expect(viewOf(runIn(RunState.FINISHED))).toMatchObject({ offerLabel: 'Trained here (97.1%)', offerFileName: 'digitpad-trained.bin' });
  });

  test('a discarded model is no longer offered', () => {
    const run = runIn(RunState.FINISHED);
    run.discard();
    expect(viewOf(run)).toMatchObject({ offerVisible: false, offerText: '', status: 'Done: 20,000 samples in 3.2 s.' });
  });

  test('error lines appear only when failed, worded by the kind of error', () => {
    expect(viewOf(runIn(RunState.FAILED)).error).toBe('The run diverged: training diverged. The model in use is unchanged.');
    const crashed = runIn(RunState.PAUSED);
    crashed.fail({ name: 'WorkerCrashedError', message: 'out of memory' });
    expect(viewOf(crashed).error).toMatch(/^The training worker stopped unexpectedly \(out of memory\); press Start/);
    const bad = runIn(RunState.LOADING_DATA);
    bad.fail({ name: 'DataError', message: 'the training files: truncated' });
    expect(viewOf(bad).error).toBe('Training stopped: the training files: truncated. The model in use is unchanged.');
    for (const state of [RunState.IDLE, RunState.TRAINING, RunState.FINISHED]) expect(viewOf(runIn(state)).error).toBe('');
  });

  test('an error goes when the next attempt starts, and a new failure shows only its own reason', () => {
    const run = runIn(RunState.FAILED);
    run.begin('train');
    expect(viewOf(run).error).toBe('');
    run.fail({ name: 'SettingsError', message: 'batchSize must be a whole number in 1..65536, got 0' });
    expect(viewOf(run).error).toBe('Training stopped: batchSize must be a whole number in 1..65536, got 0. The model in use is unchanged.');
  });
});
