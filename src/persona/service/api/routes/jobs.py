"""``/api/v1``: submit jobs, follow them, fetch what they made, cancel them.

    POST   /api/v1/generate               a video_generation job → 202 {job_id, status_url}
    POST   /api/v1/batch                  several generate requests at once (all or none)
    POST   /api/v1/jobs                   any job type with its parameters
    GET    /api/v1/status/{job_id}        state, progress %, timestamps, error, result
    GET    /api/v1/video/{job_id}         the video (HTTP ranges: 206, 416)
    GET    /api/v1/jobs/{job_id}/files/{name}   any output of the job (WAV, SRT, JSON, ...)
    GET    /api/v1/jobs                   the user's jobs: ?state=&type=&project_id=&limit=&offset=
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
from persona.service import audit, reviews
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
from persona.service.errors import NotFoundError, QuotaExceededError
from persona.service.jobs import repository as jobs
from persona.service.jobs.states import TERMINAL, JobState, JobType, parse_job_type, parse_state
from persona.service.settings import Settings
from persona.service.storage.base import Storage
from persona.service.titles import job_title

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
        title=job_title(job),
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
        thumbnail_url=thumbnail_url(job),
    )


def thumbnail_url(job: Job) -> str | None:
    from persona.service.thumbnails import THUMBNAIL_NAME

    outputs = (job.result or {}).get("outputs") or {}
    done = job.state == JobState.COMPLETED and THUMBNAIL_NAME in outputs
    return f"{PREFIX}/jobs/{job.id}/thumbnail" if done else None


def generate_params(body: GenerateRequest) -> dict[str, Any]:
    """A generate request as the parameters of a ``video_generation`` job, checked."""
    from persona.service.tasks.video import OPTION_KEYS, check_video_params

    unknown = sorted(set(body.options) - OPTION_KEYS)
    if unknown:
        raise InputError(
            f"unknown options {', '.join(unknown)}: use {', '.join(sorted(OPTION_KEYS))}"
        )
    fields = body.model_dump(
        include={"script", "audio", "transcript", "avatar", "voice", "lang", "project_id",
                 "preview_seconds", "ai_label"}
    )  # fmt: skip
    params = {k: v for k, v in fields.items() if v is not None} | dict(body.options)
    check_video_params(params)
    return params


def check_references(session: Session, user: User, params: Mapping[str, Any]) -> None:
    """The avatar, matched voices and files a job names must be the user's (else 404,
    or 422 as an unknown voice, now rather than later)."""
    from persona.avatar.store import parse_ref
    from persona.service.consents import check_job_consents
    from persona.service.ownership import require_owner

    for name in ("audio", "media"):
        if isinstance(params.get(name), str):
            _require_asset(session, user, params[name])
    avatar = params.get("avatar")
    if isinstance(avatar, str):
        saved = parse_ref(avatar)
        if saved is not None:
            require_owner(session, user, ResourceKind.AVATAR, saved[0], to_use=True)
        elif avatar.startswith("asset_"):
            _require_asset(session, user, avatar)
    _require_picture(session, user, params)
    for voice in _voices_named(params):
        _require_voice(session, user, voice)
    check_job_consents(params)  # a revoked consent's avatar or voice: 422 now
    if params.get("project_id") is not None:
        from persona.service.api.routes.projects import get_project

        get_project(session, user, str(params["project_id"]))


def _voices_named(params: Mapping[str, Any]) -> list[str]:
    """The voices a job names: its ``voice``, its podcast scene's speakers' voices and
    the ``<voice name="…">`` elements of an SSML script."""
    named = [params.get("voice"), *_ssml_voices(params.get("script")),
             *_ssml_voices(params.get("text"))]  # fmt: skip
    scene = params.get("scene")
    speakers = scene.get("speakers") if isinstance(scene, Mapping) else None
    if isinstance(speakers, Mapping):
        speakers = list(speakers.values())
    if isinstance(speakers, list):
        named += [e.get("voice") for e in speakers if isinstance(e, Mapping)]
    return [v for v in named if isinstance(v, str) and v.strip()]


def _ssml_voices(text: object) -> list[str | None]:
    """The voices an SSML script switches to (none for a script that does not parse:
    its job fails on that when it runs)."""
    from persona.errors import PersonaError
    from persona.script import parse_script

    if not isinstance(text, str) or "<voice" not in text.lower():
        return []
    try:
        return [segment.voice for segment in parse_script(text).segments]
    except PersonaError:
        return []


def _require_voice(session: Session, user: User, voice: str) -> None:
    """A matched voice must be the user's: another user's reads as an unknown voice."""
    from persona.service.speech import check_voice
    from persona.voice.store import find_saved

    if find_saved(voice.strip().lower()) is not None:
        check_voice(session, user, voice)


def check_quota_left(session: Session, user: User) -> None:
    """A job's outputs count against the quota but cannot be measured before it runs:
    a user who has used all of it queues nothing more (413) until they delete files."""
    from persona.service.storage.usage import format_bytes, remaining_bytes

    if remaining_bytes(session, user) <= 0:
        raise QuotaExceededError(
            f"your files use all of your storage quota of {format_bytes(user.quota_bytes)}: "
            "delete some (DELETE /api/v1/jobs/{id} removes a finished job's outputs) first"
        )


def _require_asset(session: Session, user: User, asset_id: str) -> Asset:
    asset = session.get(Asset, asset_id)
    if asset is None or asset.user_id != user.id:
        raise NotFoundError(f"no uploaded file {asset_id!r}")
    return asset


def _require_picture(session: Session, user: User, params: Mapping[str, Any]) -> None:
    """A picture background must be the user's (else 404) and an image (else 422)."""
    from persona.service.tasks.video import background_asset

    picture = background_asset(params)
    if picture is None:
        return
    asset = _require_asset(session, user, picture)
    if asset.kind != "image" or not asset.content_type.startswith("image/"):
        raise InputError(f"background: {picture} is a {asset.kind} file, not a picture")


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
    reviews.check_job_resources(session, settings, params)  # unapproved public figure: 422
    check_quota_left(session, user)
    screening = reviews.screen_params(settings, params)  # blocked: ModerationError (422)
    job = jobs.create_job(
        session, user_id=user.id, job_type=job_type, params=params, priority=priority,
        idempotency_key=key, webhook_url=callback_url,
        allow_http_webhooks=settings.http_webhooks_allowed,
    )  # fmt: skip
    job = reviews.admit(session, job, screening)  # queued, or held for review
    audit.record(session, user, "job.create", ("job", job.id), type=str(job_type))
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
    priority = body.priority
    if body.preview_seconds is not None and priority != "critical":
        priority = "high"  # a quick preview is waited for
    job = _submit(
        session, settings, user, JobType.VIDEO_GENERATION, params, priority,
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
    if job_type == JobType.AVATAR_TRAINING:
        raise InputError("avatar training starts with an upload: POST /api/v1/avatars/train")
    params = dict(body.params)
    if job_type == JobType.VIDEO_GENERATION:
        from persona.service.tasks.video import check_video_params

        check_video_params(params)
    elif job_type == JobType.PODCAST_VIDEO:
        from persona.watermark.requests import marks_from_request

        marks_from_request(params.get("ai_label"))  # a bad label: 422 now, not a failed job
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
    project_id: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> JobList:
    """The user's jobs, newest first."""
    query = select(Job).where(Job.user_id == user.id)
    if state is not None:
        query = query.where(Job.state == parse_state(state))
    if type is not None:
        query = query.where(Job.type == parse_job_type(type))
    if project_id is not None:
        query = query.where(Job.params["project_id"].as_string() == project_id)
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
    """Cancel a job that has not finished (its worker stops within about a second of
    its next progress report and removes what it stored); for a finished job, delete
    its outputs (the job's record stays)."""
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
