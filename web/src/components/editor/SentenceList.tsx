/**
 * The script's sentences under the editor, each with its own voice and emotion selects
 * (which write `<voice>` / `<emotion>` around the sentence) and, once the estimate has
 * come back, its start, length and its sentiment hint: the emotion its wording sounds
 * like (`hint`, from the server's VADER polarity; see docs/script-syntax.md), offered
 * with a "Use" button when it differs from the emotion the sentence will be spoken with.
 */
import { EMOTIONS, titleCase } from "./choices";
import type { Voice } from "./catalog";
import type { Sentence } from "./markup";

export interface SentimentHint {
  emotion: string;
  /** VADER compound polarity, -1 (negative) … +1 (positive). */
  score: number;
}

export interface SentenceEstimate {
  text: string;
  start_s: number;
  duration_s: number;
  /** The emotion the renderer applies. */
  emotion: string;
  pause_after_s?: number;
  /** What the wording sounds like; null for languages other than English. */
  hint?: SentimentHint | null;
}

/** The hint worth offering: not neutral, and not the emotion already applied. */
export function hintToOffer(estimate: SentenceEstimate | null, chosen: string): SentimentHint | null {
  const hint = estimate?.hint;
  if (!hint || hint.emotion === "neutral") return null;
  const applied = chosen || estimate.emotion;
  return hint.emotion === applied ? null : hint;
}

function signed(score: number): string {
  return `${score > 0 ? "+" : ""}${score.toFixed(2)}`;
}

function normal(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
}

/** The estimate of each sentence: same words first, else the same position. */
export function matchEstimates(
  sentences: readonly Sentence[],
  estimates: readonly SentenceEstimate[],
): (SentenceEstimate | null)[] {
  const byText = new Map<string, SentenceEstimate>();
  for (const e of estimates) if (!byText.has(normal(e.text))) byText.set(normal(e.text), e);
  return sentences.map(
    (s, i) => byText.get(normal(s.text)) ?? (sentences.length === estimates.length ? (estimates[i] ?? null) : null),
  );
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")} min`;
}

export interface SentenceListProps {
  sentences: readonly Sentence[];
  estimates: readonly SentenceEstimate[];
  voices: readonly Voice[] | null;
  onChange: (sentence: Sentence, voice: string, emotion: string) => void;
}

export function SentenceList({ sentences, estimates, voices, onChange }: SentenceListProps) {
  if (sentences.length === 0) return <p className="muted">Sentences appear here as you write.</p>;
  const matched = matchEstimates(sentences, estimates);
  const usable = (voices ?? []).filter((v) => v.usable);
  return (
    <ol className="ed-sentences">
      {sentences.map((s, i) => {
        const estimate = matched[i];
        const known = !s.voice || usable.some((v) => v.id === s.voice);
        const hint = hintToOffer(estimate ?? null, s.emotion);
        return (
          <li key={`${i}-${s.start}`} className="ed-sentence">
            <span className="ed-sentence-text">{s.text}</span>
            <label className="visually-hidden" htmlFor={`ed-s${i}-voice`}>
              Voice of sentence {i + 1}
            </label>
            <select id={`ed-s${i}-voice`} value={s.voice} onChange={(e) => onChange(s, e.target.value, s.emotion)}>
              <option value="">Script voice</option>
              {!known && <option value={s.voice}>{s.voice}</option>}
              {usable.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name}
                </option>
              ))}
            </select>
            <label className="visually-hidden" htmlFor={`ed-s${i}-emotion`}>
              Emotion of sentence {i + 1}
            </label>
            <select id={`ed-s${i}-emotion`} value={s.emotion} onChange={(e) => onChange(s, s.voice, e.target.value)}>
              <option value="">Script emotion</option>
              {EMOTIONS.map((name) => (
                <option key={name} value={name}>
                  {titleCase(name)}
                </option>
              ))}
            </select>
            <span className="ed-sentence-meta muted">
              {estimate
                ? `starts ${formatSeconds(estimate.start_s)} · lasts ${formatSeconds(estimate.duration_s)}`
                : "not estimated yet"}
              {hint && (
                <>
                  {" · "}
                  <span className="ed-hint" title={`Sentiment ${signed(hint.score)} (−1 negative … +1 positive)`}>
                    sounds {hint.emotion}
                  </span>{" "}
                  <button
                    type="button"
                    className="btn btn-ghost btn-sm"
                    aria-label={`Use ${hint.emotion} for sentence ${i + 1}`}
                    onClick={() => onChange(s, s.voice, hint.emotion)}
                  >
                    Use {hint.emotion}
                  </button>
                </>
              )}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
