// Light and dark theme: follows the system until the user picks one with the button, which is
// remembered in this browser.
const KEY = 'digitpad-theme';
// Held for the page's lifetime: a MediaQueryList nobody references can be garbage-collected,
// and its 'change' listener with it.
const systemDark = matchMedia('(prefers-color-scheme: dark)');

/** onChange(): something drawn in theme colours (the pad's ink) must be drawn again. */
export function initTheme(button, onChange) {
  const root = document.documentElement;
  const stored = localStorage.getItem(KEY);
  if (stored) root.dataset.theme = stored;
  button.addEventListener('click', () => {
    const dark = root.dataset.theme ? root.dataset.theme === 'dark' : systemDark.matches;
    root.dataset.theme = dark ? 'light' : 'dark';
    localStorage.setItem(KEY, root.dataset.theme);
    onChange();
  });
  // The system can switch while the page is open.
  systemDark.addEventListener('change', onChange);
}
