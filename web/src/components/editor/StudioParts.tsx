/**
 * Parts of the studio page: the avatar picker (one avatar for a talking video, two to
 * four for a conversation), and the finished job's files with download buttons
 * (`GET /jobs/{id}/files/{name}`, fetched with the token, saved under their own names).
 */
import { useEffect, useState } from "react";
import { blobUrl, formatBytes } from "../../api";
import type { Job } from "../../api";
import { Button, useToast } from "..";
import type { Option } from "..";

export const MAX_SPEAKERS = 4;

export interface AvatarPickerProps {
  options: readonly Option[];
  /** Thumbnail URLs by option value, where there are any. */
  thumbs?: Record<string, string>;
  picked: readonly string[];
  onChange: (picked: string[]) => void;
}

/** Checkboxes in pick order; a fifth pick is refused with a message. */
export function AvatarPicker({ options, thumbs = {}, picked, onChange }: AvatarPickerProps) {
  const full = picked.length >= MAX_SPEAKERS;
  return (
    <fieldset>
      <legend>Avatars</legend>
      <p className="field-hint" id="ed-pick-hint">
        One avatar makes a talking video; two to four make a conversation (podcast scene).
        {full && " Four is the most a scene takes."}
      </p>
      <div className="ed-avatar-picks" aria-describedby="ed-pick-hint">
        {options.map((o) => {
          const on = picked.includes(o.value);
          const order = picked.indexOf(o.value) + 1;
          return (
            <label key={o.value} className={`ed-pick${on ? " ed-pick-on" : ""}`}>
              <input
                type="checkbox"
                checked={on}
                disabled={!on && full}
                onChange={(e) =>
                  onChange(e.target.checked ? [...picked, o.value] : picked.filter((p) => p !== o.value))
                }
              />
              {thumbs[o.value] && <img src={thumbs[o.value]} alt="" />}
              <span>
                {o.label.replace(/ \(template\)$/, "")}
                {on && picked.length > 1 && <span className="muted"> · speaker {order}</span>}
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}

interface OutputInfo {
  size?: number;
  content_type?: string;
}

export function jobOutputs(job: Job | null): [string, OutputInfo][] {
  const outputs = (job?.result as { outputs?: Record<string, OutputInfo> } | null)?.outputs;
  return outputs ? Object.entries(outputs) : [];
}

async function download(jobId: string, name: string): Promise<void> {
  const url = await blobUrl(`/jobs/${encodeURIComponent(jobId)}/files/${encodeURIComponent(name)}`);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const FILE_WORDS: Record<string, string> = {
  "video/mp4": "video",
  "video/webm": "video",
  "application/x-subrip": "captions",
  "text/vtt": "captions",
  "image/jpeg": "thumbnail",
  "application/json": "provenance",
};

/** The finished video, playable, and every file the job made, each downloadable. */
export function ExportFiles({ job }: { job: Job }) {
  const toast = useToast();
  const [video, setVideo] = useState<string | null>(null);
  const [poster, setPoster] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  useEffect(() => {
    if (!job.thumbnail_url) return undefined;
    let made: string | null = null;
    blobUrl(job.thumbnail_url)
      .then((url) => {
        made = url;
        setPoster(url);
      })
      .catch(() => undefined);
    return () => {
      if (made) URL.revokeObjectURL(made);
    };
  }, [job.id, job.thumbnail_url]);
  useEffect(() => {
    if (!job.video_url) return undefined;
    let made: string | null = null;
    blobUrl(job.video_url)
      .then((url) => {
        made = url;
        setVideo(url);
      })
      .catch((err: unknown) => toast.error(err));
    return () => {
      if (made) URL.revokeObjectURL(made);
    };
  }, [job.id, job.video_url]);
  const files = jobOutputs(job);
  return (
    <div className="ed-export">
      {video && (
        <video className="ed-video" src={video} poster={poster ?? undefined} controls aria-label="The finished video" />
      )}
      <h3>Downloads</h3>
      <ul className="ed-files" data-testid="export-files">
        {files.map(([name, info]) => (
          <li key={name}>
            <Button
              size="sm"
              busy={busy === name}
              onClick={() => {
                setBusy(name);
                download(job.id, name)
                  .catch((err: unknown) => toast.error(err))
                  .finally(() => setBusy(null));
              }}
            >
              ⬇ {name}
              <span className="muted">
                {" "}
                {FILE_WORDS[info.content_type ?? ""] ?? ""} {info.size ? formatBytes(info.size) : ""}
              </span>
            </Button>
          </li>
        ))}
      </ul>
    </div>
  );
}
