/**
 * Small hooks the editor pages share: a debounced value, a blob: URL that is revoked when
 * it is replaced, and following one job to its end.
 *
 * `useJob(id)` listens to the per-user event stream (`/api/v1/events`, one `job` event per
 * change) and also polls `GET /status/{id}` every few seconds, so progress shows even where
 * the stream is unavailable (a proxy that buffers, an older server). Polling stops once the
 * job has finished.
 */
import { useEffect, useRef, useState } from "react";
import { api, events } from "../../api";
import type { Job } from "../../api";

/** Job states after which nothing changes any more (the service's terminal states). */
export const DONE_STATES: ReadonlySet<string> = new Set([
  "completed",
  "succeeded",
  "failed",
  "cancelled",
  "rejected",
]);

export function isDone(job: Job | null | undefined): boolean {
  return !!job && DONE_STATES.has(job.state);
}

export function isSuccess(job: Job | null | undefined): boolean {
  return !!job && (job.state === "completed" || job.state === "succeeded");
}

/** `value`, changed only after it has stayed the same for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** Holds one object URL at a time; the previous one is revoked when replaced or unmounted. */
export function useObjectUrl(): [string | null, (blob: Blob | null) => void] {
  const [url, setUrl] = useState<string | null>(null);
  const current = useRef<string | null>(null);
  useEffect(
    () => () => {
      if (current.current) URL.revokeObjectURL(current.current);
    },
    [],
  );
  const set = (blob: Blob | null) => {
    if (current.current) URL.revokeObjectURL(current.current);
    current.current = blob ? URL.createObjectURL(blob) : null;
    setUrl(current.current);
  };
  return [url, set];
}

const POLL_MS = 2500;

/** The latest state of job `id` (null before the first answer or without an id). */
export function useJob(id: string | null): { job: Job | null; error: string | null } {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setJob(null);
    setError(null);
    if (!id) return undefined;
    let stopped = false;
    let timer = 0;
    const accept = (next: Job) => {
      if (stopped || next.id !== id) return;
      setJob((prev) => (prev && prev.updated_at > next.updated_at ? prev : next));
      if (DONE_STATES.has(next.state)) window.clearTimeout(timer);
    };
    const poll = async () => {
      try {
        const next = await api.get<Job>(`/status/${id}`);
        accept(next);
        setError(null);
        if (DONE_STATES.has(next.state)) return;
      } catch (err) {
        if (!stopped) setError(err instanceof Error ? err.message : String(err));
      }
      if (!stopped) timer = window.setTimeout(poll, POLL_MS);
    };
    const close = events({ job: accept });
    void poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      close();
    };
  }, [id]);

  return { job, error };
}
