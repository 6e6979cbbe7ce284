// Gazette's service worker: keeps the app and every archive file the reader has opened, so a
// visited archive keeps working without a network (GitHub Pages, any static host).
// - index.html, the manifest, the day table and the unhashed scripts (boot.js, guard.js):
//   network first (see new posts and a new app), cache if offline;
// - everything else (hashed app files, summaries, shards, bodies): cache first. The app asks
//   for every archive file but the manifest with the manifest's build in its URL (`?v=…`),
//   so a rebuilt archive is fetched under new URLs and never mixed with cached files of the
//   old one; once a file of a new build is fetched, the files of other builds are deleted.
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
  if (response.ok) {
    await cache.put(request, response.clone());
    const build = new URL(request.url).searchParams.get('v');
    if (build !== null) await forgetOtherBuilds(cache, build);
  }
  return response;
}

// The build whose files the cache holds (kept in memory: when the worker restarts, the first
// new file checks again, which costs one listing of the cache).
let cachedBuild = null;

async function forgetOtherBuilds(cache, build) {
  if (build === cachedBuild) return;
  cachedBuild = build;
  for (const key of await cache.keys()) {
    const other = new URL(key.url).searchParams.get('v');
    if (other !== null && other !== build) await cache.delete(key);
  }
}
