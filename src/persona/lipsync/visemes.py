"""The viseme set: named mouth shapes with target values for every mouth channel.

A viseme is what the face does while a class of sounds is spoken. Each viseme gives a
*target* value for every channel of :data:`persona.types.MOUTH_CHANNELS` and a
*dominance* per channel: how strongly the viseme insists on that channel when its
neighbours want something else (Cohen & Massaro's coarticulation model). Consonants that
do not use the lips (t, k, s, ...) have low dominance for ``width`` and ``round`` and take
their lip shape from the surrounding vowels; p/b/m and f/v have high dominance for the
channels they need.

Every viseme also names the closest of Rhubarb Lip Sync's nine mouth shapes (A-H, X), so
an animation can be exported as Rhubarb cues. ``docs/visemes.md`` lists the set.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from persona.types import MOUTH_CHANNELS

REST = "X"
"""Mouth at rest: lips closed, relaxed. Long pauses and the ends of a track."""

PAUSE = "PAUSE"
"""Relaxed, nearly closed mouth for a short pause inside speech."""

CLOSED = "MBP"
"""Lips pressed together (p, b, m). Every frame of such a closure has ``jaw == 0``."""

NEUTRAL = "NEUTRAL"
"""Slightly open, neutral mouth: the shape for a phone nobody knows."""


@dataclass(frozen=True)
class Viseme:
    """One mouth shape.

    ``target`` and ``dominance`` have one value per :data:`MOUTH_CHANNELS` entry.
    ``rhubarb`` is the closest Rhubarb Lip Sync shape letter. ``vowel`` marks shapes
    whose jaw opening follows the phone's stress.
    """

    name: str
    target: tuple[float, ...]
    dominance: tuple[float, ...]
    rhubarb: str
    vowel: bool = False
    description: str = ""


def _viseme(
    name: str,
    rhubarb: str,
    target: tuple[float, ...],
    dominance: tuple[float, ...],
    description: str,
    vowel: bool = False,
) -> Viseme:
    if len(target) != len(MOUTH_CHANNELS) or len(dominance) != len(MOUTH_CHANNELS):
        raise ValueError(f"viseme {name} needs {len(MOUTH_CHANNELS)} values per row")
    return Viseme(name, target, dominance, rhubarb, vowel, description)


_VOWEL_DOMINANCE = (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
_UNROUNDED_VOWEL = (1.0, 1.0, 0.7, 1.0, 1.0, 1.0, 1.0)
_TONGUE_CONSONANT = (0.7, 0.08, 0.08, 0.3, 0.3, 0.8, 0.5)

#   channels:             jaw   width round upper lower teeth tongue
_TABLE: tuple[Viseme, ...] = (
    _viseme("X", "X", (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0), (1.0,) * 7,
            "rest: lips closed and relaxed"),
    _viseme("PAUSE", "X", (0.04, 0.0, 0.0, 0.0, 0.0, 0.05, 0.0),
            (1.0, 0.1, 0.1, 0.3, 0.3, 0.5, 0.5),
            "short pause: relaxed, nearly closed, lips follow the neighbours"),
    _viseme("MBP", "A", (0.0, 0.0, 0.0, 0.0, 0.1, 0.0, 0.0),
            (3.0, 0.3, 0.15, 1.0, 1.0, 2.0, 2.0),
            "p b m: lips pressed together"),
    _viseme("FV", "G", (0.10, 0.0, 0.0, 0.5, 0.5, 1.0, 0.0),
            (1.5, 0.3, 0.3, 1.0, 2.0, 1.5, 1.0),
            "f v: upper teeth on the lower lip"),
    _viseme("TH", "B", (0.18, 0.1, 0.0, 0.1, -0.1, 0.5, 0.8),
            (1.0, 0.15, 0.15, 0.5, 0.5, 1.0, 2.0),
            "th: tongue tip between the teeth"),
    _viseme("DN", "B", (0.12, 0.1, 0.0, 0.1, 0.0, 0.7, 0.15), _TONGUE_CONSONANT,
            "t d n s z and other tongue-tip consonants: teeth nearly together"),
    _viseme("KG", "B", (0.2, 0.0, 0.0, 0.05, 0.0, 0.4, 0.05),
            (0.35, 0.05, 0.05, 0.2, 0.2, 0.4, 0.3),
            "k g ng and other back consonants: jaw follows the vowels"),
    _viseme("SH", "B", (0.12, -0.35, 0.55, 0.35, -0.2, 0.75, 0.0),
            (0.8, 1.0, 1.0, 0.8, 0.5, 1.2, 0.5),
            "sh zh ch j: lips pushed forward, teeth together"),
    _viseme("L", "H", (0.3, 0.1, 0.0, 0.1, 0.0, 0.45, 0.7),
            (0.7, 0.15, 0.15, 0.3, 0.3, 0.6, 1.5),
            "l: tongue tip raised behind the upper teeth"),
    _viseme("R", "E", (0.18, -0.25, 0.4, 0.15, 0.0, 0.35, 0.1),
            (0.6, 0.6, 0.6, 0.4, 0.3, 0.6, 0.3),
            "English r: lips slightly rounded"),
    _viseme("HH", "B", (0.3, 0.0, 0.0, 0.0, 0.0, 0.2, 0.0), (0.05,) * 7,
            "h and glottal stop: no shape of its own, takes the neighbours'"),
    _viseme("EE", "B", (0.22, 0.75, 0.0, 0.2, -0.1, 0.75, 0.05), _UNROUNDED_VOWEL,
            "ee, y: lips spread, teeth show", vowel=True),
    _viseme("IH", "B", (0.3, 0.5, 0.0, 0.15, -0.05, 0.6, 0.1), _UNROUNDED_VOWEL,
            "ih: slightly open, lips a little spread", vowel=True),
    _viseme("EH", "C", (0.5, 0.4, 0.0, 0.15, -0.1, 0.5, 0.2), _UNROUNDED_VOWEL,
            "eh ae: open, lips spread", vowel=True),
    _viseme("AA", "D", (0.85, 0.1, 0.0, 0.1, -0.2, 0.35, 0.35), _UNROUNDED_VOWEL,
            "ah: jaw wide open", vowel=True),
    _viseme("SCHWA", "C", (0.35, 0.05, 0.0, 0.05, 0.0, 0.3, 0.15),
            (0.8, 0.8, 0.5, 0.8, 0.8, 0.8, 0.8),
            "uh (schwa): relaxed, half open", vowel=True),
    _viseme("ER", "E", (0.3, -0.2, 0.4, 0.1, 0.0, 0.3, 0.05), _VOWEL_DOMINANCE,
            "er: half open, slightly rounded", vowel=True),
    _viseme("OH", "E", (0.55, -0.4, 0.6, 0.05, 0.0, 0.15, 0.1), _VOWEL_DOMINANCE,
            "aw oh: open and rounded", vowel=True),
    _viseme("OO", "F", (0.15, -0.8, 1.0, 0.0, 0.0, 0.05, 0.0),
            (1.0, 1.2, 1.5, 1.0, 1.0, 1.0, 1.0),
            "oo, w: lips puckered", vowel=True),
    _viseme("NEUTRAL", "B", (0.25, 0.0, 0.0, 0.05, 0.0, 0.3, 0.05), (0.5,) * 7,
            "unknown phone: slightly open, neutral"),
)  # fmt: skip

VISEMES: dict[str, Viseme] = {v.name: v for v in _TABLE}
"""Every viseme by name, in a fixed order."""

VISEME_NAMES: tuple[str, ...] = tuple(VISEMES)
"""Viseme names in table order; arrays of viseme ids index into this."""


def viseme_id(name: str) -> int:
    """Position of viseme ``name`` in :data:`VISEME_NAMES`."""
    try:
        return VISEME_NAMES.index(name)
    except ValueError:
        raise KeyError(f"unknown viseme {name!r}") from None


def rhubarb_shape(viseme: str) -> str:
    """The Rhubarb Lip Sync mouth shape (one of ``A``-``H``, ``X``) closest to ``viseme``."""
    try:
        return VISEMES[viseme].rhubarb
    except KeyError:
        raise KeyError(f"unknown viseme {viseme!r}") from None


@cache
def target_matrix() -> np.ndarray:
    """Targets of all visemes, shape ``(len(VISEME_NAMES), len(MOUTH_CHANNELS))``."""
    matrix = np.array([v.target for v in _TABLE], dtype=np.float64)
    matrix.setflags(write=False)
    return matrix


@cache
def dominance_matrix() -> np.ndarray:
    """Dominances of all visemes, shape ``(len(VISEME_NAMES), len(MOUTH_CHANNELS))``."""
    matrix = np.array([v.dominance for v in _TABLE], dtype=np.float64)
    matrix.setflags(write=False)
    return matrix


@cache
def vowel_mask() -> np.ndarray:
    """``True`` for the visemes whose jaw opening follows stress."""
    mask = np.array([v.vowel for v in _TABLE], dtype=bool)
    mask.setflags(write=False)
    return mask
