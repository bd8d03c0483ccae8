/**
 * Administration (admins only; the server answers 403 to anyone else):
 *
 * - Users: storage used against quota, job count; change a quota, the role, or disable an
 *   account (PATCH /api/v1/admin/users/{id}).
 * - Jobs: every user's jobs, filterable by state (GET /api/v1/admin/jobs).
 * - Moderation: jobs held for review (GET /api/v1/admin/reviews) with what was found, to
 *   approve or reject with a note (POST /api/v1/admin/reviews/{job_id}), and avatars or
 *   voices named after public figures, approved or rejected the same way
 *   (POST /api/v1/admin/reviews/resources/{kind}/{id}): new jobs may use an approved one,
 *   a rejected one is refused.
 *   A server without the review queue answers 404; the tab then says so.
 */
import { useCallback, useEffect, useId, useState } from "react";
import type { FormEvent, KeyboardEvent } from "react";
import { api, ApiError, formatBytes, formatDate, isFinished, stateLabel } from "../api";
import type { Job, Role } from "../api";
import { useAuth } from "../auth";
import {
  Button,
  Card,
  EmptyState,
  Field,
  Modal,
  ProgressBar,
  Select,
  TextArea,
  errorMessage,
  useToast,
} from "../components";
import "./Admin.css";

// ------------------------------------------------------------------ shapes

interface AdminUser {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  quota_bytes: number;
  usage_bytes: number;
  jobs: number;
  disabled: boolean;
  disabled_at: string | null;
  created_at: string;
}

interface AdminJob extends Job {
  user_id: string;
  user_email: string;
}

interface Paged<T> {
  items: T[];
  total: number;
}

const GIB = 1024 ** 3;
const JOB_STATES = [
  "",
  "submitted",
  "queued",
  "processing",
  "rendering",
  "post_processing",
  "uploading",
  "completed",
  "failed",
  "cancelled",
];

// ------------------------------------------------------------------ tabs

const TABS = [
  { id: "users", label: "Users" },
  { id: "jobs", label: "Jobs" },
  { id: "reviews", label: "Moderation" },
] as const;
type TabId = (typeof TABS)[number]["id"];

