// The training studio: settings, data, a run in the worker with live progress and charts,
// and what to do with the result. The model in use on the pad changes only when the user
// says "Use this model".
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement } from 'chart.js';
import { addCorrection, allCorrections, clearCorrections, exportCorrections, importCorrections } from './corrections.js';
import { TrainingClient } from './training/client.js';
import { Reply, Request } from './training/protocol.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend);

const $ = (id) => document.getElementById(id);
const QUICK_MLP = {
  id: 'quick-mlp',
  name: 'Quick MLP: 784-128-64-10 ReLU, SGD',
  architecture: '784-128-64-10',
  options: { loss: 'ce', optimizer: 'sgd', learningRate: 0.05, momentum: 0.9, batchSize: 16, epochs: 3, l2: 0, schedule: 'cosine', augment: false },
};

// "digitpad train --arch X --lr 0.05 ..." -> { architecture, options } in the JS API's names.
function recipeToPreset(entry) {
  const args = entry.recipe.replace(/^digitpad train /, '').match(/'[^']*'|\S+/g).map((a) => a.replace(/^'|'$/g, ''));
  const options = { loss: 'ce', optimizer: 'sgd', momentum: 0.9, l2: 0, augment: false };
  const names = { '--lr': 'learningRate', '--momentum': 'momentum', '--batch': 'batchSize', '--epochs': 'epochs',
    '--l2': 'l2', '--optimizer': 'optimizer', '--loss': 'loss', '--lr-schedule': 'schedule', '--seed': 'seed' };
  let architecture = '';
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--arch') architecture = args[++i];
    else if (args[i] === '--augment') options.augment = true;
    else if (names[args[i]]) {
      const v = args[++i];
      options[names[args[i - 1]]] = Number.isNaN(Number(v)) ? v : Number(v);
    }
  }
  if (options.optimizer === 'adam' && !entry.recipe.includes('--lr ')) options.learningRate = 0.001;
  return { id: `shipped-${entry.id}`, name: `${entry.name} (shipped)`, architecture, options };
}

