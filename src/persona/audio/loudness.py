"""Loudness to a target: ITU-R BS.1770 integrated loudness and a true-peak limiter.

    audio ─K-weighted power, 4× oversampled peaks (once)→ ─try gains: gain → true-peak
          limiter → quick gated loudness→ ─measure the result (pyloudnorm), correct→

Integrated loudness follows BS.1770-4: K-weighting, 400 ms blocks with 75 % overlap, an
absolute gate at −70 LUFS and a relative gate 10 LU below; ``pyloudnorm`` is the
reference meter (:func:`integrated_lufs`). The true peak is the largest magnitude of the
signal oversampled four times with the interpolation filter of BS.1770-4 Annex 2, so
peaks that fall between samples count too.

A gain to the target alone would push the peaks of speech far above full scale (speech
peaks 15–20 dB over its loudness). :func:`limiter_gain` holds them under the ceiling:
the gain each sample needs (ceiling over its oversampled peak) is spread with a minimum
filter over the look-ahead and hold, then smoothed with a moving average no wider than
that spread, so the smooth gain never exceeds what any sample needs. The hold is short
(5 ms): with 20 ms the limiter turned whole vowels down and a speech at −14 LUFS needed
15 dB of gain reduction instead of 10.

Limiting lowers the loudness, so :func:`normalize_loudness` searches the gain: each
gain tried scales the input's peaks (peaks scale with the signal) and its K-weighted
power (the limiter's gain moves slowly against the 400 ms blocks), which makes a try
cost a moving average instead of a filter pass. The result is then measured with
pyloudnorm and the aim corrected until it is within :data:`TOLERANCE_LU` of the target.

Audio is mono ``(n,)`` or multichannel ``(n, channels)``; the limiter's gain is shared by
all channels, so the stereo image does not move.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from persona.errors import AudioError, DependencyError, InputError

WEB_LUFS = -14.0
"""Integrated loudness of web video platforms (the default target)."""
PODCAST_LUFS = -16.0
MIN_TARGET_LUFS, MAX_TARGET_LUFS = -40.0, -6.0
CEILING_DBTP = -1.0
"""Default true-peak ceiling (dBTP)."""
MIN_CEILING_DBTP, MAX_CEILING_DBTP = -9.0, 0.0
TOLERANCE_LU = 0.1
"""How close :func:`normalize_loudness` brings the loudness to its target."""
MAX_GAIN_DB = 60.0
MAX_PASSES = 8
BLOCK_S = 0.4
"""The BS.1770 gating block: shorter audio has no integrated loudness."""
_PHASE_0 = (
    0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000,
    -0.0594482421875, 0.1373291015625, 0.9721679687500, -0.1022949218750,
    0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500,
)  # fmt: skip
_PHASE_1 = (
    -0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250,
    -0.1665039062500, 0.4650878906250, 0.7797851562500, -0.2003173828125,
    0.1015625000000, -0.0582275390625, 0.0330810546875, -0.0189208984375,
)  # fmt: skip
_TRUE_PEAK_PHASES = tuple(
    np.asarray(p, np.float32) for p in (_PHASE_0, _PHASE_1, _PHASE_1[::-1], _PHASE_0[::-1])
)
"""The four phases of the BS.1770-4 Annex 2 interpolation filter; the prototype is
symmetric, so phases 2 and 3 are phases 1 and 0 reversed."""
_TRUE_PEAK_DELAY = 6
_CHANNEL_WEIGHTS = (1.0, 1.0, 1.0, 1.41, 1.41)
"""BS.1770 weights of L, R, C, Ls, Rs."""
LOOKAHEAD_MS = 2.0
HOLD_MS = 5.0


@dataclass(frozen=True)
class LoudnessReport:
    """What :func:`normalize_loudness` did: loudness before and after (LUFS), the true
    peak after (dBTP), the gain applied before limiting (dB) and the deepest gain
    reduction of the limiter (dB, ≥ 0)."""

    input_lufs: float
    lufs: float
    true_peak_dbtp: float
    gain_db: float
    limited_db: float


def check_target(target_lufs: float, ceiling_dbtp: float = CEILING_DBTP) -> None:
    """:class:`~persona.errors.InputError` unless the target and ceiling are sensible."""
    if not math.isfinite(target_lufs) or not MIN_TARGET_LUFS <= target_lufs <= MAX_TARGET_LUFS:
        raise InputError(
            f"loudness target must be between {MIN_TARGET_LUFS:g} and {MAX_TARGET_LUFS:g} "
            f"LUFS (-14 for web video, -16 for podcasts), not {target_lufs:g}"
        )
    if not math.isfinite(ceiling_dbtp) or not MIN_CEILING_DBTP <= ceiling_dbtp <= MAX_CEILING_DBTP:
        raise InputError(
            f"true-peak ceiling must be between {MIN_CEILING_DBTP:g} and "
            f"{MAX_CEILING_DBTP:g} dBTP, not {ceiling_dbtp:g}"
        )


def db_to_gain(db: float | np.ndarray) -> Any:
    """Amplitude factor of ``db`` decibels."""
    return np.power(10.0, np.asarray(db) / 20.0)


def gain_to_db(gain: float | np.ndarray, floor_db: float = -200.0) -> Any:
    """Decibels of an amplitude factor, never below ``floor_db``."""
    return np.maximum(20.0 * np.log10(np.maximum(np.asarray(gain), 1e-12)), floor_db)


def _pyloudnorm() -> Any:
    try:
        import pyloudnorm
    except ImportError as exc:
        raise DependencyError("loudness metering needs pyloudnorm: pip install pyloudnorm") from exc
    return pyloudnorm


def _frames(audio: np.ndarray) -> np.ndarray:
    """``audio`` as float64 ``(n, channels)``; :class:`AudioError` for other shapes."""
    a = np.asarray(audio, np.float64)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2 or not 1 <= a.shape[1] <= 5:
        raise AudioError(f"audio must be (samples,) or (samples, 1..5 channels), got {a.shape}")
    return a


def integrated_lufs(audio: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness (LUFS) of ``audio``; ``-inf`` for silence or audio shorter
    than one 400 ms gating block."""
    frames = _frames(audio)
    if len(frames) < BLOCK_S * sample_rate or not np.any(frames):
        return -math.inf
    meter = _pyloudnorm().Meter(sample_rate)
    value = float(meter.integrated_loudness(frames))
    return value if math.isfinite(value) else -math.inf


