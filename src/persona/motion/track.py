"""Face motion besides the mouth: blinks, head pose, brows and smile, per video frame."""

from __future__ import annotations

import math

import numpy as np

from persona.errors import InputError
from persona.motion.blinks import blink_track
from persona.motion.head import head_track
from persona.types import FaceTrack, Speech

SMILE_BASE = 0.1
SMILE_SWAY = 0.03
SMILE_FREQ_HZ = (0.02, 0.06)
"""Resting smile, how far it drifts, and how slowly (a later stage may drive it)."""


def smile_track(n_frames: int, fps: float, rng: np.random.Generator) -> np.ndarray:
    """A small, slowly drifting smile, float32 ``(n_frames,)`` in 0..1."""
    t = np.arange(n_frames) / fps
    freq = rng.uniform(*SMILE_FREQ_HZ, size=2)
    phase = rng.uniform(0, 2 * np.pi, size=2)
    sway = 0.7 * np.sin(2 * np.pi * freq[0] * t + phase[0])
    sway += 0.3 * np.sin(2 * np.pi * freq[1] * t + phase[1])
    return np.clip(SMILE_BASE + SMILE_SWAY * sway, 0.0, 1.0).astype(np.float32)


def animate_face(speech: Speech, n_frames: int, fps: float, *, seed: int = 0) -> FaceTrack:
    """Blinks, head pose, brows and smile for ``n_frames`` frames carrying ``speech``.

    Frame k shows time ``k * 1000 / fps`` ms. The same ``seed`` gives the same track;
    blinks, head and smile draw from independent streams of it.
    """
    if not (math.isfinite(fps) and fps > 0):
        raise InputError(f"frame rate must be a positive number, got {fps!r}")
    if n_frames < 0:
        raise InputError(f"frame count must not be negative, got {n_frames}")
    blink_rng, head_rng, smile_rng = np.random.default_rng(seed).spawn(3)
    head, brow = head_track(speech, n_frames, fps, head_rng)
    return FaceTrack(
        fps=fps,
        blink=blink_track(speech, n_frames, fps, blink_rng),
        head=head,
        brow=brow,
        smile=smile_track(n_frames, fps, smile_rng),
    )
