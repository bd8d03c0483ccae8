"""Embedding the invisible watermark: the payload's tile added to the luma of every frame.

    Watermarker(payload).apply(frame, index) → frame + gain · tile   (B, G and R alike)

Adding the same amount to B, G and R changes luma only (chroma is a difference of
channels), which is what the detector reads. The tile (:mod:`persona.watermark.pattern`)
is tiled over the frame once per frame size; per frame only a gain is computed, from
the local activity of the picture at a quarter of its size (perceptual masking: busy
texture hides a stronger mark than flat colour), then multiplied and added.

Like :class:`~persona.compose.caption_burn.CaptionBurner`, the filter keeps its own
copy of the picture and works only inside the frame's dirty rectangle: outside it the
picture, and so its mark, has not changed. A talking head costs a fraction of a
full-frame pass; the full pass costs about a millisecond at 720p
(``benchmarks/watermark.py`` measures it).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from persona.types import Frame, Rect
from persona.watermark.pattern import TILE, tile_for

STRENGTH = 2.2
"""The mark's amplitude in 8-bit levels (RMS) where the gain is 1."""
GAIN = (1.0, 1.8)
"""Lowest gain (flat areas) and highest (busy texture)."""
ACTIVITY = 10.0
"""Mean absolute deviation (8-bit levels) that earns the highest gain."""
MAX_RMS = 2.5
"""The mark's RMS over a whole frame never exceeds this (PSNR >= 40.5 dB)."""


@dataclass(frozen=True)
class MarkSettings:
    strength: float = STRENGTH
    gain: tuple[float, float] = GAIN
    activity: float = ACTIVITY
    max_rms: float = MAX_RMS

    def __post_init__(self) -> None:
        if not 0 < self.strength <= 10:
            raise ValueError(f"watermark strength must be in (0, 10], not {self.strength}")
        if not 0 < self.gain[0] <= self.gain[1]:
            raise ValueError(f"watermark gain range must be 0 < low <= high: {self.gain}")


class Watermarker:
    """A :class:`~persona.pipeline.FrameFilter` that embeds ``payload`` (64 bits).

    The returned frame's image is the filter's own buffer, reused on the next call."""

    def __init__(self, payload: int, settings: MarkSettings | None = None) -> None:
        self.payload = payload
        self.settings = settings or MarkSettings()
        self._tile = tile_for(payload) * np.float32(self.settings.strength)
        self._pattern: tuple[np.ndarray, np.ndarray] | None = None
        self._out: np.ndarray | None = None
        self._limit = 1.0  # scales the gain so that a full frame's mark stays <= max_rms

    def apply(self, frame: Frame, index: int) -> Frame:
        image = frame.image
        if self._out is None or self._out.shape != image.shape:
            self._out = np.empty_like(image)
            self._pattern = split(pattern_for(self._tile, image.shape[1], image.shape[0]))
            dirty = None
        else:
            dirty = frame.dirty
        h, w = image.shape[:2]
        rect = Rect(0, 0, w, h) if dirty is None else _clip(dirty, w, h)
        if rect.w > 0 and rect.h > 0:
            assert self._pattern is not None
            if dirty is None:
                self._limit = 1.0
            self._limit = mark_region(
                image, self._out, self._pattern, rect, self.settings, self._limit, dirty is None
            )
        return Frame(image=self._out, dirty=dirty)


def pattern_for(tile: np.ndarray, width: int, height: int) -> np.ndarray:
    """``tile`` repeated over a ``width`` × ``height`` frame from its top-left corner."""
    reps = (-(-height // TILE), -(-width // TILE))
    return np.ascontiguousarray(np.tile(tile, reps)[:height, :width])


def split(pattern: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pattern``'s positive part and its negative part's magnitude: each is added or
    subtracted as unsigned bytes, with saturation (mixed-type arithmetic costs more)."""
    return np.maximum(pattern, 0), np.maximum(-pattern, 0)


def mark_region(
    source: np.ndarray,
    target: np.ndarray,
    pattern: tuple[np.ndarray, np.ndarray],
    rect: Rect,
    settings: MarkSettings,
    limit: float = 1.0,
    whole: bool = False,
) -> float:
    """``target[rect] = source[rect] + gain · pattern[rect]`` on B, G and R, saturated
    (``pattern`` as :func:`split` gives it); the gain is scaled by ``limit``. On a
    ``whole`` frame the limit is worked out anew so that the mark's RMS stays within
    ``settings.max_rms``; returns the limit used."""
    y0, y1, x0, x1 = rect.y, rect.y + rect.h, rect.x, rect.x + rect.w
    region = source[y0:y1, x0:x1]
    small = masking_gain(region, settings)
    if whole:
        rms = settings.strength * float(np.sqrt(np.mean(np.square(small))))
        limit = min(1.0, settings.max_rms / rms) if rms > 0 else 1.0
    if limit < 1.0:
        small *= np.float32(limit)
    gain = cv2.resize(small, (rect.w, rect.h), interpolation=cv2.INTER_LINEAR)
    up = cv2.multiply(pattern[0][y0:y1, x0:x1], gain, dtype=cv2.CV_8U)
    down = cv2.multiply(pattern[1][y0:y1, x0:x1], gain, dtype=cv2.CV_8U)
    marked = cv2.add(region, cv2.merge((up, up, up)))
    cv2.subtract(marked, cv2.merge((down, down, down)), dst=target[y0:y1, x0:x1])
    return limit


def masking_gain(region: np.ndarray, settings: MarkSettings) -> np.ndarray:
    """The gain for a BGR ``region`` at a quarter of its size: the local mean absolute
    deviation of its luma, mapped linearly onto ``settings.gain``."""
    h, w = region.shape[:2]
    low, high = settings.gain
    if h < 8 or w < 8:
        return np.full((max(1, h // 4), max(1, w // 4)), low, dtype=np.float32)
    gray = cv2.cvtColor(region, cv2.COLOR_BGR2GRAY)
    small = cv2.resize(gray, (w // 4, h // 4), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    activity = cv2.blur(cv2.absdiff(small, cv2.blur(small, (3, 3))), (3, 3))
    return low + (high - low) * np.minimum(activity * (1.0 / settings.activity), 1.0)


def _clip(rect: Rect, width: int, height: int) -> Rect:
    x0, y0 = max(0, rect.x), max(0, rect.y)
    x1, y1 = min(width, rect.x + rect.w), min(height, rect.y + rect.h)
    return Rect(x0, y0, max(0, x1 - x0), max(0, y1 - y0))