def oversampled_peaks(frames: np.ndarray) -> np.ndarray:
    """Per input sample, the largest magnitude of the 4× oversampled signal around it
    (the sample itself and the three points after it), across all channels.

    The four points come from the polyphase interpolator of BS.1770-4 Annex 2 (a
    48-tap FIR, 12 taps per phase), delayed by six samples to line up with the input.
    """
    n = len(frames)
    peaks = np.abs(frames).max(axis=1).astype(np.float32)
    for channel in np.asarray(frames, np.float32).T:
        for phase in _TRUE_PEAK_PHASES:
            points = np.convolve(channel, phase)[_TRUE_PEAK_DELAY : _TRUE_PEAK_DELAY + n]
            np.maximum(peaks, np.abs(points), out=peaks)
    return peaks.astype(np.float64)


def true_peak_dbtp(audio: np.ndarray, sample_rate: int) -> float:
    """True peak (dBTP) of ``audio``: the peak of the signal oversampled 4×;
    ``-inf`` for silence."""
    frames = _frames(audio)
    if not np.any(frames):
        return -math.inf
    return float(gain_to_db(oversampled_peaks(frames).max()))


def limiter_gain(
    peaks: np.ndarray,
    sample_rate: int,
    ceiling: float,
    lookahead_ms: float = LOOKAHEAD_MS,
    hold_ms: float = HOLD_MS,
) -> np.ndarray:
    """A smooth gain per sample that keeps ``peaks * gain`` at or under ``ceiling``.

    The needed gain is spread over ``lookahead + hold`` on both sides by a minimum filter,
    then smoothed by a moving average ``lookahead`` wide on each side: every value in the
    average is already at or below the need at its centre, so the result is too. The
    gain falls over twice the look-ahead before a peak and rises as fast after the hold.
    """
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    if need.min() >= 1.0:
        return np.ones_like(need)
    reach = max(1, round(lookahead_ms * sample_rate / 1000))
    hold = max(0, round(hold_ms * sample_rate / 1000))
    spread = minimum_filter1d(need, size=2 * (reach + hold) + 1, mode="nearest")
    smooth = uniform_filter1d(spread, size=2 * reach + 1, mode="nearest")
    return np.minimum(smooth, 1.0)


