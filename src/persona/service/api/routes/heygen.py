"""A HeyGen-compatible subset, so HeyGen clients can point at Persona Studio:

    POST /v2/video/generate      one video input → a ``video_generation`` job
    GET  /v1/video_status.get    ?video_id= → pending | processing | completed | failed
    GET  /v2/avatars             saved avatars and templates as avatars / talking_photos
    GET  /v2/voices              the catalog and your matched voices

Credentials as everywhere (``X-Api-Key: ps_…`` is what HeyGen clients send). Ids are
ours: ``template:NAME`` or ``av_…`` for avatars, catalog or matched voice ids, asset
ids from ``POST /api/v1/assets`` for recordings and background pictures
(``{"type": "image", "image_asset_id"}``). Errors have HeyGen's shape,
``{"error": {"code", "message", "param"}, "data": null}`` (v1: ``{"code", "message",
"data": null}``). Not supported: several scenes, image URLs, video backgrounds, audio URLs.
One extension: ``ai_label`` ({position, opacity, enabled}), the visible AI-generated label
as ``/api/v1/generate`` takes it; HeyGen has no such field, so its clients get the default.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import JSONResponse

from persona.errors import InputError
from persona.service.api.compat import shaped_errors
from persona.service.api.deps import CurrentUser, SessionDep, SettingsDep
from persona.service.api.routes.avatars import list_avatars
from persona.service.api.routes.voices import list_voices
from persona.service.api.schemas_heygen import VideoGenerate, VideoInput
from persona.service.jobs.states import JobState, JobType
from persona.service.speech import check_voice

CODES = {
    "unauthorized": (400112, "unauthorized"),
    "forbidden": (400562, "forbidden"),
    "not_found": (40031, "not_found"),
    "invalid_input": (400175, "invalid_parameter"),
}
STATUS = {
    JobState.SUBMITTED: "pending",
    JobState.HELD: "pending",
    JobState.QUEUED: "pending",
    JobState.COMPLETED: "completed",
    JobState.FAILED: "failed",
    JobState.CANCELLED: "failed",
}
"""HeyGen's status of each job state (the running states are ``processing``)."""


def _v2_error(status: int, code: str, message: str, param: str | None) -> JSONResponse:
    error: dict[str, Any] = {"code": CODES.get(code, (0, code))[1], "message": message}
    if param is not None:
        error["param"] = param
    return JSONResponse({"error": error, "data": None}, status_code=status)


def _v1_error(status: int, code: str, message: str, _param: str | None) -> JSONResponse:
    number = CODES.get(code, (500, code))[0]
    return JSONResponse({"code": number, "message": message, "data": None}, status_code=status)


router = APIRouter(tags=["heygen"], route_class=shaped_errors(_v2_error))
v1_router = APIRouter(tags=["heygen"], route_class=shaped_errors(_v1_error))