function Tabs({ current, onChange }: { current: TabId; onChange: (tab: TabId) => void }) {
  const base = useId();
  function onKey(event: KeyboardEvent<HTMLButtonElement>, index: number) {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = TABS[(index + step + TABS.length) % TABS.length];
    if (!next) return;
    onChange(next.id);
    document.getElementById(`${base}-${next.id}`)?.focus();
  }
  return (
    <div role="tablist" aria-label="Administration" className="admin-tabs">
      {TABS.map((tab, index) => (
        <button
          key={tab.id}
          id={`${base}-${tab.id}`}
          type="button"
          role="tab"
          aria-selected={current === tab.id}
          aria-controls={`admin-panel-${tab.id}`}
          tabIndex={current === tab.id ? 0 : -1}
          className="admin-tab"
          onClick={() => onChange(tab.id)}
          onKeyDown={(e) => onKey(e, index)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}

// ------------------------------------------------------------------ users

function QuotaDialog({
  user,
  onClose,
  onSaved,
}: {
  user: AdminUser | null;
  onClose: () => void;
  onSaved: (user: AdminUser) => void;
}) {
  const toast = useToast();
  const [gib, setGib] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (user) {
      setGib(String(Math.round((user.quota_bytes / GIB) * 100) / 100));
      setError(null);
    }
  }, [user]);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!user) return;
    const value = Number(gib);
    if (!Number.isFinite(value) || value < 0) {
      setError("Enter a number of GiB, 0 or more.");
      return;
    }
    setBusy(true);
    try {
      const saved = await api.patch<AdminUser>(`/admin/users/${user.id}`, {
        quota_bytes: Math.round(value * GIB),
      });
      toast.success(`Quota of ${saved.email} is now ${formatBytes(saved.quota_bytes)}.`);
      onSaved(saved);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal open={user !== null} title={`Storage quota: ${user?.email ?? ""}`} onClose={onClose}>
      <form onSubmit={save} noValidate>
        <p className="muted">Uses {formatBytes(user?.usage_bytes ?? 0)} now.</p>
        <Field
          label="Quota (GiB)"
          type="number"
          inputMode="decimal"
          min={0}
          step="any"
          value={gib}
          onChange={(e) => setGib(e.target.value)}
          error={error}
          autoFocus
        />
        <div className="modal-inline-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy}>
            Save quota
          </Button>
        </div>
      </form>
    </Modal>
  );
}

function UsersPanel() {
  const toast = useToast();
  const { user: me } = useAuth();
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<AdminUser | null>(null);

  const load = useCallback(async () => {
    try {
      setUsers((await api.get<Paged<AdminUser>>("/admin/users")).items);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => void load(), [load]);

  function replace(saved: AdminUser) {
    setUsers((all) => all?.map((u) => (u.id === saved.id ? saved : u)) ?? all);
  }

  async function patch(user: AdminUser, change: Partial<Pick<AdminUser, "role" | "disabled">>) {
    try {
      replace(await api.patch<AdminUser>(`/admin/users/${user.id}`, change));
    } catch (err) {
      toast.error(err);
    }
  }

  if (error !== null) return <LoadError error={error} retry={load} />;
  if (users === null) return <Loading what="users" />;
  if (users.length === 0) return <EmptyState title="No users" />;
  return (
    <>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Users, their storage and quotas</caption>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Storage</th>
              <th scope="col">Jobs</th>
              <th scope="col">Account</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => {
              const self = u.id === me?.id;
              const pct = u.quota_bytes > 0 ? (u.usage_bytes / u.quota_bytes) * 100 : 100;
              return (
                <tr key={u.id} data-user={u.email}>
                  <td>
                    <div className="admin-user">
                      <strong>{u.display_name || u.email}</strong>
                      <span className="muted">{u.email}</span>
                    </div>
                  </td>
                  <td>
                    <Select
                      label={<span className="visually-hidden">Role of {u.email}</span>}
                      options={["user", "admin"]}
                      value={u.role}
                      disabled={self}
                      onChange={(e) => void patch(u, { role: e.target.value as Role })}
                    />
                  </td>
                  <td className="admin-storage">
                    <ProgressBar value={pct} label={`Storage used by ${u.email}`} live={false} />
                    <span className="muted">
                      {formatBytes(u.usage_bytes)} of {formatBytes(u.quota_bytes)}
                    </span>
                    <Button size="sm" onClick={() => setEditing(u)} aria-label={`Edit quota of ${u.email}`}>
                      Edit quota
                    </Button>
                  </td>
                  <td>{u.jobs}</td>
                  <td>
                    <label className="admin-check">
                      <input
                        type="checkbox"
                        checked={!u.disabled}
                        disabled={self}
                        onChange={(e) => void patch(u, { disabled: !e.target.checked })}
                      />
                      <span>{u.disabled ? "Disabled" : "Active"}</span>
                      <span className="visually-hidden"> account of {u.email}</span>
                    </label>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <QuotaDialog
        user={editing}
        onClose={() => setEditing(null)}
        onSaved={(saved) => {
          replace(saved);
          setEditing(null);
        }}
      />
    </>
  );
}

// ------------------------------------------------------------------ jobs

function JobsPanel() {
  const [state, setState] = useState("");
  const [jobs, setJobs] = useState<Paged<AdminJob> | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      setJobs(await api.get<Paged<AdminJob>>("/admin/jobs", { query: { state, limit: 100 } }));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [state]);
  useEffect(() => void load(), [load]);

  return (
    <>
      <div className="admin-toolbar">
        <Select
          label="State"
          options={JOB_STATES.map((s) => ({ value: s, label: s ? stateLabel(s) : "Any" }))}
          value={state}
          onChange={(e) => setState(e.target.value)}
        />
        <Button onClick={() => void load()}>Refresh</Button>
      </div>
      {error !== null ? (
        <LoadError error={error} retry={load} />
      ) : jobs === null ? (
        <Loading what="jobs" />
      ) : jobs.items.length === 0 ? (
        <EmptyState title="No jobs" />
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">All users' jobs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">User</th>
                <th scope="col">Type</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {jobs.items.map((j) => (
                <tr key={j.id}>
                  <td>
                    {j.title && <div className="admin-job-title">{j.title}</div>}
                    <code>{j.id}</code>
                  </td>
                  <td>{j.user_email}</td>
                  <td>{stateLabel(j.type)}</td>
                  <td>
                    <span className={`badge badge-${j.state}`}>{stateLabel(j.state)}</span>
                    {!isFinished(j) && <span className="muted"> {j.progress} %</span>}
                    {j.error && (
                      <div className="field-error admin-job-error" title={j.error}>
                        {j.error}
                      </div>
                    )}
                  </td>
                  <td>{formatDate(j.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">
            Showing {jobs.items.length} of {jobs.total}.
          </p>
        </div>
      )}
    </>
  );
}

// ------------------------------------------------------------------ moderation

interface Finding {
  field: string;
  category: string;
  term: string;
  severity: "low" | "medium" | "high";
  start: number;
  end: number;
  text: string;
}

interface Review {
  job: Job;
  user_id: string;
  policy: string;
  findings: Finding[];
}

interface Flag {
  kind: "avatar" | "voice";
  resource_id: string;
  user_id: string;
  name: string;
  figure: string;
  created_at: string;
  /** Set once reviewed; the queue lists only flags without a decision. */
  decision?: Decision | null;
  note?: string | null;
  reviewer_id?: string | null;
  reviewed_at?: string | null;
}

interface ReviewQueue {
  jobs: Review[];
  resources: Flag[];
}

type Decision = "approve" | "reject";

/** What the decision dialog is about: a held job or a flagged avatar or voice. */
type Deciding = { decision: Decision } & ({ review: Review; flag?: undefined } | { flag: Flag; review?: undefined });

function flagKey(flag: Flag): string {
  return `${flag.kind}-${flag.resource_id}`;
}

/** The dialog's title and what happens next, in words. */
function decisionText(deciding: Deciding | null): { title: string; effect: string } {
  const approve = deciding?.decision === "approve";
  if (deciding?.flag) {
    const what = deciding.flag.kind;
    return approve
      ? { title: `Approve this ${what}?`, effect: `New jobs may use the ${what} “${deciding.flag.name}”.` }
      : { title: `Reject this ${what}?`, effect: `New jobs that use the ${what} “${deciding.flag.name}” are refused.` };
  }
  return approve
    ? { title: "Approve this job?", effect: "The job is queued and renders as usual." }
    : { title: "Reject this job?", effect: "The job fails with your note as its error." };
}

function useEmails(): Record<string, string> {
  const [emails, setEmails] = useState<Record<string, string>>({});
  useEffect(() => {
    api.get<Paged<AdminUser>>("/admin/users").then(
      (list) => setEmails(Object.fromEntries(list.items.map((u) => [u.id, u.email]))),
      () => undefined,
    );
  }, []);
  return emails;
}

function ReviewsPanel() {
  const toast = useToast();
  const emails = useEmails();
  const [queue, setQueue] = useState<ReviewQueue | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [unavailable, setUnavailable] = useState(false);
  const [deciding, setDeciding] = useState<Deciding | null>(null);
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const body = await api.get<ReviewQueue>("/admin/reviews");
      setQueue({ jobs: body.jobs ?? [], resources: body.resources ?? [] });
      setError(null);
      setUnavailable(false);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 405)) setUnavailable(true);
      else setError(err);
    }
  }, []);
  useEffect(() => void load(), [load]);

  async function decide(event: FormEvent) {
    event.preventDefault();
    if (!deciding) return;
    const { review, flag, decision } = deciding;
    const body = { decision, note: note.trim() || null };
    setBusy(true);
    try {
      if (flag) {
        await api.post(`/admin/reviews/resources/${flag.kind}/${encodeURIComponent(flag.resource_id)}`, body);
        const done = flagKey(flag);
        toast.success(
          decision === "approve"
            ? `Approved: jobs may use the ${flag.kind} “${flag.name}”.`
            : `Rejected: jobs may not use the ${flag.kind} “${flag.name}”.`,
        );
        setQueue((q) => q && { ...q, resources: q.resources.filter((f) => flagKey(f) !== done) });
      } else {
        await api.post(`/admin/reviews/${review.job.id}`, body);
        toast.success(decision === "approve" ? "Approved: the job is queued." : "Rejected: the job failed.");
        setQueue((q) => q && { ...q, jobs: q.jobs.filter((r) => r.job.id !== review.job.id) });
      }
      setDeciding(null);
      setNote("");
    } catch (err) {
      toast.error(err);
    } finally {
      setBusy(false);
    }
  }

  if (unavailable) {
    return (
      <EmptyState title="Moderation is not available">
        This server has no review queue. Jobs are not held for review.
      </EmptyState>
    );
  }
  if (error !== null) return <LoadError error={error} retry={load} />;
  if (queue === null) return <Loading what="the review queue" />;
  return (
    <>
      <h2>Held jobs</h2>
      {queue.jobs.length === 0 ? (
        <EmptyState title="Nothing to review">Jobs held by the moderation policy appear here.</EmptyState>
      ) : (
        <ul className="admin-reviews">
          {queue.jobs.map((review) => {
            const { job } = review;
            return (
              <li key={job.id} className="admin-review" data-review={job.id}>
                <div className="admin-review-head">
                  <code>{job.id}</code>
                  <span>{emails[review.user_id] ?? review.user_id}</span>
                  <span className="muted">{stateLabel(job.type)}</span>
                  <span className="muted">{formatDate(job.created_at)}</span>
                </div>
                <ul className="admin-findings" aria-label={`Why job ${job.id} was held`}>
                  {review.findings.map((f, i) => (
                    <li key={i}>
                      <span className={`badge admin-sev-${f.severity}`}>{f.severity}</span>{" "}
                      <strong>{f.category}</strong> in {f.field}: <q className="admin-excerpt">{f.text}</q>
                    </li>
                  ))}
                </ul>
                <div className="dash-actions">
                  <Button size="sm" variant="primary" onClick={() => setDeciding({ review, decision: "approve" })}>
                    Approve
                  </Button>
                  <Button size="sm" variant="danger" onClick={() => setDeciding({ review, decision: "reject" })}>
                    Reject
                  </Button>
                </div>
              </li>
            );
          })}
        </ul>
      )}

      {queue.resources.length > 0 && (
        <>
          <h2 className="admin-subhead">Avatars and voices named after public figures</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Name</th>
                  <th scope="col">Resembles</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Created</th>
                  <th scope="col">Decision</th>
                </tr>
              </thead>
              <tbody>
                {queue.resources.map((f) => (
                  <tr key={flagKey(f)} data-flag={flagKey(f)}>
                    <td>{f.kind}</td>
                    <td>{f.name}</td>
                    <td>{f.figure}</td>
                    <td>{emails[f.user_id] ?? f.user_id}</td>
                    <td>{formatDate(f.created_at)}</td>
                    <td>
                      <div className="dash-actions">
                        <Button
                          size="sm"
                          variant="primary"
                          aria-label={`Approve ${f.kind} ${f.name}`}
                          onClick={() => setDeciding({ flag: f, decision: "approve" })}
                        >
                          Approve
                        </Button>
                        <Button
                          size="sm"
                          variant="danger"
                          aria-label={`Reject ${f.kind} ${f.name}`}
                          onClick={() => setDeciding({ flag: f, decision: "reject" })}
                        >
                          Reject
                        </Button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}

      <Modal
        open={deciding !== null}
        title={decisionText(deciding).title}
        onClose={() => setDeciding(null)}
      >
        <form onSubmit={decide}>
          <p className="muted">{decisionText(deciding).effect}</p>
          <TextArea
            label="Note (optional)"
            value={note}
            onChange={(e) => setNote(e.target.value)}
            rows={3}
            maxLength={2000}
          />
          <div className="modal-inline-actions">
            <Button onClick={() => setDeciding(null)}>Cancel</Button>
            <Button
              type="submit"
              variant={deciding?.decision === "approve" ? "primary" : "danger"}
              busy={busy}
            >
              {deciding?.decision === "approve" ? "Approve" : "Reject"}
            </Button>
          </div>
        </form>
      </Modal>
    </>
  );
}

// ------------------------------------------------------------------ shared bits

function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

function LoadError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <p className="form-error" role="alert">
      {errorMessage(error)}{" "}
      <Button size="sm" onClick={retry}>
        Try again
      </Button>
    </p>
  );
}

export default function Admin() {
  const [tab, setTab] = useState<TabId>("users");
  return (
    <>
      <h1>Admin</h1>
      <Tabs current={tab} onChange={setTab} />
      <Card>
        <div role="tabpanel" id={`admin-panel-${tab}`} aria-label={TABS.find((t) => t.id === tab)?.label}>
          {tab === "users" && <UsersPanel />}
          {tab === "jobs" && <JobsPanel />}
          {tab === "reviews" && <ReviewsPanel />}
        </div>
      </Card>
    </>
  );
}
