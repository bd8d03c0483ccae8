"""Second pass: move lip closures earlier, so the lips are shut before the burst.

A p or b is heard when the lips open (the burst). TTS engines time the phone from there:
eSpeak NG bills the 20-50 ms of silent closure before the burst to the previous phone. The
lips must already be closed then, so each run of closed-lip gestures (p b m) starts up to
``lead_ms`` earlier and the gesture before it ends that much earlier. The previous gesture
keeps at least half of its span (and never less than it had minus the lead).
"""

from __future__ import annotations

import numpy as np

from persona.lipsync.rough import Gestures
from persona.lipsync.visemes import CLOSED, viseme_id

CLOSURE_LEAD_MS = 30
"""How much earlier than its phone a lip closure starts."""

MIN_KEEP_MS = 10
"""The gesture before a closure keeps at least this much (or half of itself, if more)."""


def optimize_timing(gestures: Gestures, lead_ms: int = CLOSURE_LEAD_MS) -> Gestures:
    """Start every run of closed-lip gestures up to ``lead_ms`` earlier."""
    if lead_ms <= 0 or len(gestures) < 2:
        return gestures
    closed = gestures.viseme == viseme_id(CLOSED)
    first = np.flatnonzero(closed[1:] & ~closed[:-1]) + 1
    if first.size == 0:
        return gestures
    prev = first - 1
    prev_span = gestures.end_ms[prev] - gestures.start_ms[prev]
    may_take = np.maximum(prev_span - MIN_KEEP_MS, prev_span // 2)
    lead = np.clip(may_take, 0, lead_ms)
    start = gestures.start_ms.copy()
    end = gestures.end_ms.copy()
    start[first] -= lead
    end[prev] -= lead
    return gestures.with_(start_ms=start, end_ms=end)
