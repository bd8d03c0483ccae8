/**
 * Studio: put a video together and export it. Pick one avatar (a talking video) or two
 * to four (a conversation in a layout), the script or dialogue, voices, background,
 * captions, music, the size preset of the site it is for and the AI label's corner;
 * Generate queues the job (see components/editor/studioRequest.ts), its progress follows
 * live, and the export panel offers every file it made.
 *
 * The script comes from `?draft=` (the script editor), `?project=` (a saved project,
 * whose settings are saved back on Generate) or is typed here; `?avatar=` preselects one.
 */
import { useEffect, useMemo, useState } from "react";
import { api } from "../api";
import type { JobAccepted, Project } from "../api";
import { Button, Card, Link, Select, TextArea, useToast } from "../components";
import {
  AvatarPicker,
  BackgroundPicture,
  CAPTION_MODES,
  DEFAULT_SETTINGS,
  ENCODER_PRESETS,
  ExportFiles,
  JobPanel,
  LABEL_POSITIONS,
  LAYOUTS,
  MUSIC_STYLES,
  SIZE_PRESETS,
  avatarOptions,
  buildRequest,
  dialogueTemplate,
  getDraft,
  isDone,
  speakersOf,
  titleCase,
  useAvatars,
  useJob,
  useThumbnails,
  useVoices,
  voiceOptions,
} from "../components/editor";
import type { StudioSettings } from "../components/editor";
import { useRoute } from "../router";
import "../components/editor/editor.css";

function useSource(setScript: (s: string) => void, setSettings: (f: (s: StudioSettings) => StudioSettings) => void) {
  const { query } = useRoute();
  const toast = useToast();
  const draftId = query.get("draft");
  const projectId = query.get("project");
  const avatar = query.get("avatar");
  const [project, setProject] = useState<Project | null>(null);

  useEffect(() => {
    if (draftId) {
      const draft = getDraft(draftId);
      if (draft) {
        setScript(draft.script);
        setSettings((s) => ({ ...s, defaultVoice: draft.voice }));
      }
    }
    if (avatar) setSettings((s) => ({ ...s, avatars: s.avatars.includes(avatar) ? s.avatars : [avatar] }));
  }, [draftId, avatar]);

  useEffect(() => {
    if (!projectId) return;
    api
      .get<Project>(`/projects/${encodeURIComponent(projectId)}`)
      .then((p) => {
        setProject(p);
        setScript(p.script);
        setSettings((s) => ({ ...s, ...(p.settings as Partial<StudioSettings>) }));
      })
      .catch((err: unknown) => toast.error(err));
  }, [projectId]);
  return project;
}

