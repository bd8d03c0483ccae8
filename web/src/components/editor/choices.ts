/**
 * Fixed choices the service accepts, named once for every page. Each list mirrors the
 * engine's own table (named beside it); the service checks every value again.
 */
import type { Option } from "..";

/** persona.voice.prosody.EMOTIONS (docs/voices.md, "Controls and emotions"). */
export const EMOTIONS = ["neutral", "happy", "sad", "angry", "calm", "excited"] as const;

/** persona.audio.music styles (docs/music.md, "Styles"). */
export const MUSIC_STYLES = [
  "ambient",
  "pop",
  "rock",
  "jazz",
  "electronic",
  "classical",
  "bollywood",
  "bhajan",
  "kirtan",
  "yaman",
  "bhairav",
  "kafi",
  "bhimpalasi",
  "bhupali",
  "malkauns",
] as const;

export interface SizePreset {
  name: string;
  label: string;
  width: number;
  height: number;
  fps: number;
}

/** persona.media.presets.PRESETS, plus a small, quick draft size. */
export const SIZE_PRESETS: readonly SizePreset[] = [
  { name: "draft", label: "Draft 640×360 (quick)", width: 640, height: 360, fps: 25 },
  { name: "hd", label: "HD 1280×720", width: 1280, height: 720, fps: 25 },
  { name: "youtube", label: "YouTube 1920×1080", width: 1920, height: 1080, fps: 30 },
  { name: "shorts", label: "YouTube Shorts 1080×1920", width: 1080, height: 1920, fps: 30 },
  { name: "tiktok", label: "TikTok 1080×1920", width: 1080, height: 1920, fps: 30 },
  { name: "reels", label: "Instagram Reels 1080×1920", width: 1080, height: 1920, fps: 30 },
  { name: "instagram", label: "Instagram 1080×1080", width: 1080, height: 1080, fps: 30 },
  { name: "linkedin", label: "LinkedIn 1920×1080", width: 1920, height: 1080, fps: 30 },
];

/** persona.scene layouts (docs/scenes.md, "Layouts and shots"). */
export const LAYOUTS: readonly Option[] = [
  { value: "split", label: "Split (side by side)" },
  { value: "split-60-40", label: "Split 60/40 (host larger)" },
  { value: "grid", label: "Grid (3–4 speakers)" },
  { value: "pip", label: "Picture in picture" },
  { value: "closeups", label: "Close-ups (cut to the speaker)" },
];

export const CAPTION_MODES: readonly Option[] = [
  { value: "off", label: "Off" },
  { value: "burn", label: "Burned into the video" },
  { value: "srt", label: "SRT file" },
  { value: "vtt", label: "WebVTT file" },
];

/** x264 speed presets the job API accepts (faster encodes, larger files). */
export const ENCODER_PRESETS = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium"];

export const LABEL_POSITIONS: readonly Option[] = [
  { value: "bottom-right", label: "Bottom right" },
  { value: "bottom-left", label: "Bottom left" },
  { value: "top-right", label: "Top right" },
  { value: "top-left", label: "Top left" },
];

export function titleCase(text: string): string {
  return text.replace(/[_-]+/g, " ").replace(/\b\w/g, (c) => c.toUpperCase());
}
