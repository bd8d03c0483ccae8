"""Moderation in the service: a job's text is screened before the job is queued, flagged
jobs wait for an admin's review, and avatars or voices named after public figures are
flagged.

    screen_params(settings, params)   the findings in a job's texts (script, text,
                                      transcript, dialogue); ModerationError when the
                                      policy blocks them
    admit(session, job, screening)    record the findings; hold the job (policy review)
                                      or queue it
    decide(session, job_id, ...)      an admin's approve (held → queued) or reject
                                      (held → failed, the note as error, fail webhook)
    flag_name(session, ...)           flag an avatar or voice named after a public figure
    refuse_figure(settings, kind, name)   under ``block``: refuse to make one (422)
    decide_flag(session, kind, id, ...)   an admin's approve or reject of a flagged one
    check_job_resources(session, settings, params)
                                      refuse a job naming a flagged avatar or voice that
                                      no admin approved (422)

A flagged avatar or voice is usable in new jobs only once an admin approves it: the job
that names it is refused at submission (``422``, code ``content_blocked``) rather than
held, so that the client hears at once, and the approval covers every later job.

The policy comes from the settings (``PERSONA_MODERATION``, ``PERSONA_MODERATION_MIN_
SEVERITY``). Synchronous speech (``/api/v1/tts``, ``/v1/audio/speech``) has nobody to wait
for, so there ``review`` refuses as ``block`` does (:func:`check_speech`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from persona.moderation import (
    Mode,
    ModerationError,
    Policy,
    Verdict,
    enforce,
    figure_warning,
    match_public_figure,
    screen,
)
from persona.service.db.base import utcnow
from persona.service.db.models import FlaggedResource, Job, JobReview, ResourceKind, User
from persona.service.errors import ConflictError, NotFoundError
from persona.service.jobs import repository as jobs
from persona.service.jobs.states import JobState
from persona.service.settings import Settings

TEXT_KEYS = ("script", "text", "transcript", "dialogue")
"""The job parameters that are spoken or shown, whatever the job type."""
DEFAULT_REJECTION = "rejected in moderation review"


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


@dataclass(frozen=True)
class JobScreening:
    policy: Policy
    findings: tuple[dict[str, Any], ...]
    """Every finding, as JSON with the parameter it is in (``field``)."""
    held: bool


def policy_of(settings: Settings) -> Policy:
    return Policy.parse(settings.moderation, settings.moderation_min_severity)


def screen_params(settings: Settings, params: Mapping[str, Any]) -> JobScreening:
    """Screen each text parameter of a job; :class:`ModerationError` (naming the
    parameter, category and span) when the policy blocks one."""
    policy, found, held = policy_of(settings), [], False
    for key, value in job_texts(params):
        screening = screen(value, policy)
        if screening.verdict == Verdict.BLOCK:
            raise screening.error(f"the job's {key}")
        held = held or screening.verdict == Verdict.HOLD
        found += [{"field": key, **f.as_dict()} for f in screening.findings]
    return JobScreening(policy, tuple(found), held)


def job_texts(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The texts of a job that are spoken or shown, each with its parameter: the
    :data:`TEXT_KEYS`, and a podcast scene's title and speakers' names and roles
    (``scene.title``, ``scene.speakers.A.name``, …)."""
    from persona.scene.screening import scene_texts

    found = [(key, params[key]) for key in TEXT_KEYS if isinstance(params.get(key), str)]
    scene = params.get("scene")
    if isinstance(scene, Mapping):
        found += [(f"scene.{where}", text) for where, text in scene_texts(scene)]
    return found


def admit(session: Session, job: Job, screening: JobScreening) -> Job:
    """A new job's next step: held for review when flagged, else queued; its findings
    are kept either way. A job returned again for a reused idempotency key is left as
    it is."""
    if job.state != JobState.SUBMITTED:
        return job
    if screening.findings:
        session.add(
            JobReview(
                job_id=job.id,
                policy=str(screening.policy.mode),
                findings=list(screening.findings),
                created_at=utcnow(),
            )
        )
    if screening.held:
        return jobs.hold(session, job.id)
    return jobs.enqueue(session, job.id)


def check_speech(settings: Settings, text: str) -> None:
    """Refuse a text to be spoken at once when the policy would block or hold it."""
    enforce(text, policy_of(settings), "the text")


def held_jobs(session: Session) -> list[tuple[Job, JobReview | None]]:
    """Jobs waiting for review, oldest first, with their findings."""
    rows = session.execute(
        select(Job, JobReview)
        .outerjoin(JobReview, JobReview.job_id == Job.id)
        .where(Job.state == JobState.HELD)
        .order_by(Job.created_at, Job.id)
    )
    return [(row[0], row[1]) for row in rows]


def flagged_resources(session: Session) -> Sequence[FlaggedResource]:
    """Avatars and voices named after public figures, not yet reviewed, oldest first."""
    query = select(FlaggedResource).where(FlaggedResource.decision.is_(None))
    return session.scalars(query.order_by(FlaggedResource.created_at)).all()


