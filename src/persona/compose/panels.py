"""Panels: a speaker's picture in its region, with rounded corners, a border and a shadow.

The border and shadow (:func:`decoration`) are drawn once with Skia into a sprite whose
inside is a hole; per frame a panel blends the part of that sprite in the rectangle being
redrawn, copies the changed part of its picture and blends its four rounded corners over
what lies beneath (an inset's corners over the full-frame picture under it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from persona.compose.layouts import FULL, Region, corner_radius
from persona.compose.sprites import Sprite, intersect
from persona.types import Rect

BORDER_SHARE = {"panel": 0.002, "inset": 0.005}
"""Border width as a share of the frame's shorter side, per region style."""
BORDER_ALPHA = {"panel": 0.22, "inset": 0.9}
SHADOW_SHARE = 0.012
SHADOW_ALPHA = {"panel": 0.35, "inset": 0.55}


@dataclass(frozen=True, eq=False)
class Panel:
    """One region of a shot, ready to receive its speaker's picture."""

    region: Region
    radius: int
    corner: np.ndarray  # (radius, radius, 1) float32 coverage of the top-left corner
    decoration: Sprite | None

    @classmethod
    def make(cls, region: Region, width: int, height: int) -> Panel:
        """``width`` x ``height`` is the frame's size (it scales borders and corners)."""
        if region.style == FULL:
            return cls(region, 0, np.ones((0, 0, 1), np.float32), None)
        radius = min(corner_radius(width, height), region.rect.w // 2, region.rect.h // 2)
        return cls(region, radius, corner_coverage(radius), decoration(region, width, height))

    @property
    def rect(self) -> Rect:
        return self.region.rect

    def paste(self, canvas: np.ndarray, picture: np.ndarray, clip: Rect) -> None:
        """Copy the part of ``picture`` (the region's size, BGR) inside ``clip``."""
        rect = self.rect
        if picture.shape[:2] != (rect.h, rect.w):
            raise ValueError(f"picture {picture.shape[:2]} does not fit region {rect}")
        area = intersect(rect, clip)
        if area is None:
            return
        corners = [
            (c, canvas[c.y : c.y + c.h, c.x : c.x + c.w].copy(), m) for c, m in self._corners(area)
        ]
        canvas[area.y : area.y + area.h, area.x : area.x + area.w] = picture[
            area.y - rect.y : area.y - rect.y + area.h, area.x - rect.x : area.x - rect.x + area.w
        ]
        for c, under, mask in corners:
            dst = canvas[c.y : c.y + c.h, c.x : c.x + c.w]
            mixed = under * (1.0 - mask) + dst.astype(np.float32) * mask
            dst[...] = (mixed + 0.5).astype(np.uint8)

    def corner_squares(self) -> list[Rect]:
        """The four corner squares, where what lies beneath shows through."""
        r, rect = self.radius, self.rect
        return [
            Rect(rect.x + right * (rect.w - r), rect.y + bottom * (rect.h - r), r, r)
            for bottom in (0, 1)
            for right in (0, 1)
        ]

    def _corners(self, area: Rect) -> list[tuple[Rect, np.ndarray]]:
        """The parts of the four corner squares inside ``area``, with their coverage."""
        if self.radius == 0:
            return []
        c = self.corner
        masks = (c, c[:, ::-1], c[::-1, :], c[::-1, ::-1])  # in corner_squares' order
        out: list[tuple[Rect, np.ndarray]] = []
        for square, mask in zip(self.corner_squares(), masks, strict=True):
            part = intersect(square, area)
            if part is not None:
                dx, dy = part.x - square.x, part.y - square.y
                out.append((part, mask[dy : dy + part.h, dx : dx + part.w]))
        return out


def corner_coverage(radius: int) -> np.ndarray:
    """How much of each pixel of a ``radius``-square top-left corner lies inside the
    rounded edge (anti-aliased), shaped ``(radius, radius, 1)``."""
    centre = np.arange(radius, dtype=np.float32) + 0.5
    dist = np.hypot(radius - centre[:, None], radius - centre[None, :])
    return np.clip(radius - dist + 0.5, 0.0, 1.0)[..., None].astype(np.float32)


def decoration(region: Region, width: int, height: int) -> Sprite:
    """The border and soft shadow around a panel or inset, premultiplied BGRA."""
    import skia

    side = min(width, height)
    border = max(1.0, BORDER_SHARE[region.style] * side)
    blur = max(1.0, SHADOW_SHARE * side)
    pad = math.ceil(3 * blur + border)
    rect = region.rect
    pixels = np.zeros((rect.h + 2 * pad, rect.w + 2 * pad, 4), np.uint8)
    surface = skia.Surface(
        pixels, colorType=skia.kBGRA_8888_ColorType, alphaType=skia.kPremul_AlphaType
    )
    canvas = surface.getCanvas()
    radius = min(corner_radius(width, height), rect.w // 2, rect.h // 2)
    box = skia.RRect.MakeRectXY(skia.Rect.MakeXYWH(pad, pad, rect.w, rect.h), radius, radius)
    shadow = skia.Paint(AntiAlias=True, Color=skia.Color4f(0, 0, 0, SHADOW_ALPHA[region.style]))
    shadow.setMaskFilter(skia.MaskFilter.MakeBlur(skia.kNormal_BlurStyle, blur))
    canvas.save()
    canvas.translate(0, blur * 0.6)
    canvas.drawRRect(box, shadow)
    canvas.restore()
    edge = skia.Paint(
        AntiAlias=True,
        Color=skia.Color4f(1, 1, 1, BORDER_ALPHA[region.style]),
        Style=skia.Paint.kStroke_Style,
        StrokeWidth=border,
    )
    box.outset(border / 2, border / 2)
    canvas.drawRRect(box, edge)
    del surface
    inner = Rect(pad + radius, pad + radius, rect.w - 2 * radius, rect.h - 2 * radius)
    hole = inner if inner.w > 0 and inner.h > 0 else None
    return Sprite(pixels, rect.x - pad, rect.y - pad, hole=hole)
