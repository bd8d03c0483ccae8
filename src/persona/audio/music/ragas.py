"""Ragas of Hindustani classical music: their swaras, ascent, descent and key phrases.

Swaras are written in sargam letters: ``S R G M P D N`` are shuddha (natural) except
``M``, which is *tivra* (sharp) Ma; lower case ``r g d n`` are *komal* (flat) and ``m``
is shuddha Ma. A leading ``.`` puts a swara in the lower octave (mandra saptak), a
trailing ``'`` in the upper one (taar saptak). Semitones above Sa::

    S 0  r 1  R 2  g 3  G 4  m 5  M 6  P 7  d 8  D 9  n 10  N 11

A raga's *aroha* (ascent) and *avaroha* (descent) say which swaras a melody may use going
up and going down; the *vadi* and *samvadi* are the most and second most important
swaras (melodies dwell and end on them); the *pakad* is the phrase that identifies the
raga. Sources: V. N. Bhatkhande's tradition as summarized in common references (several
ragas have variants; the one used is noted in ``docs/music.md``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from persona.errors import InputError

SWARA_SEMITONES = {
    "S": 0,
    "r": 1,
    "R": 2,
    "g": 3,
    "G": 4,
    "m": 5,
    "M": 6,
    "P": 7,
    "d": 8,
    "D": 9,
    "n": 10,
    "N": 11,
}
SWARA_NAMES = {
    "S": "Sa",
    "r": "komal Re",
    "R": "Re",
    "g": "komal Ga",
    "G": "Ga",
    "m": "Ma",
    "M": "tivra Ma",
    "P": "Pa",
    "d": "komal Dha",
    "D": "Dha",
    "n": "komal Ni",
    "N": "Ni",
}
_TOKEN = re.compile(r"^(\.*)([SrRgGmMPdDnN])('*)$")


def swara_offset(token: str) -> int:
    """Semitones from middle Sa of a swara token: ``".N"`` → -1, ``"S'"`` → 12."""
    m = _TOKEN.match(token.strip())
    if not m:
        raise ValueError(f"not a swara: {token!r}")
    return SWARA_SEMITONES[m.group(2)] + 12 * (len(m.group(3)) - len(m.group(1)))


def phrase_offsets(text: str) -> list[list[int]]:
    """Comma-separated phrases of swara tokens as semitone offsets from Sa."""
    return [[swara_offset(t) for t in part.split()] for part in text.split(",") if part.strip()]


@dataclass(frozen=True)
class Raga:
    name: str
    thaat: str
    swaras: str
    aroha: str
    avaroha: str
    vadi: str
    samvadi: str
    pakad: str
    time: str
    feeling: str
    tanpura: str = "P"
    """The tanpura's first string: P, or M for ragas without Pa."""
    andolan: str = ""
    """Swaras given a slow oscillation (Bhairav's komal Re and Dha)."""

    @cached_property
    def pitch_classes(self) -> frozenset[int]:
        """Semitones above Sa (0..11) of every swara the raga uses."""
        return frozenset(swara_offset(t) % 12 for t in self.swaras.split())

    @cached_property
    def up(self) -> frozenset[int]:
        """Pitch classes allowed while ascending."""
        return frozenset(swara_offset(t) % 12 for t in self.aroha.split())

    @cached_property
    def down(self) -> frozenset[int]:
        """Pitch classes allowed while descending."""
        return frozenset(swara_offset(t) % 12 for t in self.avaroha.split())

    @property
    def vadi_pc(self) -> int:
        return swara_offset(self.vadi) % 12

    @property
    def samvadi_pc(self) -> int:
        return swara_offset(self.samvadi) % 12

    @property
    def andolan_pcs(self) -> frozenset[int]:
        return frozenset(swara_offset(t) % 12 for t in self.andolan.split())

    def describe(self) -> str:
        names = ", ".join(SWARA_NAMES[t] for t in self.swaras.split())
        return (
            f"{self.name} ({self.thaat} thaat; {names}; vadi {self.vadi}, samvadi {self.samvadi})"
        )