def limit_true_peak(
    audio: np.ndarray, sample_rate: int, ceiling_dbtp: float = CEILING_DBTP
) -> tuple[np.ndarray, float]:
    """``audio`` with its true peak at or under ``ceiling_dbtp``, and the deepest gain
    reduction it took (dB). Quiet audio comes back unchanged."""
    frames = _frames(audio)
    out, deepest, _ = _limited(frames, oversampled_peaks(frames), sample_rate, ceiling_dbtp)
    return _shaped(out, audio), deepest


def _limited(
    frames: np.ndarray, peaks: np.ndarray, sample_rate: int, ceiling_dbtp: float
) -> tuple[np.ndarray, float, np.ndarray]:
    """``frames`` (with oversampled ``peaks``) limited to the ceiling, the deepest
    reduction (dB) and the oversampled peaks of the result. The smooth gain scales the
    peaks with it; the result is measured again, and the rare hair over the ceiling left
    between samples is taken off in one more pass."""
    target = float(db_to_gain(ceiling_dbtp))
    out, deepest = frames, 1.0
    for _ in range(4):
        if peaks.max() <= target:
            break
        gain = limiter_gain(peaks, sample_rate, target * 0.999)
        out = out * gain[:, None]
        deepest *= float(gain.min())
        peaks = oversampled_peaks(out)
    return out, max(0.0, float(-gain_to_db(deepest))), peaks


def _shaped(frames: np.ndarray, like: np.ndarray) -> np.ndarray:
    """``frames`` as float32 in the shape of ``like``: ``(n,)`` for mono input."""
    out = frames[:, 0] if np.asarray(like).ndim == 1 else frames
    return np.asarray(out, np.float32)


def normalize_loudness(
    audio: np.ndarray,
    sample_rate: int,
    target_lufs: float = WEB_LUFS,
    ceiling_dbtp: float = CEILING_DBTP,
) -> tuple[np.ndarray, LoudnessReport]:
    """``audio`` at ``target_lufs`` integrated loudness with its true peak at or under
    ``ceiling_dbtp``, and a report.

    Gains are tried on a quick estimate (see :func:`_solve_gain`); the result is then
    measured with pyloudnorm (the reference meter) and the aim corrected by what it
    says, until it is within :data:`TOLERANCE_LU`. Silence, and audio shorter than one
    gating block, come back unchanged (their loudness is ``-inf``). Raises
    :class:`~persona.errors.InputError` for a target or ceiling out of range.
    """
    check_target(target_lufs, ceiling_dbtp)
    frames = _frames(audio)
    power = k_weighted_power(frames, sample_rate)
    before = gated_lufs(power, sample_rate)  # the same as integrated_lufs, from the power
    peaks = oversampled_peaks(frames)
    if before == -math.inf:
        peak = float(gain_to_db(peaks.max())) if np.any(frames) else -math.inf
        return _shaped(frames, audio), LoudnessReport(before, before, peak, 0.0, 0.0)
    ceiling = float(db_to_gain(ceiling_dbtp)) * 0.999
    aim, out, lufs, gain_db, limited = target_lufs, frames, before, 0.0, 0.0
    for _ in range(3):
        gain_db, gain = _solve_gain(power, peaks, sample_rate, aim, ceiling, before)
        out = frames * gain[:, None]
        lufs = integrated_lufs(out, sample_rate)
        limited = max(0.0, float(gain_db - gain_to_db(gain.min())))
        if abs(lufs - target_lufs) <= TOLERANCE_LU:
            break
        aim += target_lufs - lufs
    out, extra, final_peaks = _limited(out, oversampled_peaks(out), sample_rate, ceiling_dbtp)
    if extra > 0.0:
        lufs = integrated_lufs(out, sample_rate)
    peak = float(gain_to_db(final_peaks.max()))
    return _shaped(out, audio), LoudnessReport(before, lufs, peak, gain_db, limited + extra)