export default function Studio() {
  const toast = useToast();
  const avatars = useAvatars();
  const { voices } = useVoices();
  const [script, setScript] = useState("");
  const [settings, setSettings] = useState<StudioSettings>(DEFAULT_SETTINGS);
  const [jobId, setJobId] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const { job, error: jobError } = useJob(jobId);
  const project = useSource(setScript, setSettings);
  const set = (patch: Partial<StudioSettings>) => setSettings((s) => ({ ...s, ...patch }));

  const choices = avatarOptions(avatars.data);
  const names = useMemo(() => {
    const out: Record<string, string> = {};
    for (const a of avatars.data?.avatars ?? []) out[a.id] = a.name;
    for (const t of avatars.data?.templates ?? []) out[t.id] = titleCase(t.name);
    return out;
  }, [avatars.data]);
  const templateNames = useMemo(() => (avatars.data?.templates ?? []).map((t) => t.id.replace(/^template:/, "")), [avatars.data]);
  const thumbUrls = useThumbnails(templateNames);
  const thumbs = useMemo(() => {
    const out: Record<string, string> = {};
    for (const [name, url] of Object.entries(thumbUrls)) out[`template:${name}`] = url;
    return out;
  }, [thumbUrls]);
  const podcast = settings.avatars.length > 1;
  const speakers = speakersOf(settings, names);
  const voiceChoices = voiceOptions(voices, "Language default");

  const generate = async () => {
    let request;
    try {
      request = buildRequest(settings, script, names, project?.id ?? null);
    } catch (err) {
      toast.error(err);
      return;
    }
    setSubmitting(true);
    try {
      if (project) {
        await api.put(`/projects/${encodeURIComponent(project.id)}`, { script, settings }).catch(() => undefined);
      }
      const accepted = await api.post<JobAccepted>(request.path, request.body);
      setJobId(accepted.job_id);
    } catch (err) {
      toast.error(err);
    } finally {
      setSubmitting(false);
    }
  };

  const running = !!job && !isDone(job);
  return (
    <>
      <h1>Studio{project ? `: ${project.name}` : ""}</h1>
      <div className="ed-studio">
        <Card title="Cast and script">
          <AvatarPicker options={choices} thumbs={thumbs} picked={settings.avatars} onChange={(picked) => set({ avatars: picked })} />
          {avatars.error && <p className="form-error">{avatars.error}</p>}
          {settings.avatars.length === 1 && (
            <Select
              label="Voice"
              value={settings.voices[settings.avatars[0]!] || settings.defaultVoice}
              options={voiceChoices}
              onChange={(e) => set({ voices: { ...settings.voices, [settings.avatars[0]!]: e.target.value } })}
            />
          )}
          {podcast &&
            speakers.map((s, i) => (
              <div key={s.avatar} className="ed-speaker">
                <p>
                  <strong>Speaker {i + 1}</strong>: write lines as <code>{s.name}: …</code>
                </p>
                <Select
                  label={`Voice of ${s.name}`}
                  value={s.voice}
                  options={voiceChoices}
                  onChange={(e) => set({ voices: { ...settings.voices, [s.avatar]: e.target.value } })}
                />
              </div>
            ))}
          <TextArea
            label={podcast ? "Dialogue" : "Script"}
            hint={
              podcast ? (
                <>
                  One turn per line: <code>Name: what they say</code>; <code>Name (happy):</code> for an emotion.
                </>
              ) : (
                <>
                  Or write it in the <Link to="/script">script editor</Link> and choose “Use in studio”.
                </>
              )
            }
            rows={8}
            value={script}
            onChange={(e) => setScript(e.target.value)}
          />
          {podcast && !script.trim() && (
            <Button size="sm" onClick={() => setScript(dialogueTemplate(speakers))}>
              Start a dialogue for these speakers
            </Button>
          )}
        </Card>
        <div>
          <Card title="Look and sound">
            {podcast && (
              <Select label="Layout" value={settings.layout} options={LAYOUTS} onChange={(e) => set({ layout: e.target.value })} />
            )}
            <div className="form-row">
              <Select
                label="Background"
                value={settings.background}
                hint={podcast ? undefined : "Blur works with photo avatars."}
                options={[
                  { value: "default", label: "The avatar's own" },
                  { value: "colour", label: "A colour" },
                  ...(podcast ? [{ value: "gradient", label: "A gradient" }] : [{ value: "blur", label: "Blurred photo" }]),
                  { value: "image", label: "A picture" },
                ]}
                onChange={(e) => set({ background: e.target.value as StudioSettings["background"] })}
              />
              {(settings.background === "colour" || settings.background === "gradient") && (
                <div className="field">
                  <label htmlFor="ed-bg-colour">Colour</label>
                  <input id="ed-bg-colour" type="color" value={settings.colour} onChange={(e) => set({ colour: e.target.value })} />
                </div>
              )}
              {settings.background === "image" && (
                <BackgroundPicture assetId={settings.imageAsset} onUploaded={(imageAsset) => set({ imageAsset })} />
              )}
              {settings.background === "gradient" && (
                <div className="field">
                  <label htmlFor="ed-bg-colour2">Second colour</label>
                  <input id="ed-bg-colour2" type="color" value={settings.colour2} onChange={(e) => set({ colour2: e.target.value })} />
                </div>
              )}
            </div>
            {!podcast && (
              <>
                <Select label="Captions" value={settings.captions} options={CAPTION_MODES} onChange={(e) => set({ captions: e.target.value })} />
                <div className="form-row">
                  <Select
                    label="Music"
                    value={settings.music}
                    options={[{ value: "", label: "No music" }, ...MUSIC_STYLES.map((m) => ({ value: m, label: titleCase(m) }))]}
                    onChange={(e) => set({ music: e.target.value })}
                  />
                  <div className="field">
                    <label htmlFor="ed-music-volume">
                      Music loudness <output htmlFor="ed-music-volume">{settings.musicVolume} dB</output>
                    </label>
                    <input
                      id="ed-music-volume"
                      type="range"
                      min={-36}
                      max={-6}
                      step={1}
                      disabled={!settings.music}
                      value={settings.musicVolume}
                      onChange={(e) => set({ musicVolume: Number(e.target.value) })}
                    />
                  </div>
                </div>
              </>
            )}
            {podcast && <p className="muted">Conversations are made without captions or music.</p>}
            <Select
              label="AI label position"
              hint={
                podcast
                  ? "Conversations carry the “AI-generated” label in the bottom right corner."
                  : "Every video carries a visible “AI-generated” label."
              }
              disabled={podcast}
              value={podcast ? "bottom-right" : settings.labelPosition}
              options={LABEL_POSITIONS}
              onChange={(e) => set({ labelPosition: e.target.value })}
            />
          </Card>
          <Card title="Export">
            <Select
              label="Size preset"
              value={settings.size}
              options={SIZE_PRESETS.map((p) => ({ value: p.name, label: `${p.label}, ${p.fps} fps` }))}
              onChange={(e) => set({ size: e.target.value })}
            />
            <div className="form-row">
              <Select
                label="Format"
                value={settings.format}
                options={[
                  { value: "mp4", label: "MP4 (H.264 + AAC)" },
                  { value: "webm", label: "WebM (VP9 + Opus)" },
                ]}
                onChange={(e) => set({ format: e.target.value as StudioSettings["format"] })}
              />
              <Select
                label="Encoder speed"
                value={settings.preset}
                options={ENCODER_PRESETS.map((p) => ({ value: p, label: p }))}
                onChange={(e) => set({ preset: e.target.value })}
              />
            </div>
            <Button variant="primary" busy={submitting || running} onClick={generate}>
              Generate {podcast ? "conversation" : "video"}
            </Button>
            {jobId && (
              <JobPanel label="Video" job={job} error={jobError}>
                {job && <ExportFiles job={job} />}
              </JobPanel>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}
