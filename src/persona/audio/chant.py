"""A steady chanting pitch: speech moved onto a reciting tone and a few scale degrees.

    Speech ─WORLD analysis (voice.transform)→ F0 ─flatten, cut into notes, snap to degrees,
           glide→ ─WORLD synthesis→ Speech (same length, phones and words)

Recitation keeps the voice on one reciting tone, the tonic Sa of the drone, stepping to
a neighbouring degree now and then and falling at the end of a verse. A
:class:`ChantTransform` makes that out of ordinary speech, frame by frame on WORLD's 5 ms
grid:

1. every voiced frame's pitch, in semitones from the speaker's median, is scaled by
   ``flatten`` (0.3 keeps 30 % of the speech's own intonation);
2. each stretch of voiced frames is cut into notes of at most ``note_ms``, and each note
   holds the median of its frames;
3. each note is snapped to the nearest of ``degrees`` (semitones from the tonic); the last
   note of the audio takes ``cadence_st`` when it is set (a verse's closing fall);
4. the notes are joined by glides of ``glide_ms``.

It is a :class:`~persona.voice.transform.VoiceTransform` (the same analysis, synthesis
and level matching), whose F0 rule is replaced: timings, length and sample rate stay.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from persona.errors import InputError
from persona.voice.transform import FRAME_PERIOD_MS, VoiceTransform

DEFAULT_DEGREES = (-2.0, 0.0, 2.0)
"""Ni (a whole tone under Sa), Sa and Re: the three tones of Vedic recitation (anudātta,
udātta, svarita) sit about this far apart."""
MIN_TONIC_HZ, MAX_TONIC_HZ = 55.0, 700.0


@dataclass(frozen=True)
class ChantTransform(VoiceTransform):
    """Speech to chant on ``tonic_hz`` (see the module docstring)."""

    tonic_hz: float = 138.59
    degrees: tuple[float, ...] = DEFAULT_DEGREES
    flatten: float = 0.3
    note_ms: int = 250
    glide_ms: int = 40
    cadence_st: float | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if not MIN_TONIC_HZ <= self.tonic_hz <= MAX_TONIC_HZ:
            raise InputError(
                f"chant tonic must be {MIN_TONIC_HZ:g}..{MAX_TONIC_HZ:g} Hz, not {self.tonic_hz:g}"
            )
        if not self.degrees or any(abs(d) > 12 for d in self.degrees):
            raise InputError("chant degrees must be 1 or more semitone offsets within ±12")
        if not 0.0 <= self.flatten <= 1.0:
            raise InputError(f"chant flatten must be 0..1, not {self.flatten:g}")
        if not 20 <= self.note_ms <= 2000 or not 0 <= self.glide_ms <= 500:
            raise InputError("chant notes must be 20..2000 ms and glides 0..500 ms")

    @property
    def is_identity(self) -> bool:
        return False

    def _new_f0(self, f0: np.ndarray) -> np.ndarray:
        voiced = f0 > 0
        if not np.any(voiced):
            return f0
        centre = float(np.median(f0[voiced]))
        semitones = self.flatten * 12.0 * np.log2(np.where(voiced, f0, centre) / centre)
        steps = np.zeros(len(f0))
        notes = note_spans(voiced, max(1, round(self.note_ms / FRAME_PERIOD_MS)))
        degrees = np.asarray(self.degrees, float)
        for a, b in notes:
            held = float(np.median(semitones[a:b]))
            steps[a:b] = degrees[np.argmin(np.abs(degrees - held))]
        if self.cadence_st is not None and notes:
            a, b = notes[-1]
            steps[a:b] = self.cadence_st
        steps = glide(steps, voiced, max(1, round(self.glide_ms / FRAME_PERIOD_MS)))
        return np.where(voiced, self.tonic_hz * np.power(2.0, steps / 12.0), 0.0)


def note_spans(voiced: np.ndarray, longest: int) -> list[tuple[int, int]]:
    """(first, end) frame spans: each voiced stretch cut into equal notes of at most
    ``longest`` frames."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], voiced.astype(np.int8), [0]])))
    spans: list[tuple[int, int]] = []
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        count = math.ceil((end - start) / longest)
        cuts = np.linspace(start, end, count + 1).round().astype(int)
        spans.extend((int(a), int(b)) for a, b in itertools.pairwise(cuts))
    return spans


def glide(steps: np.ndarray, voiced: np.ndarray, width: int) -> np.ndarray:
    """``steps`` smoothed by a ``width``-frame moving average within each voiced stretch
    (unvoiced frames neither pull nor get pulled), so notes join by short glides."""
    if width <= 1:
        return steps
    kernel = np.ones(width) / width
    weight = np.convolve(voiced.astype(float), kernel, mode="same")
    total = np.convolve(np.where(voiced, steps, 0.0), kernel, mode="same")
    return np.where(voiced, total / np.maximum(weight, 1e-9), steps)


def semitone_spread(f0: np.ndarray) -> float:
    """How far a voice's pitch moves: the range (semitones) between the 10th and 90th
    percentile of its voiced frames (0 for a monotone; a tracker's rare octave errors do
    not count)."""
    voiced = f0[f0 > 0]
    if len(voiced) < 2:
        return 0.0
    low, high = np.percentile(12.0 * np.log2(voiced / np.median(voiced)), [10, 90])
    return float(high - low)
