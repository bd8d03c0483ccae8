"""Speech: text-to-speech backends, the voice catalog and script synthesis.

    get_voice(None, "en") → Voice ─synthesize_script(script, voice)→ Speech

Backends (:mod:`persona.voice.piper`, :mod:`persona.voice.espeak`) load lazily on first
use; importing this package loads none of them.
"""

from persona.voice.base import (
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
    get_voice,
    list_voices,
    supported_languages,
    voices_for,
)
from persona.voice.synth import join_speech, synthesize_script

__all__ = [
    "TTSEngine",
    "Voice",
    "canonical_language",
    "default_voice",
    "engine_names",
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
