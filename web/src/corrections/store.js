// The user's corrections ("it is a 4"), kept in this browser with IndexedDB: the 28x28 input
// the network saw (uint8) and the right digit. Database 'digitpad', store 'corrections'
// (the names of the first version: data saved then is read as it is).
import { correctionsFromJson, correctionsToJson } from './file.js';

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

async function transaction(mode, work) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result.result ?? result);
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** image: 784 floats 0..1; label: 0..9. */
export function addCorrection(image, label) {
  const pixels = Uint8Array.from(image, (v) => Math.round(255 * v));
  return transaction('readwrite', (store) => store.add({ pixels, label, saved: Date.now() }));
}

/** All saved corrections: [{ pixels: Uint8Array(784), label, saved }]. */
export function allCorrections() {
  return transaction('readonly', (store) => store.getAll());
}

export function clearCorrections() {
  return transaction('readwrite', (store) => store.clear());
}

/** The text of a corrections file (corrections/file.js). */
export async function exportCorrections() {
  return correctionsToJson(await allCorrections());
}

/** Adds the corrections of a file; throws an Error saying what is wrong with it (none are added then). */
export async function importCorrections(text) {
  const corrections = correctionsFromJson(text).map((c) => ({ ...c, saved: Date.now() }));
  await transaction('readwrite', (store) => corrections.forEach((c) => store.add(c)));
  return corrections.length;
}
