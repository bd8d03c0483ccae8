"""Head motion and brows: idle drift plus nods and brow raises on emphasis.

Two layers add up, per channel of :data:`persona.types.HEAD_CHANNELS`:

* **Idle**: a sum of a few slow sinusoids (0.05-0.5 Hz) with random frequencies and
  phases. It never stops, so the face never freezes, but it calms down to
  :data:`SETTLED_SHARE` of itself during long pauses.
* **Speech**: every vowel is an *accent* weighted by its stress and loudness (the audio
  RMS over the vowel). Strong accents give a small nod (pitch down and back, a smooth
  bump centred on the vowel), a slight turn and tilt with a random sign, and, the
  strongest ones, a brow raise.

The sum is squashed smoothly (``limit * tanh(x / limit)``) so every channel stays within
:data:`HEAD_LIMITS` without clipping corners.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import convolve1d, gaussian_filter1d
from scipy.signal import find_peaks

from persona.lipsync.ipa import is_silence, viseme_for
from persona.lipsync.visemes import VISEMES
from persona.motion.envelope import activity, frame_rms, span_rms
from persona.types import HEAD_CHANNELS, Speech

HEAD_LIMITS = np.array([3.0, 2.0, 1.5, 0.02, 0.02])
"""Largest excursion per head channel: yaw, pitch, roll (degrees), tx, ty (face widths)."""

IDLE_SHARE = 0.6
"""Idle motion's amplitude as a share of :data:`HEAD_LIMITS`."""

SETTLED_SHARE = 0.55
"""Share of the idle motion left during long pauses."""

IDLE_WAVES = 4
IDLE_FREQ_HZ = (0.05, 0.5)

STRESS_WEIGHT = {0: 0.3, 1: 1.0, 2: 0.6}
"""Accent weight of a vowel by its stress."""

MIN_ACCENT = 0.3
MIN_ACCENT_GAP_MS = 350
"""Accents weaker than ``MIN_ACCENT``, or closer than the gap to a stronger one, are dropped."""

NOD_MS, NOD_DEG = 500.0, 1.2
TURN_MS, TURN_DEG, TILT_DEG = 900.0, 0.6, 0.4
NOD_SHIFT = 0.004
"""Nod: bump length and pitch; turn/tilt: bump length and size; ty shift per unit nod."""

BROW_MS, BROW_GAIN = 700.0, 0.7
BROW_ACCENT, BROW_QUANTILE, BROW_GAP_MS = 0.6, 75.0, 1500.0
"""Brow raise: bump length and height per unit accent. Only accents of at least
``BROW_ACCENT`` and in the top quarter raise the brows, at most one per ``BROW_GAP_MS``."""

_YAW, _PITCH, _ROLL, _TX, _TY = range(len(HEAD_CHANNELS))


def idle_motion(n_frames: int, fps: float, rng: np.random.Generator) -> np.ndarray:
    """Slow, never-still drift, float64 ``(n_frames, 5)``, each channel within ±IDLE_SHARE."""
    t = np.arange(n_frames) / fps
    lo, hi = np.log(IDLE_FREQ_HZ[0]), np.log(IDLE_FREQ_HZ[1])
    shape = (len(HEAD_CHANNELS), IDLE_WAVES)
    freq = np.exp(rng.uniform(lo, hi, shape))
    phase = rng.uniform(0, 2 * np.pi, shape)
    weight = rng.uniform(0.5, 1.0, shape) / np.sqrt(freq)  # slower waves swing wider
    weight /= weight.sum(axis=1, keepdims=True)
    waves = np.sin(2 * np.pi * freq[None] * t[:, None, None] + phase[None])
    return (waves * weight[None]).sum(axis=2) * (HEAD_LIMITS * IDLE_SHARE)


def accents(speech: Speech) -> tuple[np.ndarray, np.ndarray]:
    """Times (ms, vowel centres) and strengths (0..1) of the accents in ``speech``."""
    vowels = [
        p for p in speech.phones if not is_silence(p.symbol) and VISEMES[viseme_for(p.symbol)].vowel
    ]
    if not vowels:
        return loudness_accents(speech)
    start = np.array([p.start_ms for p in vowels], dtype=np.float64)
    end = np.array([p.end_ms for p in vowels], dtype=np.float64)
    loud = span_rms(speech, start, end)
    reference = float(np.percentile(loud, 90))
    loudness = np.clip(loud / reference, 0.0, 1.0) if reference > 0 else np.ones_like(loud)
    stress = np.array([STRESS_WEIGHT.get(p.stress, 0.3) for p in vowels])
    return _thin((start + end) / 2, loudness * stress)


