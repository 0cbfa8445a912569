// The training studio: wires the settings, the data, the run and the corrections together.
// The model in use on the pad changes only when the user says "Use this model".
import { createTrainingCharts } from './charts.js';
import { TrainingClient } from './client.js';
import { initCorrectionsPanel } from './corrections-panel.js';
import { TrainingData } from './data.js';
import { initLayerEditor } from './layer-editor.js';
import { initRunPanel } from './run-panel.js';
import { initSettings } from './settings.js';

const $ = (id) => document.getElementById(id);

/**
 * manifest: models/manifest.json; useModel(bytes, label); currentSeen(): the last recognition
 * (what "it is a N" saves). Returns { client, data }: the worker and its data, which "Where it
 * fails" measures with too.
 */
export function initTraining({ manifest, recognizer, useModel, currentSeen }) {
  const client = new TrainingClient();
  const data = new TrainingData(client);
  client.onCrash = () => data.forget();
  let settings = null;
  const layerEditor = initLayerEditor(recognizer, $('train-layers'), () => settings?.refresh());
  settings = initSettings(manifest, recognizer.trainOptionKeys, layerEditor);
  let corrections = null;
  const runPanel = initRunPanel({
    client,
    data,
    charts: createTrainingCharts($('loss-chart'), $('accuracy-chart')),
    useModel,
    shippedModels: manifest.models.map((m) => `${m.name} ${(m.testAccuracy * 100).toFixed(2)}%`).join(', '),
    onStarted: (trainer) => settings.showTrainerOptions(trainer),
    savedCorrections: () => corrections?.count ?? 0,
  });
  corrections = initCorrectionsPanel({
    client,
    recognizer,
    currentSeen,
    runJob: runPanel.runJob,
    isBusy: () => runPanel.run.active,
    onCountChange: runPanel.render,
  });

  $('train-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (runPanel.run.active) return;  // Enter in a field submits even while Start is disabled
    const request = settings.trainRequest();  // the form as it was when Start was pressed
    runPanel.runJob('train', () => request);
  });
  // The studio loads when a panel is opened: the training panel may be open already.
  const preloadIfOpen = () => {
    if ($('training-panel').open && !data.loaded) data.preload();
  };
  $('training-panel').addEventListener('toggle', preloadIfOpen);
  preloadIfOpen();
  return { client, data };
}
