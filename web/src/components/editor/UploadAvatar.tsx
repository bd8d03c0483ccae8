/**
 * Avatars from a person: a photo (`POST /avatars/train` with `photo`, graded at once: the
 * answer carries the photo's quality report, also when it is refused with 422) or a
 * talking-head video (`video`, checked, stored and trained by an `avatar_training` job:
 * 202 with the job to follow). Both need the person's consent.
 */
import { useEffect, useId, useState } from "react";
import type { FormEvent } from "react";
import { Button, Field, Link, TextArea } from "..";
import { ConsentFields, EMPTY_CONSENT, consentProblems } from "./ConsentFields";
import type { Consent } from "./ConsentFields";
import { JobPanel } from "./JobPanel";
import { QualityReport, reportFrom } from "./QualityReport";
import type { QualityReportData } from "./QualityReport";
import { useJob, useObjectUrl } from "./hooks";
import { send } from "./send";

interface Saved {
  avatar?: { id: string; name: string };
  note?: string;
}

interface TrainingAccepted {
  avatar_id: string;
  job_id: string;
}

function consentForm(form: FormData, consent: Consent): void {
  form.set("consent_subject", consent.subject.trim());
  form.set("consent_statement", consent.statement.trim());
  form.set("consent_purpose", consent.purpose.trim());
}

function FileField({ id, label, accept, hint, onFile }: {
  id: string;
  label: string;
  accept: string;
  hint: string;
  onFile: (file: File | null) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="file"
        accept={accept}
        aria-describedby={`${id}-hint`}
        onChange={(e) => onFile(e.target.files?.[0] ?? null)}
      />
      <p className="field-hint" id={`${id}-hint`}>
        {hint}
      </p>
    </div>
  );
}

export function PhotoAvatarForm() {
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [consent, setConsent] = useState<Consent>(EMPTY_CONSENT);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<QualityReportData | null>(null);
  const [saved, setSaved] = useState<Saved | null>(null);
  const [previewUrl, setPreview] = useObjectUrl();

  useEffect(() => setPreview(file), [file]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const missing = consentProblems(consent);
    if (!file) return setError("Choose a photo first.");
    if (missing.length) return setError(`Consent needs ${missing.join(", ")}.`);
    const form = new FormData();
    form.set("photo", file);
    if (name.trim()) form.set("name", name.trim());
    consentForm(form, consent);
    setBusy(true);
    setError(null);
    setReport(null);
    setSaved(null);
    const answer = await send<Saved>("POST", "/avatars/train", form);
    setBusy(false);
    setReport(reportFrom(answer.body));
    if (answer.ok) setSaved(answer.body);
    else setError(answer.message);
  };

  return (
    <form className="ed-upload" onSubmit={submit} noValidate>
      <div className="ed-upload-grid">
        <div>
          <FileField
            id={`${id}-photo`}
            label="Photo"
            accept="image/jpeg,image/png,image/webp,image/bmp,image/tiff"
            hint="One face, looking at the camera, evenly lit, mouth visible (JPEG, PNG, WebP)."
            onFile={setFile}
          />
          {previewUrl && <img className="ed-upload-preview" src={previewUrl} alt="The chosen photo" />}
          <Field id={`${id}-name`} label="Avatar name" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} />
        </div>
        <ConsentFields idPrefix={`${id}-consent`} what="photo" value={consent} onChange={setConsent} />
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <Button type="submit" variant="primary" busy={busy}>
        Check and save
      </Button>
      {report && <QualityReport report={report} />}
      {saved?.avatar && (
        <p className="ed-success" role="status">
          Saved “{saved.avatar.name}” ({saved.avatar.id}).{" "}
          <Link to={`/studio?avatar=${encodeURIComponent(saved.avatar.id)}`}>Use it in the studio</Link>
        </p>
      )}
    </form>
  );
}

export function VideoAvatarForm() {
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [transcript, setTranscript] = useState("");
  const [consent, setConsent] = useState<Consent>(EMPTY_CONSENT);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [accepted, setAccepted] = useState<TrainingAccepted | null>(null);
  const { job, error: jobError } = useJob(accepted?.job_id ?? null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const missing = consentProblems(consent);
    if (!file) return setError("Choose a video first.");
    if (missing.length) return setError(`Consent needs ${missing.join(", ")}.`);
    const form = new FormData();
    form.set("video", file);
    if (name.trim()) form.set("name", name.trim());
    if (transcript.trim()) form.set("transcript", transcript.trim());
    consentForm(form, consent);
    setBusy(true);
    setError(null);
    setAccepted(null);
    const answer = await send<TrainingAccepted>("POST", "/avatars/train", form);
    setBusy(false);
    if (!answer.ok || !answer.body) return setError(answer.message || "The upload failed.");
    setAccepted(answer.body);
  };

  return (
    <form className="ed-upload" onSubmit={submit} noValidate>
      <div className="ed-upload-grid">
        <div>
          <FileField
            id={`${id}-video`}
            label="Training video"
            accept="video/mp4,video/quicktime,video/webm,video/x-matroska"
            hint="15–120 s of the person talking to the camera, with sound (MP4, MOV, WebM, MKV)."
            onFile={setFile}
          />
          <Field id={`${id}-name`} label="Avatar name" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} />
          <TextArea
            id={`${id}-transcript`}
            label="Transcript (optional)"
            hint="What the person says; helps the mouth shapes match."
            rows={3}
            value={transcript}
            onChange={(e) => setTranscript(e.target.value)}
          />
        </div>
        <ConsentFields idPrefix={`${id}-consent`} what="video" value={consent} onChange={setConsent} />
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <Button type="submit" variant="primary" busy={busy} disabled={!!accepted && !!job && !["completed", "failed", "cancelled"].includes(job.state)}>
        Upload and train
      </Button>
      {accepted && (
        <JobPanel label="Training" job={job} error={jobError}>
          <p className="ed-success">
            Avatar {accepted.avatar_id} is ready.{" "}
            <Link to={`/studio?avatar=${encodeURIComponent(accepted.avatar_id)}`}>Use it in the studio</Link>
          </p>
        </JobPanel>
      )}
    </form>
  );
}
