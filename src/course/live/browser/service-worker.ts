/**
 * The live site's service worker (sw.js at the site root): on install it stores every file of the
 * site (the list is written in at export), then answers each request from the network when it can
 * (a teacher's update shows) and from that store when it cannot, so the course works offline once
 * a page of it has been opened.
 */
export {}; // a module: its `self` below is the service worker's, not the page's

declare const SITE_FILES: readonly string[];
declare const SITE_VERSION: string;

interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(response: Promise<Response>): void;
}
declare const self: {
  registration: { scope: string };
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: "install" | "activate", listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: "fetch", listener: (event: FetchEvent) => void): void;
};

const CACHE = `bnlab-live-${SITE_VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SITE_FILES.map((file) => new URL(file, self.registration.scope).href)))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("bnlab-live-") && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  event.respondWith(
    fetch(event.request).then(
      (response) => {
        if (response.ok) {
          const copy = response.clone();
          void caches.open(CACHE).then((cache) => cache.put(event.request, copy));
        }
        return response;
      },
      async (error: unknown) => {
        const cached = await caches.match(event.request, { ignoreSearch: true });
        if (cached) return cached;
        throw error;
      },
    ),
  );
});
