/**
 * The studio's settings as a job request.
 *
 * One avatar: `POST /generate` (a `video_generation` job) with the render options
 * (size, fps, format, preset, background, captions, music). Two to four avatars:
 * `POST /jobs` with a `podcast_video` job: the script is the dialogue (`Name: text`
 * lines) and the scene names each speaker's avatar and voice, the layout, the size and
 * the background (a colour, a gradient or an uploaded picture: `{type: "image", asset_id}`).
 * Conversations take neither captions nor music.
 * The AI label's corner (`ai_label.position`) is sent only when it is not the default
 * corner, which every video gets anyway.
 */
import { SIZE_PRESETS } from "./choices";

export interface StudioSettings {
  avatars: string[];
  /** Voice per avatar id; without one, `defaultVoice` ("" for the language's default). */
  voices: Record<string, string>;
  defaultVoice: string;
  layout: string;
  background: "default" | "colour" | "blur" | "gradient" | "image";
  colour: string;
  /** The uploaded background picture's asset id ("" for none yet). */
  imageAsset: string;
  colour2: string;
  captions: string;
  music: string;
  musicVolume: number;
  size: string;
  format: "mp4" | "webm";
  preset: string;
  labelPosition: string;
}

export const DEFAULT_SETTINGS: StudioSettings = {
  avatars: [],
  voices: {},
  defaultVoice: "",
  layout: "split",
  background: "default",
  colour: "#1b2030",
  imageAsset: "",
  colour2: "#3a2d5c",
  captions: "off",
  music: "",
  musicVolume: -18,
  size: "hd",
  format: "mp4",
  preset: "veryfast",
  labelPosition: "bottom-right",
};

export const DEFAULT_LABEL_POSITION = "bottom-right";

export interface Speaker {
  id: string;
  avatar: string;
  name: string;
  voice: string;
}

/** Speaker ids from the avatars' names ("Maya" → "maya"), made unique. */
export function speakersOf(settings: StudioSettings, names: Record<string, string>): Speaker[] {
  const used = new Set<string>();
  return settings.avatars.map((avatar, i) => {
    const name = names[avatar] ?? `Speaker ${i + 1}`;
    const base = name.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "") || `speaker${i + 1}`;
    let id = base;
    for (let n = 2; used.has(id); n += 1) id = `${base}${n}`;
    used.add(id);
    return { id, avatar, name: id === base ? name : `${name} ${id.slice(base.length)}`, voice: settings.voices[avatar] || settings.defaultVoice };
  });
}

/** A starting dialogue for the speakers (one line each). */
export function dialogueTemplate(speakers: readonly Speaker[]): string {
  return speakers.map((s, i) => `${s.name}: ${i === 0 ? "Welcome to the show!" : "Thanks for having me."}`).join("\n");
}

export interface JobRequest {
  path: "/generate" | "/jobs";
  body: Record<string, unknown>;
}

function sizeOf(settings: StudioSettings) {
  return SIZE_PRESETS.find((p) => p.name === settings.size) ?? SIZE_PRESETS[1]!;
}

export function buildRequest(
  settings: StudioSettings,
  script: string,
  names: Record<string, string>,
  projectId: string | null,
): JobRequest {
  if (settings.avatars.length === 0) throw new Error("Pick an avatar first.");
  if (!script.trim()) throw new Error("Write a script first.");
  if (settings.background === "image" && !settings.imageAsset) throw new Error("Upload a background picture first.");
  const picture = { type: "image", asset_id: settings.imageAsset };
  const size = sizeOf(settings);
  const sizeText = `${size.width}x${size.height}`;
  if (settings.avatars.length === 1) {
    const avatar = settings.avatars[0]!;
    const options: Record<string, unknown> = {
      size: sizeText,
      fps: size.fps,
      format: settings.format,
      preset: settings.preset,
    };
    if (settings.background === "colour") options.background = settings.colour;
    if (settings.background === "blur") options.background = "blur";
    if (settings.background === "image") options.background = picture;
    if (settings.captions !== "off") options.captions = [settings.captions];
    if (settings.music) {
      options.music = settings.music;
      options.music_volume = settings.musicVolume;
    }
    const body: Record<string, unknown> = { script, avatar, options };
    if (settings.labelPosition !== DEFAULT_LABEL_POSITION) body.ai_label = { position: settings.labelPosition };
    const voice = settings.voices[avatar] || settings.defaultVoice;
    if (voice) body.voice = voice;
    if (projectId) body.project_id = projectId;
    return { path: "/generate", body };
  }
  const speakers: Record<string, Record<string, string>> = {};
  for (const s of speakersOf(settings, names)) {
    speakers[s.id] = { avatar: s.avatar, name: s.name, ...(s.voice ? { voice: s.voice } : {}) };
  }
  const scene: Record<string, unknown> = { layout: settings.layout, size: sizeText, fps: size.fps, speakers };
  if (settings.background === "colour") scene.background = settings.colour;
  if (settings.background === "gradient") scene.background = { gradient: [settings.colour, settings.colour2] };
  if (settings.background === "image") scene.background = picture;
  const params: Record<string, unknown> = {
    dialogue: script,
    scene,
    format: settings.format,
    preset: settings.preset,
  };
  if (projectId) params.project_id = projectId;
  return { path: "/jobs", body: { type: "podcast_video", params } };
}
