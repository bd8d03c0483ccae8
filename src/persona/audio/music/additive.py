"""Harmonic additive synthesis by interpolated wavetables, for the built-in instruments.

A tone whose partials are exact harmonics of ``f0`` is periodic at any instant, so instead
of one sine per partial per sample, one period of the waveform is computed per frame
(every :data:`HOP` samples) from the partials' amplitudes with an inverse FFT, and the
output reads the two wavetables around each sample at the tone's phase, interpolating
along the table and between the frames. The cost per sample is a few lookups, whatever
the number of partials.
"""

from __future__ import annotations

import numpy as np

HOP = 256
TABLE = 2048


def frame_times(n_samples: int, sample_rate: int) -> np.ndarray:
    """Times (s, ``float32``) of the frames that :func:`harmonic_tone` needs."""
    return (np.arange(n_samples // HOP + 2) * (HOP / sample_rate)).astype(np.float32)


def harmonic_tone(
    f0: float,
    amplitudes: np.ndarray,
    phases: np.ndarray,
    n_samples: int,
    sample_rate: int,
    glide: np.ndarray | None = None,
) -> np.ndarray:
    """``n_samples`` of a harmonic tone (mono ``float32``).

    ``amplitudes[j, k]`` is partial ``k + 1``'s amplitude at frame ``j`` (frames at
    :func:`frame_times`), ``phases[k]`` its starting phase (radians). ``glide``, one
    value per sample, multiplies the frequency (pitch bends); partials are capped below
    half the table size.
    """
    frames, count = amplitudes.shape
    count = min(count, TABLE // 2 - 1)
    spectrum = np.zeros((frames, TABLE // 2 + 1), np.complex64)
    rotation = np.exp(1j * (np.asarray(phases[:count]) - np.pi / 2)).astype(np.complex64)
    spectrum[:, 1 : count + 1] = amplitudes[:, :count] * rotation * np.float32(TABLE / 2)
    tables = np.fft.irfft(spectrum, n=TABLE, axis=1).astype(np.float32)
    flat = np.concatenate([tables, tables[:, :1]], axis=1).ravel()  # wrap column
    width = TABLE + 1
    step = np.full(n_samples, f0 / sample_rate) if glide is None else f0 / sample_rate * glide
    cycles = np.cumsum(step) - step[0] if n_samples else step
    pos = (cycles - np.floor(cycles)) * TABLE
    i0 = pos.astype(np.int32)
    frac = (pos - i0).astype(np.float32)
    frame = np.arange(n_samples, dtype=np.int32) // HOP  # frames - 2 at most
    base = frame * width + i0
    a0 = flat[base]
    a = a0 + (flat[base + 1] - a0) * frac
    b0 = flat[base + width]
    b = b0 + (flat[base + width + 1] - b0) * frac
    w = (np.arange(n_samples, dtype=np.int32) % HOP).astype(np.float32) * np.float32(1.0 / HOP)
    return (a + (b - a) * w).astype(np.float32)
