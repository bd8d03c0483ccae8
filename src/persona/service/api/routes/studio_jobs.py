"""What the web studio adds to jobs:

    GET  /api/v1/jobs/{job_id}/thumbnail   a JPEG still of the finished video (320 px
                                           wide; made by the worker when the video is)
    POST /api/v1/jobs/{job_id}/rerender    202: a new job of the same type with the same
                                           parameters and priority

The thumbnail accepts ``?access_token=`` besides the headers, so an ``<img>`` can show
it. A job without a thumbnail (not finished, not a video, or made before thumbnails
existed) is 404. Another user's job is not found either.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from persona.errors import InputError
from persona.service.api.deps import CurrentUser, QueryUser, SessionDep, SettingsDep, StorageDep
from persona.service.api.routes.jobs import PREFIX, _accepted, _dispatch, _submit
from persona.service.api.schemas import JobAccepted
from persona.service.errors import NotFoundError
from persona.service.jobs import repository as jobs
from persona.service.jobs.states import JobState, JobType
from persona.service.storage.base import read_bytes
from persona.service.thumbnails import THUMBNAIL_NAME

router = APIRouter(prefix=PREFIX, tags=["jobs"])
JPEG = {200: {"content": {"image/jpeg": {}}, "description": "the thumbnail"}}


@router.get("/jobs/{job_id}/thumbnail", response_class=Response, responses=JPEG)  # type: ignore[arg-type]
def thumbnail(job_id: str, session: SessionDep, storage: StorageDep, user: QueryUser) -> Response:
    """A still of the finished video; ``?access_token=`` works too (for ``<img>``)."""
    job = jobs.get_job(session, job_id, user_id=user.id)
    outputs = (job.result or {}).get("outputs") or {}
    found = outputs.get(THUMBNAIL_NAME)
    if job.state != JobState.COMPLETED or not isinstance(found, dict):
        raise NotFoundError(f"job {job_id} has no thumbnail")
    session.close()
    data = read_bytes(storage, str(found["key"]))
    headers = {"Cache-Control": "private, max-age=86400", "ETag": f'"{found.get("sha256", "")}"'}
    return Response(data, media_type="image/jpeg", headers=headers)


@router.post("/jobs/{job_id}/rerender", status_code=202, response_model=JobAccepted)
def rerender(
    job_id: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> JobAccepted:
    """Queue the job again as a new job: same type, parameters, priority and webhook.
    The avatar, files and project it names must still be yours; an avatar training is
    not rerendered (422: its avatar id belongs to the first job)."""
    old = jobs.get_job(session, job_id, user_id=user.id)
    if old.type == JobType.AVATAR_TRAINING:  # its avatar id is reserved once, for one job
        raise InputError("an avatar training is not rerendered: upload the video again")
    job = _submit(
        session, settings, user, old.type, dict(old.params), old.priority_level.label,
        old.webhook_url, None,
    )  # fmt: skip
    session.commit()
    _dispatch(request, [job])
    return _accepted(job)
