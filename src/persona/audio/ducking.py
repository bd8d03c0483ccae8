"""Ducking: the music steps down under speech and comes back up in the gaps.

    voice ─RMS envelope (1 ms hop)→ speaking? ─hold→ ─look-ahead→ ─attack / release ramps→
          gain curve (dB per ms) ─interpolate→ music × gain

Where the speech is comes from one of two places: a sidechain detector on the voice
(:func:`detect_speech`: the RMS level in 20 ms windows every millisecond, compared with a
threshold below the voice's loud level), or the known intervals of the phones when the
caller has them (:func:`activity_from_intervals`, :func:`speech_intervals`).

Either way the activity is held ``hold_ms`` after each stretch of speech (so the music
does not pump between words), moved ``lookahead_ms`` earlier (the whole voice is known in
advance, so the duck starts before the first syllable), and turned into a gain that moves
linearly in decibels: it falls by the full depth in ``attack_ms`` and rises back in
``release_ms``. Time runs on an integer millisecond grid.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from persona.errors import InputError
from persona.types import SILENCE, Phone

DETECT_WINDOW_MS = 20
MAX_DEPTH_DB = 40.0


@dataclass(frozen=True)
class Ducking:
    """How the music ducks under speech (see the module docstring).

    ``threshold_db`` is how far below the voice's loud level (its 95th percentile of
    RMS) a window still counts as speech; ``floor_dbfs`` is an absolute level below
    which nothing counts.
    """

    depth_db: float = 12.0
    attack_ms: int = 60
    release_ms: int = 400
    hold_ms: int = 250
    lookahead_ms: int = 60
    threshold_db: float = 30.0
    floor_dbfs: float = -55.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.depth_db <= MAX_DEPTH_DB:
            raise InputError(
                f"ducking depth must be between 0 and {MAX_DEPTH_DB:g} dB, not {self.depth_db:g}"
            )
        for name in ("attack_ms", "release_ms", "hold_ms", "lookahead_ms"):
            value = getattr(self, name)
            if not 0 <= value <= 5000:
                raise InputError(f"ducking {name} must be between 0 and 5000 ms, not {value}")
        if not 0.0 < self.threshold_db <= 80.0:
            raise InputError(f"ducking threshold must be 0..80 dB, not {self.threshold_db:g}")

    def gain_db(self, active: np.ndarray) -> np.ndarray:
        """The music's gain (dB, 0 or below) per millisecond for the raw activity
        ``active`` (one bool per millisecond)."""
        shaped = shift_earlier(hold(active, self.hold_ms), self.lookahead_ms)
        return ramp(shaped, self.depth_db, self.attack_ms, self.release_ms)

    def apply(
        self, music: np.ndarray, sample_rate: int, active: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """``music`` (``(n,)`` or ``(n, channels)``) ducked under ``active``, and the
        gain curve in dB per millisecond."""
        curve = self.gain_db(active)
        gain = np.power(10.0, per_sample(curve, len(music), sample_rate) / 20.0)
        ducked = music * (gain if np.ndim(music) == 1 else gain[:, None])
        return ducked.astype(np.float32), curve


def level_db(audio: np.ndarray, sample_rate: int, window_ms: int = DETECT_WINDOW_MS) -> np.ndarray:
    """RMS level (dBFS) of ``audio`` in ``window_ms`` windows centred on every
    millisecond; multichannel audio is averaged first."""
    mono = np.asarray(audio, np.float64)
    if mono.ndim == 2:
        mono = mono.mean(axis=1)
    n_ms = duration_ms(len(mono), sample_rate)
    power = np.concatenate([[0.0], np.cumsum(np.square(mono))])
    centres = np.round(np.arange(n_ms) * sample_rate / 1000).astype(int)
    half = round(window_ms * sample_rate / 2000)
    low = np.clip(centres - half, 0, len(mono))
    high = np.clip(centres + half, 0, len(mono))
    mean = (power[high] - power[low]) / np.maximum(high - low, 1)
    return np.asarray(10.0 * np.log10(np.maximum(mean, 1e-20)))


def duration_ms(n_samples: int, sample_rate: int) -> int:
    """Milliseconds covered by ``n_samples`` (rounded up)."""
    return -(-n_samples * 1000 // sample_rate)


def detect_speech(voice: np.ndarray, sample_rate: int, settings: Ducking) -> np.ndarray:
    """One bool per millisecond: is the voice speaking there (RMS envelope detector)?"""
    level = level_db(voice, sample_rate)
    if not len(level):
        return np.zeros(0, bool)
    loud = float(np.percentile(level, 95))
    threshold = max(loud - settings.threshold_db, settings.floor_dbfs)
    return np.asarray(level > threshold)


def speech_intervals(phones: Sequence[Phone]) -> tuple[tuple[int, int], ...]:
    """The (start_ms, end_ms) stretches of ``phones`` that are not silence, merged."""
    spans: list[tuple[int, int]] = []
    for phone in phones:
        if phone.symbol == SILENCE or phone.end_ms <= phone.start_ms:
            continue
        if spans and phone.start_ms <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], phone.end_ms))
        else:
            spans.append((phone.start_ms, phone.end_ms))
    return tuple(spans)


def activity_from_intervals(intervals: Sequence[tuple[int, int]], n_ms: int) -> np.ndarray:
    """One bool per millisecond, true inside the (start_ms, end_ms) ``intervals``.

    Raises :class:`~persona.errors.InputError` for an interval that ends before it starts.
    """
    active = np.zeros(n_ms, bool)
    for start, end in intervals:
        if end < start:
            raise InputError(f"speech interval ({start}, {end}) ms ends before it starts")
        active[max(0, int(start)) : max(0, min(n_ms, int(end)))] = True
    return active


def hold(active: np.ndarray, hold_ms: int) -> np.ndarray:
    """``active`` kept true for ``hold_ms`` after each true millisecond."""
    if hold_ms <= 0 or not len(active):
        return active.copy()
    count = np.concatenate([[0], np.cumsum(active, dtype=np.int64)])
    index = np.arange(len(active))
    return np.asarray(count[index + 1] - count[np.maximum(index - hold_ms, 0)] > 0)


def shift_earlier(active: np.ndarray, ms: int) -> np.ndarray:
    """``active`` moved ``ms`` earlier; each stretch also keeps its original end."""
    if ms <= 0 or not len(active):
        return active.copy()
    ahead = np.zeros_like(active)
    ahead[: max(0, len(active) - ms)] = active[ms:]
    return np.asarray(ahead | active)


def ramp(active: np.ndarray, depth_db: float, attack_ms: int, release_ms: int) -> np.ndarray:
    """Gain in dB per millisecond: heading for ``-depth_db`` while ``active``, for 0
    otherwise, moving at most ``depth / attack`` dB per ms down and ``depth / release``
    up (so a full duck takes ``attack_ms`` and a full recovery ``release_ms``)."""
    gain = np.zeros(len(active))
    if depth_db <= 0.0 or not np.any(active):
        return gain
    down = depth_db / max(attack_ms, 1)
    up = depth_db / max(release_ms, 1)
    edges = np.flatnonzero(np.diff(active.astype(np.int8))) + 1
    bounds = [0, *edges.tolist(), len(active)]
    value = 0.0
    for a, b in itertools.pairwise(bounds):
        steps = np.arange(1, b - a + 1)
        if active[a]:
            gain[a:b] = np.maximum(value - down * steps, -depth_db)
        else:
            gain[a:b] = np.minimum(value + up * steps, 0.0)
        value = float(gain[b - 1])
    return gain


def per_sample(curve_ms: np.ndarray, n_samples: int, sample_rate: int) -> np.ndarray:
    """A per-millisecond curve interpolated onto ``n_samples`` samples."""
    if not len(curve_ms):
        return np.zeros(n_samples)
    t_ms = np.arange(n_samples) * (1000.0 / sample_rate)
    return np.interp(t_ms, np.arange(len(curve_ms)), curve_ms)
