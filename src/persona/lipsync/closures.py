"""Last pass: lip closures are sacred.

Blending and smoothing round off short gestures, and a p that lasts 20 ms might never show
closed lips at 25 fps. Viewers notice a b or m without a closure at once, so after all
smoothing every run of closed-lip gestures gets ``jaw == 0`` (teeth and tongue hidden) on
every frame whose time falls inside it, or, when no frame time falls inside, on the frame
nearest its middle.
"""

from __future__ import annotations

import numpy as np

from persona.lipsync.rough import Gestures
from persona.lipsync.visemes import CLOSED, viseme_id
from persona.types import MOUTH_CHANNELS

_CLOSED_CHANNELS = np.array([MOUTH_CHANNELS.index(c) for c in ("jaw", "teeth", "tongue")])


def closure_spans(gestures: Gestures) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (ms) of every run of consecutive closed-lip gestures."""
    closed = gestures.viseme == viseme_id(CLOSED)
    edges = np.diff(np.concatenate(([0], closed.astype(np.int8), [0])))
    first = np.flatnonzero(edges == 1)
    last = np.flatnonzero(edges == -1) - 1
    return gestures.start_ms[first], gestures.end_ms[last]


def closure_frames(gestures: Gestures, n_frames: int, fps: float) -> np.ndarray:
    """Boolean mask of the frames that must show closed lips."""
    mask = np.zeros(n_frames, dtype=bool)
    starts, ends = closure_spans(gestures)
    if n_frames == 0 or starts.size == 0:
        return mask
    per_ms = fps / 1000.0
    lo = np.ceil(starts * per_ms - 1e-9).astype(np.int64)
    hi = np.ceil(ends * per_ms - 1e-9).astype(np.int64)
    empty = hi <= lo
    nearest = np.round((starts + ends) * 0.5 * per_ms).astype(np.int64)
    nearest = np.clip(nearest, 0, n_frames - 1)
    lo = np.where(empty, nearest, lo)
    hi = np.where(empty, nearest + 1, hi)
    lo = np.clip(lo, 0, n_frames)
    hi = np.clip(hi, 0, n_frames)
    keep = hi > lo
    counts = np.zeros(n_frames + 1, dtype=np.int64)
    np.add.at(counts, lo[keep], 1)
    np.add.at(counts, hi[keep], -1)
    mask[:] = np.cumsum(counts[:-1]) > 0
    return mask


def enforce_closures(params: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """A copy of ``params`` with lips shut (jaw, teeth, tongue 0) on the ``mask`` frames."""
    out = params.copy()
    out[np.ix_(mask, _CLOSED_CHANNELS)] = 0.0
    return out
