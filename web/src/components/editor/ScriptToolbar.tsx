/**
 * The script editor's toolbar: pause marks and SSML elements inserted at the cursor or
 * around the selection of a textarea (see markup.ts for what each becomes).
 */
import type { RefObject } from "react";
import { useState } from "react";
import { Button } from "..";
import { EMOTIONS, titleCase } from "./choices";
import { insertPause, isSsml, toPlain, wrapSelection } from "./markup";
import type { Edit } from "./markup";

export interface ScriptToolbarProps {
  textarea: RefObject<HTMLTextAreaElement | null>;
  script: string;
  onEdit: (edit: Edit) => void;
  onError: (message: string) => void;
}

const WRAPS: { label: string; title: string; open: string; close: string }[] = [
  { label: "Emphasis", title: "Stress the selected words", open: '<emphasis level="strong">', close: "</emphasis>" },
  { label: "Slower", title: "Speak the selection slowly", open: '<prosody rate="slow">', close: "</prosody>" },
  { label: "Faster", title: "Speak the selection fast", open: '<prosody rate="fast">', close: "</prosody>" },
  { label: "Spell out", title: "Read the selection letter by letter", open: '<say-as interpret-as="characters">', close: "</say-as>" },
];

export function ScriptToolbar({ textarea, script, onEdit, onError }: ScriptToolbarProps) {
  const [emotion, setEmotion] = useState("happy");
  const range = (): [number, number] => {
    const el = textarea.current;
    return el ? [el.selectionStart, el.selectionEnd] : [script.length, script.length];
  };
  const apply = (make: (start: number, end: number) => Edit) => {
    const [start, end] = range();
    try {
      onEdit(make(start, end));
    } catch (err) {
      onError(err instanceof Error ? err.message : String(err));
    }
  };
  const wrap = (open: string, close: string) =>
    apply((start, end) => wrapSelection(script, start, end, open, close));

  return (
    <div className="ed-toolbar" role="group" aria-label="Script markup">
      {[0.5, 1, 2].map((seconds) => (
        <Button
          key={seconds}
          size="sm"
          title={`Insert a ${seconds} s pause at the cursor`}
          onClick={() => apply((start, end) => insertPause(script, start, end, seconds))}
        >
          Pause {seconds} s
        </Button>
      ))}
      <span className="ed-toolbar-sep" aria-hidden="true" />
      {WRAPS.map((w) => (
        <Button key={w.label} size="sm" title={w.title} onClick={() => wrap(w.open, w.close)}>
          {w.label}
        </Button>
      ))}
      <span className="ed-toolbar-sep" aria-hidden="true" />
      <label className="visually-hidden" htmlFor="ed-toolbar-emotion">
        Emotion for the selection
      </label>
      <select id="ed-toolbar-emotion" value={emotion} onChange={(e) => setEmotion(e.target.value)}>
        {EMOTIONS.map((name) => (
          <option key={name} value={name}>
            {titleCase(name)}
          </option>
        ))}
      </select>
      <Button size="sm" title="Speak the selection with this emotion" onClick={() => wrap(`<emotion name="${emotion}">`, "</emotion>")}>
        Apply emotion
      </Button>
      {isSsml(script) && (
        <>
          <span className="ed-toolbar-sep" aria-hidden="true" />
          <Button
            size="sm"
            variant="ghost"
            title="Remove all markup but pauses and paragraphs"
            onClick={() => {
              const text = toPlain(script);
              onEdit({ text, selectionStart: 0, selectionEnd: 0 });
            }}
          >
            Back to plain text
          </Button>
        </>
      )}
    </div>
  );
}
