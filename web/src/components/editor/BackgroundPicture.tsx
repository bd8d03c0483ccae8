/**
 * The studio's picture background: choosing a file uploads it at once
 * (`POST /assets` with `kind=image`; the server sniffs the bytes and refuses anything
 * that is not a picture) and hands back its asset id, which the job request sends as
 * `background: {type: "image", asset_id}`. The chosen picture is shown from the local
 * file; a picture uploaded earlier (a saved project) is named by its id.
 */
import { useId, useState } from "react";
import { useObjectUrl } from "./hooks";
import { send } from "./send";

interface Uploaded {
  id: string;
  kind: string;
}

export interface BackgroundPictureProps {
  assetId: string;
  onUploaded: (assetId: string) => void;
}

export function BackgroundPicture({ assetId, onUploaded }: BackgroundPictureProps) {
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [previewUrl, setPreview] = useObjectUrl();

  const choose = async (file: File | null) => {
    if (!file) return;
    const form = new FormData();
    form.set("file", file);
    form.set("kind", "image");
    setBusy(true);
    setError(null);
    const answer = await send<Uploaded>("POST", "/assets", form);
    setBusy(false);
    if (!answer.ok || !answer.body) {
      setPreview(null);
      setError(answer.message);
      return;
    }
    setPreview(file);
    onUploaded(answer.body.id);
  };

  return (
    <div className="field ed-bg-picture">
      <label htmlFor={`${id}-file`}>Background picture</label>
      <input
        id={`${id}-file`}
        type="file"
        accept="image/jpeg,image/png,image/webp,image/bmp,image/tiff"
        aria-describedby={`${id}-hint`}
        disabled={busy}
        onChange={(e) => void choose(e.target.files?.[0] ?? null)}
      />
      <p className="field-hint" id={`${id}-hint`} aria-live="polite">
        {busy
          ? "Uploading…"
          : assetId
            ? `Uploaded (${assetId}); it is scaled to cover the whole frame.`
            : "JPEG, PNG or WebP; it is scaled to cover the whole frame."}
      </p>
      {previewUrl && <img className="ed-bg-picture-preview" src={previewUrl} alt="The chosen background picture" />}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