def loudness_accents(speech: Speech) -> tuple[np.ndarray, np.ndarray]:
    """Accents from loudness peaks alone, for speech that comes without phones."""
    rate = 100.0  # envelope frames per second
    n = int(np.ceil(speech.duration_ms * rate / 1000.0))
    envelope = gaussian_filter1d(frame_rms(speech, n, rate), 3.0) if n else np.zeros(0)
    top = float(np.percentile(envelope, 95)) if n else 0.0
    if top <= 0:
        return np.zeros(0), np.zeros(0)
    gap = MIN_ACCENT_GAP_MS * rate / 1000.0
    peaks, _ = find_peaks(envelope, height=MIN_ACCENT * top, distance=gap)
    return peaks * (1000.0 / rate), np.clip(envelope[peaks] / top, 0.0, 1.0)


def _thin(times: np.ndarray, strength: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop weak accents and, of two accents too close together, the weaker one."""
    keep_t: list[float] = []
    keep_s: list[float] = []
    for t, s in zip(times.tolist(), strength.tolist(), strict=True):
        if s < MIN_ACCENT:
            continue
        if keep_t and t - keep_t[-1] < MIN_ACCENT_GAP_MS:
            if s > keep_s[-1]:
                keep_t[-1], keep_s[-1] = t, s
            continue
        keep_t.append(t)
        keep_s.append(s)
    return np.array(keep_t), np.array(keep_s)


def _brow_accents(times: np.ndarray, strength: np.ndarray) -> np.ndarray:
    """Indices of the accents that also raise the brows (strong, and spaced out)."""
    floor = max(BROW_ACCENT, float(np.percentile(strength, BROW_QUANTILE)))
    chosen: list[int] = []
    for i in np.flatnonzero(strength >= floor).tolist():
        if not chosen or times[i] - times[chosen[-1]] >= BROW_GAP_MS:
            chosen.append(i)
    return np.array(chosen, dtype=np.int64)


def _bumps(
    times_ms: np.ndarray, amount: np.ndarray, n_frames: int, fps: float, width_ms: float
) -> np.ndarray:
    """Raised-cosine bumps of ``width_ms`` centred on ``times_ms``, heights ``amount``."""
    impulses = np.zeros(n_frames, dtype=np.float64)
    frames = np.round(times_ms * fps / 1000.0).astype(np.int64)
    inside = (frames >= 0) & (frames < n_frames)
    np.add.at(impulses, frames[inside], amount[inside])
    half = max(1, round(width_ms * fps / 2000.0))
    kernel = 0.5 * (1 + np.cos(np.pi * np.arange(-half, half + 1) / (half + 1)))
    return convolve1d(impulses, kernel, mode="constant")


def speech_motion(
    speech: Speech, n_frames: int, fps: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Nods, turns and tilts ``(n_frames, 5)`` and brow raises ``(n_frames,)`` on accents."""
    head = np.zeros((n_frames, len(HEAD_CHANNELS)), dtype=np.float64)
    times, strength = accents(speech)
    sign = rng.choice([-1.0, 1.0], size=(2, times.size))
    if times.size == 0 or n_frames == 0:
        return head, np.zeros(n_frames)
    nod = _bumps(times, strength, n_frames, fps, NOD_MS)
    head[:, _PITCH] = NOD_DEG * nod
    head[:, _TY] = NOD_SHIFT * nod
    head[:, _YAW] = TURN_DEG * _bumps(times, strength * sign[0], n_frames, fps, TURN_MS)
    head[:, _ROLL] = TILT_DEG * _bumps(times, strength * sign[1], n_frames, fps, TURN_MS)
    raised = _brow_accents(times, strength)
    brow = BROW_GAIN * _bumps(times[raised], strength[raised], n_frames, fps, BROW_MS)
    return head, np.clip(brow, 0.0, 1.0)


def head_track(
    speech: Speech, n_frames: int, fps: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Head pose float32 ``(n_frames, 5)`` and brow raise float32 ``(n_frames,)``."""
    idle_rng, speech_rng = rng.spawn(2)
    calm = SETTLED_SHARE + (1 - SETTLED_SHARE) * activity(speech, n_frames, fps)
    idle = idle_motion(n_frames, fps, idle_rng) * calm[:, None]
    talk, brow = speech_motion(speech, n_frames, fps, speech_rng)
    head = HEAD_LIMITS * np.tanh((idle + talk) / HEAD_LIMITS)
    return head.astype(np.float32), brow.astype(np.float32)
