"""What a scene stands on: a colour, a picture, a slowly moving gradient or a looping video.

Each backdrop gives the BGR picture behind the panels for an output frame index. Still
backdrops (:class:`StillBackdrop`) give the same array every time, so a compositor draws
them once; animated ones (``animated = True``) change over time, and give the same array
again for frames on which they do not change (a compositor may compare identities).

* :class:`GradientBackdrop` turns a linear gradient through its colours once every
  ``period_s`` seconds; it is computed on a grid eight times coarser than the frame and
  scaled up, which a smooth gradient does not show.
* :class:`VideoBackdrop` decodes a video file with PyAV as the frames are asked for,
  scaled to cover the frame and centred, starting again from the top when it ends.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from persona.avatar.background import ImageBackground
from persona.avatar.image import load_image
from persona.errors import VideoError

if TYPE_CHECKING:
    import av

GRADIENT_PERIOD_S = 24.0
GRADIENT_STEP = 8
GRADIENT_EVERY = 2
"""The gradient turns once in this many seconds, computed every this many pixels and
drawn anew every this many frames (it moves less than a level of colour per frame)."""


class Backdrop(Protocol):
    """The picture behind everything else, per output frame."""

    animated: bool

    def frame(self, index: int) -> np.ndarray:
        """BGR uint8 ``(height, width, 3)`` for output frame ``index`` (do not modify it)."""
        ...


@dataclass(frozen=True, eq=False)
class StillBackdrop:
    """One picture for every frame."""

    image: np.ndarray
    animated = False

    def frame(self, index: int) -> np.ndarray:
        return self.image


def colour_backdrop(bgr: tuple[int, int, int], width: int, height: int) -> StillBackdrop:
    image = np.empty((height, width, 3), np.uint8)
    image[:] = np.asarray(bgr, np.uint8)
    return StillBackdrop(image)


def image_backdrop(path: str | Path, width: int, height: int) -> StillBackdrop:
    """A picture file scaled to cover the frame, centred."""
    blank = np.zeros((height, width, 3), np.uint8)
    return StillBackdrop(ImageBackground(load_image(path)).backdrop(blank, blank[..., 0]))


class GradientBackdrop:
    """A linear gradient through ``colours`` (BGR) that turns once per ``period_s``
    (0: a still gradient, drawn once)."""

    def __init__(
        self,
        colours: Sequence[tuple[int, int, int]],
        width: int,
        height: int,
        fps: float,
        period_s: float = GRADIENT_PERIOD_S,
    ) -> None:
        if len(colours) < 2:
            raise ValueError("a gradient needs at least two colours")
        self.width, self.height, self.fps = width, height, fps
        self.period_s = period_s
        self.animated = period_s > 0
        self._stops = np.asarray(colours, np.float32)
        gw, gh = math.ceil(width / GRADIENT_STEP) + 1, math.ceil(height / GRADIENT_STEP) + 1
        ys, xs = np.mgrid[0:gh, 0:gw].astype(np.float32) * GRADIENT_STEP
        diagonal = math.hypot(width, height)
        self._x = (xs - width / 2) / diagonal
        self._y = (ys - height / 2) / diagonal
        self._still = None if self.animated else self._draw(0.6)
        self._cached: tuple[int, np.ndarray] | None = None

    def frame(self, index: int) -> np.ndarray:
        if self._still is not None:
            return self._still
        step = index - index % GRADIENT_EVERY
        if self._cached is None or self._cached[0] != step:
            angle = 0.6 + 2 * math.pi * step / (self.fps * self.period_s)
            self._cached = (step, self._draw(angle))
        return self._cached[1]

    def _draw(self, angle: float) -> np.ndarray:
        import cv2

        t = np.clip(self._x * math.cos(angle) + self._y * math.sin(angle) + 0.5, 0.0, 1.0)
        position = t * (len(self._stops) - 1)
        low = np.minimum(position.astype(np.int32), len(self._stops) - 2)
        frac = (position - low)[..., None]
        grid = self._stops[low] * (1 - frac) + self._stops[low + 1] * frac
        small = np.clip(grid + 0.5, 0, 255).astype(np.uint8)
        return cv2.resize(small, (self.width, self.height), interpolation=cv2.INTER_LINEAR)


class VideoBackdrop:
    """A video file, looped, decoded as frames are asked for (frame indices must not go
    backwards: the decoder only reads forward)."""

    animated = True

    def __init__(self, path: str | Path, width: int, height: int, fps: float) -> None:
        self.path = Path(path)
        self.width, self.height, self.fps = width, height, fps
        if not self.path.is_file():
            raise VideoError(f"background video not found: {self.path}")
        self._frames = _looped_frames(self.path, width, height)
        self._current = next(self._frames)  # fails now, not mid-render, on a bad file
        self._upcoming = next(self._frames)

    def frame(self, index: int) -> np.ndarray:
        t = index / self.fps
        while self._upcoming[0] <= t:
            self._current, self._upcoming = self._upcoming, next(self._frames)
        return self._current[1]


def _looped_frames(path: Path, width: int, height: int) -> Iterator[tuple[float, np.ndarray]]:
    """(time in s, BGR picture) of every frame of ``path``, again and again without end."""
    import av

    offset = 0.0
    while True:
        try:
            with av.open(str(path)) as container:
                if not container.streams.video:
                    raise VideoError(f"background video {path.name} has no video track")
                stream = container.streams.video[0]
                stream.thread_type = "AUTO"
                step = 1 / float(stream.average_rate or Fraction(25))
                first: float | None = None
                last = 0.0
                for frame in container.decode(stream):
                    t = float(frame.time or 0.0)
                    first = t if first is None else first
                    local = max(0.0, t - first)
                    last = max(last, local)
                    yield offset + local, _cover(frame, width, height)
        except av.FFmpegError as exc:
            raise VideoError(f"cannot read background video {path.name}: {exc}") from exc
        if first is None:
            raise VideoError(f"background video {path.name} has no frames")
        offset += last + step


def _cover(frame: av.VideoFrame, width: int, height: int) -> np.ndarray:
    """The frame scaled to cover ``width`` x ``height`` and centred, as BGR."""
    fw, fh = frame.width, frame.height
    scale = max(width / fw, height / fh)
    sw, sh = max(width, math.ceil(fw * scale)), max(height, math.ceil(fh * scale))
    image = frame.to_ndarray(format="bgr24", width=sw, height=sh)
    x, y = (sw - width) // 2, (sh - height) // 2
    return np.ascontiguousarray(image[y : y + height, x : x + width])
