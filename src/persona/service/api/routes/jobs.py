"""``/api/v1``: submit jobs, follow them, fetch what they made, cancel them.

    POST   /api/v1/generate               a video_generation job → 202 {job_id, status_url}
    POST   /api/v1/batch                  several generate requests at once (all or none)
    POST   /api/v1/jobs                   any job type with its parameters
    GET    /api/v1/status/{job_id}        state, progress %, timestamps, error, result
    GET    /api/v1/video/{job_id}         the video (HTTP ranges: 206, 416)
    GET    /api/v1/jobs/{job_id}/files/{name}   any output of the job (WAV, SRT, JSON, ...)
    GET    /api/v1/jobs                   the user's jobs: ?state=&type=&limit=&offset=
    DELETE /api/v1/jobs/{job_id}          cancel a job not yet finished; delete a finished
                                          job's outputs

``Idempotency-Key`` on a submission returns the job that key already made. Another
user's job is not found (404). New jobs are handed to ``app.state.dispatch`` when the app
has one (the embedded worker's wake-up, or the broker's publisher).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from persona.errors import InputError
from persona.service.api.deps import CurrentUser, DatabaseDep, SessionDep, SettingsDep, StorageDep
from persona.service.api.ranges import stream_object
from persona.service.api.schemas import (
    BatchAccepted,
    BatchRequest,
    GenerateRequest,
    JobAccepted,
    JobCreate,
    JobList,
    JobPublic,
)
from persona.service.db.models import Asset, Job, ResourceKind, User
from persona.service.errors import NotFoundError
from persona.service.jobs import repository as jobs
from persona.service.jobs.states import TERMINAL, JobState, JobType, parse_job_type, parse_state
from persona.service.settings import Settings
from persona.service.storage.base import Storage

PREFIX = "/api/v1"
router = APIRouter(prefix=PREFIX, tags=["jobs"])
MAX_PAGE = 100
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=255)]


def status_url(job_id: str) -> str:
    return f"{PREFIX}/status/{job_id}"


def job_public(job: Job) -> JobPublic:
    outputs = (job.result or {}).get("outputs") or {}
    has_video = any(str(o.get("content_type", "")).startswith("video/") for o in outputs.values())
    return JobPublic(
        id=job.id,
        type=str(job.type),
        state=str(job.state),
        progress=job.progress,
        priority=job.priority_level.label,  # type: ignore[arg-type]
        attempts=job.attempts,
        max_attempts=job.max_attempts,
        time_limit_s=job.time_limit_s,
        error=job.error,
        result=job.result,
        created_at=job.created_at,
        updated_at=job.updated_at,
        queued_at=job.queued_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        status_url=status_url(job.id),
        video_url=f"{PREFIX}/video/{job.id}" if has_video and job.state == "completed" else None,
    )


def generate_params(body: GenerateRequest) -> dict[str, Any]:
    """A generate request as the parameters of a ``video_generation`` job, checked."""
    from persona.service.tasks.video import OPTION_KEYS, check_video_params

    unknown = sorted(set(body.options) - OPTION_KEYS)
    if unknown:
        raise InputError(
            f"unknown options {', '.join(unknown)}: use {', '.join(sorted(OPTION_KEYS))}"
        )
    fields = body.model_dump(include={"script", "audio", "transcript", "avatar", "voice", "lang"})
    params = {k: v for k, v in fields.items() if v is not None} | dict(body.options)
    check_video_params(params)
    return params


def check_references(session: Session, user: User, params: Mapping[str, Any]) -> None:
    """The avatar and files a job names must be the user's (else 404 now, not later)."""
    from persona.avatar.store import parse_ref
    from persona.service.ownership import require_owner

    for name in ("audio", "media"):
        if isinstance(params.get(name), str):
            _require_asset(session, user, params[name])
    avatar = params.get("avatar")
    if isinstance(avatar, str):
        saved = parse_ref(avatar)
        if saved is not None:
            require_owner(session, user, ResourceKind.AVATAR, saved[0])
        elif avatar.startswith("asset_"):
            _require_asset(session, user, avatar)


def _require_asset(session: Session, user: User, asset_id: str) -> None:
    asset = session.get(Asset, asset_id)
    if asset is None or asset.user_id != user.id:
        raise NotFoundError(f"no uploaded file {asset_id!r}")


def _submit(
    session: Session,
    settings: Settings,
    user: User,
    job_type: JobType,
    params: dict[str, Any],
    priority: str,
    callback_url: str | None,
    key: str | None,
) -> Job:
    check_references(session, user, params)
    job = jobs.create_job(
        session, user_id=user.id, job_type=job_type, params=params, priority=priority,
        idempotency_key=key, webhook_url=callback_url,
        allow_http_webhooks=settings.http_webhooks_allowed,
    )  # fmt: skip
    if job.state == JobState.SUBMITTED:
        job = jobs.enqueue(session, job.id)
    return job


def _dispatch(request: Request, made: Sequence[Job]) -> None:
    dispatch = getattr(request.app.state, "dispatch", None)
    if dispatch is not None:
        dispatch([(job.id, job.priority) for job in made if job.state == JobState.QUEUED])


def _accepted(job: Job) -> JobAccepted:
    return JobAccepted(job_id=job.id, state=str(job.state), status_url=status_url(job.id))


