"""Mouth cues in Rhubarb Lip Sync's nine shapes: the format 2D animators draw mouths for.

    from persona.lipsync.cues import cues_from_speech, sample_cues
    cues = cues_from_speech(speech)          # (Cue(0, 120, "X"), Cue(120, 260, "D"), ...)
    sample_cues(cues)                        # ["X", "X", ..., "D", ...], one shape per 10 ms

The shapes are the Hanna-Barbera mouths Rhubarb Lip Sync uses: six basic ones (A-F) and
three optional ones (G, H, X). An animator who drew only some of the optional ones passes
the shapes they have; every other shape then falls back to the basic shape that looks
most like it (G to A, H to C, X to A), as Rhubarb does.

Cues come from timed phones through a chain of small passes, like Rhubarb's own
animation and our per-frame lip sync:

    shape_rules → animate_rough → optimize_timing → animate_pauses → insert_tweens
               → restrict to the allowed shapes

(:mod:`persona.lipsync.cue_rules` and :mod:`persona.lipsync.cue_passes`). Cue times are
whole centiseconds (multiples of 10 ms), Rhubarb's time unit, so every file format stores
them exactly. ``docs/lipsync-cues.md`` shows the shapes and the formats.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from persona.errors import InputError
from persona.lipsync.cue_passes import (
    animate_pauses,
    insert_tweens,
    merge_equal,
    optimize_timing,
    restrict_shapes,
)
from persona.lipsync.cue_rules import animate_rough, shape_rules
from persona.lipsync.shapes import ALL_SHAPES, BASIC_SHAPES, EXTENDED_SHAPES, TICK_MS, Cue
from persona.lipsync.timing import VISUAL_LEAD_MS
from persona.types import Speech

__all__ = [
    "ALL_SHAPES",
    "BASIC_SHAPES",
    "EXTENDED_SHAPES",
    "Cue",
    "cues_from_speech",
    "parse_shapes",
    "rest_shape",
    "sample_cues",
]


def parse_shapes(shapes: str) -> str:
    """The allowed shapes, in letter order, from a user's choice.

    ``shapes`` lists every allowed shape (``"ABCDEFGHX"``, ``"ABCDEFX"``) or, as Rhubarb's
    ``--extendedShapes`` does, only the optional ones (``"GHX"``, ``"X"``, ``""``); the
    basic shapes A-F are always allowed. Case, spaces and commas do not matter.
    """
    letters = {ch for ch in shapes.upper() if ch not in " ,"}
    unknown = sorted(letters - set(ALL_SHAPES))
    if unknown:
        raise InputError(
            f"unknown mouth shape(s) {''.join(unknown)!r} in {shapes!r}; shapes are {ALL_SHAPES}"
        )
    basic = letters & set(BASIC_SHAPES)
    if basic and basic != set(BASIC_SHAPES):
        missing = "".join(sorted(set(BASIC_SHAPES) - basic))
        raise InputError(f"shapes {shapes!r} lack basic shape(s) {missing}: A-F are required")
    return "".join(ch for ch in ALL_SHAPES if ch in letters or ch in BASIC_SHAPES)


def rest_shape(shapes: str) -> str:
    """The closed, idle mouth among ``shapes``: ``X`` if allowed, else ``A``."""
    return "X" if "X" in shapes else "A"


def cues_from_speech(
    speech: Speech, shapes: str = ALL_SHAPES, *, lead_ms: int = VISUAL_LEAD_MS
) -> tuple[Cue, ...]:
    """Mouth cues for ``speech``, using only ``shapes`` (see :func:`parse_shapes`).

    The cues tile ``[0, duration)`` with the duration cut down to whole centiseconds, as
    Rhubarb does; neighbouring cues differ in shape. Every p, b and m shows an ``A``.
    ``lead_ms`` moves the mouth that much ahead of the sound, as the per-frame lip sync
    does (viewers forgive a mouth slightly early, not one late).
    """
    allowed = parse_shapes(shapes)
    duration_ms = speech.duration_ms // TICK_MS * TICK_MS
    if duration_ms <= 0:
        return ()
    rules = shape_rules(speech.phones, duration_ms, allowed, lead_ms=lead_ms)
    cues = animate_rough(rules)
    cues = optimize_timing(cues)
    cues = animate_pauses(cues)
    cues = insert_tweens(cues)
    return merge_equal(restrict_shapes(cues, allowed))


def sample_cues(cues: Sequence[Cue], step_ms: int = 10) -> list[str]:
    """The shape shown at ``0, step_ms, 2 * step_ms, ...`` up to the end of the last cue.

    A step lands in the cue with ``start_ms <= t < end_ms``; a time no cue covers (a gap,
    or before the first cue) shows ``X``. Used to compare two animations step by step.
    """
    if step_ms <= 0:
        raise ValueError(f"step must be positive, got {step_ms} ms")
    if not cues:
        return []
    ordered = sorted(cues, key=lambda c: c.start_ms)
    end = max(c.end_ms for c in ordered)
    out: list[str] = []
    i = 0
    for k in range(math.ceil(end / step_ms)):
        t = k * step_ms
        while i < len(ordered) and ordered[i].end_ms <= t:
            i += 1
        inside = i < len(ordered) and ordered[i].start_ms <= t
        out.append(ordered[i].shape if inside else "X")
    return out
