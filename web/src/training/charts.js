// The studio's live charts: training loss, and training and test accuracy, by epoch.
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement } from 'chart.js';
import { percent } from '../format.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend);

const lineChart = (canvas, datasets, yTitle, yMax) => new Chart(canvas, {
  type: 'line',
  data: { datasets },
  options: {
    animation: false, responsive: true, maintainAspectRatio: false, parsing: false,
    scales: {
      x: { type: 'linear', title: { display: true, text: 'epoch' }, min: 0 },
      y: { min: 0, ...(yMax ? { max: yMax } : {}), title: { display: true, text: yTitle } },
    },
    elements: { point: { radius: 0 } },
    plugins: { legend: { display: true } },
  },
});

/**
 * The trainer reports the loss and accuracy averaged over the epoch so far, an average that
 * restarts at every epoch (a jump in the curve). This turns those running averages back into
 * the value over each stretch of batches between two reports, smoothed by an exponential
 * moving average (`smoothing` of the last point kept).
 */
export class ChunkCurve {
  #previous = null;  // { epoch, batch, value } of the last report
  #smoothed = null;
  #smoothing;

  constructor(smoothing = 0.6) {
    this.#smoothing = smoothing;
  }

  /** A report: after `batch` batches of `epoch`, `average` over them; returns the point to plot. */
  add(epoch, batch, average) {
    const sameEpoch = this.#previous?.epoch === epoch;
    const from = sameEpoch ? this.#previous.batch : 0;
    const sumBefore = sameEpoch ? this.#previous.value * from : 0;
    const chunk = batch > from ? (average * batch - sumBefore) / (batch - from) : average;
    this.#previous = { epoch, batch, value: average };
    this.#smoothed = this.#smoothed === null ? chunk : this.#smoothing * this.#smoothed + (1 - this.#smoothing) * chunk;
    return this.#smoothed;
  }
}

/** The two charts on the given canvases; fed by the worker's progress and epoch events. */
export function createTrainingCharts(lossCanvas, accuracyCanvas) {
  const lossChart = lineChart(lossCanvas, [{ label: 'training loss (smoothed)', data: [], borderColor: '#dc6803', borderWidth: 2 }], 'loss');
  const accuracyChart = lineChart(accuracyCanvas, [
    { label: 'training accuracy (smoothed)', data: [], borderColor: '#2563eb', borderWidth: 2 },
    { label: 'test accuracy', data: [], borderColor: '#16a34a', borderWidth: 2, pointRadius: 4 },
  ], 'accuracy', 1);
  let loss = new ChunkCurve();
  let accuracy = new ChunkCurve();
  // The charts' text alternative: their latest values, for screen readers.
  const last = (chart, i) => chart.data.datasets[i].data.at(-1);
  function describe() {
    const [l, a, t] = [last(lossChart, 0), last(accuracyChart, 0), last(accuracyChart, 1)];
    lossCanvas.setAttribute('aria-label', l ? `Training loss (smoothed): ${l.y.toFixed(3)} at epoch ${l.x.toFixed(1)}` : 'Training loss: no run yet');
    accuracyCanvas.setAttribute('aria-label', a
      ? `Training accuracy (smoothed): ${percent(a.y)} at epoch ${a.x.toFixed(1)}${t ? `; test accuracy after epoch ${t.x}: ${percent(t.y)}` : ''}`
      : 'Training and test accuracy: no run yet');
  }
  describe();
  return {
    reset() {
      loss = new ChunkCurve();
      accuracy = new ChunkCurve();
      for (const chart of [lossChart, accuracyChart]) {
        chart.data.datasets.forEach((d) => { d.data = []; });
        chart.update('none');
      }
      describe();
    },
    /** A 'progress' event: x is the epoch as a fraction. */
    addProgress(p) {
      const x = p.epoch + p.batch / p.batchesPerEpoch;
      lossChart.data.datasets[0].data.push({ x, y: loss.add(p.epoch, p.batch, p.loss) });
      accuracyChart.data.datasets[0].data.push({ x, y: accuracy.add(p.epoch, p.batch, p.accuracy) });
      lossChart.update('none');
      accuracyChart.update('none');
      describe();
    },
    /** An 'epoch' event: the test accuracy after epoch e.epoch. */
    addEpoch(e) {
      accuracyChart.data.datasets[1].data.push({ x: e.epoch + 1, y: e.testAccuracy });
      accuracyChart.update('none');
      describe();
    },
  };
}
