/*
 * Persona Studio's service worker: keeps the app shell usable offline.
 *
 * - Install: caches the shell (/, the manifest, the icons). The hashed /assets/* files are
 *   cached the first time they are fetched (cache-first: their names change with content).
 * - /api/* and /health: network-first, never cached except GET answers kept as a fallback
 *   for when the network is gone (lists stay readable offline; writes fail clearly).
 *   The event stream and media downloads always go to the network.
 * - Navigations: network-first, falling back to the cached shell.
 * Script drafts live in localStorage (key `persona.drafts`), so the editor works offline
 * without the worker doing anything for them.
 * Old caches (another VERSION) are removed on activate; bump VERSION when the shell list
 * changes.
 */
const VERSION = "persona-studio-v1";
// API answers live apart from the shell; signing out deletes this cache (see api.ts).
const API_CACHE = "persona-api-v1";
const SHELL = ["/", "/manifest.webmanifest", "/icons/icon-192.png", "/icons/icon-512.png"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(VERSION)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((k) => k !== VERSION && k !== API_CACHE).map((k) => caches.delete(k)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

function isApi(url) {
  return url.pathname.startsWith("/api/") || url.pathname === "/health";
}

function isStream(url, request) {
  return (
    url.pathname.endsWith("/events") ||
    request.headers.get("accept") === "text/event-stream" ||
    request.headers.has("range") ||
    /\/(video|files|thumbnail|export|preview)(\/|$)/.test(url.pathname)
  );
}

async function networkFirst(request, fallbackUrl, cacheName) {
  const cache = await caches.open(cacheName);
  try {
    const response = await fetch(request);
    if (response.ok && request.method === "GET") cache.put(fallbackUrl || request, response.clone());
    return response;
  } catch (err) {
    const cached = await cache.match(fallbackUrl || request);
    if (cached) return cached;
    throw err;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(VERSION);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || request.method !== "GET") return;
  if (isApi(url)) {
    if (isStream(url, request) || request.headers.has("authorization") === false) return;
    event.respondWith(networkFirst(request, undefined, API_CACHE));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(networkFirst(request, "/", VERSION));
    return;
  }
  if (url.pathname.startsWith("/assets/") || url.pathname.startsWith("/icons/")) {
    event.respondWith(cacheFirst(request));
  }
});
