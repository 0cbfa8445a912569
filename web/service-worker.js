// digitpad's service worker: after the first visit the whole page (code, WebAssembly, the
// default model) comes from the cache, so drawing and recognition work with the network off.
// The build (scripts/service-worker.mjs) puts `VERSION` and `PRECACHE` in front of this file;
// VERSION is a hash of the precached files, so a deploy that changes any of them is a new
// worker. A new worker waits until the page says "update" (or every tab is closed): a page
// never runs half old and half new files.
/* global VERSION, PRECACHE */
const CACHE = `digitpad-${VERSION}`;

self.addEventListener('install', (event) => {
  // Hashed assets may come from the HTTP cache (their names change with their contents); the
  // rest is revalidated, so an update never stores a stale copy of index.html or a model.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE.map((url) =>
    new Request(url, { cache: url.startsWith('./assets/') ? 'default' : 'no-cache' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('digitpad-') && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'update') self.skipWaiting();
});

// Cache first for every same-origin GET; what is not precached (other models, training data)
// is stored the first time it is fetched, so it is there offline too.
self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    // ignoreVary: hosts that send `Vary: Origin` (vite preview, some CDNs) would otherwise make
    // every match miss, since the page's requests and the precache's differ in Origin.
    const cached = await cache.match(request, { ignoreSearch: true, ignoreVary: true });
    if (cached) return cached;
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') await cache.put(request, response.clone());
    return response;
  })());
});
