"""``/api/v1/avatars``: the user's saved avatars, and training new ones.

``POST /api/v1/avatars/train`` takes one of:

* multipart ``photo`` (JPEG, PNG, WebP, BMP, TIFF): graded, then saved at once; a photo
  that fails its quality report is refused with ``422`` and the report;
* multipart ``video`` (MP4, MOV, WebM, MKV; 15–120 s of the person talking): checked
  at once (container, length, sound: ``422`` when unusable), stored, and trained by an
  ``avatar_training`` job: ``202 {"avatar_id", "job_id", "state", "status_url"}``. The
  avatar id is reserved now; the avatar is listed (and readable) once the job completed.
  An optional ``callback_url`` field gets the job's webhook;
* JSON ``{"template": "maya"}``: an illustrated avatar.

Optional form fields: ``name``, ``background`` (photos: ``#rrggbb``, ``blur``),
``transcript`` and ``callback_url`` (videos), and consent: ``consent_id`` of an avatar
consent, or ``consent_subject`` + ``consent_statement`` + ``consent_purpose`` to record
one.

Avatars live in the avatar store of the data directory; who owns which is recorded in
``owned_resources``: another user's avatar is not found (``404``).
"""

from __future__ import annotations

import contextlib
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from persona.avatar.store import AvatarRecord, AvatarStore, new_avatar_id
from persona.errors import ConsentError, InputError, NoFaceError
from persona.service import audit
from persona.service.api.deps import CurrentUser, SessionDep, SettingsDep, StorageDep
from persona.service.api.routes.jobs import _dispatch, status_url
from persona.service.api.routes.reviews import flag_avatar
from persona.service.api.schemas_resources import (
    AvatarCreated,
    AvatarDetail,
    AvatarList,
    AvatarPublic,
    AvatarTemplateCreate,
    AvatarTrainingAccepted,
    AvatarVersionPublic,
    TemplatePublic,
)
from persona.service.consents import consent_revoked
from persona.service.db.models import Job, ResourceKind, User
from persona.service.jobs import repository as jobs
from persona.service.jobs.states import JobType
from persona.service.ownership import forget_owner, owned_ids, record_owner, require_owner
from persona.service.reviews import refuse_figure
from persona.service.settings import Settings
from persona.service.staging import staged_upload, upload_stem
from persona.service.storage.base import Storage

router = APIRouter(prefix="/api/v1/avatars", tags=["avatars"])
AVATAR = ResourceKind.AVATAR
PHOTO_MAX_BYTES = 25 << 20
FORM_FIELDS = ("name", "background", "transcript", "consent_id", "callback_url")
CONSENT_FIELDS = ("consent_subject", "consent_statement", "consent_purpose")
TRAIN_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "photo": {"type": "string", "format": "binary"},
                        "video": {"type": "string", "format": "binary"},
                        **{f: {"type": "string"} for f in FORM_FIELDS + CONSENT_FIELDS},
                    },
                }
            },
            "application/json": {"schema": AvatarTemplateCreate.model_json_schema()},
        },
    }
}


def avatar_store() -> AvatarStore:
    """The store the renderer reads too (``<data dir>/avatars``)."""
    return AvatarStore()


def public(record: AvatarRecord) -> AvatarPublic:
    return AvatarPublic(
        id=record.id,
        name=record.name,
        kind=record.kind,  # type: ignore[arg-type]
        version=record.latest.version,
        created_at=record.created_at,
        updated_at=record.latest.created_at,
        consent_id=record.consent_id,
        consent_revoked=consent_revoked(record.consent_id),
    )


