/**
 * Script drafts in the browser (localStorage `persona.drafts`), so writing works offline
 * and survives a reload. The value is a JSON array of {@link Draft}, newest first, at most
 * {@link MAX_DRAFTS}; anything unreadable there is treated as no drafts.
 */

export interface Draft {
  id: string;
  name: string;
  script: string;
  /** The script's voice ("" for the language's default). */
  voice: string;
  speed: number;
  updated_at: string;
}

export const DRAFTS_KEY = "persona.drafts";
export const MAX_DRAFTS = 50;

function isDraft(value: unknown): value is Draft {
  if (!value || typeof value !== "object") return false;
  const d = value as Record<string, unknown>;
  return typeof d.id === "string" && typeof d.script === "string";
}

export function loadDrafts(): Draft[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(DRAFTS_KEY) ?? "[]");
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(isDraft).map((d) => ({
      id: d.id,
      name: typeof d.name === "string" && d.name ? d.name : "Untitled",
      script: d.script,
      voice: typeof d.voice === "string" ? d.voice : "",
      speed: typeof d.speed === "number" ? d.speed : 1,
      updated_at: typeof d.updated_at === "string" ? d.updated_at : new Date(0).toISOString(),
    }));
  } catch {
    return [];
  }
}

function store(drafts: Draft[]): void {
  try {
    localStorage.setItem(DRAFTS_KEY, JSON.stringify(drafts.slice(0, MAX_DRAFTS)));
  } catch {
    // Storage full or disabled: the draft stays in memory only.
  }
}

/** Saves (or replaces) a draft and moves it to the front. */
export function saveDraft(draft: Draft): void {
  store([draft, ...loadDrafts().filter((d) => d.id !== draft.id)]);
}

export function deleteDraft(id: string): void {
  store(loadDrafts().filter((d) => d.id !== id));
}

export function getDraft(id: string): Draft | null {
  return loadDrafts().find((d) => d.id === id) ?? null;
}

export function newDraftId(): string {
  return `draft_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** A name from the script's first words. */
export function draftName(script: string): string {
  const words = script
    .replace(/<[^>]*>/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .trim()
    .split(/\s+/)
    .slice(0, 6)
    .join(" ");
  return words || "Untitled";
}