def _solve_gain(
    power: np.ndarray,
    peaks: np.ndarray,
    sample_rate: int,
    aim_lufs: float,
    ceiling: float,
    start_lufs: float,
) -> tuple[float, np.ndarray]:
    """The gain (dB) and the per-sample gain (with the limiter) that bring the quick
    estimate of the loudness to ``aim_lufs``.

    The estimate takes the K-weighted power of the input once and multiplies it by the
    square of each gain tried: the limiter's gain moves over milliseconds, slowly
    against the 400 ms gating blocks, so this is close to measuring the limited signal
    itself, at a fraction of the cost. Secant steps: limiting makes the loudness grow
    slower than the gain."""
    gain_db = min(aim_lufs - start_lufs, MAX_GAIN_DB)
    tried: list[tuple[float, float]] = []
    gain = np.ones(len(power))
    for _ in range(MAX_PASSES):
        scale = float(db_to_gain(gain_db))
        gain = limiter_gain(peaks * scale, sample_rate, ceiling) * scale
        lufs = gated_lufs(power * np.square(gain), sample_rate)
        tried.append((gain_db, lufs))
        if abs(lufs - aim_lufs) <= TOLERANCE_LU / 4 or gain_db >= MAX_GAIN_DB:
            break
        gain_db = min(_next_gain(tried, aim_lufs), MAX_GAIN_DB)
    return gain_db, gain


def k_weighted_power(frames: np.ndarray, sample_rate: int) -> np.ndarray:
    """Per sample, the K-weighted signal squared, summed over the channels with the
    BS.1770 channel weights (the filters pyloudnorm's K-weighting meter uses)."""
    iir = _pyloudnorm().IIRfilter
    stages = (
        iir(4.0, 1 / math.sqrt(2), 1500.0, sample_rate, "high_shelf"),
        iir(0.0, 0.5, 38.0, sample_rate, "high_pass"),
    )
    power = np.zeros(len(frames))
    for channel, weight in zip(frames.T, _CHANNEL_WEIGHTS, strict=False):
        weighted = channel
        for stage in stages:
            weighted = stage.apply_filter(weighted)
        power += weight * np.square(weighted)
    return power


def gated_lufs(power: np.ndarray, sample_rate: int) -> float:
    """BS.1770 gated loudness of a K-weighted power signal: 400 ms blocks every 100 ms,
    an absolute gate at -70 LUFS and a relative gate 10 LU under the gated mean."""
    block, step = round(BLOCK_S * sample_rate), round(BLOCK_S * sample_rate / 4)
    if len(power) < block:
        return -math.inf
    total = np.concatenate([[0.0], np.cumsum(power)])
    starts = np.arange(0, len(power) - block + 1, step)
    z = (total[starts + block] - total[starts]) / block
    with np.errstate(divide="ignore"):
        blocks = -0.691 + 10 * np.log10(z)
    above = blocks >= -70.0
    if not np.any(above):
        return -math.inf
    relative = -0.691 + 10 * math.log10(float(z[above].mean())) - 10.0
    gated = z[above & (blocks >= relative)]
    return -0.691 + 10 * math.log10(float(gated.mean()))


def _next_gain(tried: list[tuple[float, float]], target_lufs: float) -> float:
    """The next gain to try: a secant step through the last two (gain, loudness) pairs
    (limiting makes loudness grow slower than the gain), else a plain correction."""
    gain, lufs = tried[-1]
    if len(tried) >= 2:
        previous_gain, previous_lufs = tried[-2]
        slope = (lufs - previous_lufs) / (gain - previous_gain) if gain != previous_gain else 0
        if 0.05 <= slope <= 1.5:
            return gain + (target_lufs - lufs) / slope
    return gain + target_lufs - lufs
