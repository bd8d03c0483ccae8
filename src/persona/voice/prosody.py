"""Speak a segment faster or slower, higher or lower, louder or softer, or with an emotion.

    Prosody ─engine_rate→ the engine's speed (never a time stretch afterwards)
    Speech ─WORLD analysis→ F0 ─median shift, range, declination, accents→ ─WORLD synthesis→
           ─match level→ ─energy contour and gain→ ─soft limiter→ Speech

A :class:`~persona.types.Prosody` carries the user's controls (rate, pitch in semitones,
volume in dB) and an emotion. An :class:`Emotion` is a set of *contours*, not only
offsets: beside a rate and a median-pitch shift it widens or narrows the intonation around
the median (``pitch_range``), tilts it over the segment (``declination_st``: a fall from
the first voiced frame to the last; negative rises), lifts the pitch of stressed vowels
(``accent_st``) and their energy (``accent_db``), and changes the overall level.

Pitch changes resynthesize the audio with the WORLD vocoder on the 5 ms frame grid of
:mod:`persona.voice.transform` (same length, same sample rate), so the phones and words of
the Speech still fit it. Loudness changes are a gain followed by a soft limiter (a
``tanh`` knee above :data:`LIMIT_KNEE`), so a loud segment never clips.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from persona.errors import DependencyError, InputError
from persona.types import SILENCE, Phone, Prosody, Speech
from persona.voice.pitch import track_f0
from persona.voice.transform import ANALYSIS_FLOOR_HZ, FRAME_PERIOD_MS, match_level

MIN_RATE, MAX_RATE = 0.5, 2.0
MIN_PITCH_ST, MAX_PITCH_ST = -12.0, 12.0
MIN_VOLUME_DB, MAX_VOLUME_DB = -40.0, 12.0
MAX_INTENSITY = 2.0
LIMIT_KNEE = 0.8
"""Amplitude above which the soft limiter bends the waveform; it never reaches 1."""
LIMIT_CEILING = 0.98
ACCENT_RAMP_MS = 30.0
"""Accents fade in and out over this long, so no step is heard."""
F0_LIMITS_HZ = (40.0, 1100.0)
OUTLIER_ST = 12.0
_VOWELS = frozenset("aeiouyæɑɒɐɔəɘɛɜɞɤɨɪʉʊʌʏøœɶɯɵ")
_INSTALL_HINT = "the WORLD vocoder is missing: pip install pyworld"


@dataclass(frozen=True)
class Emotion:
    """How an emotion speaks, relative to neutral speech (see the module docstring)."""

    name: str
    rate: float = 1.0
    pitch_st: float = 0.0
    pitch_range: float = 1.0
    declination_st: float = 0.0
    accent_st: float = 0.0
    volume_db: float = 0.0
    accent_db: float = 0.0

    def scaled(self, intensity: float) -> Emotion:
        """This emotion ``intensity`` times as strong (0: neutral, 2: twice)."""
        k = intensity
        return Emotion(
            self.name,
            rate=self.rate**k,
            pitch_st=self.pitch_st * k,
            pitch_range=self.pitch_range**k,
            declination_st=self.declination_st * k,
            accent_st=self.accent_st * k,
            volume_db=self.volume_db * k,
            accent_db=self.accent_db * k,
        )


EMOTIONS: dict[str, Emotion] = {
    e.name: e
    for e in (
        Emotion("neutral"),
        Emotion("happy", 1.1, 2.0, 1.35, 0.0, 1.5, 2.0, 2.0),
        Emotion("sad", 0.8, -2.0, 0.55, 2.0, 0.0, -4.0, -1.0),
        Emotion("angry", 1.1, 1.0, 1.25, 1.0, 1.0, 4.0, 5.0),
        Emotion("calm", 0.85, -1.5, 0.6, 0.5, 0.0, -3.0, -1.0),
        Emotion("excited", 1.2, 4.0, 1.5, -2.0, 2.0, 3.0, 3.0),
    )
}
"""The emotions, by name: rate ×, median pitch (st), pitch range ×, declination (st over
the segment), accent pitch (st), level (dB), accent energy (dB). ``docs/voices.md`` shows
what each does to measured speech."""


def get_emotion(name: str) -> Emotion:
    """The emotion called ``name``; :class:`~persona.errors.InputError` lists the names."""
    emotion = EMOTIONS.get(name.strip().lower())
    if emotion is None:
        raise InputError(f"unknown emotion {name!r}: choose one of {', '.join(EMOTIONS)}")
    return emotion


def check_prosody(prosody: Prosody) -> Prosody:
    """``prosody`` if every value is in range; else :class:`~persona.errors.InputError`."""
    checks = (
        ("rate", prosody.rate, MIN_RATE, MAX_RATE),
        ("pitch", prosody.pitch_st, MIN_PITCH_ST, MAX_PITCH_ST),
        ("intensity", prosody.intensity, 0.0, MAX_INTENSITY),
    )
    for name, value, low, high in checks:
        if not low <= value <= high:
            raise InputError(f"{name} must be between {low:g} and {high:g}, not {value:g}")
    silent = prosody.volume_db == -math.inf
    if not (silent or MIN_VOLUME_DB <= prosody.volume_db <= MAX_VOLUME_DB):
        raise InputError(
            f"volume must be between {MIN_VOLUME_DB:g} and {MAX_VOLUME_DB:g} dB, "
            f"not {prosody.volume_db:g}"
        )
    if prosody.emotion is not None:
        get_emotion(prosody.emotion)
    return prosody


def combine(outer: Prosody, inner: Prosody) -> Prosody:
    """``inner`` spoken inside ``outer``: rates multiply, semitones and decibels add (each
    total clamped to its range), and the inner emotion, if any, replaces the outer one."""
    volume = outer.volume_db + inner.volume_db
    return Prosody(
        rate=_clamp(outer.rate * inner.rate, MIN_RATE, MAX_RATE),
        pitch_st=_clamp(outer.pitch_st + inner.pitch_st, MIN_PITCH_ST, MAX_PITCH_ST),
        volume_db=volume if volume == -math.inf else _clamp(volume, MIN_VOLUME_DB, MAX_VOLUME_DB),
        emotion=inner.emotion if inner.emotion is not None else outer.emotion,
        intensity=inner.intensity if inner.emotion is not None else outer.intensity,
    )


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def emotion_of(prosody: Prosody) -> Emotion:
    """The emotion ``prosody`` speaks with, at its intensity."""
    return get_emotion(prosody.emotion or "neutral").scaled(prosody.intensity)


def engine_rate(prosody: Prosody) -> float:
    """The rate multiplier for the engine: the prosody's rate times its emotion's."""
    return prosody.rate * emotion_of(prosody).rate


def apply_prosody(speech: Speech, prosody: Prosody) -> Speech:
    """``speech`` with the pitch, contours and loudness of ``prosody`` (its rate is the
    engine's business, see :func:`engine_rate`). Timings, length and sample rate stay."""
    if prosody.volume_db == -math.inf:
        return _silenced(speech)
    emotion = emotion_of(prosody)
    level_db = prosody.volume_db + emotion.volume_db
    pitch = _changes_pitch(prosody, emotion)
    if not len(speech.audio) or not (pitch or level_db or emotion.accent_db):
        return speech
    audio = np.asarray(speech.audio, np.float64)
    if pitch:
        audio = _reshape_pitch(audio, speech.sample_rate, speech.phones, prosody, emotion)
    gain_db = level_db + _accent_gain_db(speech, emotion.accent_db)
    audio = soft_limit(audio * np.power(10.0, gain_db / 20.0))
    return replace(speech, audio=audio.astype(np.float32))


def _changes_pitch(prosody: Prosody, emotion: Emotion) -> bool:
    return bool(
        prosody.pitch_st
        or emotion.pitch_st
        or emotion.pitch_range != 1.0
        or emotion.declination_st
        or emotion.accent_st
    )


def _silenced(speech: Speech) -> Speech:
    """Silence as long as ``speech``: one SILENCE phone, the words kept for captions."""
    phones = (Phone(SILENCE, 0, speech.duration_ms),) if speech.duration_ms else ()
    return replace(speech, audio=np.zeros_like(speech.audio), phones=phones)


def soft_limit(audio: np.ndarray) -> np.ndarray:
    """``audio`` unchanged below :data:`LIMIT_KNEE`; above it, bent smoothly (``tanh``)
    so the peaks approach, but never exceed, :data:`LIMIT_CEILING`."""
    magnitude = np.abs(audio)
    headroom = LIMIT_CEILING - LIMIT_KNEE
    over = np.maximum(magnitude - LIMIT_KNEE, 0.0)
    bent = np.where(magnitude > LIMIT_KNEE, LIMIT_KNEE + headroom * np.tanh(over / headroom), 0)
    return np.asarray(np.where(magnitude > LIMIT_KNEE, np.sign(audio) * bent, audio))


# ---------------------------------------------------------------- contours


def _phone_weights(phones: tuple[Phone, ...], n: int, step_ms: float) -> np.ndarray:
    """Per point (every ``step_ms``): 1 inside a primary-stressed vowel, 0.5 inside a
    secondary one, 0 elsewhere, with :data:`ACCENT_RAMP_MS` raised-cosine edges."""
    weights = np.zeros(n)
    for phone in phones:
        if phone.stress == 0 or phone.symbol[:1] not in _VOWELS:
            continue
        a = round(phone.start_ms / step_ms)
        b = round(phone.end_ms / step_ms)
        weights[a:b] = np.maximum(weights[a:b], 1.0 if phone.stress == 1 else 0.5)
    ramp = max(1, round(ACCENT_RAMP_MS / step_ms))
    window = np.hanning(2 * ramp + 1)
    return np.convolve(weights, window / window.sum(), mode="same")


def _accent_gain_db(speech: Speech, accent_db: float) -> np.ndarray | float:
    """Per sample gain (dB) lifting stressed vowels by ``accent_db``."""
    if not accent_db:
        return 0.0
    step_ms = FRAME_PERIOD_MS
    n_points = math.ceil(speech.duration_ms / step_ms) + 2
    weights = _phone_weights(speech.phones, n_points, step_ms)
    sample_ms = np.arange(len(speech.audio)) * 1000.0 / speech.sample_rate
    return accent_db * np.interp(sample_ms, np.arange(n_points) * step_ms, weights)


def shaped_f0(
    f0: np.ndarray, phones: tuple[Phone, ...], prosody: Prosody, emotion: Emotion
) -> np.ndarray:
    """The new F0 track (0 where unvoiced) for ``f0`` on the 5 ms frame grid.

    In semitones around the segment's median: the intonation is scaled by the pitch
    range, shifted by the user's and the emotion's pitch, tilted linearly from
    ``+declination/2`` at the first voiced frame to ``-declination/2`` at the last, and
    lifted by the accent on stressed vowels. Frames more than :data:`OUTLIER_ST` from the
    median (a tracker's octave error, a creak) are held at that distance before the
    range is scaled, so a widened range never throws them further.
    """
    voiced = f0 > 0
    if not np.any(voiced):
        return f0
    centre = float(np.median(f0[voiced]))
    semitones = 12.0 * np.log2(np.where(voiced, f0, centre) / centre)
    semitones = np.clip(semitones, -OUTLIER_ST, OUTLIER_ST)
    frames = np.flatnonzero(voiced)
    first, last = frames[0], frames[-1]
    position = np.clip((np.arange(len(f0)) - first) / max(1, last - first), 0.0, 1.0)
    declination = emotion.declination_st * (0.5 - position)
    accents = emotion.accent_st * _phone_weights(phones, len(f0), FRAME_PERIOD_MS)
    shifted = semitones * emotion.pitch_range + prosody.pitch_st + emotion.pitch_st
    new = centre * np.power(2.0, (shifted + declination + accents) / 12.0)
    return np.where(voiced, np.clip(new, *F0_LIMITS_HZ), 0.0)


def _pyworld() -> Any:
    try:
        import pyworld
    except ImportError as exc:
        raise DependencyError(_INSTALL_HINT) from exc
    return pyworld


def _reshape_pitch(
    audio: np.ndarray,
    rate: int,
    phones: tuple[Phone, ...],
    prosody: Prosody,
    emotion: Emotion,
) -> np.ndarray:
    """Resynthesize ``audio`` with the F0 of :func:`shaped_f0`, same length and level."""
    if not np.any(audio):
        return audio
    pw = _pyworld()
    f0 = track_f0(audio, rate, FRAME_PERIOD_MS)
    times = np.arange(len(f0)) * (FRAME_PERIOD_MS / 1000.0)
    f0 = np.where(f0 > 0, pw.stonemask(audio, f0, times, rate), 0.0)
    if not np.any(f0 > 0):
        return audio
    analysis_f0 = np.where(f0 > 0, np.maximum(f0, ANALYSIS_FLOOR_HZ + 1.0), 0.0)
    fft_size = pw.get_cheaptrick_fft_size(rate, ANALYSIS_FLOOR_HZ)
    envelope = pw.cheaptrick(audio, analysis_f0, times, rate, fft_size=fft_size)
    aperiodicity = pw.d4c(audio, analysis_f0, times, rate, fft_size=fft_size)
    new_f0 = shaped_f0(f0, phones, prosody, emotion)
    out = pw.synthesize(new_f0, envelope, aperiodicity, rate, FRAME_PERIOD_MS)
    out = out[: len(audio)] if len(out) >= len(audio) else np.pad(out, (0, len(audio) - len(out)))
    return match_level(out, audio, rate)
