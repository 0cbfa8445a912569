// A run in the studio: drives one job in the worker through the run's state machine, feeds
// the charts, and renders the run's view: Start, Pause/Resume, Cancel, Fine-tune, status,
// progress, the offered model (Use, Download, Discard) and the error line.
import { downloadBytes } from '../download.js';
import { percent } from '../format.js';
import { renderConfusion } from '../inside/confusion.js';
import { Reply, Request } from './protocol.js';
import { RunState, TrainingRun, viewOf } from './run-state.js';

const $ = (id) => document.getElementById(id);

/**
 * client: the TrainingClient; data: the TrainingData; charts: from createTrainingCharts;
 * useModel(bytes, label): puts a model on the pad; shippedModels: the comparison text;
 * savedCorrections(): how many corrections are saved; onStarted({ architecture, options }):
 * the worker's trainer exists, with these options.
 * Returns { run, runJob, render }.
 */
export function initRunPanel({ client, data, charts, useModel, shippedModels, savedCorrections, onStarted }) {
  const run = new TrainingRun();

  // The only place that touches these elements: everything follows from the run.
  function render() {
    const view = viewOf(run, { savedCorrections: savedCorrections(), shippedModels });
    $('train-start').disabled = !view.startEnabled;
    $('train-pause').disabled = !view.pauseEnabled;
    $('train-pause').textContent = view.pauseLabel;
    $('train-pause').title = view.pauseTitle;
    $('train-cancel').disabled = !view.cancelEnabled;
    $('corrections-finetune').disabled = !view.fineTuneEnabled;
    const stats = $('train-stats');
    stats.textContent = view.status;
    if (view.samplesPerSecond === null) delete stats.dataset.samplesPerSecond;
    else stats.dataset.samplesPerSecond = view.samplesPerSecond.toFixed(0);
    $('train-progress').value = view.progress;
    $('train-warning').textContent = view.warning;
    $('train-warning').hidden = !view.warning;
    $('train-result').hidden = !view.offerVisible;
    $('train-result-text').textContent = view.offerText;
    if (view.offerVisible) $('train-result').dataset.testAccuracy = String(view.offerTestAccuracy);
    $('train-error').textContent = view.error;
    $('train-error').hidden = !view.error;
  }
  run.subscribe(render);
  render();

  /**
   * One job from Start (or Fine-tune) to its end. The run begins before the first await, so
   * its buttons are disabled from the click on. prepareRequest() runs once the data are
   * loaded and returns the 'train' request. Resolves with the worker's result, or null if the
   * run failed or was cancelled before training (the run's view shows why). Callers check
   * run.active first.
   */
  async function runJob(kind, prepareRequest) {
    const attempt = run.begin(kind);
    charts.reset();
    $('train-confusion').hidden = true;
    try {
      await data.ensure();
      if (!run.isCurrent(attempt)) return null;  // cancelled while the data loaded
      const request = await prepareRequest();
      if (!run.isCurrent(attempt)) return null;
      run.dataReady();
      const result = await client.request(Request.TRAIN, request, {
        onEvent: (type, event) => {
          if (type === Reply.STARTED) {
            if (kind === 'train') onStarted(event);  // a fine-tune is not a `digitpad train` run
          } else if (type === Reply.PROGRESS) {
            run.progressed(event);
            charts.addProgress(event);
          } else {
            charts.addEpoch(event);
            showEpochConfusion(event);
          }
        },
      });
      run.ended(result);
      return result;
    } catch (error) {
      if (run.isCurrent(attempt)) run.fail(error);
      return null;
    }
  }

  // Where the run's model fails on the test images after each epoch (the core's evaluate).
  function showEpochConfusion(event) {
    const table = $('train-confusion');
    renderConfusion(table, event, event.classes, `After epoch ${event.epoch + 1}, on the test images: rows the true class, columns what was read (test accuracy ${percent(event.testAccuracy)})`, null);
    table.hidden = false;
  }

  // A crash rejects these too; the run's own 'train' request reports it, so they stay quiet.
  const tell = (type) => client.request(type).catch(() => {});
  $('train-pause').addEventListener('click', () => {
    if (run.state === RunState.TRAINING) {
      run.pause();
      tell(Request.PAUSE);
    } else if (run.state === RunState.PAUSED) {
      run.resume();
      tell(Request.RESUME);
    }
  });
  $('train-cancel').addEventListener('click', () => {
    if (run.state === RunState.LOADING_DATA) run.cancelLoading();
    else if (run.state === RunState.TRAINING || run.state === RunState.PAUSED) tell(Request.CANCEL);
  });

  $('train-use').addEventListener('click', () => useModel(run.offer.model, viewOf(run).offerLabel));
  $('train-download').addEventListener('click', () => downloadBytes(run.offer.model, viewOf(run).offerFileName));
  $('train-discard').addEventListener('click', () => run.discard());

  return { run, runJob, render };
}
