/**
 * Script markup as the engine reads it (docs/script-syntax.md, docs/ssml.md), edited as
 * text.
 *
 * A script is either plain text with `[pause]` marks or an SSML document (it starts with
 * `<speak`). Plain text has no way to give one sentence its own voice or emotion, so the
 * first edit that needs an element (emphasis, emotion, voice, prosody) turns the script
 * into SSML once: paragraphs become `<p>`, pause marks `<break time=…/>`, `&` and `<` are
 * escaped; the words stay as written.
 *
 * Sentences are found the way the engine finds them (an end mark `.` `!` `?` `…` and the
 * CJK/Devanagari ones, followed by space; a blank line; common abbreviations do not end a
 * sentence), but only where no element is open, so a sentence never cuts through markup.
 * Each sentence's voice and emotion are the `<voice name>` and `<emotion name>` elements
 * that wrap exactly that sentence.
 */

export interface Edit {
  text: string;
  /** Where the selection goes afterwards. */
  selectionStart: number;
  selectionEnd: number;
}

export interface Sentence {
  /** Offsets of the sentence (markup included) in the script. */
  start: number;
  end: number;
  raw: string;
  /** What is said: no markup, no pause marks. */
  text: string;
  voice: string;
  emotion: string;
}

const SSML_START = /^\s*(<\?xml[^>]*\?>\s*)?<speak[\s>]/;
const PAUSE_MARK = /\[pause(?:\s+([^\]]*))?\]/gi;
const STRUCTURAL = new Set(["speak", "p", "s"]);
const END_MARKS = new Set([".", "!", "?", "…", "।", "。", "！", "？"]);
const ABBREVIATIONS = new Set(
  (
    "dr mr mrs ms prof st sr jr vs etc e.g i.e approx no jan feb mar apr jun jul aug sep sept " +
    "oct nov dec mt ft fig inc ltd co"
  ).split(" "),
);
const OPEN = "\u0001";
const CLOSE = "\u0002";

export function isSsml(script: string): boolean {
  return SSML_START.test(script);
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

/** A `[pause …]` mark's length as an SSML time ("500ms", "1.5s"); null when unreadable. */
export function pauseTime(spec: string | undefined): string | null {
  const text = (spec ?? "").trim().toLowerCase();
  if (!text) return "500ms";
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|secs|second|seconds)?$/.exec(text);
  if (!match) return null;
  return match[2] === "ms" ? `${match[1]}ms` : `${match[1]}s`;
}

/** A pause mark for the script's kind: `[pause 1s]` or `<break time="1s"/>`. */
export function pauseMark(seconds: number, ssml: boolean): string {
  const time = seconds < 1 ? `${Math.round(seconds * 1000)}ms` : `${seconds}s`;
  if (ssml) return `<break time="${time}"/>`;
  return seconds === 0.5 ? "[pause]" : `[pause ${time}]`;
}

/** A plain script as SSML (see the module doc); the sentinels OPEN/CLOSE pass through. */
export function toSsml(plain: string): string {
  const paragraphs = plain
    .split(/\n[ \t]*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) =>
      escapeXml(p).replace(PAUSE_MARK, (mark, spec: string | undefined) => {
        const time = pauseTime(spec);
        return time ? `<break time="${time}"/>` : mark;
      }),
    );
  if (paragraphs.length <= 1) return `<speak>\n${paragraphs[0] ?? ""}\n</speak>`;
  return `<speak>\n${paragraphs.map((p) => `<p>${p}</p>`).join("\n")}\n</speak>`;
}

/** The script as SSML, with the span [start, end) mapped to its place in the new text. */
function asSsml(script: string, start: number, end: number): { text: string; start: number; end: number } {
  if (isSsml(script)) return { text: script, start, end };
  const marked = script.slice(0, start) + OPEN + script.slice(start, end) + CLOSE + script.slice(end);
  const converted = toSsml(marked);
  const open = converted.indexOf(OPEN);
  const close = converted.indexOf(CLOSE);
  const text = converted.replace(OPEN, "").replace(CLOSE, "");
  return { text, start: open, end: close - 1 };
}

