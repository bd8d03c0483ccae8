"""The seam between the engine and its text-to-speech backends.

A backend implements :class:`TTSEngine`: it turns one segment of text into a
:class:`~persona.types.Speech` whose phones tile the audio and whose words lie inside it.
Backends are registered by name and created lazily, once, on first use: loading a neural
voice takes seconds, and importing this package must stay free.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any, Protocol, runtime_checkable

from persona.errors import DependencyError, InputError
from persona.types import Speech
from persona.voice.transform import VoiceTransform

AGE_GROUPS: tuple[str, ...] = (
    "baby",
    "toddler",
    "child",
    "preteen",
    "teen",
    "young_adult",
    "adult",
    "mature",
)
"""Age groups of the voice catalog, youngest first."""


@dataclass(frozen=True)
class Voice:
    """One voice a user can pick (``persona voices`` lists them).

    ``lang`` is a short BCP-47-style code ("en", "hi", "zh"); ``model`` is what the
    engine needs to find the voice (a Piper model name, an eSpeak NG voice name).
    ``age_group`` is one of :data:`AGE_GROUPS`. A voice made from another one speaks
    with the engine and model of its base, at ``rate`` times the base's speaking rate
    (the engine slows or quickens the speech itself), and then goes through
    ``transform`` (pitch, formants, breath: :class:`~persona.voice.transform.VoiceTransform`).
    """

    id: str
    name: str
    engine: str
    lang: str
    gender: str
    description: str
    model: str
    age_group: str = "adult"
    transform: VoiceTransform | None = None
    rate: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        """Every field, JSON-ready (the transform as its parameters, or None)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["transform"] = None if self.transform is None else self.transform.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Voice:
        """The voice :meth:`to_dict` wrote; raises :class:`~persona.errors.InputError`
        when a field is missing or of the wrong type."""
        text_fields = ("id", "name", "engine", "lang", "gender", "description", "model")
        missing = [name for name in text_fields if not isinstance(data.get(name), str)]
        if missing:
            raise InputError(f"not a voice: {', '.join(missing)} missing or not text")
        transform = data.get("transform")
        try:
            rate = float(data.get("rate", 1.0))
        except (TypeError, ValueError) as exc:
            raise InputError(f"not a voice: rate is not a number ({exc})") from exc
        return cls(
            **{name: data[name] for name in text_fields},
            age_group=str(data.get("age_group", "adult")),
            transform=None if transform is None else VoiceTransform.from_dict(transform),
            rate=rate,
        )


@runtime_checkable
class TTSEngine(Protocol):
    """A text-to-speech backend.

    ``synthesize`` speaks one segment: mono float32 audio in [-1, 1], phones that tile it
    exactly (first starts at 0, last ends at ``duration_ms``, silences are
    :data:`~persona.types.SILENCE`) and the words in order inside it. Engines raise
    :class:`~persona.errors.SpeechError` when synthesis fails and
    :class:`~persona.errors.DependencyError` when their runtime is missing. ``speed`` 1.0
    is the voice's natural rate; 1.5 speaks 1.5 times as fast.
    """

    name: str

    def languages(self) -> tuple[str, ...]: ...

    def synthesize(self, text: str, *, voice: Voice, speed: float) -> Speech: ...


EngineFactory = Callable[[], TTSEngine]

_BUILTIN: dict[str, str] = {
    "piper": "persona.voice.piper:PiperEngine",
    "espeak": "persona.voice.espeak:EspeakEngine",
}
_factories: dict[str, EngineFactory] = {}
_engines: dict[str, TTSEngine] = {}
_lock = threading.Lock()


def register_engine(name: str, factory: EngineFactory) -> None:
    """Make ``factory`` the way to create engine ``name`` (replacing any earlier one)."""
    with _lock:
        _factories[name] = factory
        _engines.pop(name, None)


def unregister_engine(name: str) -> None:
    """Forget a registered engine (built-in engines stay available)."""
    with _lock:
        _factories.pop(name, None)
        _engines.pop(name, None)


def engine_names() -> tuple[str, ...]:
    """Names of every engine that can be created."""
    with _lock:
        return tuple(sorted(set(_BUILTIN) | set(_factories)))


def _builtin_factory(name: str) -> EngineFactory:
    module_name, _, attribute = _BUILTIN[name].partition(":")
    module = importlib.import_module(module_name)
    factory: EngineFactory = getattr(module, attribute)
    return factory


def get_engine(name: str) -> TTSEngine:
    """The engine called ``name``, created on first use and shared afterwards.

    Creation runs under a lock, so two threads asking at once get the same engine.
    """
    with _lock:
        engine = _engines.get(name)
        if engine is not None:
            return engine
        if name in _factories:
            factory = _factories[name]
        elif name in _BUILTIN:
            factory = _builtin_factory(name)
        else:
            known = ", ".join(sorted(set(_BUILTIN) | set(_factories)))
            raise DependencyError(f"no TTS engine called {name!r} (known engines: {known})")
        engine = factory()
        _engines[name] = engine
        return engine
