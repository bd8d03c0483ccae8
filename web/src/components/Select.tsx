import { useId } from "react";
import type { ReactNode, SelectHTMLAttributes } from "react";
import { FieldFrame } from "./Field";

export interface Option {
  value: string;
  label: string;
  disabled?: boolean;
}

export interface SelectProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, "children"> {
  label: ReactNode;
  options: readonly (Option | string)[];
  hint?: ReactNode;
  error?: ReactNode;
}

/** A labelled native `<select>` (keyboard and screen reader behaviour for free). */
export function Select({ label, options, hint, error, id, ...rest }: SelectProps) {
  const auto = useId();
  const fieldId = id ?? auto;
  return (
    <FieldFrame id={fieldId} label={label} hint={hint} error={error}>
      <select
        id={fieldId}
        aria-invalid={error ? true : undefined}
        aria-describedby={error || hint ? `${fieldId}-msg` : undefined}
        {...rest}
      >
        {options.map((option) => {
          const o = typeof option === "string" ? { value: option, label: option } : option;
          return (
            <option key={o.value} value={o.value} disabled={o.disabled}>
              {o.label}
            </option>
          );
        })}
      </select>
    </FieldFrame>
  );
}