export function initTraining({ manifest, recognizer, useModel, currentSeen }) {
  const client = new TrainingClient();
  const presets = [
    QUICK_MLP,
    ...manifest.presets.map((p) => ({ ...p, name: `Seed: ${p.name} (published ${p.publishedAccuracy})` })),
    ...manifest.models.map(recipeToPreset),
    { id: 'custom', name: 'Custom: hidden layers below', architecture: null, options: {} },
  ];
  const presetSelect = $('train-preset');
  presetSelect.replaceChildren(...presets.map((p) => new Option(p.name, p.id)));
  let loadedData = null;  // which data the worker holds: 'subset', 'full' or 'files'
  let latest = null;      // { model, testAccuracy, epoch } of the run
  let running = false;

  // ---- Settings --------------------------------------------------------------------------

  const field = {
    loss: $('train-loss'), optimizer: $('train-optimizer'), learningRate: $('train-lr'), momentum: $('train-momentum'),
    batchSize: $('train-batch'), epochs: $('train-epochs'), l2: $('train-l2'), augment: $('train-augment'),
    schedule: $('train-schedule'),
  };
  function spec() {
    const preset = presets.find((p) => p.id === presetSelect.value);
    if (preset.architecture) return preset.architecture;
    const sizes = $('train-hidden').value.split(',').map((s) => s.trim()).filter(Boolean);
    const act = $('train-activation').value;
    const dropout = Number($('train-dropout').value);
    const hidden = sizes.map((n) => `dense:${n},${act}${dropout > 0 ? `,dropout:${dropout}` : ''}`);
    return ['input:28x28x1', ...hidden, 'dense:10'].join(',');
  }
  function applyPreset() {
    const preset = presets.find((p) => p.id === presetSelect.value);
    const custom = !preset.architecture;
    for (const id of ['train-hidden', 'train-activation', 'train-dropout']) $(id).disabled = !custom;
    const o = { ...QUICK_MLP.options, ...preset.options };
    field.loss.value = o.loss;
    field.optimizer.value = o.optimizer ?? 'sgd';
    field.learningRate.value = o.learningRate;
    field.momentum.value = o.momentum ?? 0.9;
    field.batchSize.value = o.batchSize;
    field.epochs.value = o.epochs;
    field.l2.value = o.l2 ?? 0;
    field.augment.checked = Boolean(o.augment);
    field.schedule.value = ['constant', 'cosine'].includes(o.schedule ?? 'constant') ? (o.schedule ?? 'constant') : 'constant';
    showSpec();
  }
  const showSpec = () => { $('train-spec').textContent = spec(); };
  presetSelect.addEventListener('change', applyPreset);
  for (const id of ['train-hidden', 'train-activation', 'train-dropout']) $(id).addEventListener('input', showSpec);
  applyPreset();

  function settings() {
    const preset = presets.find((p) => p.id === presetSelect.value);
    const number = (el) => (el.value.trim() === '' ? NaN : Number(el.value));
    return {
      ...(preset.options.init ? { init: preset.options.init } : {}),
      loss: field.loss.value,
      optimizer: field.optimizer.value,
      learningRate: number(field.learningRate),
      momentum: number(field.momentum),
      batchSize: number(field.batchSize),
      epochs: number(field.epochs),
      l2: number(field.l2),
      augment: field.augment.checked,
      schedule: field.schedule.value,
      seed: Date.now() % 100000,
      name: `Trained here: ${spec().replace(/^input:28x28x1,/, '')}`,
    };
  }

  // ---- Charts ----------------------------------------------------------------------------

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
  const lossChart = lineChart($('loss-chart'), [{ label: 'training loss', data: [], borderColor: '#dc6803', borderWidth: 2 }]);
  const accuracyChart = lineChart($('accuracy-chart'), [
    { label: 'training accuracy', data: [], borderColor: '#2563eb', borderWidth: 2 },
    { label: 'test accuracy', data: [], borderColor: '#16a34a', borderWidth: 2, pointRadius: 4 },
  ], 1);
  function resetCharts() {
    for (const chart of [lossChart, accuracyChart]) {
      chart.data.datasets.forEach((d) => { d.data = []; });
      chart.update('none');
    }
  }

  // ---- Data ------------------------------------------------------------------------------

  const dataChoice = () => document.querySelector('input[name="train-data"]:checked').value;
  async function ensureData() {
    const choice = dataChoice();
    if (choice !== 'files' && loadedData === choice) return;
    const progress = $('data-progress');
    const status = $('data-status');
    let source = choice;
    const transfer = [];
    if (choice === 'files') {
      const inputs = ['idx-train-images', 'idx-train-labels', 'idx-test-images', 'idx-test-labels'].map((id) => $(id).files[0]);
      if (inputs.some((f) => !f)) throw Object.assign(new Error('choose all four IDX files (training and test images and labels)'), { name: 'DataError' });
      const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(inputs.map((f) => f.arrayBuffer()));
      source = { trainImages, trainLabels, testImages, testLabels };
      transfer.push(trainImages, trainLabels, testImages, testLabels);
    }
    progress.hidden = false;
    progress.removeAttribute('value');
    status.textContent = 'Loading training data…';
    try {
      const counts = await client.request(Request.LOAD_DATA, { source }, {
        transfer,
        onEvent: (type, p) => {
          progress.max = p.total;
          progress.value = p.loaded;
          status.textContent = `Loading training data: ${(p.loaded / 1048576).toFixed(1)} of ${(p.total / 1048576).toFixed(1)} MB`;
        },
      });
      loadedData = choice;
      status.textContent = `Data ready: ${counts.train.toLocaleString('en')} training and ${counts.test.toLocaleString('en')} test images.`;
    } catch (error) {
      status.textContent = '';
      throw error;
    } finally {
      progress.hidden = true;
    }
  }
  $('training-panel').addEventListener('toggle', () => {
    if ($('training-panel').open && !loadedData) ensureData().catch((e) => showError(e));
  });

  // ---- A run -----------------------------------------------------------------------------

  function showError(error) {
    const el = $('train-error');
    if (!error) el.textContent = '';
    else if (error.name === 'WorkerCrashedError') {
      el.textContent = `The training worker stopped unexpectedly (${error.message}); press Start to begin again with a new one. The model in use is unchanged.`;
    } else {
      el.textContent = `${error.name === 'DivergedError' ? 'The run diverged' : 'Training stopped'}: ${error.message}. The model in use is unchanged.`;
    }
    el.hidden = !error;
  }
  function setRunning(on) {
    running = on;
    $('train-start').disabled = on;
    $('train-pause').disabled = !on;
    $('train-cancel').disabled = !on;
    $('train-pause').textContent = 'Pause';
    $('yours-finetune').disabled = on;
  }
  function showProgress(p) {
    const done = (p.epoch * p.batchesPerEpoch + p.batch) / (p.epochs * p.batchesPerEpoch);
    $('train-progress').value = done;
    const eta = p.etaSeconds >= 60 ? `${Math.floor(p.etaSeconds / 60)} min ${Math.round(p.etaSeconds % 60)} s` : `${Math.round(p.etaSeconds)} s`;
    $('train-stats').textContent = `Epoch ${p.epoch + 1} of ${p.epochs}, batch ${p.batch} of ${p.batchesPerEpoch} · loss ${p.loss.toFixed(3)} · accuracy ${(p.accuracy * 100).toFixed(1)}% · ${Math.round(p.samplesPerSecond).toLocaleString('en')} samples/s · ETA ${eta}`;
    $('train-stats').dataset.samplesPerSecond = p.samplesPerSecond.toFixed(0);
    const x = p.epoch + p.batch / p.batchesPerEpoch;
    lossChart.data.datasets[0].data.push({ x, y: p.loss });
    accuracyChart.data.datasets[0].data.push({ x, y: p.accuracy });
    lossChart.update('none');
    accuracyChart.update('none');
  }
  function showEpoch(e) {
    accuracyChart.data.datasets[1].data.push({ x: e.epoch + 1, y: e.testAccuracy });
    accuracyChart.update('none');
  }
  function showResult(result, what) {
    latest = result;
    const shipped = manifest.models.map((m) => `${m.name} ${(m.testAccuracy * 100).toFixed(2)}%`).join(', ');
    $('train-result-text').textContent = `${what}: ${(result.testAccuracy * 100).toFixed(2)}% on the test images (shipped models on MNIST's 10,000: ${shipped}).`;
    $('train-result').dataset.testAccuracy = String(result.testAccuracy);
    $('train-result').hidden = false;
  }

  async function run(request, label) {
    showError(null);
    $('train-result').hidden = true;
    resetCharts();
    setRunning(true);
    try {
      await ensureData();
      $('train-stats').textContent = 'Starting…';
      const result = await client.request(Request.TRAIN, request, {
        onEvent: (type, data) => (type === Reply.PROGRESS ? showProgress(data) : showEpoch(data)),
      });
      if (result.cancelled) {
        $('train-stats').textContent = 'Cancelled.';
        if (result.best) showResult(result.best, `Cancelled; best model so far (epoch ${result.best.epoch + 1})`);
      } else {
        $('train-progress').value = 1;
        $('train-stats').textContent = `Done: ${result.samples.toLocaleString('en')} samples in ${result.seconds.toFixed(1)} s.`;
        showResult(result, label);
      }
      return result;
    } catch (error) {
      showError(error);
      $('train-stats').textContent = 'Stopped.';
      return null;
    } finally {
      setRunning(false);
    }
  }

  $('train-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (!running) run({ spec: spec(), options: settings() }, 'Trained');
  });
  $('train-pause').addEventListener('click', async () => {
    const pausing = $('train-pause').textContent === 'Pause';
    await client.request(pausing ? Request.PAUSE : Request.RESUME);
    $('train-pause').textContent = pausing ? 'Resume' : 'Pause';
    if (pausing) $('train-stats').textContent += ' · paused';
  });
  $('train-cancel').addEventListener('click', () => client.request(Request.CANCEL));
  client.onCrash = (message) => {
    loadedData = null;  // the new worker starts without data
    showError({ name: 'WorkerCrashedError', message });
  };

  $('train-use').addEventListener('click', () => useModel(latest.model, `Trained here (${(latest.testAccuracy * 100).toFixed(1)}%)`));
  $('train-download').addEventListener('click', () => downloadBytes(latest.model, 'digitpad-trained.bin'));
  $('train-discard').addEventListener('click', () => {
    latest = null;
    $('train-result').hidden = true;
  });

  // ---- Make it yours ---------------------------------------------------------------------

  async function showCount() {
    const n = (await allCorrections()).length;
    $('yours-count').textContent = n ? `${n} drawing${n === 1 ? '' : 's'} saved in this browser.` : 'No drawings saved yet.';
    $('yours-count').dataset.count = String(n);
    $('yours-finetune').disabled = running || n === 0;
  }
  for (const button of document.querySelectorAll('#correction button')) {
    button.addEventListener('click', async () => {
      const seen = currentSeen();
      if (!seen?.hasDigit) return;
      await addCorrection(seen.image, Number(button.dataset.label));
      await showCount();
      $('announce').textContent = `Saved as a ${button.dataset.label}.`;
    });
  }
  $('yours-clear').addEventListener('click', async () => {
    await clearCorrections();
    await showCount();
  });
  $('yours-export').addEventListener('click', async () => downloadBytes(new TextEncoder().encode(await exportCorrections()), 'digitpad-drawings.json'));
  $('yours-import').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (!file) return;
    try {
      const n = await importCorrections(await file.text());
      $('yours-result').textContent = `Imported ${n} drawings.`;
    } catch (error) {
      $('yours-result').textContent = `Could not import ${file.name}: ${error.message}.`;
    }
    await showCount();
  });
  $('yours-finetune').addEventListener('click', async () => {
    const drawings = await allCorrections();
    if (!drawings.length || running) return;
    const pixels = new Uint8Array(drawings.length * 784);
    const labels = Uint8Array.from(drawings, (d) => d.label);
    drawings.forEach((d, i) => pixels.set(d.pixels, i * 784));
    const current = recognizer.current;
    $('training-panel').open = true;
    if (dataChoice() === 'files') document.querySelector('input[name="train-data"][value="subset"]').checked = true;
    const evaluate = (modelBytes, set) => client.request(Request.EVALUATE, { modelBytes: modelBytes.slice(), ...set });
    await ensureData();
    const before = [await evaluate(current.bytes, { pixels, labels }), await evaluate(current.bytes, {})];
    // 3,000 MNIST images and the user's drawings, repeated to weigh about 10% of the mix:
    // short enough for a CNN in the browser, mixed enough not to forget MNIST.
    const repeat = Math.max(1, Math.round(300 / drawings.length));
    const result = await run({
      modelBytes: current.bytes.slice(),
      options: { optimizer: 'adam', learningRate: 0.0005, epochs: 2, batchSize: 32, name: `${current.info.name} + my drawings` },
      extra: { pixels, labels, repeat, mnist: 3000 },
    }, 'Fine-tuned');
    if (!result?.model) return;
    const after = [await evaluate(result.model, { pixels, labels }), await evaluate(result.model, {})];
    const pct = (e) => `${(e.accuracy * 100).toFixed(1)}%`;
    $('yours-result').textContent = `Your drawings: ${pct(before[0])} before, ${pct(after[0])} after. MNIST test images: ${pct(before[1])} before, ${pct(after[1])} after. Use the new model with "Use this model" above.`;
  });
  showCount();
}

export function downloadBytes(bytes, name) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
