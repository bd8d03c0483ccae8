"""OpenAI's text-to-speech endpoint, ``POST /v1/audio/speech``, so OpenAI clients (the
official SDKs with ``base_url=http://HOST/v1`` and a Persona Studio API key) can speak
with Persona Studio's voices.

* ``input``: up to 4,096 characters (OpenAI's limit); spoken synchronously.
* ``voice``: an OpenAI voice name, mapped by :data:`OPENAI_VOICES` onto a catalog voice,
  any catalog voice id, one of your matched voices, or ``{"id": …}`` with one of those.
* ``model``: accepted and ignored (``tts-1``, ``gpt-4o-mini-tts``, …: there is one engine).
* ``response_format``: ``mp3`` (default), ``opus`` (in Ogg), ``aac`` (ADTS), ``flac``,
  ``wav``, ``pcm`` (raw 24 kHz 16-bit little-endian mono), as OpenAI returns them.
* ``speed``: OpenAI's range 0.25–4.0 is accepted (outside it: 400); the engine speaks
  0.5–2.0, so values beyond are clamped to that.
* ``instructions``: ignored. ``stream_format`` ``sse`` is refused; ``audio`` is the default.

Errors have OpenAI's shape: ``{"error": {"message", "type", "param", "code"}}``.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

from persona.errors import InputError
from persona.service.api.compat import shaped_errors
from persona.service.api.deps import CurrentUser, SessionDep, SettingsDep
from persona.service.reviews import check_job_resources, check_speech
from persona.service.speech import MAX_SPEED, MIN_SPEED, check_text, check_voice, speech_file

MAX_INPUT_CHARS = 4096
OPENAI_MIN_SPEED, OPENAI_MAX_SPEED = 0.25, 4.0
OPENAI_VOICES: dict[str, str] = {
    # OpenAI voice → catalog voice of a like gender and register
    "alloy": "young_adult_female_1",
    "ash": "young_adult_male_2",
    "ballad": "adult_male_3",
    "coral": "adult_female_2",
    "echo": "joe",
    "fable": "young_adult_male_1",
    "onyx": "adult_male_2",
    "nova": "young_adult_female_2",
    "sage": "adult_female_1",
    "shimmer": "adult_female_3",
    "verse": "adult_male_1",
    "marin": "adult_female_1",
    "cedar": "mature_male_1",
}
ERROR_TYPES = {
    401: ("invalid_request_error", "invalid_api_key"),
    404: ("invalid_request_error", "not_found"),
    413: ("invalid_request_error", "too_large"),
}


def _openai_error(status: int, code: str, message: str, param: str | None) -> JSONResponse:
    kind, openai_code = ERROR_TYPES.get(status, ("invalid_request_error", code))
    if status >= 500:
        kind = "server_error"
    error = {"message": message, "type": kind, "param": param, "code": openai_code}
    return JSONResponse({"error": error}, status_code=status)


router = APIRouter(prefix="/v1", tags=["openai"], route_class=shaped_errors(_openai_error))


class VoiceRef(BaseModel):
    id: str = Field(min_length=1, max_length=64)


class SpeechCreate(BaseModel):
    model: str = Field(min_length=1, max_length=100)
    input: str = Field(max_length=MAX_INPUT_CHARS)
    voice: str | VoiceRef
    response_format: Literal["mp3", "opus", "aac", "flac", "wav", "pcm"] = "mp3"
    speed: float = Field(default=1.0, ge=OPENAI_MIN_SPEED, le=OPENAI_MAX_SPEED)
    instructions: str | None = Field(default=None, max_length=MAX_INPUT_CHARS)
    stream_format: Literal["sse", "audio"] = "audio"


def catalog_voice(voice: str | VoiceRef) -> str:
    """Our voice id for an OpenAI voice name, or the id itself."""
    name = (voice.id if isinstance(voice, VoiceRef) else voice).strip().lower()
    return OPENAI_VOICES.get(name, name)


@router.post(
    "/audio/speech",
    response_class=Response,
    responses={200: {"content": {"audio/mpeg": {}, "audio/wav": {}}}},
)
async def create_speech(
    body: SpeechCreate, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """Speak ``input`` and return the audio file."""
    if body.stream_format == "sse":
        raise InputError("stream_format 'sse' is not supported: use 'audio'")
    text = check_text(body.input, max_chars=MAX_INPUT_CHARS)
    check_speech(settings, text)  # moderation: 422 content_blocked (review acts as block)
    voice = check_voice(session, user, catalog_voice(body.voice))
    check_job_resources(session, settings, {"voice": voice})  # an unapproved public figure
    speed = min(max(body.speed, MIN_SPEED), MAX_SPEED)
    encoded = await run_in_threadpool(speech_file, text, voice, body.response_format, speed=speed)
    headers: dict[str, Any] = {"X-Voice": voice, "X-Audio-Duration-Ms": str(encoded.duration_ms)}
    return Response(encoded.data, media_type=encoded.content_type, headers=headers)
