"""Fundamental frequency (F0) of speech, frame by frame, and its median.

    audio ─decimate→ ~11 kHz ─NCCF per 5 ms frame→ pitch candidates ─Viterbi→ F0 track

The WORLD estimators (DIO, Harvest) often jump an octave up on a deep voice whose
fundamental is weak, such as the Piper ``joe`` voice (harmonics at 89, 178, 266, … Hz
read as 178 Hz). This tracker follows the classic recipe of Praat's cross-correlation
method (Boersma 1993) and of RAPT (Talkin 1995) instead:

1. the normalized cross-correlation (NCCF) of a 25 ms window with the signal ``τ``
   samples later, for every lag between ``1/ceil_hz`` and ``1/floor_hz``: a periodic
   sound scores near 1 at its period and clearly less at half of it;
2. each frame keeps its strongest NCCF peaks (refined by parabolic interpolation) as
   voiced candidates, plus one unvoiced candidate that is strong where the frame is
   quiet;
3. a Viterbi pass picks one candidate per frame, charging for octave jumps and for
   voicing changes, so the track is continuous.

Frames follow WORLD's convention (frame ``k`` is centred on ``k * frame_period_ms``; there
are ``int(duration / frame period) + 1`` of them), so a track can be handed to
``pyworld.cheaptrick``/``d4c``. Unvoiced frames are 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import gcd

import numpy as np

ANALYSIS_RATE = 11025
"""Rate (Hz) the signal is resampled to before tracking; F0 needs no more."""


@dataclass(frozen=True)
class PitchSettings:
    """Knobs of :func:`track_f0`; the defaults follow Praat's pitch analysis."""

    floor_hz: float = 50.0
    ceil_hz: float = 800.0
    window_ms: float = 25.0
    candidates: int = 5
    min_peak: float = 0.3  # NCCF peaks weaker than this are no candidate
    voicing_threshold: float = 0.5
    silence_threshold: float = 0.03  # of the signal's peak amplitude
    octave_cost: float = 0.02  # per octave, favours the higher of equal peaks
    octave_jump_cost: float = 0.35
    voicing_change_cost: float = 0.14


def frame_count(n_samples: int, sample_rate: int, frame_period_ms: float) -> int:
    """Number of WORLD frames for ``n_samples`` of audio (as ``pyworld.dio`` returns)."""
    return int(n_samples * 1000.0 / (sample_rate * frame_period_ms)) + 1


