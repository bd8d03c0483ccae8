/**
 * Controls for every customization option of an illustrated avatar, as
 * `GET /api/v1/avatars/templates` lists them: `{name: "hair.style", kind, values, default,
 * minimum, maximum, description}`. Options are grouped by the part of the spec they
 * belong to (face, eyes, hair, ...); each kind gets its native control.
 */
import { useId } from "react";
import { Select } from "..";
import { titleCase } from "./choices";

export interface AvatarOption {
  name: string;
  kind: "choice" | "colour" | "optional_colour" | "number" | "flag" | "colours" | "text";
  values: string[];
  default: unknown;
  minimum?: number | null;
  maximum?: number | null;
  description?: string;
}

export type OptionValues = Record<string, unknown>;

const CUSTOM = "__custom__";
const NONE = "__none__";

function labelOf(name: string): string {
  const leaf = name.split(".").pop() ?? name;
  return titleCase(leaf === "style" || leaf === "shape" ? name.replace(".", " ") : leaf);
}

/** The option groups in spec order: "General" for top-level fields, then each part. */
export function groupOptions(options: readonly AvatarOption[]): [string, AvatarOption[]][] {
  const groups = new Map<string, AvatarOption[]>();
  for (const option of options) {
    const group = option.name.includes(".") ? option.name.split(".")[0] ?? "general" : "general";
    groups.set(group, [...(groups.get(group) ?? []), option]);
  }
  return [...groups.entries()];
}

interface ColourProps {
  label: string;
  value: string | null;
  values: string[];
  optional: boolean;
  hint?: string;
  onChange: (value: string | null) => void;
}

/** A named colour (select) or any #rrggbb (colour picker), optionally none. */
function ColourControl({ label, value, values, optional, hint, onChange }: ColourProps) {
  const pickerId = useId();
  const custom = typeof value === "string" && value.startsWith("#");
  const selected = value === null ? NONE : custom ? CUSTOM : value;
  const options = [
    ...(optional ? [{ value: NONE, label: "None (automatic)" }] : []),
    ...values.map((v) => ({ value: v, label: titleCase(v) })),
    { value: CUSTOM, label: custom ? `Custom ${value}` : "Custom colour…" },
  ];
  return (
    <div className="ed-colour">
      <Select
        label={label}
        hint={hint}
        value={selected}
        options={options}
        onChange={(e) => {
          const next = e.target.value;
          if (next === NONE) onChange(null);
          else if (next === CUSTOM) onChange(custom ? value : "#808080");
          else onChange(next);
        }}
      />
      <label className="ed-colour-picker" htmlFor={pickerId}>
        <span className="visually-hidden">{label}: custom colour</span>
        <input
          id={pickerId}
          type="color"
          value={custom ? (value as string) : "#808080"}
          onChange={(e) => onChange(e.target.value)}
        />
      </label>
    </div>
  );
}

export interface OptionControlProps {
  option: AvatarOption;
  value: unknown;
  onChange: (value: unknown) => void;
}

export function OptionControl({ option, value, onChange }: OptionControlProps) {
  const id = useId();
  const label = labelOf(option.name);
  const hint = option.description ? option.description.replace(/\bnull\b/g, "none") : undefined;
  switch (option.kind) {
    case "choice":
      return (
        <Select
          label={label}
          hint={hint}
          value={String(value ?? "")}
          options={option.values.map((v) => ({ value: v, label: titleCase(v) }))}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case "flag":
      return (
        <div className="ed-check-row">
          <input id={id} type="checkbox" checked={!!value} onChange={(e) => onChange(e.target.checked)} />
          <label htmlFor={id}>{label}</label>
        </div>
      );
    case "number": {
      const min = option.minimum ?? 0;
      const max = option.maximum ?? 1;
      const number = typeof value === "number" ? value : Number(option.default ?? 0);
      return (
        <div className="field">
          <label htmlFor={id}>
            {label} <output htmlFor={id}>{number.toFixed(2)}</output>
          </label>
          <input
            id={id}
            type="range"
            min={min}
            max={max}
            step={(max - min) / 20}
            value={number}
            onChange={(e) => onChange(Number(e.target.value))}
          />
        </div>
      );
    }
    case "colour":
    case "optional_colour":
      return (
        <ColourControl
          label={label}
          hint={hint}
          value={typeof value === "string" ? value : null}
          values={option.values}
          optional={option.kind === "optional_colour"}
          onChange={onChange}
        />
      );
    case "colours": {
      const list = Array.isArray(value) ? (value as string[]) : [];
      const first = list[0] ?? "#d8dde6";
      const second = list[1] ?? null;
      return (
        <fieldset className="ed-colours">
          <legend>{label}</legend>
          <ColourControl
            label="First colour"
            value={first}
            values={option.values}
            optional={false}
            onChange={(v) => onChange(second ? [v ?? first, second] : [v ?? first])}
          />
          <ColourControl
            label="Second colour"
            value={second}
            values={option.values}
            optional
            onChange={(v) => onChange(v ? [first, v] : [first])}
          />
        </fieldset>
      );
    }
    default:
      return (
        <div className="field">
          <label htmlFor={id}>{label}</label>
          <input id={id} value={String(value ?? "")} onChange={(e) => onChange(e.target.value)} />
        </div>
      );
  }
}

/** The value at a dotted path of a spec object. */
export function specValue(spec: Record<string, unknown> | undefined, path: string): unknown {
  let node: unknown = spec;
  for (const part of path.split(".")) {
    if (!node || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

export interface AvatarOptionsProps {
  options: readonly AvatarOption[];
  spec: Record<string, unknown> | undefined;
  changes: OptionValues;
  onChange: (name: string, value: unknown) => void;
}

/** Every option, grouped, showing the template's value unless changed. */
export function AvatarOptions({ options, spec, changes, onChange }: AvatarOptionsProps) {
  return (
    <div className="ed-options">
      {groupOptions(options).map(([group, items]) => (
        <fieldset key={group} className="ed-option-group">
          <legend>{titleCase(group)}</legend>
          <div className="ed-option-grid">
            {items.map((option) => {
              const value =
                option.name in changes
                  ? changes[option.name]
                  : (specValue(spec, option.name) ?? option.default);
              return (
                <OptionControl
                  key={option.name}
                  option={option}
                  value={value}
                  onChange={(next) => onChange(option.name, next)}
                />
              );
            })}
          </div>
        </fieldset>
      ))}
    </div>
  );
}
