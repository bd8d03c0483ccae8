/**
 * The one way pages talk to the service.
 *
 * - The access token lives in localStorage under `persona.token`; every request sends it as
 *   `Authorization: Bearer …`.
 * - `api.get/post/put/patch/delete` return the parsed JSON body (typed by the caller) and
 *   throw {@link ApiError} for any non-2xx answer, carrying the server's own message
 *   (`{"detail": "...", "code": "..."}`; FastAPI validation lists are joined into one line).
 * - A 401 clears the token and tells listeners (see {@link onUnauthorized}) so the app can
 *   show the sign-in page again.
 * - `events()` opens the per-user Server-Sent Events stream; EventSource cannot set
 *   headers, so the token travels as `?access_token=`.
 */

const TOKEN_KEY = "persona.token";
export const API_BASE = "/api/v1";

// ------------------------------------------------------------------ shared shapes

export type Role = "user" | "admin";

export interface User {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  quota_bytes: number;
  created_at: string;
}

export type JobState =
  | "submitted"
  | "held"
  | "queued"
  | "processing"
  | "rendering"
  | "post_processing"
  | "uploading"
  | "completed"
  | "failed"
  | "cancelled"
  | (string & {});

export interface Job {
  id: string;
  type: string;
  /** The project's name, else the script's first words (≤ 60 characters), else the type. */
  title?: string;
  state: JobState;
  progress: number;
  priority: "critical" | "high" | "medium" | "low";
  attempts: number;
  max_attempts: number;
  time_limit_s: number;
  error: string | null;
  result: Record<string, unknown> | null;
  created_at: string;
  updated_at: string;
  queued_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  status_url: string;
  video_url: string | null;
  thumbnail_url?: string | null;
}

export interface JobList {
  items: Job[];
  total: number;
  limit: number;
  offset: number;
}

export interface JobAccepted {
  job_id: string;
  state: string;
  status_url: string;
}

export interface ProjectList {
  items: Project[];
  total: number;
}

export interface Project {
  id: string;
  name: string;
  script: string;
  settings: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

/** The states after which a job never changes again. */
export const FINISHED_STATES: ReadonlySet<string> = new Set(["completed", "failed", "cancelled"]);

export function isFinished(job: Pick<Job, "state">): boolean {
  return FINISHED_STATES.has(job.state);
}

/** "post_processing" → "post processing". */
export function stateLabel(state: string): string {
  return state.replace(/_/g, " ");
}

// ------------------------------------------------------------------ token

export function getToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Calls `fn` whenever the server answers 401 (the token is gone or expired). */
export function onUnauthorized(fn: Listener): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

// ------------------------------------------------------------------ errors

/** A non-2xx answer: `status` (0 when the network failed), the server's `message` and `code`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, message: string, code = "error") {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

interface ValidationItem {
  loc?: (string | number)[];
  msg?: string;
}

function messageFrom(body: unknown, fallback: string): { message: string; code: string } {
  if (body && typeof body === "object") {
    const { detail, code } = body as { detail?: unknown; code?: unknown };
    const codeText = typeof code === "string" ? code : "error";
    if (typeof detail === "string") return { message: detail, code: codeText };
    if (Array.isArray(detail)) {
      const parts = (detail as ValidationItem[]).map((item) => {
        const where = (item.loc ?? []).filter((p) => p !== "body").join(".");
        return where ? `${where}: ${item.msg ?? "invalid"}` : (item.msg ?? "invalid");
      });
      return { message: parts.join("; "), code: "invalid_input" };
    }
  }
  return { message: fallback, code: "error" };
}

// ------------------------------------------------------------------ requests

export type Query = Record<string, string | number | boolean | null | undefined>;

/** `path` relative to /api/v1 (or absolute when it starts with `/api` or `http`). */
export function apiUrl(path: string, query?: Query): string {
  const base = path.startsWith("/api") || path.startsWith("http") ? path : `${API_BASE}${path}`;
  if (!query) return base;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${base}${base.includes("?") ? "&" : "?"}${text}` : base;
}

export interface RequestOptions {
  query?: Query;
  /** A JSON-able value, a FormData/URLSearchParams form, or a Blob. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** "json" (default), "blob" or "text". */
  as?: "json" | "blob" | "text";
}

export async function request<T>(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  const raw = options.body;
  if (raw instanceof FormData || raw instanceof URLSearchParams || raw instanceof Blob) {
    body = raw;
  } else if (raw !== undefined) {
    body = JSON.stringify(raw);
    headers["Content-Type"] = "application/json";
  }
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method,
      headers,
      body,
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, "Cannot reach the server. Check your connection and try again.");
  }
  if (!response.ok) {
    let parsed: unknown = null;
    try {
      parsed = await response.json();
    } catch {
      parsed = null;
    }
    const fallback = `${response.status} ${response.statusText || "request failed"}`;
    const { message, code } = messageFrom(parsed, fallback);
    if (response.status === 401 && token) {
      setToken(null);
      unauthorizedListeners.forEach((fn) => fn());
    }
    throw new ApiError(response.status, message, code);
  }
  if (options.as === "blob") return (await response.blob()) as T;
  if (options.as === "text") return (await response.text()) as T;
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>("GET", path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>("POST", path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>("PUT", path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>("PATCH", path, { ...options, body }),
  delete: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>("DELETE", path, { ...options, body }),
};

/** Signs in with the OAuth2 password form and stores the token. */
export async function signIn(email: string, password: string): Promise<void> {
  const form = new URLSearchParams({ username: email, password });
  const token = await api.post<{ access_token: string }>("/auth/token", form);
  setToken(token.access_token);
}

/** Forgets the token and the API answers the service worker kept for offline use. */
export function signOut(): void {
  setToken(null);
  if (typeof caches !== "undefined") void caches.delete("persona-api-v1").catch(() => false);
}

/**
 * A URL the browser can load directly (<img>, <video>, download links) for an
 * authenticated resource: the token rides as `?access_token=`.
 */
export function authedUrl(url: string): string {
  const token = getToken();
  if (!token) return url;
  return `${url}${url.includes("?") ? "&" : "?"}access_token=${encodeURIComponent(token)}`;
}

/** Fetches an authenticated resource as a blob: URL (revoke it when done). */
export async function blobUrl(path: string, options?: RequestOptions): Promise<string> {
  const blob = await request<Blob>("GET", path, { ...options, as: "blob" });
  return URL.createObjectURL(blob);
}

// ------------------------------------------------------------------ server-sent events

export interface EventHandlers {
  /** A job changed (state or progress). */
  job?: (job: Job) => void;
  /** The stream opened (again). */
  open?: () => void;
  /** The stream broke; EventSource retries by itself. */
  error?: () => void;
}

/**
 * Subscribes to `/api/v1/events`; returns a function that closes the stream.
 * Unknown event names are ignored, so the server may add more.
 */
export function events(handlers: EventHandlers): () => void {
  const token = getToken();
  if (typeof EventSource === "undefined" || !token) return () => undefined;
  const source = new EventSource(apiUrl("/events", { access_token: token }));
  source.addEventListener("job", (event) => {
    try {
      handlers.job?.(JSON.parse((event as MessageEvent<string>).data) as Job);
    } catch {
      // A malformed event is skipped; the next one carries the full state again.
    }
  });
  source.addEventListener("open", () => handlers.open?.());
  source.addEventListener("error", () => handlers.error?.());
  return () => source.close();
}

// ------------------------------------------------------------------ formatting helpers

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
