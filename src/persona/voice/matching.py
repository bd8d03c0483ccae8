"""Voice matching: a saved voice that sounds like a person's sample, made with consent.

    sample file ─load_sample (10–60 s, not silent)→ VoiceSample
                ─VoiceMatcher.match(sample, base voice)→ MatchResult (engine, model,
                 transform, rate, figures)
                ─match_voice (consent checked, a check sentence spoken)→ SavedVoice

This is **voice matching, not cloning**. The built-in :class:`WorldMatcher` measures the
sample's pitch (median and span, with :mod:`persona.voice.pitch`), its formants (how far
the long-term spectral envelope sits above or below the base voice's, see
:mod:`persona.voice.analysis`) and its syllable rate, and turns the base voice (Piper
``joe``) toward them with a :class:`~persona.voice.transform.VoiceTransform`. The result
has the sample's pitch, intonation span, vocal-tract length and pace, and keeps the base
voice's accent, timbre details and articulation.

Matchers are a seam: :class:`VoiceMatcher` is a Protocol and :func:`register_matcher`
adds one by name, so a neural cloning engine can plug in later (its result names its own
TTS engine and model, e.g. a speaker embedding it stored).

Nothing is matched without a :class:`~persona.consent.ConsentRecord` of kind ``voice``
that still holds.
"""

from __future__ import annotations

import hashlib
import importlib
import re
import secrets
import threading
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from persona.consent import ConsentRecord, check_usable, now_iso
from persona.errors import DependencyError, InputError, SampleError
from persona.media.audio import read_audio_file, resample
from persona.voice.base import Voice
from persona.voice.store import SavedVoice, find_saved
from persona.voice.transform import VoiceTransform

MIN_SAMPLE_S = 10.0
MAX_SAMPLE_S = 60.0
MIN_RATE = 16000
"""Lowest sample rate accepted: the formants up to 4.5 kHz must be in the recording."""
ANALYSIS_RATE = 22050
SILENT_PEAK = 10 ** (-50 / 20)
"""A sample whose loudest moment stays below -50 dBFS is silence (or a muted mic)."""
CHECK_TEXT = (
    "Thank you for listening. We will meet again on Monday morning, "
    "and I will bring the maps and the photographs."
)
"""What a new voice says once so its median pitch can be measured (text unlike the
reference and the usual samples)."""


@dataclass(frozen=True)
class VoiceSample:
    """A decoded recording of the person whose voice is matched (mono float32)."""

    audio: np.ndarray
    sample_rate: int
    file: str
    sha256: str

    @property
    def duration_s(self) -> float:
        return len(self.audio) / self.sample_rate


@dataclass(frozen=True)
class MatchResult:
    """How to speak like the sample: a TTS ``engine`` and ``model``, the ``transform``
    and ``rate`` applied to it, and the ``figures`` measured on the way (JSON numbers)."""

    engine: str
    model: str
    transform: VoiceTransform | None
    rate: float = 1.0
    figures: Mapping[str, float] = field(default_factory=dict)


@runtime_checkable
class VoiceMatcher(Protocol):
    """Makes a voice like ``sample`` from ``base``.

    Raises :class:`~persona.errors.SampleError` when the sample cannot be matched (too
    little voiced speech), :class:`~persona.errors.DependencyError` when its runtime is
    missing.
    """

    name: str

    def match(self, sample: VoiceSample, base: Voice) -> MatchResult: ...


MatcherFactory = Callable[[], VoiceMatcher]
_BUILTIN: dict[str, str] = {"world": "persona.voice.world_matcher:WorldMatcher"}
_factories: dict[str, MatcherFactory] = {}
_matchers: dict[str, VoiceMatcher] = {}
_lock = threading.Lock()
DEFAULT_MATCHER = "world"


def register_matcher(name: str, factory: MatcherFactory) -> None:
    """Make ``factory`` the way to create matcher ``name`` (replacing any earlier one)."""
    with _lock:
        _factories[name] = factory
        _matchers.pop(name, None)


def unregister_matcher(name: str) -> None:
    """Forget a registered matcher (the built-in one stays available)."""
    with _lock:
        _factories.pop(name, None)
        _matchers.pop(name, None)


def matcher_names() -> tuple[str, ...]:
    with _lock:
        return tuple(sorted(set(_BUILTIN) | set(_factories)))


def get_matcher(name: str = DEFAULT_MATCHER) -> VoiceMatcher:
    """The matcher called ``name``, created on first use and shared afterwards."""
    with _lock:
        matcher = _matchers.get(name)
        if matcher is not None:
            return matcher
        if name in _factories:
            factory = _factories[name]
        elif name in _BUILTIN:
            module_name, _, attribute = _BUILTIN[name].partition(":")
            factory = getattr(importlib.import_module(module_name), attribute)
        else:
            known = ", ".join(sorted(set(_BUILTIN) | set(_factories)))
            raise DependencyError(f"no voice matcher called {name!r} (known: {known})")
        matcher = factory()
        _matchers[name] = matcher
        return matcher


