"""What a voice sounds like, in numbers: pitch, spectral envelope and speaking rate.

    audio ─track_f0→ F0 statistics (median, 10th/90th percentile, spread in semitones)
          ─WORLD CheapTrick on voiced frames→ long-term average log envelope
          ─loudness peaks between pauses→ syllables per second

The **long-term average envelope** is the mean, over every voiced frame, of the log
spectral envelope WORLD estimates (CheapTrick adapts its window to the pitch, so the
harmonics of a high voice do not show through as they would in a plain long-term
average spectrum). Averaged over ten seconds or more of speech, it depends little on
what was said and mostly on the speaker's vocal tract: the formants of a shorter tract
sit higher across the board. It is kept on a log-frequency axis, where stretching the
envelope along frequency (what :func:`~persona.voice.transform.warp_envelope` does) is a
plain shift, so :func:`formant_scale` finds the stretch that best aligns two voices by
trying every shift (vocal-tract length normalization, as speech recognizers do it).

The **syllable rate** follows de Jong & Wempe (2009): peaks of loudness in voiced speech,
at least :data:`PEAK_DIP_DB` above the dip before them, counted per second of speaking
time (pauses longer than :data:`PAUSE_MS` left out).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from persona.voice.pitch import track_f0

FRAME_PERIOD_MS = 10.0
ANALYSIS_FLOOR_HZ = 71.0
GRID_LOW_HZ = 100.0
GRID_HIGH_HZ = 7000.0
STEPS_PER_OCTAVE = 96
"""Resolution of the log-frequency axis: 0.7 % of frequency per step."""
MATCH_LOW_HZ = 250.0
MATCH_HIGH_HZ = 4500.0
"""The band in which two envelopes are compared: F1 to F4 of most voices. Below it lies
the voice source and the room; above it, the microphone and little that is stable."""
SCALE_RANGE = (0.7, 1.6)
LOUD_DB = 30.0
"""Frames more than this below the loudest are left out of the envelope average."""
PEAK_DIP_DB = 2.0
SMOOTH_FRAMES = 13
"""Loudness is smoothed over this many frames (a Hann window, about 65 ms wide at half
height) so a long vowel's ripples do not count as syllables."""
PAUSE_MS = 250.0
SILENCE_DB = 35.0


@dataclass(frozen=True)
class VoiceProfile:
    """The measured figures of one stretch of speech (see the module doc).

    ``envelope_db`` is the long-term average log envelope (dB) on :func:`grid_hz`.
    """

    duration_s: float
    voiced_s: float
    f0_median_hz: float
    f0_low_hz: float
    f0_high_hz: float
    syllable_rate: float
    envelope_db: np.ndarray

    @property
    def f0_spread_st(self) -> float:
        """The span of the pitch (10th to 90th percentile) in semitones."""
        if self.f0_low_hz <= 0:
            return 0.0
        return float(12.0 * np.log2(self.f0_high_hz / self.f0_low_hz))


def grid_hz() -> np.ndarray:
    """The log-frequency axis of :attr:`VoiceProfile.envelope_db`."""
    octaves = np.log2(GRID_HIGH_HZ / GRID_LOW_HZ)
    steps = round(octaves * STEPS_PER_OCTAVE) + 1
    return np.asarray(GRID_LOW_HZ * 2.0 ** (np.arange(steps) / STEPS_PER_OCTAVE))


def profile(audio: np.ndarray, rate: int) -> VoiceProfile:
    """Measure ``audio`` (mono, any rate of 16 kHz or more works best)."""
    signal = np.asarray(audio, np.float64)
    f0 = track_f0(signal, rate, FRAME_PERIOD_MS)
    voiced = f0[f0 > 0]
    low, median, high = (
        (float(v) for v in np.percentile(voiced, (10, 50, 90))) if len(voiced) else (0.0,) * 3
    )
    return VoiceProfile(
        duration_s=len(signal) / rate,
        voiced_s=len(voiced) * FRAME_PERIOD_MS / 1000.0,
        f0_median_hz=median,
        f0_low_hz=low,
        f0_high_hz=high,
        syllable_rate=syllable_rate(signal, rate, f0),
        envelope_db=long_term_envelope(signal, rate, f0),
    )


def long_term_envelope(audio: np.ndarray, rate: int, f0: np.ndarray) -> np.ndarray:
    """Mean log envelope (dB) of the loud voiced frames of ``audio`` on :func:`grid_hz`.

    ``f0`` is :func:`~persona.voice.pitch.track_f0`'s track on the
    :data:`FRAME_PERIOD_MS` grid. Above the audio's Nyquist frequency the last value
    continues (the match band stays below it at 16 kHz and up).
    """
    import pyworld

    grid = grid_hz()
    voiced = np.flatnonzero(f0 > 0)
    if not len(voiced):
        return np.zeros(len(grid))
    times = np.arange(len(f0)) * (FRAME_PERIOD_MS / 1000.0)
    analysis_f0 = np.where(f0 > 0, np.maximum(f0, ANALYSIS_FLOOR_HZ + 1.0), 0.0)
    fft_size = pyworld.get_cheaptrick_fft_size(rate, ANALYSIS_FLOOR_HZ)
    envelope = pyworld.cheaptrick(
        audio, analysis_f0[voiced], times[voiced], rate, fft_size=fft_size
    )
    level = 10.0 * np.log10(np.maximum(envelope.sum(axis=1), 1e-20))
    loud = envelope[level > level.max() - LOUD_DB]
    mean_db = 10.0 * np.log10(np.maximum(loud, 1e-20)).mean(axis=0)
    bins_hz = np.arange(envelope.shape[1]) * rate / fft_size
    return np.asarray(np.interp(grid, bins_hz, mean_db))


