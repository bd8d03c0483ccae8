"""Synthetic stand-ins for a voice and a music bed, with known timings.

The "voice" is a buzzy harmonic tone (a 140 Hz glottal-like source) shaped into
syllables at 4 Hz, sounding only inside the given intervals; the "music" is an A-minor
chord with a kick-like beat every half second. Both are made from numbers alone, so every
test knows exactly where the speech is.
"""

from __future__ import annotations

import numpy as np

SPEECH_MS = ((1000, 3000), (3200, 5000), (7500, 9500))
"""Where the test voice speaks: two phrases with a short gap, then a long gap."""
TOTAL_MS = 11_000


def voice_signal(
    intervals_ms: tuple[tuple[int, int], ...] = SPEECH_MS,
    total_ms: int = TOTAL_MS,
    rate: int = 22050,
    f0: float = 140.0,
) -> np.ndarray:
    """A speech-like signal inside ``intervals_ms`` and silence elsewhere (float32)."""
    n = total_ms * rate // 1000
    t = np.arange(n) / rate
    source = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 16))
    envelope = np.zeros(n)
    for start, end in intervals_ms:
        a, b = start * rate // 1000, end * rate // 1000
        span = np.sin(np.pi * np.arange(b - a) / (b - a)) ** 0.2
        syllables = 0.55 + 0.45 * np.abs(np.sin(2 * np.pi * 4.0 * t[a:b]))
        envelope[a:b] = span * syllables
    return np.asarray(0.15 * source * envelope, np.float32)


def music_signal(seconds: float, rate: int = 44100, stereo: bool = False) -> np.ndarray:
    """A steady chord with a beat: a music bed whose level does not change."""
    t = np.arange(round(seconds * rate)) / rate
    chord = sum(0.08 * np.sin(2 * np.pi * f * t) for f in (220.0, 261.63, 329.63, 440.0))
    beat = 0.25 * np.exp(-(t % 0.5) * 25.0) * np.sin(2 * np.pi * 55.0 * t)
    music = np.asarray(chord + beat, np.float32)
    if stereo:
        return np.stack([music, 0.8 * music], axis=1)
    return music


def rms_db(audio: np.ndarray) -> float:
    """RMS level (dBFS) of a stretch of audio."""
    return float(10 * np.log10(np.mean(np.square(np.asarray(audio, np.float64))) + 1e-20))


def stretch(audio: np.ndarray, rate: int, start_ms: int, end_ms: int) -> np.ndarray:
    """The samples of ``audio`` from ``start_ms`` to ``end_ms``."""
    return audio[start_ms * rate // 1000 : end_ms * rate // 1000]
