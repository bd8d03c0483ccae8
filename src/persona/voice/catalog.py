"""The voices a user can choose, and which one speaks a language by default.

* ``joe``: Piper ``en_US-joe-medium``, a natural US English male voice (the English
  default);
* ``espeak-<lang>``: one eSpeak NG voice per language in
  :data:`persona.voice.espeak.LANGUAGES` (the default for every language but English).

A voice speaks one language. Asking for a voice together with a different language is
an error (the script would be normalized for one language and read in another); leave
the language out (``lang=None``) to take the voice's own.
"""

from __future__ import annotations

from functools import cache

from persona.errors import UnknownLanguageError, UnknownVoiceError
from persona.voice.base import Voice
from persona.voice.espeak import LANGUAGES

_ALIASES = {
    "cmn": "zh",
    "zh-cn": "zh",
    "zh-hans": "zh",
    "iw": "he",
    "in": "id",
}
_DEFAULT_VOICES = {"en": "joe"}


@cache
def list_voices() -> tuple[Voice, ...]:
    """Every voice, the neural ones first, then eSpeak NG by language code."""
    joe = Voice(
        id="joe",
        name="Joe",
        engine="piper",
        lang="en",
        gender="male",
        description="US English, natural neural voice (Piper en_US-joe-medium)",
        model="en_US-joe-medium",
    )
    robotic = tuple(
        Voice(
            id=f"espeak-{code}",
            name=f"eSpeak {english}",
            engine="espeak",
            lang=code,
            gender="male",
            description=f"{english}, clear but robotic formant voice (eSpeak NG)",
            model=espeak_name,
        )
        for code, (espeak_name, english) in sorted(LANGUAGES.items())
    )
    return (joe, *robotic)


def supported_languages() -> tuple[str, ...]:
    """Language codes some voice speaks, sorted."""
    return tuple(sorted({v.lang for v in list_voices()}))


def canonical_language(lang: str) -> str:
    """The catalog's code for ``lang`` ("en-US" → "en", "zh-CN" → "zh").

    Raises :class:`~persona.errors.UnknownLanguageError` listing the supported codes.
    """
    code = lang.strip().lower().replace("_", "-")
    code = _ALIASES.get(code, code)
    supported = supported_languages()
    if code in supported:
        return code
    primary = _ALIASES.get(code.split("-")[0], code.split("-")[0])
    if primary in supported:
        return primary
    raise UnknownLanguageError(
        f"unknown language {lang!r}: supported languages are {', '.join(supported)}"
    )


def voices_for(lang: str) -> tuple[Voice, ...]:
    """The voices that speak ``lang``, default first."""
    code = canonical_language(lang)
    default = default_voice(code)
    return (default, *(v for v in list_voices() if v.lang == code and v != default))


def default_voice(lang: str) -> Voice:
    """The voice that speaks ``lang`` when none is chosen."""
    code = canonical_language(lang)
    return _by_id()[_DEFAULT_VOICES.get(code, f"espeak-{code}")]


@cache
def _by_id() -> dict[str, Voice]:
    return {v.id: v for v in list_voices()}


def get_voice(voice_id: str | None, lang: str | None = "en") -> Voice:
    """The voice to speak with.

    ``voice_id`` None takes the default voice of ``lang`` (English when ``lang`` is
    None too). A named voice must speak
    ``lang`` (compared by language code, so "en-US" matches "en"); pass ``lang=None`` to
    accept the voice's own language. Raises :class:`~persona.errors.UnknownVoiceError`
    for an unknown id or a language mismatch, and
    :class:`~persona.errors.UnknownLanguageError` for an unsupported language.
    """
    if voice_id is None:
        return default_voice("en" if lang is None else lang)
    voice = _by_id().get(voice_id.strip().lower())
    if voice is None:
        raise UnknownVoiceError(
            f"unknown voice {voice_id!r}: run `persona voices` to list them "
            f"(for example joe, espeak-hi, espeak-fr)"
        )
    if lang is not None:
        code = canonical_language(lang)
        if code != voice.lang:
            suggestion = default_voice(code).id
            raise UnknownVoiceError(
                f"voice {voice.id!r} speaks {voice.lang}, not {code}: "
                f"use a voice for '{code}' such as {suggestion!r}, or give no voice"
            )
    return voice
