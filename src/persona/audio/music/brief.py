"""Moods, and the brief a style composes from (the request, checked and resolved)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from persona.audio.music.types import Score


@dataclass(frozen=True)
class Mood:
    """How a mood shapes music: mode, energy (density, drums, tempo within the style's
    range), base velocity (dynamics) and loudness target (LUFS)."""

    name: str
    minor: bool
    energy: float
    velocity: int
    lufs: float
    description: str


MOODS = {
    m.name: m
    for m in (
        Mood("calm", False, 0.3, 72, -20.0, "slow, soft, major, sparse"),
        Mood("uplifting", False, 0.85, 100, -16.0, "brisk, bright, major, full"),
        Mood("tense", True, 0.7, 94, -17.0, "driving, minor, dissonant, ostinato"),
        Mood("sad", True, 0.2, 64, -21.0, "slow, soft, minor, legato"),
    )
}


@dataclass(frozen=True)
class Brief:
    """A checked request: what every style composes from. ``tonic`` is a pitch class,
    ``minor`` the mode asked for (by the key) or implied by the mood."""

    style: str
    mood: Mood
    duration_s: float
    bpm: float
    tonic: int
    minor: bool
    loop: bool
    seed: int
    tempo_free: bool = True
    """The style chose the tempo (it may then move it more to fit the duration)."""

    @property
    def nudge(self) -> float:
        """How far (a fraction) the tempo may move to fit whole bars in the duration."""
        from persona.audio.music.form import FREE_NUDGE, MAX_NUDGE

        return FREE_NUDGE if self.tempo_free else MAX_NUDGE

    def rng(self, name: str) -> np.random.Generator:
        """A generator for one part of the composition: the same seed and name give the
        same numbers in every process (no reliance on ``hash``)."""
        return np.random.default_rng(
            [self.seed % 2**64, zlib.crc32(self.style.encode()), zlib.crc32(name.encode())]
        )

    @property
    def energy(self) -> float:
        return self.mood.energy

    def velocity(self, offset: int = 0) -> int:
        return max(1, min(127, self.mood.velocity + offset))


@dataclass(frozen=True)
class Arrangement:
    """What a style made: the score, the mode or raga (``"major"``, ``"yaman"``...), the
    tonic's name and the tempo it starts at."""

    score: Score
    mode: str
    key: str
    bpm: float
