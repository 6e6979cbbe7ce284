// Gazette's service worker: keeps the app and every archive file the reader has opened, so a
// visited archive keeps working without a network (GitHub Pages, any static host).
// - index.html, the manifest, the day table and the unhashed scripts (boot.js, guard.js):
//   network first (see new posts and a new app), cache if offline;
// - everything else (hashed app files, summaries, shards, bodies): cache first. The app asks
//   for every archive file but the manifest with a version in its URL (`?v=…`): the version
//   of the segment of posts the file belongs to (its index, summary groups and body chunks),
//   else the manifest's build. A rebuilt archive's changed files come under new URLs and are
//   never mixed with cached files of the old one, while the files of segments the update left
//   as they were keep their URLs and stay cached. When a manifest names a new build, cached
//   files whose version it no longer names are deleted (it names a version for each file:
//   segments, summary groups, body chunks, id shards, lists).
//
// Only the app's and the archive's own files are its business: what an article names
// (images, media, frames) goes to the network untouched, so that a load the page cancels
// or the network fails stays the page's own (a worker that answered for it would turn a
// missing image into a worker error).
const CACHE = 'gazette-v1';
const CONTENT = new Set(['image', 'audio', 'video', 'track', 'object', 'embed', 'frame', 'iframe']);
const FRESH = [/\/$/, /\/index\.html$/, /\/(boot|guard)\.js$/, /\/archive\/manifest\.json$/, /\/archive\/days\.json(\.gz)?$/];

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (CONTENT.has(request.destination) && !/\/favicon(-[0-9a-f]+)?\.svg$/.test(url.pathname)) return;
  const fresh = FRESH.some((pattern) => pattern.test(url.pathname));
  event.respondWith(fresh ? networkFirst(request) : cacheFirst(request));
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(request, response.clone());
      if (/\/archive\/manifest\.json$/.test(new URL(request.url).pathname)) {
        await forgetOldVersions(cache, response.clone());
      }
    }
    return response;
  } catch (error) {
    const cached = await cache.match(request, { ignoreSearch: true });
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  // The app asks past every cache (`cache: 'reload'`) for a file it could not use: what the
  // server answers now replaces what was kept (a damaged file, before the host was fixed).
  const cached = request.cache === 'reload' ? undefined : await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && !isErrorPage(request, response)) await cache.put(request, response.clone());
  return response;
}

// An HTML page answering for an archive file (a host's "not found" page sent with status
// 200) is passed on, never kept: the app reports it, and a retry asks the network again.
function isErrorPage(request, response) {
  return /\/archive\//.test(new URL(request.url).pathname)
    && (response.headers.get('content-type') ?? '').includes('text/html');
}

// The build whose versions the cache was last pruned to (kept in memory: when the worker
// restarts, the first manifest prunes again, which costs one listing of the cache).
let prunedFor = null;

// Deletes the cached archive files whose version the manifest no longer names. A manifest
// that cannot be read deletes nothing.
async function forgetOldVersions(cache, response) {
  let manifest;
  try {
    manifest = await response.json();
  } catch {
    return;
  }
  if (typeof manifest?.build !== 'string' || manifest.build === prunedFor) return;
  // Every version the manifest gives a file (Manifest::version_of): the build, each
  // segment's and its summary groups' and body chunks', the id shards' and the lists'.
  const live = new Set([manifest.build]);
  const add = (version) => { if (typeof version === 'string') live.add(version); };
  const layout = manifest.layout ?? {};
  for (const segment of Array.isArray(layout.segments) ? layout.segments : []) {
    add(segment?.version);
    for (const version of Array.isArray(segment?.group_versions) ? segment.group_versions : []) add(version);
    for (const version of Array.isArray(segment?.chunk_versions) ? segment.chunk_versions : []) add(version);
  }
  for (const version of Object.values(layout.id_versions ?? {})) add(version);
  add(layout.list_version);
  prunedFor = manifest.build;
  for (const key of await cache.keys()) {
    const version = new URL(key.url).searchParams.get('v');
    if (version !== null && !live.has(version)) await cache.delete(key);
  }
}
