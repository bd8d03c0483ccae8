"""Talas (rhythmic cycles) and their tabla thekas, played as tabla strokes.

A tala is a cycle of matras (beats) grouped in vibhags; the first matra is *sam*, the
strongest; *khali* ("empty") vibhags are played without the bass drum. The theka is the
standard stroke pattern that keeps the tala. Bols (spoken syllables) are strokes of the
right drum, the left drum, or both (see :mod:`persona.audio.music.tabla`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from persona.audio.music.tabla import GE, KA, NA, TE, TIN
from persona.audio.music.types import PPQ, Note
from persona.errors import InputError

BOLS: dict[str, tuple[int, ...]] = {
    "dha": (NA, GE),
    "dhin": (TIN, GE),
    "dhi": (TIN, GE),
    "dhe": (TE, GE),
    "na": (NA,),
    "ta": (NA,),
    "tin": (TIN,),
    "tu": (TIN,),
    "ti": (TE,),
    "te": (TE,),
    "ra": (TE,),
    "re": (TE,),
    "ge": (GE,),
    "ghe": (GE,),
    "ka": (KA,),
    "ke": (KA,),
    "ki": (KA,),
    "-": (),
}


@dataclass(frozen=True)
class Tala:
    name: str
    vibhags: tuple[int, ...]
    marks: tuple[str, ...]
    """Per vibhag: ``X`` sam, a tali number, or ``0`` khali."""
    theka: tuple[str, ...]
    """One bol group per matra; a group of several bols splits the matra evenly."""

    @property
    def beats(self) -> int:
        return sum(self.vibhags)

    @property
    def vibhag_starts(self) -> tuple[int, ...]:
        return tuple(int(x) for x in np.cumsum((0, *self.vibhags[:-1])))

    def khali(self, matra: int) -> bool:
        """True for matras in a khali vibhag."""
        for start, size, mark in zip(self.vibhag_starts, self.vibhags, self.marks, strict=True):
            if start <= matra % self.beats < start + size:
                return mark == "0"
        return False


def _tala(name: str, vibhags: tuple[int, ...], marks: str, theka: str) -> Tala:
    return Tala(name, vibhags, tuple(marks.split()), tuple(theka.split()))


TALAS = {
    t.name: t
    for t in (
        _tala(
            "teentaal",
            (4, 4, 4, 4),
            "X 2 0 3",
            "dha dhin dhin dha dha dhin dhin dha dha tin tin ta ta dhin dhin dha",
        ),
        _tala("keherwa", (4, 4), "X 0", "dha ge na ti na ka dhi na"),
        _tala("dadra", (3, 3), "X 0", "dha dhi na dha ti na"),
        _tala("rupak", (3, 2, 2), "0 1 2", "tin tin na dhi na dhi na"),
    )
}

FILL = ("te re ki ta", "dha", "te re ki ta", "dha ge", "na ge", "dha", "-", "dha")
"""Eight matras of fill; the last vibhag of a phrase borrows its tail."""
DOUBLED = {"dha": "dha ge", "na": "na ge", "ta": "te ta", "dhin": "dhin na", "tin": "tin na"}
"""How a stroke is doubled in denser passages."""
TIHAI_PHRASE = ("te re ki ta", "dha", "-")
"""A tihai plays this three times, the last ``dha`` landing on sam."""


def get_tala(name: str) -> Tala:
    try:
        return TALAS[name]
    except KeyError:
        raise InputError(f"unknown tala {name!r}: choose one of {', '.join(TALAS)}") from None


def strokes(groups: Sequence[str], start: int, accents: Sequence[float]) -> list[Note]:
    """Notes for bol ``groups`` (one group per matra, from tick ``start``); ``accents``
    (0..1, one per matra) set the velocity."""
    notes: list[Note] = []
    for i, group in enumerate(groups):
        bols = group.split()
        for j, bol in enumerate(bols):
            at = start + i * PPQ + j * PPQ // len(bols)
            velocity = round((50 + 70 * accents[i]) * (1.0 if j == 0 else 0.7))
            for stroke in BOLS[bol]:
                notes.append(Note(at, PPQ // len(bols), stroke, min(127, velocity)))
    return notes


def cycle_groups(
    tala: Tala, energy: float, rng: np.random.Generator, fill: bool = False
) -> list[str]:
    """One cycle's bol groups: the theka, doubled here and there as ``energy`` (0..1)
    rises, with a fill over the last vibhag(s) when ``fill``."""
    groups = list(tala.theka)
    for i, group in enumerate(groups):
        if group in DOUBLED and i and rng.random() < 0.5 * energy:
            groups[i] = DOUBLED[group]
    if fill:
        size = min(len(FILL), max(tala.vibhags[-1], tala.beats // 2))
        groups[-size:] = list(FILL[-size:])
    return groups


def accents(tala: Tala, energy: float) -> list[float]:
    """Per matra: sam strongest, vibhag starts stronger, khali lighter."""
    out = []
    starts = set(tala.vibhag_starts)
    for m in range(tala.beats):
        a = 0.55 + 0.25 * energy
        if m == 0:
            a += 0.25
        elif m in starts:
            a += 0.1
        if tala.khali(m):
            a -= 0.1
        out.append(min(1.0, a))
    return out


def tihai_groups() -> list[str]:
    """The matras of a tihai before sam, then sam's ``dha`` (7 + 1 groups)."""
    return [*TIHAI_PHRASE, *TIHAI_PHRASE, "te re ki ta", "dha"]