@router.post("/v2/video/generate")
def generate(
    body: VideoGenerate,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """A talking-avatar video from the first (and only) video input."""
    from persona.service.api.routes.jobs import _dispatch, _submit
    from persona.service.tasks.video import check_video_params

    if len(body.video_inputs) != 1:
        raise InputError("video_inputs: one scene per video is supported here")
    params = _scene_params(body.video_inputs[0], session, user)
    params["size"] = f"{body.dimension.width}x{body.dimension.height}"
    if body.caption:
        params["captions"] = ["srt"]
    if body.ai_label is not None:  # our extension; HeyGen clients leave the default label
        params["ai_label"] = body.ai_label.model_dump()
    check_video_params(params)
    job = _submit(
        session, settings, user, JobType.VIDEO_GENERATION, params, "medium",
        body.callback_url, None,
    )  # fmt: skip
    session.commit()
    _dispatch(request, [job])
    return {"error": None, "data": {"video_id": job.id}}


def _scene_params(scene: VideoInput, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    character, voice = scene.character, scene.voice
    avatar = character.avatar_id if character.type == "avatar" else character.talking_photo_id
    if not avatar:
        field = "avatar_id" if character.type == "avatar" else "talking_photo_id"
        raise InputError(f"character.{field} is required")
    params: dict[str, Any] = {"avatar": _avatar_ref(avatar)}
    if voice.type == "text":
        if not (voice.input_text or "").strip():
            raise InputError("voice.input_text is required for a text voice")
        params["script"] = voice.input_text
        if voice.voice_id:
            params["voice"] = check_voice(session, user, voice.voice_id)
        params["speed"] = voice.speed
        if voice.pitch:
            params["pitch"] = round(voice.pitch / 4, 2)
    elif voice.type == "audio":
        if not voice.audio_asset_id:
            raise InputError("voice.audio_asset_id is required (audio URLs are not fetched)")
        params["audio"] = voice.audio_asset_id
    else:
        raise InputError("voice.type 'silence' is not supported")
    background = scene.background
    if background is not None and background.type == "image" and background.image_asset_id:
        params["background"] = {"type": "image", "asset_id": background.image_asset_id}
    elif background is not None:
        if background.type != "color" or not background.value:
            raise InputError(
                "background: {'type': 'color', 'value': '#rrggbb'} or "
                "{'type': 'image', 'image_asset_id': 'asset_…'} (URLs are not fetched)"
            )
        params["background"] = background.value
    return params


def _avatar_ref(avatar: str) -> str:
    """``template:NAME`` (a known template) or a saved ``av_…``; else :class:`InputError`."""
    from persona.avatar.creator.templates import get_template
    from persona.avatar.store import parse_ref

    if avatar.startswith("template:"):
        get_template(avatar.removeprefix("template:"))
    elif parse_ref(avatar) is None:
        raise InputError(
            f"unknown avatar {avatar!r}: use template:NAME or a saved av_… (GET /v2/avatars)"
        )
    return avatar


@v1_router.get("/v1/video_status.get")
def video_status(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    video_id: Annotated[str, Query(min_length=1, max_length=64)],
) -> dict[str, Any]:
    from persona.service.api.routes.jobs import job_public
    from persona.service.jobs.repository import get_job

    job = job_public(get_job(session, video_id, user_id=user.id))
    state = JobState(job.state)
    base = str(request.base_url).rstrip("/")
    outputs = (job.result or {}).get("outputs") or {}
    captions = [n for n in outputs if n.endswith((".srt", ".vtt"))]
    data = {
        "id": job.id,
        "status": STATUS.get(state, "processing"),
        "video_url": base + job.video_url if job.video_url else None,
        "caption_url": f"{base}/api/v1/jobs/{job.id}/files/{captions[0]}" if captions else None,
        "thumbnail_url": None,
        "gif_url": None,
        "duration": (job.result or {}).get("info", {}).get("duration_s"),
        "error": None if job.error is None else {"code": "render_failed", "message": job.error},
        "callback_id": None,
        "created_at": int(job.created_at.timestamp()),
    }
    return {"code": 100, "data": data, "message": "Success"}


@router.get("/v2/avatars")
def avatars(user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """Templates and saved illustrated or video avatars as ``avatars``; saved photo
    avatars as ``talking_photos``."""
    listing = list_avatars(user, session)
    found: list[dict[str, Any]] = [
        {"avatar_id": t.id, "avatar_name": t.name, "gender": "unknown",
         "preview_image_url": None, "preview_video_url": None, "premium": False}
        for t in listing.templates
    ]  # fmt: skip
    photos: list[dict[str, Any]] = []
    for a in listing.avatars:
        if a.kind == "photo":
            photos.append(
                {"talking_photo_id": a.id, "talking_photo_name": a.name, "preview_image_url": None}
            )
        else:
            found.append(
                {"avatar_id": a.id, "avatar_name": a.name, "gender": "unknown",
                 "preview_image_url": None, "preview_video_url": None, "premium": False}
            )  # fmt: skip
    return {"error": None, "data": {"avatars": found, "talking_photos": photos}}


@router.get("/v2/voices")
def voices(user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    from persona.voice.espeak import LANGUAGES

    found = [
        {
            "voice_id": v.id,
            "name": v.name,
            "language": LANGUAGES.get(v.lang, (v.lang, v.lang))[1].split(" (")[0],
            "gender": v.gender,
            "preview_audio": None,
            "support_pause": True,
            "emotion_support": v.engine == "piper",
            "support_interactive_avatar": False,
        }
        for v in list_voices(user, session, None).voices
        if v.usable
    ]
    return {"error": None, "data": {"voices": found}}
