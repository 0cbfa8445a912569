// The user's corrected drawings ("it is a 4"), kept in this browser with IndexedDB: the
// 28x28 input the network saw (uint8) and the right digit.
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

/** All saved drawings: [{ pixels: Uint8Array(784), label }]. */
export function allCorrections() {
  return transaction('readonly', (store) => store.getAll());
}

export function clearCorrections() {
  return transaction('readwrite', (store) => store.clear());
}

/** A portable file of the drawings: JSON with base64 pixels. */
export async function exportCorrections() {
  const all = await allCorrections();
  return JSON.stringify({
    format: 'digitpad-drawings-1',
    drawings: all.map((d) => ({ label: d.label, pixels: btoa(String.fromCharCode(...d.pixels)) })),
  });
}

/** Adds the drawings of an exported file; throws an Error saying what is wrong with it. */
export async function importCorrections(text) {
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('this file is not a digitpad drawings file (not JSON)');
  }
  if (parsed?.format !== 'digitpad-drawings-1' || !Array.isArray(parsed.drawings)) {
    throw new Error('this file is not a digitpad drawings file');
  }
  const drawings = parsed.drawings.map((d, i) => {
    const pixels = Uint8Array.from(atob(String(d.pixels ?? '')), (c) => c.charCodeAt(0));
    if (pixels.length !== 784 || !Number.isInteger(d.label) || d.label < 0 || d.label > 9) {
      throw new Error(`drawing ${i + 1} in the file is damaged`);
    }
    return { pixels, label: d.label, saved: Date.now() };
  });
  await transaction('readwrite', (store) => drawings.forEach((d) => store.add(d)));
  return drawings.length;
}
