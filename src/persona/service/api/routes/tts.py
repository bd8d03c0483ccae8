"""``POST /api/v1/tts``: a short text (at most 2,000 characters) spoken at once, returned as
audio (``wav``, ``mp3``, ``opus`` in Ogg, ``flac``, ``aac`` or raw 24 kHz ``pcm``).
Longer texts go through a ``voice_synthesis`` job."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool

from persona.service.api.deps import CurrentUser, SessionDep, SettingsDep
from persona.service.api.schemas_resources import TTSCreate
from persona.service.reviews import check_job_resources, check_speech
from persona.service.speech import check_text, check_voice, speech_file

router = APIRouter(prefix="/api/v1/tts", tags=["speech"])
AUDIO_RESPONSE = {200: {"content": {"audio/wav": {}, "audio/mpeg": {}}, "description": "audio"}}


@router.post("", response_class=Response, responses=AUDIO_RESPONSE)  # type: ignore[arg-type]
async def text_to_speech(
    body: TTSCreate, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """Speak ``text`` with ``voice`` (a catalog voice or one of your matched voices)."""
    text = check_text(body.text)
    check_speech(settings, text)  # nobody can review a synchronous request: held = refused
    voice = check_voice(session, user, body.voice)
    check_job_resources(session, settings, {"voice": voice})  # an unapproved public figure
    encoded = await run_in_threadpool(
        speech_file, text, voice, body.format, speed=body.speed, pitch_st=body.pitch
    )
    headers = {
        "X-Audio-Duration-Ms": str(encoded.duration_ms),
        "X-Sample-Rate": str(encoded.sample_rate),
        "X-Voice": voice,
    }
    return Response(encoded.data, media_type=encoded.content_type, headers=headers)