RAGAS: dict[str, Raga] = {
    r.name.lower(): r
    for r in (
        Raga(
            "Yaman",
            "Kalyan",
            "S R G M P D N",
            aroha=".N R G M D N S'",
            avaroha="S' N D P M G R S",
            vadi="G",
            samvadi="N",
            pakad=".N R G R, .N R S, P M G R S",
            time="first quarter of the night",
            feeling="serene, devotional, romantic",
        ),
        Raga(
            "Bhairav",
            "Bhairav",
            "S r G m P d N",
            aroha="S r G m P d N S'",
            avaroha="S' N d P m G r S",
            vadi="d",
            samvadi="r",
            pakad="S G m P d P, G m r S",
            time="dawn",
            feeling="grave, devotional, awe",
            andolan="r d",
        ),
        Raga(
            "Kafi",
            "Kafi",
            "S R g m P D n",
            aroha="S R g m P D n S'",
            avaroha="S' n D P m g R S",
            vadi="P",
            samvadi="R",
            pakad="S S R R g g m m P, m P m g R, g R S",
            time="second quarter of the night",
            feeling="playful longing, folk, spring",
        ),
        Raga(
            "Bhimpalasi",
            "Kafi",
            "S R g m P D n",
            aroha=".n S g m P n S'",
            avaroha="S' n D P m g R S",
            vadi="m",
            samvadi="S",
            pakad=".n S m, m g P m, g m g R S",
            time="afternoon",
            feeling="longing, tender, yearning",
        ),
        Raga(
            "Bhupali",
            "Kalyan",
            "S R G P D",
            aroha="S R G P D S'",
            avaroha="S' D P G R S",
            vadi="G",
            samvadi="D",
            pakad="G R S .D, S R G, P G, D P G, R S",
            time="first quarter of the night",
            feeling="bright, peaceful, devotional",
        ),
        Raga(
            "Malkauns",
            "Bhairavi",
            "S g m d n",
            aroha=".n S g m d n S'",
            avaroha="S' n d m g m g S",
            vadi="m",
            samvadi="S",
            pakad="m g m d n d m, g m g S",
            time="late night",
            feeling="deep, meditative, grave",
            tanpura="M",
        ),
    )
}


def get_raga(name: str) -> Raga:
    try:
        return RAGAS[name.strip().lower()]
    except KeyError:
        raise InputError(f"unknown raga {name!r}: choose one of {', '.join(RAGAS)}") from None


@dataclass(frozen=True)
class Ladder:
    """The pitches a melody may step through going up and going down, in a range."""

    up: tuple[int, ...]
    down: tuple[int, ...]

    @classmethod
    def for_raga(cls, raga: Raga, sa: int, low: int, high: int) -> Ladder:
        ups = tuple(p for p in range(low, high + 1) if (p - sa) % 12 in raga.up)
        downs = tuple(p for p in range(low, high + 1) if (p - sa) % 12 in raga.down)
        return cls(ups, downs)

    @classmethod
    def for_scale(cls, tonic: int, scale: tuple[int, ...], low: int, high: int) -> Ladder:
        pitches = tuple(p for p in range(low, high + 1) if (p - tonic) % 12 in scale)
        return cls(pitches, pitches)

    @property
    def all(self) -> tuple[int, ...]:
        return tuple(sorted(set(self.up) | set(self.down)))

    def step(self, pitch: int, direction: int, size: int = 1) -> int:
        """The pitch ``size`` allowed steps up (``direction`` > 0) or down from ``pitch``;
        stays put at the edge of the range."""
        if direction > 0:
            above = [p for p in self.up if p > pitch]
            return above[min(size, len(above)) - 1] if above else pitch
        below = [p for p in self.down if p < pitch]
        return below[-min(size, len(below))] if below else pitch
