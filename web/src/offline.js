// Offline use: registers the service worker (web/service-worker.js, built to sw.js) and, when
// a new version has been deployed and installed in the background, offers to switch to it.
// The page keeps running the version it was loaded with until the user says so.
export function registerServiceWorker({ status, updateBanner, updateButton }) {
  if (!('serviceWorker' in navigator)) return;
  let updateRequested = false;
  const offerUpdate = (worker) => {
    updateBanner.hidden = false;
    updateButton.onclick = () => {
      updateRequested = true;
      worker.postMessage({ type: 'update' });
    };
  };
  // The first worker also takes control of the page (clients.claim): that is not an update.
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (updateRequested) location.reload();
  });
  navigator.serviceWorker.register('./sw.js').then(async (registration) => {
    if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
    registration.addEventListener('updatefound', () => {
      const worker = registration.installing;
      worker.addEventListener('statechange', () => {
        if (worker.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(worker);
      });
    });
    await navigator.serviceWorker.ready;
    status.textContent = 'Saved for offline use: this page works without a network from now on.';
    document.body.dataset.offlineReady = 'true';
  }).catch((error) => {
    status.textContent = `Offline use is not available: ${error.message}`;
  });
}
