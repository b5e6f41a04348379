// The scanner's service worker: keeps the web app's files so the scanner page opens and
// works without a network. Pages and assets are served from the network when it answers
// (and kept), from the cache when it does not. API calls are never cached: the scanner
// keeps its ticket list and queued scans in IndexedDB itself.
const CACHE = 'admit-app-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(['/'])).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  // Every page of the app is the same index.html.
  const key = req.mode === 'navigate' ? '/' : req;
  event.respondWith(
    fetch(req)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          caches.open(CACHE).then((c) => c.put(key, copy));
        }
        return res;
      })
      .catch(() => caches.match(key).then((hit) => hit || Response.error())),
  );
});

// The scanner page names the files it was built from (lazy chunks are not in index.html).
self.addEventListener('message', (event) => {
  const keep = event.data && Array.isArray(event.data.keep) ? event.data.keep : [];
  const same = keep.filter((u) => typeof u === 'string' && new URL(u, self.location.origin).origin === self.location.origin);
  if (same.length) event.waitUntil(caches.open(CACHE).then((c) => c.addAll(same)).catch(() => undefined));
});
