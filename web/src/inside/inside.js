// "Inside the network": loaded when its panel is first opened (on-demand.js). Why this
// answer, live for the drawing on the pad; models compared on it; where the model in use fails.
import './inside.css';
import { CompareView } from './compare.js';
import { FailuresView } from './failures.js';
import { WhyView } from './why.js';

const $ = (id) => document.getElementById(id);

const MARKUP = `
  <div class="inside-why" id="inside-why">
    <h3>Why this answer</h3>
    <p class="why-empty muted">Draw a digit on the pad: its attribution and every layer's activations appear here as you draw.</p>
    <div class="why-content" hidden>
      <div class="why-controls">
        <label>Explain <select class="why-target" id="why-target"></select></label>
        <span role="radiogroup" aria-label="Attribution">
          <label><input type="radio" name="why-mode" value="gradient-x-input" checked> gradient × input</label>
          <label><input type="radio" name="why-mode" value="gradient"> gradient</label>
        </span>
      </div>
      <figure class="why-seen">
        <canvas class="why-attribution inside-pixels" id="why-attribution" width="28" height="28" role="img" aria-label="Attribution"></canvas>
        <figcaption class="why-caption"></figcaption>
      </figure>
      <h4>What the first layer learned</h4>
      <div class="why-filters"></div>
      <h4>Each layer's activations for this drawing</h4>
      <div class="why-layers"></div>
      <p class="why-time muted"></p>
    </div>
  </div>
  <div class="inside-compare" id="inside-compare">
    <h3>Compare models on this drawing</h3>
    <p class="muted">Every shipped model and each model used on the pad this visit (one trained here, a file), on the same drawing, when a stroke ends.</p>
    <button type="button" class="compare-load" id="compare-load">Add every shipped model</button>
    <p class="compare-status" role="status"></p>
    <div class="confusion-box"><table class="compare-table" id="compare-table"></table></div>
  </div>
  <div class="inside-failures" id="inside-failures">
    <h3>Where it fails</h3>
    <p class="muted">The model in use on the test images of the data chosen in the studio below (the MNIST subset unless you choose another), or on your own corrected drawings.</p>
    <div class="failures-controls">
      <button type="button" class="failures-test" id="failures-test">Test the model in use</button>
      <button type="button" class="failures-corrections" id="failures-corrections">Test it on my corrections</button>
    </div>
    <p class="failures-status" id="failures-status" role="status"></p>
    <div class="failures-result" hidden>
      <div class="confusion-box"><table class="confusion" id="confusion"></table></div>
      <h4 class="gallery-heading" id="gallery-heading"></h4>
      <button type="button" class="gallery-all" hidden>Show every misread image</button>
      <div class="gallery" id="gallery"></div>
    </div>
  </div>`;

/** context: the page's (on-demand.js). Returns { showReading(result, final) }. */
export function initInside({ recognizer, manifest, currentSeen, loadStudio }) {
  const panel = $('inside-panel');
  const root = $('inside');
  root.innerHTML = MARKUP;
  const why = new WhyView($('inside-why'), recognizer);
  new FailuresView($('inside-failures'), { recognizer, loadStudio });
  const compare = new CompareView($('inside-compare'), { recognizer, manifest });
  const showReading = (result, final) => {
    if (!panel.open || !result) return;
    why.showReading(result);
    if (final) compare.showReading(result);
  };
  panel.addEventListener('toggle', () => showReading(currentSeen(), true));
  showReading(currentSeen(), true);
  return { showReading };
}
