// The page's one error line (under the model controls): a model or an image that could not be used.
export function showPageError(message) {
  const el = document.getElementById('error');
  el.textContent = message;
  el.hidden = !message;
}
