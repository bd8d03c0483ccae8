"""Fourth pass: blend the gestures into continuous per-frame mouth parameters.

Coarticulation follows Cohen & Massaro (1993): each gesture pulls every channel toward its
viseme's target with a *dominance* that is the viseme's dominance inside the gesture's span
and falls off exponentially outside it, with a time constant per channel, one for looking
ahead (anticipation) and one for lingering (carry-over). The value of a channel at time t is
the dominance-weighted mean of all targets. Lips anticipate rounding for a long time
(``round`` looks ahead ~60 ms per e-fold), so the t in "two" is already rounded; the jaw
uses short, symmetric constants so its opening lines up with the sound (no visual lag).

Each frame is the mean over a few instants spread evenly across the frame's interval,
centred on the frame's time: this box filter smooths the track and keeps phones shorter
than a frame visible, without shifting anything in time.
"""

from __future__ import annotations

import math

import numpy as np

from persona.lipsync.rough import Gestures
from persona.lipsync.visemes import dominance_matrix, target_matrix
from persona.types import MOUTH_CHANNELS

ANTICIPATION_MS = np.array([22.0, 40.0, 60.0, 25.0, 25.0, 25.0, 20.0])
"""Per channel: how far ahead (ms per e-fold) a coming gesture is felt."""

CARRYOVER_MS = np.array([22.0, 30.0, 35.0, 25.0, 25.0, 25.0, 20.0])
"""Per channel: how long (ms per e-fold) a past gesture is still felt."""

NEIGHBOURS = 8
"""Gestures considered on each side of the current one."""

SAMPLE_SPACING_MS = 8.0
"""Largest spacing of the instants averaged into one frame."""

_CHUNK = 16384


def frame_times_ms(n_frames: int, fps: float) -> np.ndarray:
    """Time shown by each frame: frame k shows ``k * 1000 / fps`` ms."""
    return np.arange(n_frames, dtype=np.float64) * (1000.0 / fps)


def blend(gestures: Gestures, n_frames: int, fps: float) -> np.ndarray:
    """Per-frame channel values, float64 ``(n_frames, 7)``, each a box-filtered blend."""
    if n_frames == 0:
        return np.zeros((0, len(MOUTH_CHANNELS)), dtype=np.float64)
    period = 1000.0 / fps
    per_frame = max(3, math.ceil(period / SAMPLE_SPACING_MS))
    offsets = ((np.arange(per_frame) + 0.5) / per_frame - 0.5) * period
    times = (frame_times_ms(n_frames, fps)[:, None] + offsets[None, :]).ravel()
    targets = target_matrix()[gestures.viseme].copy()
    targets[:, 0] = np.minimum(targets[:, 0] * gestures.jaw_scale, 1.0)
    dominance = dominance_matrix()[gestures.viseme]
    values = np.empty((times.size, targets.shape[1]), dtype=np.float64)
    for lo in range(0, times.size, _CHUNK):
        hi = min(lo + _CHUNK, times.size)
        values[lo:hi] = blend_at(gestures, times[lo:hi], targets, dominance)
    return values.reshape(n_frames, per_frame, -1).mean(axis=1)


def blend_at(
    gestures: Gestures, times: np.ndarray, targets: np.ndarray, dominance: np.ndarray
) -> np.ndarray:
    """Dominance-weighted blend of ``targets`` at each time in ``times`` (ms)."""
    n = len(gestures)
    current = np.searchsorted(gestures.start_ms, times, side="right") - 1
    window = current[:, None] + np.arange(-NEIGHBOURS, NEIGHBOURS + 1)[None, :]
    valid = (window >= 0) & (window < n)
    window = np.clip(window, 0, n - 1)
    ahead = np.maximum(gestures.start_ms[window] - times[:, None], 0.0)
    behind = np.maximum(times[:, None] - gestures.end_ms[window], 0.0)
    falloff = np.exp(-(ahead[..., None] / ANTICIPATION_MS + behind[..., None] / CARRYOVER_MS))
    weight = dominance[window] * falloff * valid[..., None]
    total = weight.sum(axis=1)
    return (weight * targets[window]).sum(axis=1) / np.maximum(total, 1e-12)


def gesture_at(gestures: Gestures, times: np.ndarray) -> np.ndarray:
    """Index of the gesture whose span holds each time (the last one that has started)."""
    index = np.searchsorted(gestures.start_ms, times, side="right") - 1
    return np.clip(index, 0, len(gestures) - 1)
