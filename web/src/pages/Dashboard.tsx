/**
 * The dashboard: the user's projects and their video library.
 *
 * Videos are the user's video-making jobs, newest first, as cards with a thumbnail, their
 * state and, while they render, a live progress bar fed by the event stream (SSE); when
 * the stream is down the page polls instead. A finished video can be played (a dialog with
 * `<video controls>`), downloaded, rendered again or deleted; a running one cancelled.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { FormEvent } from "react";
import {
  api,
  events,
  formatDate,
  isFinished,
  request,
  stateLabel,
} from "../api";
import type { Job, JobAccepted, JobList, Project, ProjectList } from "../api";
import {
  AuthedImage,
  Button,
  Card,
  EmptyState,
  Field,
  Link,
  Modal,
  ProgressBar,
  Select,
  useBlobUrl,
  useToast,
} from "../components";
import { navigate } from "../router";
import "./Dashboard.css";

/** Job types whose result is a video. */
const VIDEO_TYPES: ReadonlySet<string> = new Set([
  "video_generation",
  "podcast_video",
  "lipsync_animation",
]);
const PAGE = 60;
const POLL_MS = 3000;

function isVideoJob(job: Job): boolean {
  return VIDEO_TYPES.has(job.type) && !job.result?.outputs_deleted;
}

function durationOf(job: Job): number | null {
  const value = job.result?.duration_s;
  return typeof value === "number" ? value : null;
}

