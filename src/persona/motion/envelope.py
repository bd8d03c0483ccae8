"""What the speech is doing at each frame: loudness, and whether someone is talking."""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d

from persona.lipsync.ipa import is_silence
from persona.types import Speech

LONG_PAUSE_MS = 400
"""A pause at least this long counts as not talking (the head settles)."""

ACTIVITY_SMOOTHING_MS = 250.0
"""Standard deviation of the Gaussian that softens talking/not-talking changes."""


def _power_prefix(audio: np.ndarray) -> np.ndarray:
    """Running sum of squared samples, built in one buffer (long scripts stay small)."""
    out = np.empty(len(audio) + 1, dtype=np.float64)
    out[0] = 0.0
    np.square(audio, out=out[1:], dtype=np.float64)
    np.cumsum(out[1:], out=out[1:])
    return out


def span_rms(speech: Speech, start_ms: np.ndarray, end_ms: np.ndarray) -> np.ndarray:
    """RMS of the audio over each span [start_ms, end_ms) (0 for empty spans)."""
    power = _power_prefix(speech.audio)
    n = len(speech.audio)
    lo = np.clip(np.round(start_ms * speech.sample_rate / 1000).astype(np.int64), 0, n)
    hi = np.clip(np.round(end_ms * speech.sample_rate / 1000).astype(np.int64), 0, n)
    count = hi - lo
    mean = (power[hi] - power[lo]) / np.maximum(count, 1)
    return np.where(count > 0, np.sqrt(np.maximum(mean, 0.0)), 0.0)


def frame_rms(speech: Speech, n_frames: int, fps: float) -> np.ndarray:
    """RMS of the audio over each frame's interval, centred on the frame's time."""
    period = 1000.0 / fps
    centres = np.arange(n_frames) * period
    return span_rms(speech, centres - period / 2, centres + period / 2)


def activity(speech: Speech, n_frames: int, fps: float) -> np.ndarray:
    """1 while talking (short pauses included), 0 in long pauses, smooth in between."""
    talking = np.zeros(n_frames, dtype=np.float64)
    if n_frames == 0:
        return talking
    per_ms = fps / 1000.0
    for phone in speech.phones:
        if is_silence(phone.symbol) and phone.duration_ms >= LONG_PAUSE_MS:
            continue
        lo = max(0, int(np.ceil(phone.start_ms * per_ms)))
        hi = min(n_frames, int(np.ceil(phone.end_ms * per_ms)))
        talking[lo:hi] = 1.0
    sigma = ACTIVITY_SMOOTHING_MS * per_ms
    return np.clip(gaussian_filter1d(talking, sigma, mode="nearest"), 0.0, 1.0)
