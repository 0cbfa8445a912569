// The pad's buttons and keys: clear, undo, brush size; Escape or Delete clears, Ctrl+Z undoes.
const $ = (id) => document.getElementById(id);

export function initPadControls(pad) {
  $('clear').addEventListener('click', () => pad.clear());
  $('undo').addEventListener('click', () => pad.undo());
  const brush = $('brush-size');
  pad.brushSize = Number(brush.value);
  brush.addEventListener('input', () => {
    pad.brushSize = Number(brush.value);
  });
  document.addEventListener('keydown', (e) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
    if (e.key === 'Escape' || e.key === 'Delete') {
      pad.clear();
      e.preventDefault();
    } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') {
      pad.undo();
      e.preventDefault();
    }
  });
}
