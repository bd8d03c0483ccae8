"""Timed phones → per-frame mouth parameters: a short chain of named passes.

    animate_rough → anticipate → optimize_timing → animate_pauses → blend → enforce_closures

1. :func:`~persona.lipsync.rough.animate_rough` turns phones into viseme gestures.
2. :func:`~persona.lipsync.timing.anticipate` starts every gesture a little before its
   sound, and :func:`~persona.lipsync.timing.optimize_timing` starts lip closures before
   the burst.
3. :func:`~persona.lipsync.pauses.animate_pauses` relaxes the mouth in short pauses.
4. :func:`~persona.lipsync.blend.blend` mixes gestures by dominance (coarticulation) and
   samples them per frame.
5. :func:`~persona.lipsync.closures.enforce_closures` makes sure every p/b/m shows shut
   lips, after all smoothing.
"""

from __future__ import annotations

import math

import numpy as np

from persona.errors import InputError
from persona.lipsync.blend import blend, frame_times_ms, gesture_at
from persona.lipsync.closures import closure_frames, enforce_closures
from persona.lipsync.pauses import animate_pauses
from persona.lipsync.rough import Gestures, animate_rough
from persona.lipsync.timing import CLOSURE_LEAD_MS, VISUAL_LEAD_MS, anticipate, optimize_timing
from persona.lipsync.visemes import CLOSED, REST, VISEME_NAMES
from persona.types import MouthTrack, Speech

CHANNEL_LOW = np.array([0.0, -1.0, 0.0, 0.0, -1.0, 0.0, 0.0])
CHANNEL_HIGH = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])
"""Ranges of the mouth channels (see :data:`persona.types.MOUTH_CHANNELS`)."""

SNAP = 1e-3
"""Channel values closer to zero than this become exactly zero (a still mouth at rest)."""


def frame_count(duration_ms: int, fps: float) -> int:
    """Frames needed to cover ``duration_ms``: ``ceil(duration_ms * fps / 1000)``."""
    return max(0, math.ceil(duration_ms * fps / 1000.0 - 1e-9))


def animate(
    speech: Speech,
    fps: float,
    *,
    lead_ms: int = VISUAL_LEAD_MS,
    closure_lead_ms: int = CLOSURE_LEAD_MS,
) -> MouthTrack:
    """Mouth parameters for every video frame of ``speech``.

    Frame k shows time ``k * 1000 / fps`` ms; the track has
    ``ceil(speech.duration_ms * fps / 1000)`` frames, starts and ends at rest, and shows
    closed lips (``jaw == 0``) on at least one frame of every p, b and m.
    ``lead_ms`` is how much earlier than its phone every mouth shape starts, and
    ``closure_lead_ms`` how much earlier still a lip closure starts.
    """
    if not (math.isfinite(fps) and fps > 0):
        raise InputError(f"frame rate must be a positive number, got {fps!r}")
    n_frames = frame_count(speech.duration_ms, fps)
    gestures = animate_rough(speech.phones, speech.duration_ms)
    gestures = anticipate(gestures, lead_ms)
    gestures = optimize_timing(gestures, closure_lead_ms)
    gestures = animate_pauses(gestures)
    params = blend(gestures, n_frames, fps)
    closed = closure_frames(gestures, n_frames, fps)
    params = enforce_closures(params, closed)
    params = _finish(params)
    names = _frame_visemes(gestures, closed, n_frames, fps)
    return MouthTrack(fps=fps, params=params.astype(np.float32), visemes=names)


def _finish(params: np.ndarray) -> np.ndarray:
    """Clip to the channel ranges, snap tiny values to zero, rest on the first/last frame."""
    out = np.clip(params, CHANNEL_LOW, CHANNEL_HIGH)
    out[np.abs(out) < SNAP] = 0.0
    if out.shape[0]:
        out[0] = 0.0
        out[-1] = 0.0
    return out


def _frame_visemes(
    gestures: Gestures, closed: np.ndarray, n_frames: int, fps: float
) -> tuple[str, ...]:
    """The viseme being articulated at each frame's time; closures and ends win."""
    ids = gestures.viseme[gesture_at(gestures, frame_times_ms(n_frames, fps))]
    names = np.array(VISEME_NAMES, dtype=object)[ids]
    names[closed] = CLOSED
    if n_frames:
        names[0] = REST
        names[-1] = REST
    return tuple(names.tolist())
