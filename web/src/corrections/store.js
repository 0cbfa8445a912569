// The user's corrections ("it is a 4"), kept in this browser with IndexedDB: the 28x28 input
// the network saw (uint8) and the right digit. Database 'digitpad', store 'corrections'
// (the names of the first version: data saved then is read as it is).
import { correctionsFromJson, correctionsToJson, newCorrections } from './file.js';

const DB = 'digitpad';
const STORE = 'corrections';

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { autoIncrement: true });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

// Runs work(store) in one transaction; resolves once it is committed, with the result of the
// request work returns (or with what it returns, if that is not a request).
async function transaction(mode, work) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const out = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(out instanceof IDBRequest ? out.result : out);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('the corrections could not be saved'));
    });
  } finally {
    db.close();
  }
}

/**
 * image: 784 floats 0..1; label: 0..9. Resolves with the correction's key; given the key of
 * one saved before, the drawing is saved again under it (its label changed).
 */
export function addCorrection(image, label, key) {
  const pixels = Uint8Array.from(image, (v) => Math.round(255 * v));
  return transaction('readwrite', (store) => (key === undefined ? store.add({ pixels, label, saved: Date.now() }) : store.put({ pixels, label, saved: Date.now() }, key)));
}

/** All saved corrections: [{ pixels: Uint8Array(784), label, saved }]. */
export function allCorrections() {
  return transaction('readonly', (store) => store.getAll());
}

/** Saves corrections as they were (the Undo of clearCorrections). */
export function restoreCorrections(corrections) {
  return transaction('readwrite', (store) => corrections.forEach((c) => store.add(c)));
}

export function clearCorrections() {
  return transaction('readwrite', (store) => store.clear());
}

/** The text of a corrections file (corrections/file.js). */
export async function exportCorrections() {
  return correctionsToJson(await allCorrections());
}

/**
 * Adds the corrections of a file that are not saved yet (the same drawing with the same
 * label); throws an Error saying what is wrong with the file (none are added then).
 * Resolves with { added, skipped }.
 */
export async function importCorrections(text) {
  const { added, skipped } = newCorrections(await allCorrections(), correctionsFromJson(text));
  const saved = Date.now();
  await transaction('readwrite', (store) => added.forEach((c) => store.add({ ...c, saved })));
  return { added: added.length, skipped };
}

/** Corrections as one set the worker takes: { pixels: Uint8Array(count x 784), labels }. */
export function correctionsAsSet(list) {
  const pixels = new Uint8Array(list.length * 784);
  list.forEach((c, i) => pixels.set(c.pixels, i * 784));
  return { pixels, labels: Uint8Array.from(list, (c) => c.label) };
}