/** Inserts a pause at the cursor (replacing any selection). */
export function insertPause(script: string, start: number, end: number, seconds: number): Edit {
  const before = script.slice(0, start);
  const after = script.slice(end);
  let mark = pauseMark(seconds, isSsml(script));
  if (before && !/\s$/.test(before)) mark = ` ${mark}`;
  if (!after || !/^\s/.test(after)) mark = `${mark} `;
  const cursor = start + mark.length;
  return { text: before + mark + after, selectionStart: cursor, selectionEnd: cursor };
}

interface Token {
  kind: "open" | "close" | "empty" | "text";
  name: string;
  start: number;
  end: number;
}

function tokens(script: string): Token[] {
  const out: Token[] = [];
  const tag = /<(\/?)([A-Za-z_?!][\w:.-]*)[^>]*?(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(script); m; m = tag.exec(script)) {
    if (m.index > last) out.push({ kind: "text", name: "", start: last, end: m.index });
    const name = (m[2] ?? "").toLowerCase();
    const kind = m[1] ? "close" : m[3] || name.startsWith("?") || name.startsWith("!") ? "empty" : "open";
    out.push({ kind, name, start: m.index, end: m.index + m[0].length });
    last = m.index + m[0].length;
  }
  if (last < script.length) out.push({ kind: "text", name: "", start: last, end: script.length });
  return out;
}

/** Does the text before `index` end in an abbreviation ("Dr", "e.g") or an initial ("F")? */
function endsInAbbreviation(script: string, index: number): boolean {
  const word = /([\p{L}.]+)$/u.exec(script.slice(Math.max(0, index - 12), index))?.[1] ?? "";
  const bare = word.replace(/^\.+/, "").toLowerCase();
  return ABBREVIATIONS.has(bare) || /^\p{Lu}$/u.test(word);
}

/** The sentences of a plain or SSML script, in order (see the module doc). */
export function splitSentences(script: string): Sentence[] {
  const ssml = isSsml(script);
  const spans: [number, number][] = [];
  let from = -1;
  let to = -1;
  let depth = 0;
  let pending = false;
  const flush = () => {
    if (from >= 0 && to > from) spans.push([from, to]);
    from = -1;
    to = -1;
    pending = false;
  };
  for (const token of ssml ? tokens(script) : [{ kind: "text", name: "", start: 0, end: script.length } as Token]) {
    if (token.kind !== "text") {
      if (STRUCTURAL.has(token.name) || token.name.startsWith("?")) {
        if (depth === 0) flush();
        continue;
      }
      if (from < 0 && token.kind === "empty") continue; // a pause before a sentence
      if (from < 0) from = token.start;
      to = token.end;
      if (token.kind === "open") depth += 1;
      if (token.kind === "close") depth = Math.max(0, depth - 1);
      continue;
    }
    for (let i = token.start; i < token.end; i += 1) {
      const ch = script[i] ?? "";
      if (/\s/.test(ch)) {
        if (!ssml && ch === "\n" && /^\n[ \t]*\n/.test(script.slice(i))) {
          flush();
          continue;
        }
        if (pending && depth === 0) flush();
        continue;
      }
      if (from < 0) {
        const mark = /^\[pause[^\]]*\]/i.exec(script.slice(i, i + 40));
        if (mark) {
          i += mark[0].length - 1; // a pause before a sentence
          continue;
        }
        from = i;
      }
      to = i + 1;
      if (END_MARKS.has(ch)) {
        pending = pending || ch !== "." || !endsInAbbreviation(script, i);
      } else if (!/["'”’)\]]/.test(ch)) {
        pending = false;
      }
    }
  }
  flush();
  return spans
    .map(([start, end]) => describe(script, start, end))
    .filter((s) => /[\p{L}\p{N}]/u.test(s.text));
}

function describe(script: string, start: number, end: number): Sentence {
  const raw = script.slice(start, end);
  const { voice, emotion } = unwrap(raw);
  return { start, end, raw, text: spokenText(raw), voice, emotion };
}

/** What a piece of script says: markup and pause marks removed, entities read. */
export function spokenText(raw: string): string {
  return unescapeXml(raw.replace(/<[^>]*>/g, " ").replace(PAUSE_MARK, " "))
    .replace(/\s+/g, " ")
    .trim();
}

