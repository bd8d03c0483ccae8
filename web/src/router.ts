/**
 * A tiny hash router: the route is the part of the URL after `#` (`/#/dashboard`), so the
 * server never needs a fallback route and a reload keeps the page.
 *
 * `useRoute()` gives the current path and its query; `navigate(path)` changes it;
 * `<Link to="/studio">` (components/Link.tsx) renders a real `<a href="#/studio">`.
 */
import { useSyncExternalStore } from "react";

export interface Route {
  /** "/dashboard", "/studio", ... (always starts with "/"). */
  path: string;
  /** The query after `?` in the hash: `#/studio?project=abc`. */
  query: URLSearchParams;
}

function read(): string {
  const hash = window.location.hash.replace(/^#/, "");
  return hash.startsWith("/") ? hash : `/${hash}`;
}

function subscribe(callback: () => void): () => void {
  window.addEventListener("hashchange", callback);
  return () => window.removeEventListener("hashchange", callback);
}

export function parseRoute(hash: string): Route {
  const [path = "/", search = ""] = hash.split("?", 2);
  return { path: path || "/", query: new URLSearchParams(search) };
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, read, () => "/");
  return parseRoute(hash);
}

/** Goes to `path` ("/studio?project=1"); `replace` keeps the history entry count. */
export function navigate(path: string, replace = false): void {
  const target = `#${path.startsWith("/") ? path : `/${path}`}`;
  if (replace) {
    window.history.replaceState(null, "", target);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    window.location.hash = target;
  }
}
