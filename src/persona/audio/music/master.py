"""Finishing rendered music: the seamless loop or the ring-out, then the level.

A loop is rendered :data:`LOOP_TAIL_S` longer than it lasts; what sounds after its end
(notes held across the seam, releases, reverb) is added back onto its beginning, exactly
as it would sound when the loop plays again, so the seam has no click and no hole.

An ending fades the final chord's ring over the last part of the piece to exact silence
on the last sample.

The level: the integrated loudness is brought to the mood's target and a look-ahead
limiter keeps peaks under −1 dBFS (:mod:`persona.audio.loudness` measures and shapes the
gain); for a loop the limiter sees the audio as a circle, so its gain is continuous over
the seam too.
"""

from __future__ import annotations

import math

import numpy as np

from persona.audio.loudness import db_to_gain, integrated_lufs, limiter_gain

LOOP_TAIL_S = 4.0
CEILING_DBFS = -1.0
TRUE_PEAK_MARGIN_DB = 0.3
LOOP_PAD_S = 0.5


def close_loop(audio: np.ndarray, n_samples: int) -> np.ndarray:
    """The first ``n_samples`` of ``audio`` with everything after them wrapped onto the
    start (several times round if the tail is longer than the loop)."""
    out = audio[:n_samples].copy()
    tail = audio[n_samples:]
    for start in range(0, len(tail), n_samples):
        chunk = tail[start : start + n_samples]
        out[: len(chunk)] += chunk
    return out


def ring_out(audio: np.ndarray, sample_rate: int, final_s: float) -> np.ndarray:
    """``audio`` faded from 30 % into the ring after the final chord (at ``final_s``)
    to zero at the last sample, along a raised-cosine curve (in place)."""
    n = len(audio)
    start = min(n - 1, max(0, round((final_s + 0.3 * (n / sample_rate - final_s)) * sample_rate)))
    length = n - start
    if length <= 0:
        return audio
    curve = 0.5 * (1.0 + np.cos(np.linspace(0.0, math.pi, length, dtype=np.float64)))
    audio[start:] *= curve.astype(np.float32)[:, None]
    audio[-1] = 0.0
    return audio


def master(
    audio: np.ndarray, sample_rate: int, target_lufs: float, loop: bool
) -> tuple[np.ndarray, float]:
    """``audio`` (changed in place) brought to ``target_lufs`` with sample peaks at or under
    :data:`CEILING_DBFS`, and its integrated loudness afterwards (LUFS).

    The limiter's look-ahead gain comes from :func:`persona.audio.loudness.limiter_gain`;
    its ceiling sits :data:`TRUE_PEAK_MARGIN_DB` under −1 dBFS so that peaks between
    samples stay under −1 dBTP too. Limiting can leave the loudness a little under the
    target.
    """
    lufs = integrated_lufs(audio, sample_rate)
    gain = (
        float(db_to_gain(np.clip(target_lufs - lufs, -40.0, 40.0))) if math.isfinite(lufs) else 1.0
    )
    out = audio
    out *= np.float32(gain)
    peaks = np.abs(out).max(axis=1)
    ceiling = float(db_to_gain(CEILING_DBFS - TRUE_PEAK_MARGIN_DB))
    pad = min(len(peaks), round(LOOP_PAD_S * sample_rate)) if loop else 0
    if pad:
        peaks = np.concatenate([peaks[-pad:], peaks, peaks[:pad]])
    limiter = limiter_gain(peaks, sample_rate, ceiling)[pad : pad + len(out)]
    out *= limiter.astype(np.float32)[:, None]
    np.clip(out, -ceiling, ceiling, out=out)  # what the smoothing may leave over
    return out, integrated_lufs(out, sample_rate)
