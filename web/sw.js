// Shardlab's service worker: keeps one deployment's files so the page works offline after one visit
// (the full module among them: it is fetched here once the page has loaded, so it is there offline).
// `cargo xtask dist` writes this deployment's id and file list below. A new deployment is a new sw.js:
// the browser installs it beside the running one, the page offers "A new version is ready: reload",
// and it takes over only when the learner says so. Under `trunk serve` (id "dev") it keeps nothing.
'use strict';

const BUILD = 'dev';
const FILES = [];
const CACHE = `shardlab-${BUILD}`;
const KEEPS = BUILD !== 'dev';

self.addEventListener('install', (event) => {
  if (KEEPS) {
    event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(['./', ...FILES])));
  }
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('shardlab-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The page asks a waiting worker to take over only after the learner chose to reload.
self.addEventListener('message', (event) => {
  if (event.data === 'shardlab:activate') {
    self.skipWaiting();
  }
});

// Cache first, for this deployment's own files; the page itself whatever its query (`?embed`).
self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  const scope = new URL(self.registration.scope);
  if (!KEEPS || request.method !== 'GET' || url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) {
    return;
  }
  const page = url.pathname === scope.pathname || url.pathname === `${scope.pathname}index.html`;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const kept = await cache.match(page ? './' : request, { ignoreSearch: page });
      if (kept) {
        return kept;
      }
      const response = await fetch(request);
      if (response.ok && !page) {
        cache.put(request, response.clone());
      }
      return response;
    }),
  );
});
