/**
 * The consent a likeness (photo, video, voice sample) is used under: who the person is,
 * their consent in their own words, what it is for, and the uploader's confirmation.
 * The service records it as a consent record naming the signed-in user as uploader.
 */
import { Field, TextArea } from "..";

export interface Consent {
  subject: string;
  statement: string;
  purpose: string;
  confirmed: boolean;
}

export const EMPTY_CONSENT: Consent = { subject: "", statement: "", purpose: "", confirmed: false };

/** What is still missing before the consent can be sent (empty when complete). */
export function consentProblems(consent: Consent): string[] {
  const problems: string[] = [];
  if (!consent.subject.trim()) problems.push("the name of the person shown or heard");
  if (!consent.statement.trim()) problems.push("their consent statement");
  if (!consent.purpose.trim()) problems.push("the purpose");
  if (!consent.confirmed) problems.push("your confirmation");
  return problems;
}

export interface ConsentFieldsProps {
  value: Consent;
  onChange: (next: Consent) => void;
  /** "photo", "video" or "voice": used in the hints. */
  what: string;
  idPrefix: string;
}

export function ConsentFields({ value, onChange, what, idPrefix }: ConsentFieldsProps) {
  const set = (patch: Partial<Consent>) => onChange({ ...value, ...patch });
  return (
    <fieldset className="ed-consent">
      <legend>Consent</legend>
      <Field
        id={`${idPrefix}-subject`}
        label="Subject's full name"
        hint={`The person in the ${what}.`}
        value={value.subject}
        maxLength={2000}
        required
        onChange={(e) => set({ subject: e.target.value })}
      />
      <TextArea
        id={`${idPrefix}-statement`}
        label="Consent statement"
        hint="Their consent in their own words, e.g. “I agree that my likeness is used for …”."
        value={value.statement}
        maxLength={2000}
        rows={3}
        required
        onChange={(e) => set({ statement: e.target.value })}
      />
      <Field
        id={`${idPrefix}-purpose`}
        label="Purpose"
        hint="What the videos are for, e.g. “internal training videos”."
        value={value.purpose}
        maxLength={2000}
        required
        onChange={(e) => set({ purpose: e.target.value })}
      />
      <div className="ed-check-row">
        <input
          id={`${idPrefix}-confirm`}
          type="checkbox"
          checked={value.confirmed}
          onChange={(e) => set({ confirmed: e.target.checked })}
        />
        <label htmlFor={`${idPrefix}-confirm`}>
          I am this person or have their written consent
        </label>
      </div>
    </fieldset>
  );
}
