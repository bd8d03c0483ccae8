/**
 * A request whose error body matters: the avatar routes answer a refused photo with 422
 * and its quality report, which `api.post` would reduce to a message. `send` returns the
 * status and the parsed body either way (and the server's message when it failed).
 */
import { apiUrl, getToken } from "../../api";

export interface Sent<T> {
  ok: boolean;
  status: number;
  body: T | null;
  /** The server's `detail` (or the status line) when not ok. */
  message: string;
}

export async function send<T>(method: string, path: string, body?: FormData | object): Promise<Sent<T>> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers["Content-Type"] = "application/json";
  }
  let response: Response;
  try {
    response = await fetch(apiUrl(path), { method, headers, body: payload });
  } catch {
    return { ok: false, status: 0, body: null, message: "Cannot reach the server." };
  }
  let parsed: unknown = null;
  try {
    parsed = await response.json();
  } catch {
    parsed = null;
  }
  let message = "";
  if (!response.ok) {
    const detail = (parsed as { detail?: unknown } | null)?.detail;
    if (typeof detail === "string") message = detail;
    else if (Array.isArray(detail))
      message = detail.map((d: { msg?: string }) => d.msg ?? "invalid").join("; ");
    else message = `${response.status} ${response.statusText || "request failed"}`;
  }
  return { ok: response.ok, status: response.status, body: parsed as T | null, message };
}
