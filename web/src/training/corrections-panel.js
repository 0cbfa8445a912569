// The user's corrections in the studio: "it is a 4" saves the drawing as one, the count,
// export, import, forgetting them, and fine-tuning the current model on them (a run like any other).
import { addCorrection, allCorrections, clearCorrections, exportCorrections, importCorrections } from '../corrections/store.js';
import { downloadBytes } from '../download.js';
import { dataChoice } from './data.js';
import { Request } from './protocol.js';

const $ = (id) => document.getElementById(id);

/**
 * recognizer: the page's Recognizer (its current model is fine-tuned); currentSeen(): the
 * last preprocessing result; runJob, isBusy(): from the run panel; onCountChange(): the
 * count changed (Fine-tune needs one saved). Returns { count }.
 */
export function initCorrectionsPanel({ client, recognizer, currentSeen, runJob, isBusy, onCountChange }) {
  let count = 0;
  async function showCount() {
    count = (await allCorrections()).length;
    $('corrections-count').textContent = count ? `${count} correction${count === 1 ? '' : 's'} saved in this browser.` : 'No corrections saved yet.';
    $('corrections-count').dataset.count = String(count);
    onCountChange();
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
  $('corrections-clear').addEventListener('click', async () => {
    await clearCorrections();
    await showCount();
  });
  $('corrections-export').addEventListener('click', async () => downloadBytes(new TextEncoder().encode(await exportCorrections()), 'digitpad-corrections.json'));
  $('corrections-import').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (!file) return;
    try {
      const n = await importCorrections(await file.text());
      $('corrections-result').textContent = `Imported ${n} correction${n === 1 ? '' : 's'}.`;
    } catch (error) {
      $('corrections-result').textContent = `Could not import ${file.name}: ${error.message}.`;
    }
    await showCount();
  });

  const evaluate = (modelBytes, set) => client.request(Request.EVALUATE, { modelBytes: modelBytes.slice(), ...set });
  $('corrections-finetune').addEventListener('click', async () => {
    const saved = await allCorrections();
    if (!saved.length || isBusy()) return;  // checked after the await: no await until runJob starts the run
    const pixels = new Uint8Array(saved.length * 784);
    const labels = Uint8Array.from(saved, (c) => c.label);
    saved.forEach((c, i) => pixels.set(c.pixels, i * 784));
    const mine = { pixels, labels };
    const current = recognizer.current;
    $('training-panel').open = true;
    if (dataChoice() === 'files') document.querySelector('input[name="train-data"][value="subset"]').checked = true;
    let before;
    const result = await runJob('fine-tune', async () => {
      before = [await evaluate(current.bytes, mine), await evaluate(current.bytes, {})];
      // 3,000 MNIST images and the user's corrections, repeated to weigh about 10% of the mix:
      // short enough for a CNN in the browser, mixed enough not to forget MNIST.
      const repeat = Math.max(1, Math.round(300 / saved.length));
      return {
        modelBytes: current.bytes.slice(),
        options: { optimizer: 'adam', learningRate: 0.0005, epochs: 2, batchSize: 32, name: `${current.info.name} + my corrections` },
        extra: { ...mine, repeat, mnist: 3000 },
      };
    });
    if (!result?.model) return;
    try {
      const after = [await evaluate(result.model, mine), await evaluate(result.model, {})];
      const pct = (e) => `${(e.accuracy * 100).toFixed(1)}%`;
      $('corrections-result').textContent = `Your corrections: ${pct(before[0])} before, ${pct(after[0])} after. MNIST test images: ${pct(before[1])} before, ${pct(after[1])} after. Use the new model with "Use this model" above.`;
    } catch (error) {
      $('corrections-result').textContent = `Could not measure the fine-tuned model: ${error.message}.`;
    }
  });
  showCount();
  return { get count() { return count; } };
}
