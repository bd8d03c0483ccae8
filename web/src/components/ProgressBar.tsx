export interface ProgressBarProps {
  /** 0–100. */
  value: number;
  label: string;
  /** Announce changes politely to screen readers (on by default). */
  live?: boolean;
}

/** A progress bar with its percentage; changes are announced through aria-live. */
export function ProgressBar({ value, label, live = true }: ProgressBarProps) {
  const pct = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div className="progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
      >
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <span className="progress-text" aria-live={live ? "polite" : undefined}>
        {pct} %
      </span>
    </div>
  );
}