def load_sample(path: str | Path) -> VoiceSample:
    """Decode the recording at ``path`` (WAV, MP3, M4A, OGG, ... anything FFmpeg reads)
    and check that it can be matched.

    Raises :class:`~persona.errors.AudioError` for a missing or unreadable file and
    :class:`~persona.errors.SampleError` for one shorter than :data:`MIN_SAMPLE_S`,
    longer than :data:`MAX_SAMPLE_S`, below :data:`MIN_RATE` or silent.
    """
    source = Path(path)
    audio, rate = read_audio_file(source)
    seconds = len(audio) / rate
    if seconds < MIN_SAMPLE_S:
        raise SampleError(
            f"voice sample {source.name} is too short ({seconds:.1f} s): "
            f"record {MIN_SAMPLE_S:.0f} to {MAX_SAMPLE_S:.0f} s of speech"
        )
    if seconds > MAX_SAMPLE_S:
        raise SampleError(
            f"voice sample {source.name} is too long ({seconds:.1f} s): "
            f"cut it to at most {MAX_SAMPLE_S:.0f} s of speech"
        )
    if rate < MIN_RATE:
        raise SampleError(
            f"voice sample {source.name} has a sample rate of {rate} Hz: "
            f"record at {MIN_RATE // 1000} kHz or more"
        )
    if float(np.max(np.abs(audio))) < SILENT_PEAK:
        raise SampleError(f"voice sample {source.name} is silent")
    if rate > ANALYSIS_RATE:
        audio, rate = resample(audio, rate, ANALYSIS_RATE), ANALYSIS_RATE
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    return VoiceSample(audio, rate, source.name, digest)


def match_voice(
    sample_path: str | Path,
    name: str,
    consent: ConsentRecord,
    *,
    base: Voice | None = None,
    matcher: str = DEFAULT_MATCHER,
) -> SavedVoice:
    """A new voice named ``name`` that sounds like the recording at ``sample_path``.

    ``consent`` must be a voice consent that holds (else
    :class:`~persona.errors.ConsentError`); it is checked before the sample is read. The
    voice is not saved here (:func:`persona.voice.store.save_voice` does that, after the
    consent record is saved). ``base`` defaults to ``joe``; its own transform and rate
    are ignored: the matcher starts from the engine's plain voice.
    """
    from persona.voice.catalog import get_voice

    check_usable(consent, "voice")
    label = " ".join(name.split())
    if not label:
        raise InputError("a matched voice needs a name (--name)")
    start = base if base is not None else get_voice("joe", None)
    plain = replace(start, transform=None, rate=1.0)
    sample = load_sample(sample_path)
    result = get_matcher(matcher).match(sample, plain)
    voice = _voice(label, plain, result, consent)
    figures = {**result.figures, "matched_f0_median_hz": _spoken_f0(voice)}
    return SavedVoice(
        voice=voice,
        consent_id=consent.id,
        matcher=matcher,
        base_voice=start.id,
        created_at=now_iso(),
        sample={
            "file": sample.file,
            "sha256": sample.sha256,
            "duration_s": round(sample.duration_s, 3),
            "sample_rate": sample.sample_rate,
        },
        figures={k: round(float(v), 4) for k, v in figures.items()},
    )


def _voice(name: str, base: Voice, result: MatchResult, consent: ConsentRecord) -> Voice:
    return Voice(
        id=new_voice_id(name),
        name=name,
        engine=result.engine,
        lang=base.lang,
        gender="unknown",
        description=(
            f"matched to a sample of {consent.subject}: {base.name}'s voice moved toward "
            f"its pitch, formants and pace (voice matching, not a clone)"
        ),
        model=result.model,
        age_group="adult",
        transform=result.transform,
        rate=result.rate,
    )


def new_voice_id(name: str) -> str:
    """A fresh id from ``name``: its letters and digits, a dash, four hex digits
    (``"Anna Smith"`` → ``anna-smith-3f2a``), unlike any catalog or saved voice."""
    from persona.voice.catalog import list_voices

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:16].strip("-") or "voice"
    taken = {v.id for v in list_voices()}
    while True:
        candidate = f"{slug}-{secrets.token_hex(2)}"
        if candidate not in taken and find_saved(candidate) is None:
            return candidate


def _spoken_f0(voice: Voice) -> float:
    """Median F0 (Hz) of ``voice`` saying :data:`CHECK_TEXT`: what the match achieved."""
    from persona.script import parse_script
    from persona.voice.pitch import median_f0
    from persona.voice.synth import synthesize_script

    speech = synthesize_script(parse_script(CHECK_TEXT, lang=voice.lang), voice)
    return median_f0(speech.audio, speech.sample_rate)