def decide(
    session: Session,
    job_id: str,
    reviewer: User,
    decision: Decision,
    note: str | None = None,
    *,
    now: datetime | None = None,
) -> tuple[Job, JobReview]:
    """Approve (queue) or reject (fail, with ``note`` as its error and the fail webhook)
    a held job, recording who decided and when."""
    from persona.service.worker import ended

    now = now or utcnow()
    job = jobs.get_job(session, job_id)
    if job.state != JobState.HELD:
        raise ConflictError(f"job {job_id} is {job.state}, not held for review")
    review = session.get(JobReview, job_id)
    if review is None:
        review = JobReview(job_id=job_id, policy=str(Mode.REVIEW), findings=[], created_at=now)
        session.add(review)
    if decision == Decision.APPROVE:
        job = jobs.enqueue(session, job_id, now=now)
    else:
        job = ended(session, jobs.reject(session, job_id, note or DEFAULT_REJECTION, now=now))
    review.decision, review.note = str(decision), note
    review.reviewer_id, review.reviewed_at = reviewer.id, now
    session.flush()
    return job, review


def flag_name(
    session: Session,
    settings: Settings,
    user: User,
    kind: ResourceKind,
    resource_id: str,
    name: str,
) -> str | None:
    """Flag ``resource_id`` when its ``name`` matches a public figure (unless the policy
    is off); the warning for the response, or ``None``. The caller commits."""
    if policy_of(settings).mode == Mode.OFF:
        return None
    figure = match_public_figure(name)
    if figure is None:
        return None
    session.merge(
        FlaggedResource(
            kind=kind,
            resource_id=resource_id,
            user_id=user.id,
            name=name[:200],
            figure=figure,
            created_at=utcnow(),
        )
    )
    return figure_warning(str(kind), name, figure) + (
        ": it cannot be used in new jobs until an admin approves it"
    )


def refuse_figure(settings: Settings, kind: ResourceKind, name: str) -> None:
    """Under ``block``, refuse to make an avatar or voice named after a public figure
    (:class:`ModerationError`, ``422``); under ``review`` it is made and flagged."""
    if policy_of(settings).mode != Mode.BLOCK:
        return
    figure = match_public_figure(name)
    if figure is not None:
        raise ModerationError(
            f"the {kind} name {name!r} matches the public figure {figure}: refused by the "
            "moderation policy (block); making someone's likeness or voice needs their consent",
            (),
        )


def decide_flag(
    session: Session,
    kind: ResourceKind,
    resource_id: str,
    reviewer: User,
    decision: Decision,
    note: str | None = None,
    *,
    now: datetime | None = None,
) -> FlaggedResource:
    """Approve (usable in new jobs) or reject (refused in new jobs) a flagged avatar or
    voice, recording who decided and when. A later decision replaces an earlier one."""
    flag = session.get(FlaggedResource, (kind, resource_id))
    if flag is None:
        raise NotFoundError(f"no flagged {kind} {resource_id!r}")
    flag.decision, flag.note = str(decision), note
    flag.reviewer_id, flag.reviewed_at = reviewer.id, now or utcnow()
    session.flush()
    return flag


def job_resources(params: Mapping[str, Any]) -> list[tuple[ResourceKind, str]]:
    """The saved avatars and voices a job names: its ``avatar`` and ``voice``, and each
    speaker's of a podcast ``scene``."""
    from persona.avatar.store import parse_ref

    entries: list[Any] = [params]
    scene = params.get("scene")
    speakers = scene.get("speakers") if isinstance(scene, Mapping) else None
    if isinstance(speakers, Mapping):
        entries += list(speakers.values())
    elif isinstance(speakers, list):
        entries += speakers
    found: list[tuple[ResourceKind, str]] = []
    for entry in entries:
        entry = {"avatar": entry} if isinstance(entry, str) else entry
        if not isinstance(entry, Mapping):
            continue
        avatar, voice = entry.get("avatar"), entry.get("voice")
        saved = parse_ref(avatar.strip()) if isinstance(avatar, str) else None
        if saved is not None:
            found.append((ResourceKind.AVATAR, saved[0]))
        if isinstance(voice, str) and voice.strip():
            found.append((ResourceKind.VOICE, voice.strip().lower()))
    return found


def check_job_resources(session: Session, settings: Settings, params: Mapping[str, Any]) -> None:
    """Refuse (:class:`ModerationError`, ``422``) a job naming an avatar or voice that was
    flagged as a public figure and is not approved. Under ``off`` nothing is checked."""
    if policy_of(settings).mode == Mode.OFF:
        return
    for kind, resource_id in job_resources(params):
        flag = session.get(FlaggedResource, (kind, resource_id))
        if flag is None or flag.decision == Decision.APPROVE:
            continue
        state = "was rejected in review" if flag.decision else "awaits an admin's review"
        raise ModerationError(
            f"the {kind} {resource_id} ({flag.name!r}) matches the public figure "
            f"{flag.figure} and {state}: it cannot be used in new jobs until an admin "
            "approves it",
            (),
        )
