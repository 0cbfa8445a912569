// Chart.js draws on canvases, where CSS does not reach: its text and grid lines take the page's
// theme colours from here (ticks in --muted, at least 4.5:1 on the panels in both themes).
import { Chart } from 'chart.js';

const cssColour = (name, fallback) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

/**
 * Colours every chart, present and future, from the current theme, and redraws. A chart keeps
 * the defaults it was created with, so each existing chart's options are set too.
 */
export function applyChartTheme() {
  const text = cssColour('--muted', '#5b6573');
  const grid = cssColour('--grid', '#d0d5dc');
  Chart.defaults.color = text;
  Chart.defaults.borderColor = grid;
  for (const chart of Object.values(Chart.instances)) {
    for (const scale of Object.values(chart.options.scales)) {
      scale.ticks.color = text;
      scale.title.color = text;
      scale.grid.color = grid;
      scale.border.color = grid;
    }
    // Only charts with the Legend plugin have legend labels (the studio's, which registers it).
    const legendLabels = chart.options.plugins.legend?.labels;
    if (legendLabels) legendLabels.color = text;
    chart.update('none');
  }
}
