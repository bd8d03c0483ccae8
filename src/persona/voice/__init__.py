"""Speech: text-to-speech backends, the voice catalog and script synthesis.

    get_voice(None, "en") → Voice ─synthesize_script(script, voice)→ Speech

A catalog voice may be another voice at its own speaking rate, transformed
(:class:`VoiceTransform`: pitch, formants, breath) after the engine has spoken.

Backends (:mod:`persona.voice.piper`, :mod:`persona.voice.espeak`) load lazily on first
use; importing this package loads none of them.
"""

from persona.voice.base import (
    AGE_GROUPS,
    TTSEngine,
    Voice,
    engine_names,
    get_engine,
    register_engine,
    unregister_engine,
)
from persona.voice.catalog import (
    canonical_language,
    default_voice,
    f0_band,
    get_voice,
    list_voices,
    supported_languages,
    voices_for,
)
from persona.voice.synth import join_speech, synthesize_script
from persona.voice.transform import VoiceTransform

__all__ = [
    "AGE_GROUPS",
    "TTSEngine",
    "Voice",
    "VoiceTransform",
    "canonical_language",
    "default_voice",
    "engine_names",
    "f0_band",
    "get_engine",
    "get_voice",
    "join_speech",
    "list_voices",
    "register_engine",
    "supported_languages",
    "synthesize_script",
    "unregister_engine",
    "voices_for",
]