@router.post(
    "/train",
    status_code=201,
    response_model=AvatarCreated,
    openapi_extra=TRAIN_BODY,
    responses={
        202: {"model": AvatarTrainingAccepted, "description": "a video: training was queued"},
        422: {"description": "unusable input; a refused photo comes with its report"},
    },
)
async def train_avatar(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    storage: StorageDep,
    settings: SettingsDep,
) -> Response | AvatarCreated:
    """Make a saved avatar from a photo or a template (201), or queue the training of
    a video avatar (202, see the module doc)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        body = await _template_body(request)
        refuse_figure(settings, AVATAR, body.name or body.template)
        created = await run_in_threadpool(_from_template, session, user, body)
        return flag_avatar(session, settings, user, created)
    if kind != "multipart/form-data":
        raise InputError(
            "send multipart/form-data with a photo or video file, "
            'or application/json {"template": NAME}'
        )
    async with request.form() as form:
        made = await run_in_threadpool(
            _from_upload, form, request, session, storage, settings, user
        )
    return flag_avatar(session, settings, user, made)


async def _template_body(request: Request) -> AvatarTemplateCreate:
    try:
        return AvatarTemplateCreate.model_validate_json(await request.body())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise InputError(f"bad avatar request: {where}: {first['msg']}") from None


def _from_template(session: Session, user: User, body: AvatarTemplateCreate) -> AvatarCreated:
    from persona.avatar.library import create_creator_avatar
    from persona.service.previews import preview_spec

    template = body.template.removeprefix("template:")
    spec = preview_spec(template, body.options) if body.options else None
    record = create_creator_avatar(template=template, spec=spec, name=body.name, owner=user.id)
    _own(session, user, record)
    return AvatarCreated(avatar=public(record), note="illustrated")


def _from_upload(
    form: FormData,
    request: Request,
    session: Session,
    storage: Storage,
    settings: Settings,
    user: User,
) -> Response | AvatarCreated:
    files = {k: v for k, v in form.multi_items() if isinstance(v, UploadFile)}
    given = [k for k in ("photo", "video") if k in files]
    if len(given) != 1 or set(files) - {"photo", "video"}:
        raise InputError("send exactly one file, as the form field 'photo' or 'video'")
    fields = {k: str(v).strip() for k, v in form.multi_items() if not isinstance(v, UploadFile)}
    name = fields.get("name") or upload_stem(files[given[0]], given[0])
    refuse_figure(settings, AVATAR, name)  # policy block: 422 before any work
    consent_id = _consent(fields, user, session)
    if given[0] == "photo":
        return _from_photo(files["photo"], fields, consent_id, session, storage, settings, user)
    job = _from_video(files["video"], fields, consent_id, session, storage, settings, user)
    _dispatch(request, [job])
    accepted = AvatarTrainingAccepted(
        avatar_id=job.params["avatar_id"],
        job_id=job.id,
        state=str(job.state),
        status_url=status_url(job.id),
    )
    return JSONResponse(accepted.model_dump(), status_code=202)


def _consent(fields: dict[str, str], user: User, session: Session) -> str | None:
    """The consent the avatar is made under: one of the user's own, a new one (then
    theirs), or none. Another user's consent record reads as not found."""
    from persona.consent import create_consent, require_consent

    parts = [fields.get(name, "") for name in CONSENT_FIELDS]
    if fields.get("consent_id"):
        if any(parts):
            raise ConsentError("give either consent_id or the consent_* fields, not both")
        require_owner(session, user, ResourceKind.CONSENT, fields["consent_id"], to_use=True)
        return require_consent(fields["consent_id"], "avatar").id
    if not any(parts):
        return None
    record = create_consent("avatar", parts[0], parts[1], parts[2], uploader=user.email)
    record_owner(session, user, ResourceKind.CONSENT, record.id)
    audit.record(session, user, "consent.create", ("consent", record.id), kind="avatar")
    return record.id


def _from_photo(
    upload: UploadFile,
    fields: dict[str, str],
    consent_id: str | None,
    session: Session,
    storage: Storage,
    settings: Settings,
    user: User,
) -> Response | AvatarCreated:
    from persona.avatar.library import PhotoRejectedError, create_photo_avatar
    from persona.avatar.quality import check_photo_file

    limit = min(settings.upload_max_bytes, PHOTO_MAX_BYTES)
    name = fields.get("name") or upload_stem(upload, "photo")
    try:
        with staged_upload(
            session,
            storage,
            user,
            upload,
            kind="avatar_photo",
            media="image",
            max_bytes=limit,
        ) as (asset, path):
            try:
                record, report = create_photo_avatar(
                    path,
                    name,
                    background=fields.get("background") or None,
                    consent_id=consent_id,
                    owner=user.id,
                    store=avatar_store(),
                )
            except NoFaceError as exc:
                raise PhotoRejectedError(str(exc), check_photo_file(path)) from exc
    except PhotoRejectedError as exc:
        body = {"detail": str(exc), "code": "invalid_input", "report": exc.report.as_dict()}
        return JSONResponse(body, status_code=422)
    _own(session, user, record)
    note = f"quality {report.status}"
    return AvatarCreated(
        avatar=public(record), report=report.as_dict(), asset_id=asset.id, note=note
    )


