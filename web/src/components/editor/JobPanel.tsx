import type { ReactNode } from "react";
import type { Job } from "../../api";
import { ProgressBar } from "..";
import { isDone, isSuccess } from "./hooks";

const STATE_WORDS: Record<string, string> = {
  submitted: "Submitted",
  queued: "Waiting in the queue",
  processing: "Preparing",
  rendering: "Rendering",
  post_processing: "Finishing",
  uploading: "Saving",
  completed: "Done",
  succeeded: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
  rejected: "Rejected",
  review: "Waiting for review",
};

export interface JobPanelProps {
  /** What the job makes, for the progress bar's label ("Preview", "Video"). */
  label: string;
  job: Job | null;
  /** A polling or stream error to show while the job is unknown. */
  error?: string | null;
  /** Shown once the job has completed. */
  children?: ReactNode;
}

/** A job's state in words, its progress, its error, and what it made once done. */
export function JobPanel({ label, job, error, children }: JobPanelProps) {
  if (!job) {
    return (
      <div className="ed-job" role="status" aria-live="polite">
        {error ? <p className="form-error">{error}</p> : <p className="muted">Submitting…</p>}
      </div>
    );
  }
  const words = STATE_WORDS[job.state] ?? job.state;
  return (
    <div className="ed-job" data-state={job.state}>
      <p className="ed-job-state" role="status" aria-live="polite">
        <span className={`badge badge-${job.state}`}>{words}</span>{" "}
        <span className="muted">job {job.id}</span>
      </p>
      {!isDone(job) && <ProgressBar value={job.progress} label={`${label} progress`} />}
      {job.state === "failed" && (
        <p className="form-error" role="alert">
          {job.error || "The job failed."}
        </p>
      )}
      {isSuccess(job) && children}
    </div>
  );
}
