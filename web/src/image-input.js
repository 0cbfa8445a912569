// Classifying a picture of a digit: a PNG or JPEG from the file input (or dropped on the
// page) is put on the pad, which recognises it like a drawing.
import { showPageError } from './page-error.js';

export async function classifyImageFile(pad, file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    showPageError(`${file.name} is not an image this browser can read (PNG or JPEG).`);
    return;
  }
  showPageError('');
  pad.showImage(bitmap);
}

export function initImageInput(pad) {
  document.getElementById('image-input').addEventListener('change', (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (file) classifyImageFile(pad, file);
  });
}