def _from_video(
    upload: UploadFile,
    fields: dict[str, str],
    consent_id: str | None,
    session: Session,
    storage: Storage,
    settings: Settings,
    user: User,
) -> Job:
    """Check and store the clip, reserve the avatar's id and queue its training."""
    from persona.avatar.video.ingest import open_clip

    name = fields.get("name") or upload_stem(upload, "video")
    with staged_upload(
        session,
        storage,
        user,
        upload,
        kind="avatar_video",
        media="video",
        max_bytes=settings.upload_max_bytes,
    ) as (asset, path):
        open_clip(path)  # the quick checks: container, length, sound
        avatar_id = new_avatar_id()
        params = {
            "video": asset.id,
            "avatar_id": avatar_id,
            "name": name,
            "transcript": fields.get("transcript") or None,
            "consent_id": consent_id,
        }
        job = jobs.create_job(
            session, user_id=user.id, job_type=JobType.AVATAR_TRAINING, params=params,
            webhook_url=fields.get("callback_url") or None,
            allow_http_webhooks=settings.http_webhooks_allowed,
        )  # fmt: skip
        job = jobs.enqueue(session, job.id)
        avatar = ("avatar", avatar_id)
        audit.record(session, user, "avatar.create", avatar, kind="video", job=job.id)
    session.commit()
    return job


def _own(session: Session, user: User, record: AvatarRecord) -> None:
    """Record the owner and commit; a failure removes the avatar again."""
    try:
        record_owner(session, user, AVATAR, record.id)
        audit.record(session, user, "avatar.create", ("avatar", record.id), kind=record.kind)
        session.commit()
    except BaseException:
        session.rollback()
        with contextlib.suppress(Exception):
            avatar_store().delete(record.id)
        raise


@router.get("", response_model=AvatarList)
def list_avatars(user: CurrentUser, session: SessionDep) -> AvatarList:
    """Your saved avatars (oldest first) and the ready illustrated templates."""
    from persona.avatar.creator.templates import templates
    from persona.avatar.store import AvatarNotFoundError

    store, saved = avatar_store(), []
    for avatar_id in owned_ids(session, user, AVATAR):
        with contextlib.suppress(AvatarNotFoundError):
            saved.append(public(store.get(avatar_id)))
    ready = [
        TemplatePublic(id=f"template:{t.name}", name=t.spec.name, description=t.description)
        for t in templates()
    ]
    return AvatarList(avatars=saved, templates=ready)


@router.get("/{avatar_id}", response_model=AvatarDetail)
def read_avatar(avatar_id: str, user: CurrentUser, session: SessionDep) -> AvatarDetail:
    require_owner(session, user, AVATAR, avatar_id)
    record = avatar_store().get(avatar_id)
    versions = [
        AvatarVersionPublic(version=v.version, created_at=v.created_at, note=v.note)
        for v in record.versions
    ]
    return AvatarDetail(
        **public(record).model_dump(),
        versions=versions,
        report=record.meta.get("report"),
        video=record.meta.get("video"),
    )


@router.delete("/{avatar_id}", status_code=204)
def delete_avatar(avatar_id: str, user: CurrentUser, session: SessionDep) -> Response:
    """Delete the avatar and its files (its upload stays among your files)."""
    from persona.avatar.store import AvatarNotFoundError

    require_owner(session, user, AVATAR, avatar_id)
    with contextlib.suppress(AvatarNotFoundError):
        avatar_store().delete(avatar_id)
    forget_owner(session, AVATAR, avatar_id)
    audit.record(session, user, "avatar.delete", ("avatar", avatar_id))
    session.commit()
    return Response(status_code=204)
