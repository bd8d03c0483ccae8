/**
 * Script editor: write what the avatar says, with pause marks and SSML from the toolbar,
 * a voice and an emotion per sentence, the estimated length (`POST /script/estimate`,
 * 600 ms after the last keystroke), a quick five-second preview render, and drafts kept
 * in this browser (localStorage `persona.drafts`, saved as you type, offline too).
 * "Use in studio" opens the studio with the draft.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { api, blobUrl } from "../api";
import type { Job, JobAccepted } from "../api";
import { Button, Card, Field, Select, useToast } from "../components";
import {
  JobPanel,
  ScriptToolbar,
  SentenceList,
  avatarOptions,
  deleteDraft,
  draftName,
  formatSeconds,
  getDraft,
  isSuccess,
  loadDrafts,
  newDraftId,
  saveDraft,
  setSentence,
  splitSentences,
  useAvatars,
  useDebounced,
  useJob,
  useVoices,
  voiceOptions,
} from "../components/editor";
import type { Draft, Edit, SentenceEstimate } from "../components/editor";
import { navigate, useRoute } from "../router";
import "../components/editor/editor.css";

interface Estimate {
  duration_s: number;
  words: number;
  sentences: SentenceEstimate[];
  method?: string;
  voice?: string;
  lang?: string;
}

const PREVIEW_SECONDS = 5;

function blankDraft(): Draft {
  return { id: newDraftId(), name: "", script: "", voice: "", speed: 1, updated_at: new Date().toISOString() };
}

function firstDraft(wanted: string | null): Draft {
  return (wanted ? getDraft(wanted) : null) ?? loadDrafts()[0] ?? blankDraft();
}

function useEstimate(script: string, voice: string, speed: number) {
  const request = useDebounced(useMemo(() => ({ script, voice, speed }), [script, voice, speed]), 600);
  const [estimate, setEstimate] = useState<Estimate | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ticket = useRef(0);
  useEffect(() => {
    const mine = ++ticket.current;
    if (!request.script.trim()) {
      setEstimate(null);
      setError(null);
      return;
    }
    setBusy(true);
    api
      .post<Estimate>("/script/estimate", {
        script: request.script,
        voice: request.voice || null,
        speed: request.speed,
      })
      .then((answer) => {
        if (mine !== ticket.current) return;
        setEstimate(answer);
        setError(null);
      })
      .catch((err: unknown) => {
        if (mine === ticket.current) setError(err instanceof Error ? err.message : String(err));
      })
      .finally(() => {
        if (mine === ticket.current) setBusy(false);
      });
  }, [request]);
  return { estimate, error, busy };
}

function QuickPreview({ script, voice, speed }: { script: string; voice: string; speed: number }) {
  const toast = useToast();
  const avatars = useAvatars();
  const [avatar, setAvatar] = useState("template:maya");
  const [jobId, setJobId] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [video, setVideo] = useState<string | null>(null);
  const { job, error } = useJob(jobId);

  useEffect(() => {
    if (!isSuccess(job) || !job?.video_url) return undefined;
    let url: string | null = null;
    blobUrl(job.video_url)
      .then((made) => {
        url = made;
        setVideo(made);
      })
      .catch((err: unknown) => toast.error(err));
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [job?.state, job?.video_url]);

  const start = async () => {
    setSubmitting(true);
    setVideo(null);
    try {
      const accepted = await api.post<JobAccepted>("/generate", {
        script,
        avatar,
        voice: voice || undefined,
        options: { speed },
        preview_seconds: PREVIEW_SECONDS,
        priority: "high",
      });
      setJobId(accepted.job_id);
    } catch (err) {
      toast.error(err);
    } finally {
      setSubmitting(false);
    }
  };

  const running = !!job && !["completed", "failed", "cancelled"].includes(job.state);
  return (
    <Card title="Quick preview">
      <Select label="Avatar" value={avatar} options={avatarOptions(avatars.data)} onChange={(e) => setAvatar(e.target.value)} />
      <Button variant="primary" busy={submitting || running} disabled={!script.trim()} onClick={start}>
        Preview first {PREVIEW_SECONDS} s
      </Button>
      {jobId && (
        <JobPanel label="Preview" job={job as Job | null} error={error}>
          {video ? (
            <video className="ed-video" src={video} controls autoPlay aria-label="Preview video" />
          ) : (
            <p className="muted">Loading the video…</p>
          )}
        </JobPanel>
      )}
    </Card>
  );
}

function Drafts({ current, onOpen, onNew }: { current: string; onOpen: (d: Draft) => void; onNew: () => void }) {
  const [drafts, setDrafts] = useState(loadDrafts);
  useEffect(() => {
    const refresh = () => setDrafts(loadDrafts());
    const timer = window.setInterval(refresh, 2000);
    window.addEventListener("storage", refresh);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener("storage", refresh);
    };
  }, []);
  return (
    <Card title="Drafts" actions={<Button size="sm" onClick={onNew}>New draft</Button>}>
      {drafts.length === 0 ? (
        <p className="muted">Drafts are saved in this browser as you type.</p>
      ) : (
        <ul className="ed-drafts">
          {drafts.map((d) => (
            <li key={d.id}>
              <Button
                size="sm"
                variant="ghost"
                className="ed-draft-open"
                aria-current={d.id === current ? "true" : undefined}
                onClick={() => onOpen(d)}
              >
                {d.id === current ? "✎ " : ""}
                {d.name || draftName(d.script)}
              </Button>
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Delete draft ${d.name || draftName(d.script)}`}
                onClick={() => {
                  deleteDraft(d.id);
                  setDrafts(loadDrafts());
                }}
              >
                ✕
              </Button>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export default function ScriptEditor() {
  const toast = useToast();
  const { query } = useRoute();
  const [draft, setDraft] = useState<Draft>(() => firstDraft(query.get("draft")));
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const { voices } = useVoices();
  const { estimate, error: estimateError, busy } = useEstimate(draft.script, draft.voice, draft.speed);
  const sentences = useMemo(() => splitSentences(draft.script), [draft.script]);

  const change = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  useEffect(() => {
    if (!draft.script.trim() && !draft.name) return undefined;
    const timer = window.setTimeout(() => {
      const stamp = new Date().toISOString();
      saveDraft({ ...draft, name: draft.name || draftName(draft.script), updated_at: stamp });
      setSavedAt(stamp);
    }, 500);
    return () => window.clearTimeout(timer);
  }, [draft]);

  /** Applies a markup edit; from the toolbar the cursor returns to the text. */
  const applyEdit = (edit: Edit, focus = true) => {
    change({ script: edit.text });
    if (!focus) return;
    window.requestAnimationFrame(() => {
      const el = textarea.current;
      if (!el) return;
      el.focus();
      el.setSelectionRange(edit.selectionStart, edit.selectionEnd);
    });
  };

  const useInStudio = () => {
    saveDraft({ ...draft, name: draft.name || draftName(draft.script), updated_at: new Date().toISOString() });
    navigate(`/studio?draft=${encodeURIComponent(draft.id)}`);
  };

  return (
    <>
      <h1>Script</h1>
      <div className="ed-script">
        <div>
          <Card title="Write">
            <Field
              label="Draft name"
              value={draft.name}
              placeholder={draftName(draft.script)}
              maxLength={120}
              onChange={(e) => change({ name: e.target.value })}
            />
            <label htmlFor="ed-script-text" className="ed-script-label">
              <strong>Script</strong>{" "}
              <span className="muted">— plain text with [pause] marks, or SSML (&lt;speak&gt;…)</span>
            </label>
            <ScriptToolbar textarea={textarea} script={draft.script} onEdit={applyEdit} onError={(m) => toast.show(m)} />
            <textarea
              id="ed-script-text"
              ref={textarea}
              className="ed-script-text"
              value={draft.script}
              spellCheck
              placeholder="Welcome to the course! [pause] Today we cover three topics."
              aria-describedby="ed-script-stats"
              onChange={(e) => change({ script: e.target.value })}
            />
            <div id="ed-script-stats" className="ed-stats" aria-live="polite">
              {estimate ? (
                <>
                  <span className="ed-stat">
                    Estimated length <strong data-testid="estimate-duration">{formatSeconds(estimate.duration_s)}</strong>
                  </span>
                  <span className="ed-stat">
                    <strong>{estimate.words}</strong> words
                  </span>
                  <span className="ed-stat">
                    <strong>{estimate.sentences.length}</strong> sentences
                  </span>
                </>
              ) : (
                <span className="muted">{draft.script.trim() ? "Estimating…" : "Start writing to see the length."}</span>
              )}
              {busy && estimate && <span className="muted">updating…</span>}
              <span className="muted">{savedAt ? `Draft saved in this browser ${new Date(savedAt).toLocaleTimeString()}` : ""}</span>
            </div>
            {estimateError && (
              <p className="form-error" role="alert">
                {estimateError}
              </p>
            )}
            <div className="form-row">
              <Select
                label="Voice"
                value={draft.voice}
                options={voiceOptions(voices, "Language default")}
                onChange={(e) => change({ voice: e.target.value })}
              />
              <div className="field">
                <label htmlFor="ed-speed">
                  Speed <output htmlFor="ed-speed">{draft.speed.toFixed(2)}×</output>
                </label>
                <input
                  id="ed-speed"
                  type="range"
                  min={0.5}
                  max={2}
                  step={0.05}
                  value={draft.speed}
                  onChange={(e) => change({ speed: Number(e.target.value) })}
                />
              </div>
            </div>
            <div className="ed-actions">
              <Button variant="primary" onClick={useInStudio} disabled={!draft.script.trim()}>
                Use in studio
              </Button>
            </div>
          </Card>
          <Card title="Sentences">
            <SentenceList
              sentences={sentences}
              estimates={estimate?.sentences ?? []}
              voices={voices}
              onChange={(s, voice, emotion) => applyEdit(setSentence(draft.script, s.start, s.end, voice, emotion), false)}
            />
          </Card>
        </div>
        <div>
          <QuickPreview script={draft.script} voice={draft.voice} speed={draft.speed} />
          <Drafts current={draft.id} onOpen={(d) => setDraft(d)} onNew={() => setDraft(blankDraft())} />
        </div>
      </div>
    </>
  );
}
