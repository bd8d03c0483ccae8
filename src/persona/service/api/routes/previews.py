"""Fast previews for the web studio's editors (nothing is queued; see
:mod:`persona.service.previews` and :mod:`persona.service.estimate`):

    GET  /api/v1/avatars/templates          every template with its spec, and every
                                            customization option (values, defaults)
    POST /api/v1/avatars/preview            {template, options, size} → PNG at rest
    GET  /api/v1/voices/{voice_id}/preview  a sample sentence in that voice, WAV
    POST /api/v1/script/estimate            {script, voice, speed} → duration and
                                            sentences with start, length, the emotion
                                            applied and a sentiment hint

A matched voice (``voice_…``) is only previewed or used for its owner: anyone else's,
like an unknown id, is 404. The voice preview accepts ``?access_token=`` (for
``<audio>``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from persona.errors import UnknownVoiceError
from persona.service.api.deps import CurrentUser, QueryUser, SessionDep
from persona.service.api.schemas_studio import (
    AvatarOption,
    AvatarPreviewRequest,
    AvatarTemplate,
    AvatarTemplates,
    ScriptEstimate,
    ScriptEstimateRequest,
    SentenceEstimate,
    SentimentHint,
)
from persona.service.db.models import ResourceKind, User
from persona.service.errors import NotFoundError
from persona.service.ownership import require_owner
from persona.voice.base import Voice

avatar_router = APIRouter(prefix="/api/v1/avatars", tags=["avatars"])
voice_router = APIRouter(prefix="/api/v1/voices", tags=["voices"])
script_router = APIRouter(prefix="/api/v1/script", tags=["script"])
PNG = {200: {"content": {"image/png": {}}, "description": "the avatar at rest"}}
WAV = {200: {"content": {"audio/wav": {}}, "description": "a short sample sentence"}}
PREVIEW_CACHE = "private, max-age=86400"


@avatar_router.get("/templates", response_model=AvatarTemplates)
def avatar_templates(user: CurrentUser) -> AvatarTemplates:
    """The illustrated avatars to start from and every option the creator has."""
    from persona.avatar.creator.templates import templates
    from persona.service.previews import RULES, avatar_options

    del user
    listed = [
        AvatarTemplate(
            name=t.name,
            id=f"template:{t.name}",
            description=t.description,
            spec=t.spec.to_dict(),
            preview_url=f"/api/v1/avatars/preview?template={t.name}",
        )
        for t in templates()
    ]
    options = [AvatarOption.model_validate(o) for o in avatar_options()]
    return AvatarTemplates(templates=listed, options=options, rules=RULES)


@avatar_router.get("/preview", response_class=Response, responses=PNG)  # type: ignore[arg-type]
async def avatar_template_preview(
    user: QueryUser,
    template: Annotated[str, Query(max_length=80)] = "maya",
    size: Annotated[int, Query(ge=64, le=1024, description="pixels, square")] = 384,
) -> Response:
    """A template as it is (for ``<img>``: ``?access_token=`` works)."""
    body = AvatarPreviewRequest(template=template, size=size)
    return await _preview(body)


@avatar_router.post("/preview", response_class=Response, responses=PNG)  # type: ignore[arg-type]
async def avatar_preview(body: AvatarPreviewRequest, user: CurrentUser) -> Response:
    """A template with ``options`` applied (dotted paths like ``"hair.style"`` or the
    spec's nested JSON), drawn at rest as a PNG; cached by the resulting spec."""
    return await _preview(body)


async def _preview(body: AvatarPreviewRequest) -> Response:
    from persona.service.previews import avatar_preview_png

    png = await run_in_threadpool(avatar_preview_png, body.template, body.options, body.size)
    return Response(png, media_type="image/png", headers={"Cache-Control": PREVIEW_CACHE})


@voice_router.get("/{voice_id}/preview", response_class=Response, responses=WAV)  # type: ignore[arg-type]
def voice_preview(voice_id: str, session: SessionDep, user: QueryUser) -> Response:
    """The voice saying a short sentence in its language (cached per voice)."""
    from persona.service.previews import voice_preview_wav

    voice = usable_voice(session, user, voice_id)
    session.close()
    wav = voice_preview_wav(voice)
    return Response(wav, media_type="audio/wav", headers={"Cache-Control": PREVIEW_CACHE})


def usable_voice(session: Session, user: User, voice_id: str) -> Voice:
    """A catalog voice, or one of the user's matched voices; 404 for anything else."""
    from persona.voice import get_voice
    from persona.voice.catalog import list_voices

    wanted = voice_id.strip().lower()
    if wanted not in {v.id for v in list_voices()}:
        require_owner(session, user, ResourceKind.VOICE, wanted)  # a matched voice
    try:
        return get_voice(wanted, None)
    except UnknownVoiceError:
        raise NotFoundError(f"no voice {voice_id!r}") from None


@script_router.post("/estimate", response_model=ScriptEstimate)
def script_estimate(
    body: ScriptEstimateRequest, session: SessionDep, user: CurrentUser
) -> ScriptEstimate:
    """How long the script runs, sentence by sentence (see docs/service.md for how)."""
    from persona.service.estimate import estimate_script

    if body.voice is not None:
        usable_voice(session, user, body.voice)
    session.close()
    found = estimate_script(
        body.script, body.voice, speed=body.speed, lang=body.lang, emotion=body.emotion
    )
    sentences = [
        SentenceEstimate(
            text=s.text,
            start_s=s.start_ms / 1000,
            duration_s=s.duration_ms / 1000,
            emotion=s.emotion,
            pause_after_s=s.pause_after_ms / 1000,
            hint=_hint(s.text, found.lang),
        )
        for s in found.sentences
    ]
    return ScriptEstimate(
        duration_s=found.duration_ms / 1000,
        words=found.words,
        sentences=sentences,
        method=found.method,  # type: ignore[arg-type]
        voice=found.voice,
        lang=found.lang,
    )


def _hint(text: str, lang: str) -> SentimentHint | None:
    """The sentence's sentiment hint (English only), separate from the applied emotion."""
    from persona.script.sentiment import sentiment_hint

    found = sentiment_hint(text, lang)
    return SentimentHint(emotion=found.emotion, score=found.score) if found else None
