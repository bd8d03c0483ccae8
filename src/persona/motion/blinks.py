"""Eye blinks: when they happen and how the eyelids move.

People blink every few seconds, more readily at a pause than mid-word. Blink times are
drawn so consecutive blinks are :data:`MIN_INTERVAL_MS` to :data:`MAX_INTERVAL_MS` apart
(2 + a gamma-distributed extra, mean about 3.4 s); a candidate time moves to a pause
centre when one lies within :data:`PAUSE_PULL_MS` and the interval stays in range. Now and
then a blink is doubled. One blink takes about 160 ms: the lid closes fast (50 ms), holds
(20 ms), and opens more slowly (90 ms). The track is 0 (open) .. 1 (closed), and every
blink shows a fully closed frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from persona.lipsync.ipa import is_silence
from persona.types import Speech

MIN_INTERVAL_MS = 2000
MAX_INTERVAL_MS = 6000
INTERVAL_GAMMA_SHAPE = 2.0
INTERVAL_GAMMA_SCALE_MS = 700.0
"""Interval = ``MIN_INTERVAL_MS`` + Gamma(shape, scale), cut at ``MAX_INTERVAL_MS``."""

PAUSE_PULL_MS = 1000
"""A blink moves to a pause whose centre is at most this far away."""

PAUSE_MIN_MS = 150
"""Pauses at least this long attract blinks."""

DOUBLE_CHANCE = 0.12
DOUBLE_GAP_MS = 260
"""Chance that a blink is doubled, and the time between the two closures."""

CLOSE_MS = 50
HOLD_MS = 20
OPEN_MS = 90
"""Phases of one blink; the middle of the hold is the blink's time."""


@dataclass(frozen=True)
class Blink:
    """One blink event: the time its lid is fully closed; ``double`` adds a second one."""

    time_ms: int
    double: bool = False


def pause_centres(speech: Speech, min_pause_ms: int = PAUSE_MIN_MS) -> np.ndarray:
    """Centre times (ms) of the pauses in ``speech`` at least ``min_pause_ms`` long."""
    centres = [
        (p.start_ms + p.end_ms) // 2
        for p in speech.phones
        if is_silence(p.symbol) and p.duration_ms >= min_pause_ms
    ]
    return np.array(centres, dtype=np.int64)


def plan_blinks(duration_ms: int, pauses_ms: np.ndarray, rng: np.random.Generator) -> list[Blink]:
    """Blink events over ``[0, duration_ms)``, preferring the pauses in ``pauses_ms``."""
    blinks: list[Blink] = []
    candidate = int(rng.uniform(0.1, 0.7) * _interval(rng))
    lo, hi = 0, candidate + PAUSE_PULL_MS  # the first blink has no predecessor
    while True:
        time = _pull_to_pause(candidate, pauses_ms, lo, hi)
        if time >= duration_ms:
            return blinks
        blinks.append(Blink(time, bool(rng.random() < DOUBLE_CHANCE)))
        candidate = time + _interval(rng)
        lo, hi = time + MIN_INTERVAL_MS, time + MAX_INTERVAL_MS


def _interval(rng: np.random.Generator) -> int:
    extra = rng.gamma(INTERVAL_GAMMA_SHAPE, INTERVAL_GAMMA_SCALE_MS)
    return int(min(MIN_INTERVAL_MS + extra, MAX_INTERVAL_MS))


def _pull_to_pause(candidate: int, pauses_ms: np.ndarray, lo: int, hi: int) -> int:
    near = pauses_ms[
        (np.abs(pauses_ms - candidate) <= PAUSE_PULL_MS) & (pauses_ms >= lo) & (pauses_ms <= hi)
    ]
    if near.size == 0:
        return candidate
    return int(near[np.argmin(np.abs(near - candidate))])


def blink_profile(dt_ms: np.ndarray) -> np.ndarray:
    """Lid closure (0..1) at ``dt_ms`` from a blink's time (its fully closed moment)."""
    half_hold = HOLD_MS / 2
    closing = np.clip((dt_ms + half_hold + CLOSE_MS) / CLOSE_MS, 0.0, 1.0)
    opening = np.clip((OPEN_MS + half_hold - dt_ms) / OPEN_MS, 0.0, 1.0)
    rise = closing * closing * (3 - 2 * closing)  # smoothstep
    fall = opening * opening * (3 - 2 * opening)
    return np.minimum(rise, fall)


def render_blinks(blinks: list[Blink], n_frames: int, fps: float) -> np.ndarray:
    """Per-frame lid closure, float32 ``(n_frames,)``.

    Each closure is centred on the frame nearest its time, so it shows fully closed.
    """
    track = np.zeros(n_frames, dtype=np.float64)
    times = [b.time_ms for b in blinks] + [b.time_ms + DOUBLE_GAP_MS for b in blinks if b.double]
    if n_frames == 0 or not times:
        return track.astype(np.float32)
    period = 1000.0 / fps
    peaks = np.round(np.asarray(times, dtype=np.float64) / period).astype(np.int64)
    reach = int(np.ceil((CLOSE_MS + HOLD_MS + OPEN_MS) / period)) + 1
    frames = peaks[:, None] + np.arange(-reach, reach + 1)[None, :]
    values = blink_profile((frames - peaks[:, None]) * period)
    inside = (frames >= 0) & (frames < n_frames)
    np.maximum.at(track, frames[inside], values[inside])
    return track.astype(np.float32)


def blink_track(speech: Speech, n_frames: int, fps: float, rng: np.random.Generator) -> np.ndarray:
    """Blinks for a clip of ``n_frames`` frames that carries ``speech``."""
    duration_ms = int(np.ceil(n_frames * 1000.0 / fps))
    return render_blinks(plan_blinks(duration_ms, pause_centres(speech), rng), n_frames, fps)
