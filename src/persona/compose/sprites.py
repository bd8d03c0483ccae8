"""Pictures placed on a frame, and blending them in one rectangle at a time.

A :class:`Sprite` is a premultiplied BGRA picture at a position with an opacity (or an
opaque BGR picture). :func:`blend` draws the part of it that falls inside a clip
rectangle, so a compositor redraws only the regions that changed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from persona.types import Rect


@dataclass(frozen=True, eq=False)
class Sprite:
    """``image`` is premultiplied BGRA ``(h, w, 4)`` uint8, or opaque BGR ``(h, w, 3)``.

    ``hole`` is a sprite-local rectangle where the picture is fully transparent (the
    inside of a frame or ring): blending skips it.
    """

    image: np.ndarray
    x: int
    y: int
    opacity: float = 1.0
    hole: Rect | None = None

    @property
    def rect(self) -> Rect:
        return Rect(self.x, self.y, int(self.image.shape[1]), int(self.image.shape[0]))

    def key(self) -> tuple[int, int, int, int]:
        """Equal keys draw the same pixels (the image is never changed once made)."""
        return (id(self.image), self.x, self.y, round(self.opacity * 255))


def intersect(a: Rect, b: Rect) -> Rect | None:
    x0, y0 = max(a.x, b.x), max(a.y, b.y)
    x1, y1 = min(a.x + a.w, b.x + b.w), min(a.y + a.h, b.y + b.h)
    return Rect(x0, y0, x1 - x0, y1 - y0) if x1 > x0 and y1 > y0 else None


def union(a: Rect, b: Rect) -> Rect:
    x0, y0 = min(a.x, b.x), min(a.y, b.y)
    x1, y1 = max(a.x + a.w, b.x + b.w), max(a.y + a.h, b.y + b.h)
    return Rect(x0, y0, x1 - x0, y1 - y0)


def shifted(rect: Rect, dx: int, dy: int) -> Rect:
    return Rect(rect.x + dx, rect.y + dy, rect.w, rect.h)


def outside(rect: Rect, hole: Rect | None) -> list[Rect]:
    """``rect`` minus ``hole``: up to four rectangles (above, below, left, right of it)."""
    inner = intersect(rect, hole) if hole is not None else None
    if inner is None:
        return [rect]
    x1, y1 = rect.x + rect.w, rect.y + rect.h
    ix1, iy1 = inner.x + inner.w, inner.y + inner.h
    pieces = [
        Rect(rect.x, rect.y, rect.w, inner.y - rect.y),
        Rect(rect.x, iy1, rect.w, y1 - iy1),
        Rect(rect.x, inner.y, inner.x - rect.x, inner.h),
        Rect(ix1, inner.y, x1 - ix1, inner.h),
    ]
    return [p for p in pieces if p.w > 0 and p.h > 0]


_PLANES: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
PLANES_KEPT = 64


def planes(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The colour and alpha planes of a BGRA picture, split once and kept (sprites reuse
    the same picture frame after frame)."""
    hit = _PLANES.get(id(image))
    if hit is None or hit[0] is not image:
        if len(_PLANES) >= PLANES_KEPT:
            _PLANES.pop(next(iter(_PLANES)))
        hit = (image, np.ascontiguousarray(image[..., :3]), np.ascontiguousarray(image[..., 3]))
        _PLANES[id(image)] = hit
    return hit[1], hit[2]


def over(dst: np.ndarray, colour: np.ndarray, alpha: np.ndarray, opacity: float = 1.0) -> None:
    """Premultiplied ``colour`` with ``alpha`` over ``dst`` (BGR) in place, at ``opacity``:
    ``dst = colour * opacity + dst * (1 - alpha * opacity)``, in 8-bit arithmetic (within
    one level of the exact result)."""
    import cv2

    if opacity < 1.0:
        colour = cv2.convertScaleAbs(colour, alpha=opacity)
        alpha = cv2.convertScaleAbs(alpha, alpha=opacity)
    kept = cv2.multiply(dst, cv2.merge([255 - alpha] * 3), scale=1 / 255)
    cv2.add(kept, colour, dst=dst)


def blend(canvas: np.ndarray, sprite: Sprite, clip: Rect) -> None:
    """Draw the part of ``sprite`` inside ``clip`` onto the BGR ``canvas``."""
    import cv2

    area = intersect(sprite.rect, clip)
    if area is None or sprite.opacity <= 0:
        return
    hole = shifted(sprite.hole, sprite.x, sprite.y) if sprite.hole is not None else None
    for r in outside(area, hole):
        dst = canvas[r.y : r.y + r.h, r.x : r.x + r.w]
        part = np.s_[r.y - sprite.y : r.y - sprite.y + r.h, r.x - sprite.x : r.x - sprite.x + r.w]
        src = sprite.image[part]
        if src.shape[2] == 4:
            colour, alpha = planes(sprite.image)
            over(dst, colour[part], alpha[part], sprite.opacity)
        elif sprite.opacity >= 1:
            dst[...] = src
        else:
            cv2.addWeighted(src, sprite.opacity, dst, 1.0 - sprite.opacity, 0.0, dst=dst)


def uncovered(whole: Rect, covers: list[Rect]) -> list[Rect]:
    """The parts of ``whole`` that no rectangle of ``covers`` covers, as rectangles.

    The edges of the covers cut ``whole`` into a grid; each row's uncovered cells are
    joined into runs.
    """
    xs = sorted(
        {whole.x, whole.x + whole.w}
        | {min(max(v, whole.x), whole.x + whole.w) for r in covers for v in (r.x, r.x + r.w)}
    )
    ys = sorted(
        {whole.y, whole.y + whole.h}
        | {min(max(v, whole.y), whole.y + whole.h) for r in covers for v in (r.y, r.y + r.h)}
    )
    out: list[Rect] = []
    for y0, y1 in itertools.pairwise(ys):
        run: int | None = None
        for x0, x1 in itertools.pairwise(xs):
            covered = any(
                r.x <= x0 and x1 <= r.x + r.w and r.y <= y0 and y1 <= r.y + r.h for r in covers
            )
            if not covered and run is None:
                run = x0
            if covered and run is not None:
                out.append(Rect(run, y0, x0 - run, y1 - y0))
                run = None
        if run is not None:
            out.append(Rect(run, y0, xs[-1] - run, y1 - y0))
    return [r for r in out if r.w > 0 and r.h > 0]
