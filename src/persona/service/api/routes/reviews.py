"""``/api/v1/admin/reviews``: the moderation review queue (admins only; others get 403).

    GET  /api/v1/admin/reviews            held jobs with their findings, oldest first,
                                          and avatars or voices named after public figures
    POST /api/v1/admin/reviews/{job_id}   {"decision": "approve" | "reject", "note": "…"}:
                                          approve queues the job; reject fails it with the
                                          note as its error (and its fail webhook)
    POST /api/v1/admin/reviews/resources/{kind}/{resource_id}
                                          the same body for a flagged avatar or voice:
                                          approved, new jobs may use it; else they are
                                          refused (422). A later decision replaces one.

A job that is not held answers ``409``. The reviewer and the time are recorded (and the
decision in the audit log).
"""

from __future__ import annotations

import json
from typing import Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from persona.service import audit, reviews
from persona.service.api.deps import AdminUser, SessionDep
from persona.service.api.schemas_resources import AvatarCreated, VoiceCloned
from persona.service.api.schemas_reviews import (
    FindingPublic,
    FlagPublic,
    ReviewDecision,
    ReviewPublic,
    ReviewQueue,
)
from persona.service.db.models import FlaggedResource, Job, JobReview, ResourceKind, User
from persona.service.settings import Settings

router = APIRouter(prefix="/api/v1/admin/reviews", tags=["admin"])


def review_public(job: Job, review: JobReview | None) -> ReviewPublic:
    from persona.service.api.routes.jobs import job_public

    found = review.findings if review is not None else []
    return ReviewPublic(
        job=job_public(job),
        user_id=job.user_id,
        policy=review.policy if review is not None else "review",
        findings=[FindingPublic.model_validate(f) for f in found],
        decision=review.decision if review is not None else None,  # type: ignore[arg-type]
        note=review.note if review is not None else None,
        reviewer_id=review.reviewer_id if review is not None else None,
        reviewed_at=review.reviewed_at if review is not None else None,
    )


@router.get("", response_model=ReviewQueue)
def list_reviews(session: SessionDep, admin: AdminUser) -> ReviewQueue:
    """What waits for a reviewer."""
    flags = [flag_public(f) for f in reviews.flagged_resources(session)]
    held = [review_public(job, review) for job, review in reviews.held_jobs(session)]
    return ReviewQueue(jobs=held, resources=flags)


@router.post("/{job_id}", response_model=ReviewPublic)
def review_job(
    job_id: str, body: ReviewDecision, request: Request, session: SessionDep, admin: AdminUser
) -> ReviewPublic:
    """Approve or reject a held job."""
    from persona.service.api.routes.jobs import _dispatch

    decision = reviews.Decision(body.decision)
    job, review = reviews.decide(session, job_id, admin, decision, body.note)
    audit.record(session, admin, "job.review", ("job", job_id), decision=str(decision))
    session.commit()
    _dispatch(request, [job])
    return review_public(job, review)


def flag_public(flag: FlaggedResource) -> FlagPublic:
    return FlagPublic(
        kind=flag.kind.value,  # type: ignore[arg-type]
        resource_id=flag.resource_id,
        user_id=flag.user_id,
        name=flag.name,
        figure=flag.figure,
        created_at=flag.created_at,
        decision=flag.decision,  # type: ignore[arg-type]
        note=flag.note,
        reviewer_id=flag.reviewer_id,
        reviewed_at=flag.reviewed_at,
    )


@router.post("/resources/{kind}/{resource_id}", response_model=FlagPublic)
def review_resource(
    kind: Literal["avatar", "voice"],
    resource_id: str,
    body: ReviewDecision,
    session: SessionDep,
    admin: AdminUser,
) -> FlagPublic:
    """Approve or reject an avatar or voice flagged as a public figure (404: no such flag)."""
    decision = reviews.Decision(body.decision)
    flag = reviews.decide_flag(session, ResourceKind(kind), resource_id, admin, decision, body.note)
    audit.record(session, admin, f"{kind}.review", (kind, resource_id), decision=str(decision))
    session.commit()
    return flag_public(flag)


def flag_avatar(
    session: Session, settings: Settings, user: User, made: Response | AvatarCreated
) -> Response | AvatarCreated:
    """A new avatar, flagged (with a warning) when its name matches a public figure; a
    video avatar's training job (``202``) is flagged under the avatar id it reserved."""
    if isinstance(made, JSONResponse) and made.status_code == 202:
        return _flag_training(session, settings, user, made)
    if not isinstance(made, AvatarCreated):
        return made
    warning = reviews.flag_name(
        session, settings, user, ResourceKind.AVATAR, made.avatar.id, made.avatar.name
    )
    if warning is None:
        return made
    session.commit()
    return made.model_copy(update={"warnings": [*made.warnings, warning]})


def flag_voice(session: Session, settings: Settings, user: User, made: VoiceCloned) -> VoiceCloned:
    """A new voice, flagged (with a warning) when its name matches a public figure."""
    warning = reviews.flag_name(session, settings, user, ResourceKind.VOICE, made.id, made.name)
    if warning is None:
        return made
    session.commit()
    return made.model_copy(update={"warnings": [*made.warnings, warning]})


def _flag_training(
    session: Session, settings: Settings, user: User, accepted: JSONResponse
) -> JSONResponse:
    body = json.loads(bytes(accepted.body))
    job = session.get(Job, body.get("job_id"))
    name = (job.params or {}).get("name") if job is not None else None
    warning = None
    if isinstance(name, str) and isinstance(body.get("avatar_id"), str):
        warning = reviews.flag_name(
            session, settings, user, ResourceKind.AVATAR, body["avatar_id"], name
        )
    if warning is None:
        return accepted
    session.commit()
    return JSONResponse({**body, "warnings": [warning]}, status_code=202)
