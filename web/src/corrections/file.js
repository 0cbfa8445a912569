// The portable file of the user's corrections: JSON with base64 pixels. Files written by
// earlier versions ("digitpad-drawings-1", the list under "drawings") are still read.
const FORMAT = 'digitpad-corrections-1';
const OLD_FORMAT = 'digitpad-drawings-1';

/** corrections: [{ pixels: Uint8Array(784), label }] -> the file's text. */
export function correctionsToJson(corrections) {
  return JSON.stringify({
    format: FORMAT,
    corrections: corrections.map((c) => ({ label: c.label, pixels: btoa(String.fromCharCode(...c.pixels)) })),
  });
}

/** The file's text -> [{ pixels, label }]; throws an Error saying what is wrong with it. */
export function correctionsFromJson(text) {
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('this file is not a digitpad corrections file (not JSON)');
  }
  const list = parsed?.format === FORMAT ? parsed.corrections : parsed?.format === OLD_FORMAT ? parsed.drawings : null;
  if (!Array.isArray(list)) throw new Error('this file is not a digitpad corrections file');
  return list.map((c, i) => {
    const pixels = Uint8Array.from(atob(String(c.pixels ?? '')), (ch) => ch.charCodeAt(0));
    if (pixels.length !== 784 || !Number.isInteger(c.label) || c.label < 0 || c.label > 9) {
      throw new Error(`correction ${i + 1} in the file is damaged`);
    }
    return { pixels, label: c.label };
  });
}

const identity = (c) => `${c.label}:${c.pixels.join(',')}`;

/**
 * Of the incoming corrections, those not among the saved ones nor earlier in the list:
 * { added: [...], skipped: how many were already there }.
 */
export function newCorrections(saved, incoming) {
  const seen = new Set(saved.map(identity));
  const added = incoming.filter((c) => {
    const id = identity(c);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  return { added, skipped: incoming.length - added.length };
}