/** Whether `inner` closes every `<name>` it opens, never closing one it did not open. */
function balanced(inner: string, name: string): boolean {
  let depth = 0;
  const tag = new RegExp(`<(/?)${name}(?=[\\s>/])[^>]*?(/?)>`, "g");
  for (let m = tag.exec(inner); m; m = tag.exec(inner)) {
    if (m[2]) continue;
    depth += m[1] ? -1 : 1;
    if (depth < 0) return false;
  }
  return depth === 0;
}

function peel(raw: string, name: string): { value: string; inner: string } | null {
  const match = new RegExp(`^<${name}\\s+name="([^"]*)"[^>]*>([\\s\\S]*)</${name}>$`).exec(raw);
  if (!match || !balanced(match[2] ?? "", name)) return null;
  return { value: match[1] ?? "", inner: match[2] ?? "" };
}

/** A sentence's own voice and emotion (the elements wrapping all of it), and its inside. */
export function unwrap(raw: string): { voice: string; emotion: string; inner: string } {
  let inner = raw;
  let voice = "";
  let emotion = "";
  const v = peel(inner, "voice");
  if (v) {
    voice = v.value;
    inner = v.inner;
  }
  const e = peel(inner, "emotion");
  if (e) {
    emotion = e.value;
    inner = e.inner;
  }
  return { voice, emotion, inner };
}

/**
 * Gives the sentence at [start, end) its own voice and emotion ("" for the script's own):
 * the script becomes SSML if it was plain.
 */
export function setSentence(script: string, start: number, end: number, voice: string, emotion: string): Edit {
  const doc = asSsml(script, start, end);
  const { inner } = unwrap(doc.text.slice(doc.start, doc.end));
  let wrapped = inner;
  if (emotion) wrapped = `<emotion name="${escapeXml(emotion)}">${wrapped}</emotion>`;
  if (voice) wrapped = `<voice name="${escapeXml(voice)}">${wrapped}</voice>`;
  const text = doc.text.slice(0, doc.start) + wrapped + doc.text.slice(doc.end);
  return { text, selectionStart: doc.start, selectionEnd: doc.start + wrapped.length };
}

/**
 * Wraps the selection in an element (`open` like `<emphasis level="strong">`, `close`
 * like `</emphasis>`); the script becomes SSML if it was plain. Throws when nothing is
 * selected or the selection cuts through markup.
 */
export function wrapSelection(script: string, start: number, end: number, open: string, close: string): Edit {
  if (end <= start) throw new Error("Select the words first.");
  const doc = asSsml(script, start, end);
  const chosen = doc.text.slice(doc.start, doc.end);
  if (/[<>]/.test(chosen.replace(/<[^<>]*>/g, "")) || !cleanlyNested(chosen)) {
    throw new Error("The selection cuts through markup: select words inside one element.");
  }
  if (/<\/?(p|s|speak)[\s>]/.test(chosen)) {
    throw new Error("Select words inside one paragraph.");
  }
  const text = doc.text.slice(0, doc.start) + open + chosen + close + doc.text.slice(doc.end);
  return { text, selectionStart: doc.start, selectionEnd: doc.start + open.length + chosen.length + close.length };
}

function cleanlyNested(fragment: string): boolean {
  const stack: string[] = [];
  for (const token of tokens(fragment)) {
    if (token.kind === "open") stack.push(token.name);
    else if (token.kind === "close" && stack.pop() !== token.name) return false;
  }
  return stack.length === 0;
}

/** An SSML script back as plain text (its markup is lost; pauses and paragraphs stay). */
export function toPlain(script: string): string {
  if (!isSsml(script)) return script;
  const body = script
    .replace(/<break\s+time="([^"]+)"\s*\/>/g, (_m, time: string) => ` [pause ${time}] `)
    .replace(/<break[^>]*\/>/g, " [pause] ")
    .replace(/<\/p>\s*<p[^>]*>/g, "\n\n")
    .replace(/<[^>]*>/g, "");
  return unescapeXml(body)
    .split("\n\n")
    .map((p) => p.replace(/[ \t]+/g, " ").replace(/ *\n */g, "\n").trim())
    .filter(Boolean)
    .join("\n\n");
}
