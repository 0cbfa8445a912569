// The studio's live charts: training loss, and training and test accuracy, by epoch.
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend);

const lineChart = (canvas, datasets, yMax) => new Chart(canvas, {
  type: 'line',
  data: { datasets },
  options: {
    animation: false, responsive: true, maintainAspectRatio: false, parsing: false,
    scales: { x: { type: 'linear', title: { display: true, text: 'epoch' }, min: 0 }, y: { min: 0, ...(yMax ? { max: yMax } : {}) } },
    elements: { point: { radius: 0 } },
    plugins: { legend: { display: true } },
  },
});

/** The two charts on the given canvases; fed by the worker's progress and epoch events. */
export function createTrainingCharts(lossCanvas, accuracyCanvas) {
  const lossChart = lineChart(lossCanvas, [{ label: 'training loss', data: [], borderColor: '#dc6803', borderWidth: 2 }]);
  const accuracyChart = lineChart(accuracyCanvas, [
    { label: 'training accuracy', data: [], borderColor: '#2563eb', borderWidth: 2 },
    { label: 'test accuracy', data: [], borderColor: '#16a34a', borderWidth: 2, pointRadius: 4 },
  ], 1);
  return {
    reset() {
      for (const chart of [lossChart, accuracyChart]) {
        chart.data.datasets.forEach((d) => { d.data = []; });
        chart.update('none');
      }
    },
    /** A 'progress' event: x is the epoch as a fraction. */
    addProgress(p) {
      const x = p.epoch + p.batch / p.batchesPerEpoch;
      lossChart.data.datasets[0].data.push({ x, y: p.loss });
      accuracyChart.data.datasets[0].data.push({ x, y: p.accuracy });
      lossChart.update('none');
      accuracyChart.update('none');
    },
    /** An 'epoch' event: the test accuracy after epoch e.epoch. */
    addEpoch(e) {
      accuracyChart.data.datasets[1].data.push({ x: e.epoch + 1, y: e.testAccuracy });
      accuracyChart.update('none');
    },
  };
}