function formatDuration(seconds: number | null): string {
  if (seconds === null) return "";
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function extensionFor(type: string): string {
  if (type.includes("webm")) return "webm";
  if (type.includes("quicktime")) return "mov";
  return "mp4";
}

// ------------------------------------------------------------------ data

function useVideos(projectId: string) {
  const [jobs, setJobs] = useState<Job[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [streaming, setStreaming] = useState(false);

  const load = useCallback(async () => {
    try {
      const list = await api.get<JobList>("/jobs", {
        query: { limit: PAGE, project_id: projectId || undefined },
      });
      setJobs(list.items.filter(isVideoJob));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [projectId]);

  useEffect(() => {
    setJobs(null);
    void load();
  }, [load]);

  // Live updates: replace a known job, add a new video job at the top (unfiltered view).
  useEffect(
    () =>
      events({
        open: () => setStreaming(true),
        error: () => setStreaming(false),
        job: (job) =>
          setJobs((current) => {
            if (!current) return current;
            const at = current.findIndex((j) => j.id === job.id);
            if (at >= 0) {
              const next = current.slice();
              if (isVideoJob(job)) next[at] = { ...current[at], ...job };
              else next.splice(at, 1);
              return next;
            }
            return isVideoJob(job) && !projectId ? [job, ...current] : current;
          }),
      }),
    [projectId],
  );

  // Without the stream, poll while something is still running.
  const running = jobs?.some((j) => !isFinished(j)) ?? false;
  useEffect(() => {
    if (streaming || !running) return undefined;
    const timer = window.setInterval(() => void load(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [streaming, running, load]);

  return { jobs, error, reload: load, setJobs };
}

// ------------------------------------------------------------------ player

function Player({ job, onClose }: { job: Job | null; onClose: () => void }) {
  const { url, error, loading } = useBlobUrl(job?.video_url ?? null);
  return (
    <Modal open={job !== null} title="Play video" onClose={onClose} wide>
      {loading && (
        <p role="status" aria-live="polite">
          Loading the video…
        </p>
      )}
      {error !== null && (
        <p className="form-error" role="alert">
          {error instanceof Error ? error.message : "The video could not be loaded."}
        </p>
      )}
      {url && (
        // Captions are burned into the render when asked for; there is no separate track.
        <video className="dash-player" src={url} controls autoPlay playsInline data-job={job?.id} />
      )}
    </Modal>
  );
}

// ------------------------------------------------------------------ one video

interface VideoCardProps {
  job: Job;
  onPlay: (job: Job) => void;
  onDelete: (job: Job) => void;
  onChanged: () => void;
}

function VideoCard({ job, onPlay, onDelete, onChanged }: VideoCardProps) {
  const toast = useToast();
  const [busy, setBusy] = useState<"download" | "rerender" | null>(null);
  const done = job.state === "completed" && !!job.video_url;
  const finished = isFinished(job);
  const name = job.title || `Video ${job.id.slice(-6)}`;
  const length = durationOf(job);

  async function download() {
    if (!job.video_url) return;
    setBusy("download");
    try {
      const blob = await request<Blob>("GET", job.video_url, { as: "blob" });
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = `persona-${job.id}.${extensionFor(blob.type)}`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      toast.error(err);
    } finally {
      setBusy(null);
    }
  }

  async function rerender() {
    setBusy("rerender");
    try {
      await api.post<JobAccepted>(`/jobs/${job.id}/rerender`);
      toast.success("Rendering again: the new video is at the top of the library.");
      onChanged();
    } catch (err) {
      toast.error(err);
    } finally {
      setBusy(null);
    }
  }

  return (
    <li className="dash-video" data-job-id={job.id} data-state={job.state}>
      <button
        type="button"
        className="dash-thumb"
        onClick={() => onPlay(job)}
        disabled={!done}
        aria-label={done ? `Play ${name}${length === null ? "" : ` ${formatDuration(length)}`}` : `${name}: not ready to play`}
      >
        <AuthedImage
          path={done ? job.thumbnail_url : null}
          alt=""
          loading="lazy"
          fallback={<span className="dash-thumb-empty" aria-hidden="true">▶</span>}
        />
        {done && length !== null && <span className="dash-duration">{formatDuration(length)}</span>}
      </button>
      <div className="dash-video-body">
        <div className="dash-video-title">
          <strong title={name}>{name}</strong>
          <span className={`badge badge-${job.state}`}>{stateLabel(job.state)}</span>
        </div>
        <p className="muted dash-meta">{formatDate(job.created_at)}</p>
        {job.state === "held" ? (
          <p className="muted dash-meta">Waiting for a moderator's review.</p>
        ) : (
          !finished && <ProgressBar value={job.progress} label={`Rendering ${name}`} />
        )}
        {job.state === "failed" && job.error && (
          <p className="field-error dash-error" title={job.error}>
            {job.error}
          </p>
        )}
        <div className="dash-actions">
          {done && (
            <>
              <Button size="sm" variant="primary" onClick={() => onPlay(job)}>
                Play
              </Button>
              <Button size="sm" onClick={download} busy={busy === "download"}>
                Download
              </Button>
            </>
          )}
          {finished && (
            <Button size="sm" onClick={rerender} busy={busy === "rerender"}>
              Re-render
            </Button>
          )}
          <Button size="sm" variant="danger" onClick={() => onDelete(job)}>
            {finished ? "Delete" : "Cancel"}
          </Button>
        </div>
      </div>
    </li>
  );
}

// ------------------------------------------------------------------ projects

function Projects({ projects, onChanged }: { projects: Project[] | null; onChanged: () => void }) {
  const toast = useToast();
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [doomed, setDoomed] = useState<Project | null>(null);

  async function create(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) return;
    setBusy(true);
    try {
      const project = await api.post<Project>("/projects", { name: name.trim() });
      setCreating(false);
      setName("");
      onChanged();
      navigate(`/studio?project=${encodeURIComponent(project.id)}`);
    } catch (err) {
      toast.error(err);
    } finally {
      setBusy(false);
    }
  }

  async function remove(project: Project) {
    try {
      await api.delete(`/projects/${project.id}`);
      toast.success(`Deleted “${project.name}”. Its videos stay in the library.`);
      onChanged();
    } catch (err) {
      toast.error(err);
    } finally {
      setDoomed(null);
    }
  }

  return (
    <Card
      title="Projects"
      actions={
        <Button size="sm" variant="primary" onClick={() => setCreating(true)}>
          New project
        </Button>
      }
    >
      {projects === null ? (
        <p className="muted" role="status">
          Loading projects…
        </p>
      ) : projects.length === 0 ? (
        <EmptyState
          title="No projects yet"
          action={<Link to="/avatar">Start by creating an avatar</Link>}
        >
          A project keeps a script and its settings together.
        </EmptyState>
      ) : (
        <ul className="dash-projects">
          {projects.map((p) => (
            <li key={p.id} className="dash-project">
              <Link to={`/studio?project=${encodeURIComponent(p.id)}`} className="dash-project-name">
                {p.name}
              </Link>
              <span className="muted dash-meta">
                {p.script ? `${p.script.trim().split(/\s+/).length} words · ` : ""}
                updated {formatDate(p.updated_at)}
              </span>
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Delete project ${p.name}`}
                onClick={() => setDoomed(p)}
              >
                Delete
              </Button>
            </li>
          ))}
        </ul>
      )}

      <Modal open={creating} title="New project" onClose={() => setCreating(false)}>
        <form onSubmit={create}>
          <Field
            label="Project name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={200}
            required
            autoFocus
          />
          <div className="modal-inline-actions">
            <Button onClick={() => setCreating(false)}>Cancel</Button>
            <Button type="submit" variant="primary" busy={busy} disabled={!name.trim()}>
              Create
            </Button>
          </div>
        </form>
      </Modal>
      <Modal
        open={doomed !== null}
        title="Delete project?"
        onClose={() => setDoomed(null)}
        footer={
          <>
            <Button onClick={() => setDoomed(null)}>Keep it</Button>
            <Button variant="danger" onClick={() => doomed && void remove(doomed)}>
              Delete project
            </Button>
          </>
        }
      >
        <p>
          “{doomed?.name}” and its script will be deleted. Videos made from it stay in the library.
        </p>
      </Modal>
    </Card>
  );
}

// ------------------------------------------------------------------ page

export default function Dashboard() {
  const toast = useToast();
  const [projects, setProjects] = useState<Project[] | null>(null);
  const [projectId, setProjectId] = useState("");
  const { jobs, error, reload, setJobs } = useVideos(projectId);
  const [playing, setPlaying] = useState<Job | null>(null);
  const [doomed, setDoomed] = useState<Job | null>(null);
  const mounted = useRef(true);

  const loadProjects = useCallback(async () => {
    try {
      const list = await api.get<ProjectList>("/projects");
      if (mounted.current) setProjects(list.items);
    } catch {
      if (mounted.current) setProjects([]);
    }
  }, []);

  useEffect(() => {
    mounted.current = true;
    void loadProjects();
    return () => {
      mounted.current = false;
    };
  }, [loadProjects]);

  async function remove(job: Job) {
    const finished = isFinished(job);
    setDoomed(null);
    try {
      await api.delete<Job>(`/jobs/${job.id}`);
      if (finished) setJobs((current) => current?.filter((j) => j.id !== job.id) ?? current);
      toast.success(finished ? "Video deleted." : "Rendering cancelled.");
      void reload();
    } catch (err) {
      toast.error(err);
    }
  }

  const projectOptions = useMemo(
    () => [
      { value: "", label: "All videos" },
      ...(projects ?? []).map((p) => ({ value: p.id, label: p.name })),
    ],
    [projects],
  );

  return (
    <>
      <div className="dash-head">
        <h1>Dashboard</h1>
        <Link to="/studio" className="btn btn-primary btn-md">
          New video
        </Link>
      </div>

      <Projects projects={projects} onChanged={() => void loadProjects()} />

      <Card
        title="Video library"
        actions={
          projects && projects.length > 0 ? (
            <div className="dash-filter">
              <Select
                label="Show"
                options={projectOptions}
                value={projectId}
                onChange={(e) => setProjectId(e.target.value)}
              />
            </div>
          ) : null
        }
      >
        {error !== null && jobs === null ? (
          <p className="form-error" role="alert">
            {error instanceof Error ? error.message : "The videos could not be loaded."}{" "}
            <Button size="sm" onClick={() => void reload()}>
              Try again
            </Button>
          </p>
        ) : jobs === null ? (
          <p className="muted" role="status">
            Loading videos…
          </p>
        ) : jobs.length === 0 ? (
          <EmptyState
            title="No videos yet"
            action={
              <Link to="/studio" className="btn btn-primary btn-md">
                Make your first video
              </Link>
            }
          >
            Pick an avatar, write a script, choose a voice and render.
          </EmptyState>
        ) : (
          <ul className="dash-grid" aria-label="Videos">
            {jobs.map((job) => (
              <VideoCard
                key={job.id}
                job={job}
                onPlay={setPlaying}
                onDelete={setDoomed}
                onChanged={() => void reload()}
              />
            ))}
          </ul>
        )}
      </Card>

      <Player job={playing} onClose={() => setPlaying(null)} />
      <Modal
        open={doomed !== null}
        title={doomed && isFinished(doomed) ? "Delete video?" : "Cancel rendering?"}
        onClose={() => setDoomed(null)}
        footer={
          <>
            <Button onClick={() => setDoomed(null)}>Keep it</Button>
            <Button variant="danger" onClick={() => doomed && void remove(doomed)}>
              {doomed && isFinished(doomed) ? "Delete video" : "Cancel rendering"}
            </Button>
          </>
        }
      >
        <p>
          {doomed && isFinished(doomed)
            ? "The video file is deleted for good; the job's record stays in your history."
            : "The render stops and what it made so far is discarded."}
        </p>
      </Modal>
    </>
  );
}
