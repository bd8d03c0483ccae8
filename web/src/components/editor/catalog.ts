/**
 * The voice and avatar catalogs as the pages use them, each fetched once per page visit:
 * `GET /voices` (catalog voices, then the user's matched voices) and `GET /avatars`
 * (the user's saved avatars and the illustrated templates).
 */
import { useEffect, useState } from "react";
import { api } from "../../api";
import type { Option } from "..";
import { titleCase } from "./choices";

export interface Voice {
  id: string;
  name: string;
  lang: string;
  gender: string;
  age_group: string;
  engine: string;
  description: string;
  matched: boolean;
  consent_id?: string | null;
  consent_revoked?: boolean;
  usable: boolean;
}

export interface AvatarSummary {
  id: string;
  name: string;
  kind: string;
  consent_revoked?: boolean;
}

export interface AvatarCatalog {
  avatars: AvatarSummary[];
  templates: { id: string; name: string; description: string }[];
}

function useFetched<T>(path: string): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    api
      .get<T>(path)
      .then((answer) => {
        if (live) {
          setData(answer);
          setError(null);
        }
      })
      .catch((err: unknown) => {
        if (live) setError(err instanceof Error ? err.message : String(err));
      });
    return () => {
      live = false;
    };
  }, [path, round]);
  return { data, error, reload: () => setRound((r) => r + 1) };
}

export function useVoices() {
  const { data, error, reload } = useFetched<{ voices: Voice[] }>("/voices");
  return { voices: data?.voices ?? null, error, reload };
}

export function useAvatars() {
  return useFetched<AvatarCatalog>("/avatars");
}

/** Voice choices for a select: "" first (the language's default), then by language. */
export function voiceOptions(voices: readonly Voice[] | null, empty: string): Option[] {
  const list = (voices ?? []).filter((v) => v.usable);
  return [
    { value: "", label: empty },
    ...list.map((v) => ({ value: v.id, label: `${v.name} (${v.lang}${v.matched ? ", yours" : ""})` })),
  ];
}

/** Avatar choices: the user's saved avatars first, then the templates. */
export function avatarOptions(catalog: AvatarCatalog | null): Option[] {
  if (!catalog) return [{ value: "template:maya", label: "Maya (template)" }];
  return [
    ...catalog.avatars
      .filter((a) => !a.consent_revoked)
      .map((a) => ({ value: a.id, label: `${a.name} (${a.kind})` })),
    ...catalog.templates.map((t) => ({ value: t.id, label: `${titleCase(t.name)} (template)` })),
  ];
}
