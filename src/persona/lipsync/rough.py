"""First pass: timed phones → a row of mouth gestures (one viseme each).

A gesture is one viseme held over a span of the timeline. Most phones become one gesture;
a phone that moves through several visemes (a diphthong ``aɪ``, a cluster ``mb``) is cut
into several, the first part longer, as Rhubarb Lip Sync does for diphthongs. Silences
become rest gestures (:data:`~persona.lipsync.visemes.REST`); a later pass decides which
of them are only short pauses. Long rest gestures pad both ends, so the mouth starts and
ends at rest and the blend never runs out of neighbours.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np

from persona.lipsync.ipa import is_silence, phone_visemes
from persona.lipsync.visemes import REST, VISEMES, viseme_id
from persona.types import Phone

EDGE_PAD_MS = 1000
"""Length of the rest gestures added before the start and after the end."""

FIRST_PART_SHARE = 0.6
"""Share of a two-viseme phone's span given to its first viseme."""

STRESS_JAW_SCALE = {0: 1.0, 1: 1.15, 2: 1.07}
"""Jaw opening of a vowel by stress (0 none, 1 primary, 2 secondary)."""

REDUCED_JAW_SCALE = 0.85
"""Jaw opening of an unstressed reduced vowel (schwa)."""

_REDUCED = frozenset({"SCHWA"})


@dataclass(frozen=True, eq=False)
class Gestures:
    """Mouth gestures in time order, as parallel arrays of equal length.

    ``start_ms``/``end_ms`` (int64) bound each gesture; consecutive gestures touch.
    ``viseme`` (int64) indexes :data:`~persona.lipsync.visemes.VISEME_NAMES`.
    ``jaw_scale`` (float64) multiplies the viseme's jaw target (stress).
    """

    start_ms: np.ndarray
    end_ms: np.ndarray
    viseme: np.ndarray
    jaw_scale: np.ndarray

    def __len__(self) -> int:
        return int(self.start_ms.shape[0])

    def with_(self, **changes: np.ndarray) -> Gestures:
        """A copy with some arrays replaced."""
        return replace(self, **changes)


def animate_rough(phones: Iterable[Phone], duration_ms: int) -> Gestures:
    """Gestures for ``phones``, padded with rest before 0 and after ``duration_ms``."""
    rows: list[tuple[int, int, str, float]] = []
    cursor = 0
    for phone in sorted(phones, key=lambda p: p.start_ms):
        start, end = max(phone.start_ms, cursor), max(phone.end_ms, cursor)
        if start > cursor:
            rows.append((cursor, start, REST, 1.0))
        if is_silence(phone.symbol):
            rows.append((start, end, REST, 1.0))
        else:
            rows.extend(_phone_rows(phone, start, end))
        cursor = end
    tail = max(cursor, duration_ms)
    if tail > cursor:
        rows.append((cursor, tail, REST, 1.0))
    rows.insert(0, (-EDGE_PAD_MS, 0, REST, 1.0))
    rows.append((tail, tail + EDGE_PAD_MS, REST, 1.0))
    return _merge_rests(rows)


def _phone_rows(phone: Phone, start: int, end: int) -> list[tuple[int, int, str, float]]:
    names = phone_visemes(phone.symbol)
    bounds = _split_span(start, end, len(names))
    return [
        (lo, hi, name, _jaw_scale(name, phone.stress))
        for (lo, hi), name in zip(bounds, names, strict=True)
    ]


def _split_span(start: int, end: int, parts: int) -> list[tuple[int, int]]:
    if parts == 1:
        return [(start, end)]
    if parts == 2:
        cut = start + round((end - start) * FIRST_PART_SHARE)
        return [(start, cut), (cut, end)]
    cuts = np.round(np.linspace(start, end, parts + 1)).astype(int).tolist()
    return list(pairwise(cuts))


def _jaw_scale(name: str, stress: int) -> float:
    if not VISEMES[name].vowel:
        return 1.0
    if stress == 0 and name in _REDUCED:
        return REDUCED_JAW_SCALE
    return STRESS_JAW_SCALE.get(stress, 1.0)


def _merge_rests(rows: list[tuple[int, int, str, float]]) -> Gestures:
    """Join touching rest rows and drop empty rest rows (eSpeak's zero-length pauses)."""
    merged: list[tuple[int, int, str, float]] = []
    for row in rows:
        if row[2] == REST and row[1] <= row[0]:
            continue
        if merged and row[2] == REST and merged[-1][2] == REST:
            merged[-1] = (merged[-1][0], row[1], REST, 1.0)
        else:
            merged.append(row)
    return Gestures(
        start_ms=np.array([r[0] for r in merged], dtype=np.int64),
        end_ms=np.array([r[1] for r in merged], dtype=np.int64),
        viseme=np.array([viseme_id(r[2]) for r in merged], dtype=np.int64),
        jaw_scale=np.array([r[3] for r in merged], dtype=np.float64),
    )
