// The user's corrections in the studio: "it is a 4" saves the drawing as one, the count,
// export, import, forgetting them (after asking, with an Undo), and fine-tuning the current
// model on them (a run like any other).
import { addCorrection, allCorrections, clearCorrections, correctionsAsSet, exportCorrections, importCorrections, restoreCorrections } from '../corrections/store.js';
import { downloadBytes } from '../download.js';
import { dataChoice } from './data.js';
import { Request } from './protocol.js';

const $ = (id) => document.getElementById(id);
const plural = (n, word) => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;
const UNDO_MS = 30_000;         // how long "Forget" can be undone
const STATUS_MS = 6_000;        // how long the note next to the digit buttons stays
const HOLD_OUT_FROM = 5;        // with this many corrections or more, every 5th is kept out of the fine-tuning

/**
 * The corrections a fine-tuning trains on and those it is measured on: every 5th held out
 * when there are enough, else all of them for both (and the result says so).
 */
export function splitForFineTuning(saved) {
  if (saved.length < HOLD_OUT_FROM) return { train: saved, test: saved, heldOut: false };
  return { train: saved.filter((_, i) => i % 5 !== 4), test: saved.filter((_, i) => i % 5 === 4), heldOut: true };
}

const asSet = correctionsAsSet;

const sameImage = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * recognizer: the page's Recognizer (its current model is fine-tuned); currentSeen(): the
 * last recognition (Recognizer.recognize()'s result); runJob, isBusy(): from the run panel; onCountChange(): the
 * count changed (Fine-tune needs one saved). Returns { count }.
 */
export function initCorrectionsPanel({ client, recognizer, currentSeen, runJob, isBusy, onCountChange }) {
  let count = 0;
  // The panel's own state; render() shows it.
  let confirming = false;
  let undo = null;  // { corrections, timer } while "Forget" can be undone

  function render() {
    $('corrections-count').textContent = count ? `${plural(count, 'correction')} saved in this browser.` : 'No corrections saved yet.';
    $('corrections-count').dataset.count = String(count);
    $('corrections-clear').disabled = count === 0 || confirming;
    $('corrections-confirm').hidden = !confirming;
    $('corrections-confirm-count').textContent = plural(count, 'correction');
    $('corrections-undo-box').hidden = !undo;
    $('corrections-undo-text').textContent = undo ? `Forgot ${plural(undo.corrections.length, 'correction')}.` : '';
    onCountChange();
  }
  async function showCount() {
    count = (await allCorrections()).length;
    render();
  }

  // "Wrong? It is a N": one drawing is saved once; another digit for it changes its label.
  let last = null;  // { image, label, key: Promise of its key in the store }
  let statusTimer = 0;
  function note(text) {
    $('correction-status').textContent = text;
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => { $('correction-status').textContent = ''; }, STATUS_MS);
  }
  async function correct(label) {
    const seen = currentSeen();
    // A drawing the page called "not a digit" can still be saved as one: the user knows better.
    if (!seen || seen.state === 'empty') {
      note('Nothing to save: the pad is empty.');
      return;
    }
    if (last && sameImage(last.image, seen.image)) {
      if (last.label === label) {
        note(`Already saved as a ${label}.`);
        return;
      }
      const was = last.label;
      last.label = label;
      last.key = last.key.then((key) => addCorrection(seen.image, label, key));
      await last.key;
      note(`Saved as a ${label} (not a ${was}).`);
      return;
    }
    last = { image: Float32Array.from(seen.image), label, key: addCorrection(seen.image, label) };
    await last.key;
    await showCount();
    note(`Saved as a ${label}.`);
  }
  for (const button of document.querySelectorAll('#correction button')) {
    button.addEventListener('click', () => correct(Number(button.dataset.label)));
  }

  $('corrections-clear').addEventListener('click', () => {
    confirming = true;
    render();
    $('corrections-clear-no').focus();
  });
  $('corrections-clear-no').addEventListener('click', () => {
    confirming = false;
    render();
  });
  $('corrections-clear-yes').addEventListener('click', async () => {
    confirming = false;
    const corrections = await allCorrections();
    await clearCorrections();
    last = null;
    clearTimeout(undo?.timer);
    undo = { corrections, timer: setTimeout(() => { undo = null; render(); }, UNDO_MS) };
    await showCount();
    $('corrections-undo').focus();
  });
  $('corrections-undo').addEventListener('click', async () => {
    if (!undo) return;
    const { corrections, timer } = undo;
    clearTimeout(timer);
    undo = null;
    await restoreCorrections(corrections);
    await showCount();
    $('corrections-result').textContent = `${plural(corrections.length, 'correction')} back.`;
  });

  $('corrections-export').addEventListener('click', async () => downloadBytes(new TextEncoder().encode(await exportCorrections()), 'digitpad-corrections.json'));
  $('corrections-import').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (!file) return;
    try {
      const { added, skipped } = await importCorrections(await file.text());
      const already = skipped ? ` ${plural(skipped, 'correction')} ${skipped === 1 ? 'was' : 'were'} already saved and skipped.` : '';
      $('corrections-result').textContent = added
        ? `Imported ${plural(added, 'correction')} from ${file.name}.${already}`
        : `Nothing new in ${file.name}.${already}`;
    } catch (error) {
      $('corrections-result').textContent = `Could not import ${file.name}: ${error.message}.`;
    }
    await showCount();
  });

  const evaluate = (modelBytes, set) => client.request(Request.EVALUATE, { modelBytes: modelBytes.slice(), ...set });
  $('corrections-finetune').addEventListener('click', async () => {
    if (!count || isBusy()) return;
    const current = recognizer.current;
    $('training-panel').open = true;
    if (dataChoice() === 'files') document.querySelector('input[name="train-data"][value="subset"]').checked = true;
    $('corrections-result').textContent = '';
    let split;
    let before;
    // runJob begins the run (and disables this button) before anything is awaited.
    const result = await runJob('fine-tune', async () => {
      split = splitForFineTuning(await allCorrections());
      before = [await evaluate(current.bytes, asSet(split.test)), await evaluate(current.bytes, {})];
      // 3,000 MNIST images and the user's corrections, repeated to weigh about 10% of the mix:
      // short enough for a CNN in the browser, mixed enough not to forget MNIST.
      const repeat = Math.max(1, Math.round(300 / split.train.length));
      return {
        modelBytes: current.bytes.slice(),
        options: { optimizer: 'adam', learningRate: 0.0005, epochs: 2, batchSize: 32, name: `${current.info.name} + my corrections` },
        extra: { ...asSet(split.train), repeat, mnist: 3000 },
      };
    });
    if (!result?.model) return;
    try {
      const after = [await evaluate(result.model, asSet(split.test)), await evaluate(result.model, {})];
      const pct = (e) => `${(e.accuracy * 100).toFixed(1)}%`;
      const mine = split.heldOut
        ? `Your ${plural(split.test.length, 'held-out correction')} (kept out of the fine-tuning): ${pct(before[0])} before, ${pct(after[0])} after.`
        : `Your ${plural(split.test.length, 'correction')}, which it trained on (save ${HOLD_OUT_FROM} or more to keep some out for a fair test): ${pct(before[0])} before, ${pct(after[0])} after.`;
      $('corrections-result').textContent = `${mine} ${before[1].n.toLocaleString('en')} MNIST test images: ${pct(before[1])} before, ${pct(after[1])} after. Use the new model with "Use this model" above.`;
    } catch (error) {
      $('corrections-result').textContent = `Could not measure the fine-tuned model: ${error.message}.`;
    }
  });
  showCount();
  return { get count() { return count; } };
}
