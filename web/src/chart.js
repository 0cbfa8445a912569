// The confidence chart: ten bars, one per digit, the top one highlighted (or all greyed when
// the drawing is not a digit). Chart.js with only the parts a bar chart needs.
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export class ConfidenceChart {
  #chart;
  #canvas;

  constructor(canvas) {
    this.#canvas = canvas;
    this.#chart = new Chart(canvas, {
      type: 'bar',
      data: {
        labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
        datasets: [{ data: new Array(10).fill(0), backgroundColor: new Array(10).fill('#9aa5b1'), borderRadius: 3 }],
      },
      options: {
        animation: false,  // live updates at frame rate
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          y: { min: 0, max: 1, ticks: { callback: (v) => `${Math.round(v * 100)}%`, stepSize: 0.25 } },
        },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => `${(item.raw * 100).toFixed(1)}%` } },
        },
      },
    });
  }

  /**
   * probabilities: 10 numbers, or null to empty the chart. greyed: every bar in --greyed-bar and
   * none highlighted (the drawing does not look like a digit; the bars are what the network
   * made of it all the same).
   */
  show(probabilities, { greyed = false } = {}) {
    const data = probabilities ? Array.from(probabilities) : new Array(10).fill(0);
    const top = data.indexOf(Math.max(...data));
    const colour = (name, fallback) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
    const accent = colour('--accent', '#2563eb');
    const muted = colour('--muted-bar', '#9aa5b1');
    const grey = colour('--greyed-bar', '#7d8796');
    const dataset = this.#chart.data.datasets[0];
    dataset.data = data;
    dataset.backgroundColor = data.map((_, i) => (greyed ? grey : probabilities && i === top ? accent : muted));
    this.#chart.update('none');
    // The chart's text alternative: every value, as a screen reader would read the bars.
    const values = data.map((p, i) => `${i}: ${Math.round(p * 100)}%`).join(', ');
    this.#canvas.setAttribute('aria-label', !probabilities
      ? 'Confidence for each digit: none yet, the pad is empty'
      : greyed
        ? `Greyed out, as the drawing does not look like a digit. The network's confidence for each digit: ${values}`
        : `Confidence for each digit: ${values}`);
  }
}
