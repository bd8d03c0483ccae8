/**
 * Voices: the catalog (`GET /voices`: catalog voices, then your matched ones) with
 * filters on every field it has (language, gender, age group, engine, yours only, a text
 * search), a play button per voice (`GET /voices/{id}/preview`, a short WAV the server
 * caches), and voice matching from a sample with the speaker's consent
 * (`POST /voices/clone`).
 */
import { useEffect, useId, useMemo, useRef, useState } from "react";
import type { FormEvent } from "react";
import { blobUrl } from "../api";
import { Button, Card, EmptyState, Field, Select, useToast } from "../components";
import { ConsentFields, EMPTY_CONSENT, consentProblems, send, titleCase, useVoices } from "../components/editor";
import type { Consent, Voice } from "../components/editor";
import "../components/editor/editor.css";

interface Filters {
  text: string;
  lang: string;
  gender: string;
  age: string;
  engine: string;
  mine: boolean;
}

const NO_FILTERS: Filters = { text: "", lang: "", gender: "", age: "", engine: "", mine: false };

function distinct(voices: readonly Voice[], pick: (v: Voice) => string): string[] {
  return [...new Set(voices.map(pick).filter(Boolean))].sort();
}

function filterVoices(voices: readonly Voice[], f: Filters): Voice[] {
  const words = f.text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return voices.filter(
    (v) =>
      (!f.lang || v.lang === f.lang) &&
      (!f.gender || v.gender === f.gender) &&
      (!f.age || v.age_group === f.age) &&
      (!f.engine || v.engine === f.engine) &&
      (!f.mine || v.matched) &&
      words.every((w) => `${v.id} ${v.name} ${v.description}`.toLowerCase().includes(w)),
  );
}

/** One audio element for the page: playing a voice stops the one before. */
function usePlayer() {
  const toast = useToast();
  const audio = useRef<HTMLAudioElement | null>(null);
  const urls = useRef<Map<string, string>>(new Map());
  const [playing, setPlaying] = useState<string | null>(null);
  const [loading, setLoading] = useState<string | null>(null);

  useEffect(
    () => () => {
      audio.current?.pause();
      urls.current.forEach((url) => URL.revokeObjectURL(url));
    },
    [],
  );

  const play = async (id: string) => {
    audio.current?.pause();
    if (playing === id) {
      setPlaying(null);
      return;
    }
    try {
      let url = urls.current.get(id);
      if (!url) {
        setLoading(id);
        url = await blobUrl(`/voices/${encodeURIComponent(id)}/preview`);
        urls.current.set(id, url);
      }
      const element = new Audio(url);
      audio.current = element;
      element.onended = () => setPlaying(null);
      setPlaying(id);
      await element.play();
    } catch (err) {
      setPlaying(null);
      toast.error(err);
    } finally {
      setLoading(null);
    }
  };
  return { play, playing, loading };
}

function VoiceCard({ voice, player }: { voice: Voice; player: ReturnType<typeof usePlayer> }) {
  const on = player.playing === voice.id;
  return (
    <li className="ed-voice" data-voice={voice.id}>
      <h3>{voice.name}</h3>
      <div className="ed-voice-tags">
        <span className="badge">{voice.lang}</span>
        {voice.gender && <span className="badge">{titleCase(voice.gender)}</span>}
        {voice.age_group && <span className="badge">{titleCase(voice.age_group)}</span>}
        <span className="badge">{voice.engine}</span>
        {voice.matched && <span className="badge">Yours</span>}
        {!voice.usable && <span className="badge badge-failed">Consent revoked</span>}
      </div>
      {voice.description && (
        <p className="muted" title={voice.description}>
          {voice.description}
        </p>
      )}
      <div>
        <Button
          size="sm"
          busy={player.loading === voice.id}
          aria-pressed={on}
          aria-label={`${on ? "Stop sample" : "Play sample"} of ${voice.name}`}
          onClick={() => void player.play(voice.id)}
        >
          <span aria-hidden="true">{on ? "■" : "▶"}</span> {on ? "Stop sample" : "Play sample"}
        </Button>{" "}
        <code className="muted">{voice.id}</code>
      </div>
    </li>
  );
}

