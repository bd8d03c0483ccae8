/**
 * Short messages at the bottom of the screen. Wrap the app in `<ToastProvider>`, then
 * `const toast = useToast(); toast.show("Saved")` or `toast.error(err)` (an ApiError's
 * message is shown as the server wrote it). The region is aria-live so screen readers
 * read each message once.
 */
import { createContext, useCallback, useContext, useMemo, useRef, useState } from "react";
import type { ReactNode } from "react";

type Kind = "info" | "success" | "error";

interface ToastItem {
  id: number;
  kind: Kind;
  text: string;
}

export interface ToastApi {
  show: (text: string, kind?: Kind) => void;
  success: (text: string) => void;
  /** Shows an Error's message (or any value as text). */
  error: (err: unknown) => void;
}

const ToastContext = createContext<ToastApi | null>(null);

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === "string" ? err : "Something went wrong.";
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<ToastItem[]>([]);
  const next = useRef(1);

  const dismiss = useCallback((id: number) => {
    setItems((all) => all.filter((item) => item.id !== id));
  }, []);

  const show = useCallback(
    (text: string, kind: Kind = "info") => {
      const id = next.current++;
      setItems((all) => [...all.slice(-3), { id, kind, text }]);
      window.setTimeout(() => dismiss(id), kind === "error" ? 8000 : 4000);
    },
    [dismiss],
  );

  const value = useMemo<ToastApi>(
    () => ({
      show,
      success: (text) => show(text, "success"),
      error: (err) => show(errorMessage(err), "error"),
    }),
    [show],
  );

  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {items.map((item) => (
          <div key={item.id} className={`toast toast-${item.kind}`}>
            <span>{item.text}</span>
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              aria-label="Dismiss"
              onClick={() => dismiss(item.id)}
            >
              ✕
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const value = useContext(ToastContext);
  if (!value) throw new Error("useToast() outside <ToastProvider>");
  return value;
}