def track_f0(
    audio: np.ndarray,
    sample_rate: int,
    frame_period_ms: float = 5.0,
    settings: PitchSettings | None = None,
) -> np.ndarray:
    """F0 in Hz for every frame of ``audio`` (0 where unvoiced), float64."""
    options = settings if settings is not None else PitchSettings()
    n_frames = frame_count(len(audio), sample_rate, frame_period_ms)
    signal, rate = _decimated(np.asarray(audio, np.float64), sample_rate)
    peak = float(np.max(np.abs(signal))) if len(signal) else 0.0
    if peak <= 0.0:
        return np.zeros(n_frames)
    centres = np.round(np.arange(n_frames) * frame_period_ms * rate / 1000.0).astype(int)
    width = max(8, round(options.window_ms * rate / 1000))
    span = width + int(np.ceil(rate / options.floor_hz)) + 2
    # frame i: ``width`` samples centred on centres[i], then the longest lag after them
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(signal, (width // 2, span)), span)
    freqs = np.zeros((n_frames, options.candidates + 1))
    strengths = np.full((n_frames, options.candidates + 1), -np.inf)
    block = 2000  # frames per pass: memory stays small on long audio
    for a in range(0, n_frames, block):
        b = min(n_frames, a + block)
        f, s = _candidates(windows[centres[a:b]], width, rate, peak, options)
        freqs[a:b], strengths[a:b] = f, s
    return _viterbi(freqs, strengths, frame_period_ms, options)


def median_f0(audio: np.ndarray, sample_rate: int, settings: PitchSettings | None = None) -> float:
    """Median F0 (Hz) over the voiced frames of ``audio``; 0.0 if none is voiced."""
    f0 = track_f0(audio, sample_rate, settings=settings)
    voiced = f0[f0 > 0]
    return float(np.median(voiced)) if len(voiced) else 0.0


def _decimated(audio: np.ndarray, sample_rate: int) -> tuple[np.ndarray, int]:
    if sample_rate <= ANALYSIS_RATE * 1.1:
        return audio, sample_rate
    from scipy.signal import resample_poly

    divisor = gcd(sample_rate, ANALYSIS_RATE)
    up, down = ANALYSIS_RATE // divisor, sample_rate // divisor
    return resample_poly(audio, up, down), ANALYSIS_RATE


def _candidates(
    frames: np.ndarray, width: int, rate: int, peak: float, options: PitchSettings
) -> tuple[np.ndarray, np.ndarray]:
    """(frequencies, strengths) of each frame's candidates; column 0 is unvoiced."""
    lag_min = max(2, int(rate / options.ceil_hz))
    lag_max = frames.shape[1] - width - 1
    frames = frames - frames[:, :width].mean(axis=1, keepdims=True)
    nccf = _nccf(frames, width, lag_max)
    local_peak = np.max(np.abs(frames[:, :width]), axis=1)
    n = len(frames)
    freqs = np.zeros((n, options.candidates + 1))
    strengths = np.full((n, options.candidates + 1), -np.inf)
    quiet = local_peak / peak / (options.silence_threshold / (1 + options.voicing_threshold))
    strengths[:, 0] = options.voicing_threshold + np.maximum(0.0, 2.0 - quiet)
    lags, values = _peaks(nccf, lag_min, lag_max, options.min_peak)
    f = rate / lags
    s = values + options.octave_cost * np.log2(f / options.floor_hz)
    s[values <= 0] = -np.inf
    order = np.argsort(-s, axis=1)[:, : options.candidates]
    keep = np.take_along_axis(s, order, axis=1)
    k = keep.shape[1]
    strengths[:, 1 : k + 1] = keep
    freqs[:, 1 : k + 1] = np.where(np.isfinite(keep), np.take_along_axis(f, order, axis=1), 0.0)
    return freqs, strengths


def _nccf(frames: np.ndarray, width: int, lag_max: int) -> np.ndarray:
    """NCCF[i, τ] of the first ``width`` samples of frame ``i`` with those ``τ`` later."""
    size = 1 << int(np.ceil(np.log2(frames.shape[1] + width)))
    head = np.fft.rfft(frames[:, :width], size, axis=1)
    whole = np.fft.rfft(frames, size, axis=1)
    cross = np.fft.irfft(np.conj(head) * whole, size, axis=1)[:, : lag_max + 1]
    power = np.cumsum(np.square(frames), axis=1)
    power = np.concatenate([np.zeros((len(frames), 1)), power], axis=1)
    energy = power[:, width : width + lag_max + 1] - power[:, : lag_max + 1]
    denominator = np.sqrt(energy[:, :1] * energy) + 1e-12
    return np.asarray(cross / denominator)


def _peaks(
    nccf: np.ndarray, lag_min: int, lag_max: int, min_peak: float
) -> tuple[np.ndarray, np.ndarray]:
    """Interpolated (lag, value) of each local NCCF maximum in [lag_min, lag_max);
    entries that are no peak get value 0 and lag 1."""
    mid = nccf[:, lag_min:lag_max]
    left = nccf[:, lag_min - 1 : lag_max - 1]
    right = nccf[:, lag_min + 1 : lag_max + 1]
    is_peak = (mid > left) & (mid >= right) & (mid > min_peak)
    curvature = left - 2 * mid + right
    safe = np.where(curvature < 0, curvature, -1.0)
    shift = np.clip(0.5 * (left - right) / safe, -0.5, 0.5)
    values = np.where(is_peak, np.minimum(mid - 0.25 * (left - right) * shift, 1.0), 0.0)
    lags = np.where(is_peak, np.arange(lag_min, lag_max) + shift, 1.0)
    return lags, values


def _viterbi(
    freqs: np.ndarray, strengths: np.ndarray, frame_period_ms: float, options: PitchSettings
) -> np.ndarray:
    """The path through the candidates with the greatest strength minus transition costs."""
    n, k = freqs.shape
    per_step = 10.0 / frame_period_ms  # Praat's costs are per 10 ms
    voiced = freqs > 0
    logf = np.log2(np.where(voiced, freqs, 1.0))
    jump = np.abs(logf[:-1, :, None] - logf[1:, None, :]) * options.octave_jump_cost
    change = voiced[:-1, :, None] != voiced[1:, None, :]
    both = voiced[:-1, :, None] & voiced[1:, None, :]
    cost = (np.where(both, jump, 0.0) + change * options.voicing_change_cost) * per_step
    score = strengths[0].copy()
    back = np.zeros((n, k), dtype=np.intp)
    for i in range(1, n):
        total = score[:, None] - cost[i - 1]
        back[i] = np.argmax(total, axis=0)
        score = total[back[i], np.arange(k)] + strengths[i]
    path = np.empty(n, dtype=np.intp)
    path[-1] = int(np.argmax(score))
    for i in range(n - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return np.asarray(freqs[np.arange(n), path])
