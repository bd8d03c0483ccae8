/**
 * A photo's quality report (persona.avatar.quality.PhotoReport.as_dict()):
 * `{status: "pass" | "warn" | "fail", checks: [{name, status, value, unit, advice}]}`,
 * shown as a list of checks, each with its verdict in words (not colour alone).
 */

export interface QualityCheck {
  name: string;
  status: string;
  value?: number | null;
  unit?: string;
  advice?: string;
}

export interface QualityReportData {
  status: string;
  checks: QualityCheck[];
}

const CHECK_NAMES: Record<string, string> = {
  faces: "Face found",
  face_size: "Face size",
  sharpness: "Sharpness",
  yaw: "Head turn (yaw)",
  pitch: "Head nod (pitch)",
  roll: "Head tilt (roll)",
  exposure: "Exposure",
  clipping: "Clipped highlights/shadows",
  mouth: "Mouth visible",
};

const VERDICT: Record<string, string> = { pass: "Pass", warn: "Warning", fail: "Fail" };

function formatValue(check: QualityCheck): string {
  if (check.value === null || check.value === undefined) return "";
  const rounded = Math.abs(check.value) >= 10 ? check.value.toFixed(0) : check.value.toFixed(2);
  return `${rounded}${check.unit ? ` ${check.unit}` : ""}`;
}

export function QualityReport({ report }: { report: QualityReportData }) {
  const overall = VERDICT[report.status] ?? report.status;
  return (
    <section className={`ed-report ed-report-${report.status}`} aria-label="Photo quality report">
      <h3>
        Quality report: <span className={`ed-verdict ed-verdict-${report.status}`}>{overall}</span>
      </h3>
      <ul className="ed-checks">
        {report.checks.map((check) => (
          <li key={check.name} className={`ed-check ed-check-${check.status}`}>
            <span className={`ed-verdict ed-verdict-${check.status}`}>
              <span aria-hidden="true">
                {check.status === "pass" ? "✓" : check.status === "warn" ? "!" : "✕"}
              </span>{" "}
              {VERDICT[check.status] ?? check.status}
            </span>
            <span className="ed-check-name">{CHECK_NAMES[check.name] ?? check.name}</span>
            <span className="ed-check-value muted">{formatValue(check)}</span>
            {check.advice && <span className="ed-check-advice">{check.advice}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The report inside a 422 answer or an AvatarCreated body, when there is one. */
export function reportFrom(body: unknown): QualityReportData | null {
  if (!body || typeof body !== "object") return null;
  const report = (body as { report?: unknown }).report;
  if (!report || typeof report !== "object") return null;
  const { status, checks } = report as { status?: unknown; checks?: unknown };
  if (typeof status !== "string" || !Array.isArray(checks)) return null;
  return { status, checks: checks as QualityCheck[] };
}