@router.post("/generate", status_code=202, response_model=JobAccepted)
def generate(
    body: GenerateRequest,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    idempotency_key: IdempotencyKey = None,
) -> JobAccepted:
    """Queue a talking-avatar video; follow it at ``status_url``."""
    params = generate_params(body)
    job = _submit(
        session, settings, user, JobType.VIDEO_GENERATION, params, body.priority,
        body.callback_url, idempotency_key,
    )  # fmt: skip
    session.commit()
    _dispatch(request, [job])
    return _accepted(job)


@router.post("/batch", status_code=202, response_model=BatchAccepted)
def batch(
    body: BatchRequest,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    idempotency_key: IdempotencyKey = None,
) -> BatchAccepted:
    """Queue several videos; one bad request refuses them all."""
    made = []
    for index, item in enumerate(body.requests):
        try:
            params = generate_params(item)
        except InputError as exc:
            raise InputError(f"request {index + 1}: {exc}") from None
        key = f"{idempotency_key}:{index}" if idempotency_key else None
        job = _submit(
            session, settings, user, JobType.VIDEO_GENERATION, params, item.priority,
            item.callback_url, key,
        )  # fmt: skip
        made.append(job)
    session.commit()
    _dispatch(request, made)
    return BatchAccepted(jobs=[_accepted(job) for job in made])


@router.post("/jobs", status_code=202, response_model=JobAccepted)
def create(
    body: JobCreate,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    idempotency_key: IdempotencyKey = None,
) -> JobAccepted:
    """Queue a job of any type (video_generation, voice_synthesis, subtitle_generation,
    music_generation, podcast_video, lipsync_animation) with its parameters."""
    job_type = parse_job_type(body.type)
    params = dict(body.params)
    if job_type == JobType.VIDEO_GENERATION:
        from persona.service.tasks.video import check_video_params

        check_video_params(params)
    job = _submit(
        session, settings, user, job_type, params, body.priority, body.callback_url,
        idempotency_key,
    )  # fmt: skip
    session.commit()
    _dispatch(request, [job])
    return _accepted(job)


@router.get("/status/{job_id}", response_model=JobPublic)
def status(job_id: str, session: SessionDep, user: CurrentUser) -> JobPublic:
    return job_public(jobs.get_job(session, job_id, user_id=user.id))


@router.get("/jobs", response_model=JobList)
def list_jobs(
    session: SessionDep,
    user: CurrentUser,
    state: str | None = None,
    type: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> JobList:
    """The user's jobs, newest first."""
    query = select(Job).where(Job.user_id == user.id)
    if state is not None:
        query = query.where(Job.state == parse_state(state))
    if type is not None:
        query = query.where(Job.type == parse_job_type(type))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Job.created_at.desc(), Job.id.desc()).limit(limit).offset(offset)
    )
    return JobList(items=[job_public(j) for j in rows], total=total, limit=limit, offset=offset)


@router.delete("/jobs/{job_id}", response_model=JobPublic)
def cancel_or_clean(
    job_id: str, session: SessionDep, database: DatabaseDep, storage: StorageDep,
    user: CurrentUser,
) -> JobPublic:  # fmt: skip
    """Cancel a job that has not finished (its worker stops at its next heartbeat); for
    a finished job, delete its outputs (the job's record stays)."""
    from persona.service.tasks import delete_outputs

    job = jobs.get_job(session, job_id, user_id=user.id)
    if job.state not in TERMINAL:
        from persona.service.worker import ended

        job = ended(session, jobs.cancel(session, job_id))
        session.commit()
        return job_public(job)
    session.commit()
    delete_outputs(database, storage, job_id)
    if job.result is not None and job.result.get("outputs"):
        job.result = {**job.result, "outputs": {}, "outputs_deleted": True}
        session.commit()
    return job_public(jobs.get_job(session, job_id, user_id=user.id))


def _output(session: Session, user: User, job_id: str, name: str | None) -> dict[str, Any]:
    job = jobs.get_job(session, job_id, user_id=user.id)
    if job.state != JobState.COMPLETED:
        raise NotFoundError(f"job {job_id} has no output yet: it is {job.state}")
    outputs: dict[str, dict[str, Any]] = (job.result or {}).get("outputs") or {}
    for key, value in outputs.items():
        wanted = key == name if name else str(value.get("content_type")).startswith("video/")
        if wanted:
            return {"name": key, **value}
    raise NotFoundError(f"job {job_id} has no output {name or 'video'!r}")


@router.get(
    "/video/{job_id}",
    response_class=Response,
    responses={200: {"content": {"video/mp4": {}}}, 206: {}, 416: {}},
)
def video(
    job_id: str,
    session: SessionDep,
    storage: StorageDep,
    user: CurrentUser,
    range: Annotated[str | None, Header()] = None,
) -> Response:
    """The job's video; ``Range: bytes=…`` for a part of it (206)."""
    return _stream_output(session, storage, user, job_id, None, range)


@router.get("/jobs/{job_id}/files/{name}", response_class=Response, responses={206: {}, 416: {}})
def output_file(
    job_id: str,
    name: str,
    session: SessionDep,
    storage: StorageDep,
    user: CurrentUser,
    range: Annotated[str | None, Header()] = None,
) -> Response:
    """One output of the job by name (``speech.wav``, ``captions.srt``, ``cues.json``)."""
    return _stream_output(session, storage, user, job_id, name, range)


def _stream_output(
    session: Session,
    storage: Storage,
    user: User,
    job_id: str,
    name: str | None,
    byte_range: str | None,
) -> Response:
    """Stream one output of ``user``'s job (the video when ``name`` is None); the
    database session is closed first, so a long download holds no connection."""
    found = _output(session, user, job_id, name)
    session.close()
    return stream_object(storage, found["key"], found["content_type"], byte_range, found["name"])
