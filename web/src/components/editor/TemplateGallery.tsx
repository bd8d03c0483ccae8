/**
 * The illustrated avatar templates as a radio group of picture cards. Thumbnails come
 * from `POST /api/v1/avatars/preview` (small, cached by the server), fetched a few at a
 * time so the first cards appear at once and the server is never flooded.
 */
import { useEffect, useState } from "react";
import { api } from "../../api";

export interface TemplateCard {
  name: string;
  id: string;
  description: string;
}

const THUMB_SIZE = 128;
const PARALLEL = 3;

/** blob: URLs of each template's thumbnail, by name, filled in as they arrive. */
export function useThumbnails(names: readonly string[]): Record<string, string> {
  const [urls, setUrls] = useState<Record<string, string>>({});
  const key = names.join(",");
  useEffect(() => {
    let stopped = false;
    const made: string[] = [];
    const queue = [...names];
    const worker = async () => {
      for (let name = queue.shift(); name && !stopped; name = queue.shift()) {
        try {
          const blob = await api.post<Blob>("/avatars/preview", { template: name, size: THUMB_SIZE }, { as: "blob" });
          if (stopped) return;
          const url = URL.createObjectURL(blob);
          made.push(url);
          setUrls((all) => ({ ...all, [name as string]: url }));
        } catch {
          // A missing thumbnail leaves the card with its name only.
        }
      }
    };
    for (let i = 0; i < PARALLEL; i += 1) void worker();
    return () => {
      stopped = true;
      made.forEach((url) => URL.revokeObjectURL(url));
    };
  }, [key]);
  return urls;
}

export interface TemplateGalleryProps {
  templates: readonly TemplateCard[];
  selected: string;
  onSelect: (name: string) => void;
}

export function TemplateGallery({ templates, selected, onSelect }: TemplateGalleryProps) {
  const thumbs = useThumbnails(templates.map((t) => t.name));
  return (
    <fieldset className="ed-gallery">
      <legend>Template</legend>
      <div className="ed-gallery-grid">
        {templates.map((t) => (
          <label key={t.name} className={`ed-tpl${t.name === selected ? " ed-tpl-on" : ""}`} title={t.description}>
            <input
              type="radio"
              name="avatar-template"
              value={t.name}
              checked={t.name === selected}
              onChange={() => onSelect(t.name)}
            />
            {thumbs[t.name] ? (
              <img src={thumbs[t.name]} alt="" width={THUMB_SIZE} height={THUMB_SIZE} />
            ) : (
              <span className="ed-tpl-blank" aria-hidden="true" />
            )}
            <span className="ed-tpl-name">{t.name.charAt(0).toUpperCase() + t.name.slice(1)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
