"""Second pass: timing. The mouth leads the sound a little, and lip closures lead more,
so the lips are shut before the burst.

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

VISUAL_LEAD_MS = 20
"""Every gesture starts this much before its phone. Piper's phone times trail the sound's
loudness by 10-20 ms (measured), and viewers forgive a mouth slightly ahead of the sound
far more than one behind it (ITU-R BT.1359: audio ahead of picture is noticed from about
45 ms, audio behind from about 125 ms)."""

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


def anticipate(gestures: Gestures, lead_ms: int = VISUAL_LEAD_MS) -> Gestures:
    """Shift every gesture ``lead_ms`` earlier; the track still ends where the audio does."""
    if lead_ms <= 0 or len(gestures) == 0:
        return gestures
    start = np.maximum(gestures.start_ms - lead_ms, 0)
    end = np.maximum(gestures.end_ms - lead_ms, 0)
    end[-1] = gestures.end_ms[-1]
    return gestures.with_(start_ms=start, end_ms=end)
