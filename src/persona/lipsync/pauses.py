"""Third pass: decide what the mouth does in each pause.

A short pause inside speech (a breath between words, under :data:`SHORT_PAUSE_MS`) should
not snap the mouth shut: it becomes :data:`~persona.lipsync.visemes.PAUSE`, a relaxed,
nearly closed shape that lets the lips keep the neighbours' shape. Longer pauses, and the
stretches before the first and after the last phone, stay at rest
(:data:`~persona.lipsync.visemes.REST`); the blend moves into and out of rest smoothly.
"""

from __future__ import annotations

import numpy as np

from persona.lipsync.rough import Gestures
from persona.lipsync.visemes import PAUSE, REST, viseme_id

SHORT_PAUSE_MS = 150
"""Pauses shorter than this keep the mouth relaxed instead of going to rest."""


def animate_pauses(gestures: Gestures, short_pause_ms: int = SHORT_PAUSE_MS) -> Gestures:
    """Turn short rest gestures between two spoken gestures into relaxed pauses."""
    n = len(gestures)
    if n < 3:
        return gestures
    rest = gestures.viseme == viseme_id(REST)
    span = gestures.end_ms - gestures.start_ms
    inner = np.zeros(n, dtype=bool)
    inner[1:-1] = True
    short = rest & inner & (span < short_pause_ms)
    if not short.any():
        return gestures
    viseme = gestures.viseme.copy()
    viseme[short] = viseme_id(PAUSE)
    return gestures.with_(viseme=viseme)
