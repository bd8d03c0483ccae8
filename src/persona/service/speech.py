"""Short, synchronous speech for the API (``/tts``, OpenAI's ``/v1/audio/speech``) and
the voice checks every route that names a voice shares.

Catalog voices (:func:`persona.voice.list_voices`) are everyone's; a voice matched to a
sample belongs to the user who made it (recorded in ``owned_resources``): another user's
matched voice is reported as unknown, like a voice that does not exist.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from persona.errors import InputError, UnknownVoiceError
from persona.media.audio_encode import EncodedAudio, encode_audio
from persona.service.db.models import ResourceKind, User
from persona.service.errors import NotFoundError
from persona.types import Prosody, Speech

MAX_TEXT_CHARS = 2000
"""The longest text spoken synchronously; longer texts go through a job."""
MIN_SPEED, MAX_SPEED = 0.5, 2.0
MAX_PITCH_ST = 12.0


def check_text(text: str, *, max_chars: int = MAX_TEXT_CHARS) -> str:
    """``text`` stripped; :class:`InputError` when empty or longer than ``max_chars``."""
    clean = text.strip()
    if not clean:
        raise InputError("the text is empty: give something to say")
    if len(clean) > max_chars:
        raise InputError(
            f"the text has {len(clean)} characters; at most {max_chars} are spoken at once "
            "(submit a job for longer texts)"
        )
    return clean


def check_voice(session: Session, user: User, voice_id: str) -> str:
    """The canonical id of a voice ``user`` may speak with: a catalog voice, or a
    matched voice they own. :class:`UnknownVoiceError` otherwise."""
    from persona.service.ownership import require_owner
    from persona.voice.catalog import list_voices
    from persona.voice.store import find_saved

    wanted = voice_id.strip().lower()
    if any(v.id == wanted for v in list_voices()):
        return wanted
    unknown = UnknownVoiceError(
        f"unknown voice {voice_id!r}: GET /api/v1/voices lists the voices you can use"
    )
    if find_saved(wanted) is None:
        raise unknown
    try:
        require_owner(session, user, ResourceKind.VOICE, wanted, to_use=True)
    except NotFoundError:
        raise unknown from None
    return wanted


def speak_text(text: str, voice_id: str, *, speed: float = 1.0, pitch_st: float = 0.0) -> Speech:
    """``text`` (plain or SSML) spoken by ``voice_id`` in the voice's own language."""
    from persona.script import parse_script
    from persona.voice.catalog import get_voice
    from persona.voice.synth import synthesize_script

    if not MIN_SPEED <= speed <= MAX_SPEED:
        raise InputError(f"speed must be between {MIN_SPEED} and {MAX_SPEED}, not {speed}")
    if abs(pitch_st) > MAX_PITCH_ST:
        raise InputError(f"pitch is at most ±{MAX_PITCH_ST:g} semitones, not {pitch_st}")
    voice = get_voice(voice_id, None)
    script = parse_script(text, lang=voice.lang)
    return synthesize_script(script, voice, speed=speed, prosody=Prosody(pitch_st=pitch_st))


def speech_file(
    text: str, voice_id: str, audio_format: str, *, speed: float = 1.0, pitch_st: float = 0.0
) -> EncodedAudio:
    """:func:`speak_text`, encoded as ``audio_format`` (see
    :mod:`persona.media.audio_encode`)."""
    from persona.media.audio_encode import check_format

    check_format(audio_format)  # before any speech is made
    speech = speak_text(text, voice_id, speed=speed, pitch_st=pitch_st)
    if len(speech.audio) == 0:
        raise InputError("the text has nothing to speak (only pauses or marks)")
    return encode_audio(speech.audio, speech.sample_rate, audio_format)
