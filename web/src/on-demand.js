// Parts of the page whose code loads only when they are first opened, so the first visit
// fetches none of it: the training studio (its panels, charts and worker client) and "Inside
// the network". Each is a separate chunk the service worker still caches for offline use.
import { showPageError } from './page-error.js';

const $ = (id) => document.getElementById(id);

/**
 * context: what the parts are given (initTraining's and initInside's arguments). Returns
 * { showReading(result, final) }: the page's every reading, for the parts that follow the pad.
 */
export function initOnDemand(context) {
  let studio = null;       // the studio's import and init, once asked for
  let studioReady = false;
  // Resolves with the studio's { client, data } (its worker, which "Where it fails" uses too).
  const loadStudio = () => (studio ??= import('./training/studio.js').then(({ initTraining }) => {
    const parts = initTraining(context);
    studioReady = true;
    document.body.dataset.studioReady = 'true';  // for tests: the studio's controls are live
    return parts;
  }));
  let inside = null;
  let insideView = null;   // once loaded: follows the pad's readings
  const loadInside = () => (inside ??= import('./inside/inside.js').then(({ initInside }) => {
    insideView = initInside({ ...context, loadStudio });
    document.body.dataset.insideReady = 'true';
  }));
  const failed = (error) => showPageError(`This part of the page could not load: ${error.message}`);

  const onOpen = (id, load) => $(id).addEventListener('toggle', () => {
    if ($(id).open) load().catch(failed);
  });
  onOpen('training-panel', loadStudio);
  onOpen('corrections-panel', loadStudio);
  onOpen('inside-panel', loadInside);
  // "Wrong? It is a N" under the chart saves through the studio's corrections: the first click
  // loads the studio, whose own listener then takes that click and every later one.
  $('correction').addEventListener('click', (e) => {
    const button = e.target.closest('button');
    if (!button || studioReady) return;
    loadStudio().then(() => button.click(), failed);
  });

  return {
    showReading(result, final) {
      insideView?.showReading(result, final);
    },
  };
}
