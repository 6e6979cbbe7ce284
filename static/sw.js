// Gazette's service worker: keeps the app and every archive file the reader has opened, so a
// visited archive keeps working without a network (GitHub Pages, any static host).
// - index.html, the manifest, the day table and the unhashed scripts (boot.js, guard.js):
//   network first (see new posts and a new app), cache if offline;
// - everything else (hashed app files, summaries, shards, bodies): cache first, they never
//   change under the same name within one archive build.
const CACHE = 'gazette-v1';
const FRESH = [/\/$/, /\/index\.html$/, /\/(boot|guard)\.js$/, /\/archive\/manifest\.json$/, /\/archive\/days\.json(\.gz)?$/];

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  const fresh = FRESH.some((pattern) => pattern.test(url.pathname));
  event.respondWith(fresh ? networkFirst(request) : cacheFirst(request));
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(request, { ignoreSearch: true });
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}
