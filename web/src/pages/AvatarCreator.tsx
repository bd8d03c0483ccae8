/**
 * Avatar creator: an illustrated avatar from a template with every customization option
 * and a live preview, or an avatar from a photo or a video of a person (with consent).
 *
 * The preview is `POST /avatars/preview` {template, options} → PNG, asked for 350 ms after
 * the last change; older answers are dropped so a slow one never replaces a newer one.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { api } from "../api";
import { Button, Card, Field, Link, useToast } from "../components";
import {
  AvatarOptions,
  PhotoAvatarForm,
  TemplateGallery,
  Tabs,
  VideoAvatarForm,
  send,
  useDebounced,
  useObjectUrl,
} from "../components/editor";
import type { AvatarOption, OptionValues, TemplateCard } from "../components/editor";
import "../components/editor/editor.css";

interface Template extends TemplateCard {
  spec: Record<string, unknown>;
}

interface TemplatesAnswer {
  templates: Template[];
  options: AvatarOption[];
  rules?: string[];
}

interface Created {
  avatar: { id: string; name: string };
}

const TABS = [
  { id: "illustrated", label: "Illustrated" },
  { id: "photo", label: "From a photo" },
  { id: "video", label: "From a video" },
];

const PREVIEW_SIZE = 384;

function usePreview(template: string, changes: OptionValues) {
  const request = useDebounced(useMemo(() => ({ template, changes }), [template, changes]), 350);
  const [url, setUrl] = useObjectUrl();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);

  useEffect(() => {
    if (!request.template) return;
    const ticket = ++latest.current;
    setLoading(true);
    api
      .post<Blob>(
        "/avatars/preview",
        { template: request.template, options: request.changes, size: PREVIEW_SIZE },
        { as: "blob" },
      )
      .then((blob) => {
        if (ticket !== latest.current) return;
        setUrl(blob);
        setError(null);
      })
      .catch((err: unknown) => {
        if (ticket === latest.current) setError(err instanceof Error ? err.message : String(err));
      })
      .finally(() => {
        if (ticket === latest.current) setLoading(false);
      });
  }, [request]);
  return { url, loading, error };
}

function IllustratedCreator() {
  const toast = useToast();
  const [data, setData] = useState<TemplatesAnswer | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [template, setTemplate] = useState("");
  const [changes, setChanges] = useState<OptionValues>({});
  const [name, setName] = useState("");
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<Created | null>(null);
  const preview = usePreview(template, changes);

  useEffect(() => {
    api
      .get<TemplatesAnswer>("/avatars/templates")
      .then((answer) => {
        setData(answer);
        setTemplate((current) => current || answer.templates[0]?.name || "");
      })
      .catch((err: unknown) => setLoadError(err instanceof Error ? err.message : String(err)));
  }, []);

  const spec = data?.templates.find((t) => t.name === template)?.spec;

  const save = async () => {
    setSaving(true);
    setSaved(null);
    const body = { template, name: name.trim() || undefined, options: changes };
    const answer = await send<Created>("POST", "/avatars/train", body);
    setSaving(false);
    if (answer.ok && answer.body) {
      setSaved(answer.body);
      toast.success(`Saved ${answer.body.avatar.name}`);
    } else toast.error(answer.message);
  };

  if (loadError) return <p className="form-error" role="alert">Cannot load the templates: {loadError}</p>;
  if (!data) return <p role="status">Loading templates…</p>;

  return (
    <div className="ed-creator">
      <div className="ed-creator-preview">
        <div className="ed-preview-frame" aria-busy={preview.loading}>
          {preview.url && (
            <img src={preview.url} alt={`Preview of the avatar based on ${template}`} width={PREVIEW_SIZE} height={PREVIEW_SIZE} />
          )}
          {preview.loading && (
            <span className="ed-preview-spinner" role="status">
              <span className="spinner" aria-hidden="true" /> <span className="visually-hidden">Drawing the preview…</span>
            </span>
          )}
        </div>
        {preview.error && <p className="form-error" role="alert">{preview.error}</p>}
        <Field label="Avatar name" value={name} maxLength={80} placeholder={template} onChange={(e) => setName(e.target.value)} />
        <div className="ed-actions">
          <Button variant="primary" busy={saving} onClick={save} disabled={!template}>
            Save avatar
          </Button>
          <Button onClick={() => setChanges({})} disabled={Object.keys(changes).length === 0}>
            Reset changes
          </Button>
        </div>
        {saved && (
          <p className="ed-success" role="status">
            Saved “{saved.avatar.name}” ({saved.avatar.id}).{" "}
            <Link to={`/studio?avatar=${encodeURIComponent(saved.avatar.id)}`}>Use it in the studio</Link>
          </p>
        )}
      </div>
      <div className="ed-creator-controls">
        <TemplateGallery
          templates={data.templates}
          selected={template}
          onSelect={(next) => {
            setTemplate(next);
            setChanges({});
          }}
        />
        {data.rules && data.rules.length > 0 && (
          <ul className="ed-rules muted">
            {data.rules.map((rule) => (
              <li key={rule}>{rule}</li>
            ))}
          </ul>
        )}
        <AvatarOptions
          options={data.options}
          spec={spec}
          changes={changes}
          onChange={(option, value) => setChanges((all) => ({ ...all, [option]: value }))}
        />
      </div>
    </div>
  );
}

export default function AvatarCreator() {
  const [tab, setTab] = useState("illustrated");
  return (
    <>
      <h1>Create avatar</h1>
      <Card>
        <Tabs tabs={TABS} selected={tab} onSelect={setTab} label="How to make the avatar">
          {tab === "illustrated" && <IllustratedCreator />}
          {tab === "photo" && <PhotoAvatarForm />}
          {tab === "video" && <VideoAvatarForm />}
        </Tabs>
      </Card>
    </>
  );
}