def formant_scale(sample_db: np.ndarray, reference_db: np.ndarray) -> tuple[float, float]:
    """(scale, fit): how far ``reference_db`` must be stretched along frequency to look
    most like ``sample_db``, both long-term envelopes on :func:`grid_hz`.

    For every shift of the reference along the log axis (a stretch in :data:`SCALE_RANGE`)
    the difference to the sample in the match band is taken, a straight line in
    log-frequency is removed from it (a microphone's or a voice source's tilt is no
    formant), and the shift that leaves the least is kept, refined between steps by a
    parabola. ``fit`` is the correlation of the detrended envelopes at that shift
    (1 = the same shape).
    """
    grid = grid_hz()
    band = np.flatnonzero((grid >= MATCH_LOW_HZ) & (grid <= MATCH_HIGH_HZ))
    x = np.log2(grid[band])
    low, high = (round(STEPS_PER_OCTAVE * np.log2(s)) for s in SCALE_RANGE)
    shifts = np.arange(low, high + 1)
    sample = sample_db[band]
    costs = np.array([_residual(sample, _shifted(reference_db, band, s), x) for s in shifts])
    best = int(np.argmin(costs))
    shift = shifts[best] + _vertex(costs, best)
    fit = _fit(sample, _shifted(reference_db, band, int(shifts[best])), x)
    return float(2.0 ** (shift / STEPS_PER_OCTAVE)), fit


def _vertex(costs: np.ndarray, best: int) -> float:
    """Offset (-0.5..0.5) of the parabola's lowest point through ``costs`` around
    ``best``; 0 at the ends of the search."""
    if not 0 < best < len(costs) - 1:
        return 0.0
    left, mid, right = costs[best - 1 : best + 2]
    curvature = left - 2 * mid + right
    if curvature <= 0:
        return 0.0
    return float(np.clip(0.5 * (left - right) / curvature, -0.5, 0.5))


def _shifted(envelope: np.ndarray, band: np.ndarray, shift: int) -> np.ndarray:
    """``envelope`` at the grid points ``band - shift`` (edge values continue)."""
    return envelope[np.clip(band - shift, 0, len(envelope) - 1)]


def _detrended(values: np.ndarray, x: np.ndarray) -> np.ndarray:
    slope, intercept = np.polyfit(x, values, 1)
    return np.asarray(values - (slope * x + intercept))


def _residual(sample: np.ndarray, reference: np.ndarray, x: np.ndarray) -> float:
    return float(np.mean(np.square(_detrended(sample - reference, x))))


def _fit(sample: np.ndarray, reference: np.ndarray, x: np.ndarray) -> float:
    a, b = _detrended(sample, x), _detrended(reference, x)
    norm = float(np.sqrt(np.sum(a * a) * np.sum(b * b)))
    return float(np.sum(a * b) / norm) if norm > 0 else 0.0


def syllable_rate(audio: np.ndarray, rate: int, f0: np.ndarray) -> float:
    """Syllables per second of speaking time (see the module doc); 0.0 without speech.

    ``f0`` is the track on the :data:`FRAME_PERIOD_MS` grid; a loudness peak counts
    only where it is voiced.
    """
    hop = round(rate * FRAME_PERIOD_MS / 1000.0)
    count = min(len(f0), len(audio) // hop)
    if count < 3:
        return 0.0
    frames = np.square(audio[: count * hop]).reshape(count, hop).mean(axis=1)
    window = np.hanning(SMOOTH_FRAMES)
    smooth = np.convolve(frames, window / window.sum(), mode="same")
    db = 10.0 * np.log10(np.maximum(smooth, 1e-12))
    speaking = db > db.max() - SILENCE_DB
    peaks = 0
    last_dip = db[0]
    for i in range(1, count - 1):
        last_dip = min(last_dip, db[i])
        is_peak = db[i] >= db[i - 1] and db[i] > db[i + 1]
        if is_peak and f0[i] > 0 and speaking[i] and db[i] - last_dip >= PEAK_DIP_DB:
            peaks += 1
            last_dip = db[i]
    seconds = _speaking_seconds(speaking)
    return peaks / seconds if seconds > 0 else 0.0


def _speaking_seconds(speaking: np.ndarray) -> float:
    """Frames of speech plus the short gaps inside it (pauses of :data:`PAUSE_MS` or
    more, and the silence before the first and after the last sound, are left out)."""
    frames = np.flatnonzero(speaking)
    if not len(frames):
        return 0.0
    gaps = np.diff(frames) - 1
    pause_frames = PAUSE_MS / FRAME_PERIOD_MS
    total = len(frames) + int(np.sum(gaps[gaps < pause_frames]))
    return total * FRAME_PERIOD_MS / 1000.0