function MatchVoice({ onMatched }: { onMatched: () => void }) {
  const id = useId();
  const toast = useToast();
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [consent, setConsent] = useState<Consent>(EMPTY_CONSENT);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [made, setMade] = useState<Voice | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const missing = consentProblems(consent);
    if (!file) return setError("Choose a recording first.");
    if (!name.trim()) return setError("Give the voice a name.");
    if (missing.length) return setError(`Consent needs ${missing.join(", ")}.`);
    const form = new FormData();
    form.set("sample", file);
    form.set("name", name.trim());
    form.set("subject", consent.subject.trim());
    form.set("statement", consent.statement.trim());
    form.set("purpose", consent.purpose.trim());
    setBusy(true);
    setError(null);
    setMade(null);
    const answer = await send<Voice>("POST", "/voices/clone", form);
    setBusy(false);
    if (!answer.ok || !answer.body) return setError(answer.message);
    setMade(answer.body);
    toast.success(`Voice ${answer.body.name} is ready`);
    onMatched();
  };

  return (
    <Card title="Match a voice to a recording">
      <p className="muted">
        A 10–60 s recording of one person speaking (WAV, MP3, M4A, OGG, FLAC, WebM). The voice is moved
        towards theirs (pitch, timbre, pace); it is yours alone.
      </p>
      <form className="ed-upload" onSubmit={submit} noValidate>
        <div className="ed-upload-grid">
          <div>
            <div className="field">
              <label htmlFor={`${id}-sample`}>Recording</label>
              <input
                id={`${id}-sample`}
                type="file"
                accept="audio/*,video/webm"
                onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              />
            </div>
            <Field id={`${id}-name`} label="Voice name" value={name} maxLength={80} required onChange={(e) => setName(e.target.value)} />
          </div>
          <ConsentFields idPrefix={`${id}-consent`} what="recording" value={consent} onChange={setConsent} />
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <Button type="submit" variant="primary" busy={busy}>
          Match voice
        </Button>
        {made && (
          <p className="ed-success" role="status">
            Made “{made.name}” ({made.id}); it is listed above.
          </p>
        )}
      </form>
    </Card>
  );
}

export default function Voices() {
  const { voices, error, reload } = useVoices();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const player = usePlayer();
  const all = useMemo(() => voices ?? [], [voices]);
  const shown = useMemo(() => filterVoices(all, filters), [all, filters]);
  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  const choices = (values: string[], any: string) => [
    { value: "", label: any },
    ...values.map((v) => ({ value: v, label: titleCase(v) })),
  ];

  return (
    <>
      <h1>Voices</h1>
      <Card title="Find a voice">
        <div className="ed-filters" role="search" aria-label="Filter voices">
          <Field label="Search" type="search" value={filters.text} placeholder="name or description" onChange={(e) => set({ text: e.target.value })} />
          <Select label="Language" value={filters.lang} options={[{ value: "", label: "Any language" }, ...distinct(all, (v) => v.lang).map((l) => ({ value: l, label: l }))]} onChange={(e) => set({ lang: e.target.value })} />
          <Select label="Gender" value={filters.gender} options={choices(distinct(all, (v) => v.gender), "Any gender")} onChange={(e) => set({ gender: e.target.value })} />
          <Select label="Age" value={filters.age} options={choices(distinct(all, (v) => v.age_group), "Any age")} onChange={(e) => set({ age: e.target.value })} />
          <Select label="Engine" value={filters.engine} options={choices(distinct(all, (v) => v.engine), "Any engine")} onChange={(e) => set({ engine: e.target.value })} />
          <div className="ed-check-row ed-filter-mine">
            <input id="ed-voices-mine" type="checkbox" checked={filters.mine} onChange={(e) => set({ mine: e.target.checked })} />
            <label htmlFor="ed-voices-mine">Only my matched voices</label>
          </div>
        </div>
        <div className="ed-actions">
          <span role="status" aria-live="polite" data-testid="voice-count">
            {voices ? `${shown.length} of ${all.length} voices` : error ? "" : "Loading voices…"}
          </span>
          <Button size="sm" variant="ghost" onClick={() => setFilters(NO_FILTERS)}>
            Clear filters
          </Button>
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {voices && shown.length === 0 ? (
          <EmptyState title="No voice matches">Try fewer filters.</EmptyState>
        ) : (
          <ul className="ed-voice-list" aria-label="Voices">
            {shown.map((v) => (
              <VoiceCard key={v.id} voice={v} player={player} />
            ))}
          </ul>
        )}
      </Card>
      <MatchVoice onMatched={reload} />
    </>
  );
}
