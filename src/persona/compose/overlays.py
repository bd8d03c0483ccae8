"""What is drawn over the panels: lower thirds, the title card, a logo, the active ring.

Each overlay answers :meth:`Overlay.sprite` for an output frame index: the picture to
draw there and where, or None. The pictures are drawn once with Skia (text in DejaVu
Sans, which the installer puts on the machine) and kept; animation only moves them or
changes their opacity, so a still overlay costs nothing while what is under it is still.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from persona.compose.sprites import Sprite
from persona.errors import ImageError
from persona.types import Rect

if TYPE_CHECKING:
    import skia

FONT_FILES = {
    False: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    True: "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
}
LOWER_NAME_SHARE, LOWER_TITLE_SHARE = 0.05, 0.034
"""Lower-third text sizes as shares of the frame's shorter side."""
PLATE_BGRA = (0.09, 0.07, 0.06, 0.84)
"""The lower third's plate colour (premultiplied below) and opacity, B G R A in 0..1."""
CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")


class Overlay(Protocol):
    def sprite(self, frame: int) -> Sprite | None: ...


@functools.cache
def typeface(bold: bool) -> skia.Typeface:
    """DejaVu Sans (bold), read straight from its file: the system font manager is left
    alone (its fontconfig may be older than the system's configuration and says so)."""
    import skia

    face = skia.FontMgr.New_Custom_Empty().makeFromFile(FONT_FILES[bold])
    if face is None:  # fall back to whatever sans-serif font the system has
        from persona.avatar.mp import quiet_native_stderr

        style = skia.FontStyle.Bold() if bold else skia.FontStyle.Normal()
        with quiet_native_stderr():
            face = skia.FontMgr.RefDefault().matchFamilyStyle("sans-serif", style)
    return face


def fit_text(font: skia.Font, text: str, max_width: float) -> str:
    """``text``, shortened with an ellipsis until it is at most ``max_width`` wide."""
    if font.measureText(text) <= max_width:
        return text
    while text and font.measureText(text + "…") > max_width:
        text = text[:-1]
    return text.rstrip() + "…"


def _surface(pixels: np.ndarray) -> skia.Surface:
    import skia

    return skia.Surface(
        pixels, colorType=skia.kBGRA_8888_ColorType, alphaType=skia.kPremul_AlphaType
    )


def _colour(bgr: tuple[int, int, int], alpha: float = 1.0) -> skia.Color4f:
    import skia

    return skia.Color4f(bgr[2] / 255, bgr[1] / 255, bgr[0] / 255, alpha)


# ---------------------------------------------------------------------------- timing


@dataclass(frozen=True)
class Showing:
    """Frames ``start`` .. ``end`` (excluded), fading in and out over ``fade`` frames."""

    start: int
    end: int
    fade: int = 8

    def level(self, frame: int) -> float:
        """0 outside, rising to 1 and falling back, smoothstepped."""
        if not self.start <= frame < self.end:
            return 0.0
        fade = max(1, self.fade)
        t = min(1.0, (frame - self.start + 1) / fade, (self.end - frame) / fade)
        return t * t * (3 - 2 * t)


# ---------------------------------------------------------------------------- lower thirds


def lower_third_clearance(width: int, height: int) -> float:
    """The share of the frame's height, from the bottom, that a lower third may cover
    (plate, inset and a little air): captions stay above it."""
    side = min(width, height)
    plate = (LOWER_NAME_SHARE * 1.15 + LOWER_TITLE_SHARE * 1.45 + 2 * 0.022) * side
    inset = 0.045 * side
    return (plate + inset + 0.02 * side) / height


@functools.lru_cache(maxsize=64)
def lower_third_image(
    name: str, title: str, accent: tuple[int, int, int], side: int, max_width: int
) -> np.ndarray:
    """The name plate: ``name`` in bold over ``title``, an ``accent`` bar on the left.
    ``side`` is the frame's shorter side (text scales with it)."""
    import skia

    big = skia.Font(typeface(True), LOWER_NAME_SHARE * side)
    small = skia.Font(typeface(False), LOWER_TITLE_SHARE * side)
    pad, bar = round(0.022 * side), max(2, round(0.008 * side))
    inner = max_width - 2 * pad - bar
    name, title = fit_text(big, name, inner), fit_text(small, title, inner) if title else ""
    text_w = max(big.measureText(name), small.measureText(title) if title else 0.0)
    gap = round(0.25 * small.getSize()) if title else 0
    height = round(big.getSize() * 1.15 + (small.getSize() * 1.2 + gap if title else 0)) + 2 * pad
    width = min(max_width, math.ceil(text_w) + 2 * pad + bar)
    pixels = np.zeros((height, width, 4), np.uint8)
    surface = _surface(pixels)
    canvas = surface.getCanvas()
    b, g, r, a = PLATE_BGRA
    plate = skia.Paint(AntiAlias=True, Color=skia.Color4f(r, g, b, a))
    radius = 0.3 * pad
    canvas.drawRRect(skia.RRect.MakeRectXY(skia.Rect.MakeWH(width, height), radius, radius), plate)
    canvas.drawRect(skia.Rect.MakeXYWH(0, 0, bar, height), skia.Paint(Color=_colour(accent)))
    x = bar + pad
    y = pad - big.getMetrics().fAscent
    canvas.drawString(name, x, y, big, skia.Paint(AntiAlias=True, Color=skia.ColorWHITE))
    if title:
        y += big.getMetrics().fDescent + gap - small.getMetrics().fAscent
        light = skia.Paint(AntiAlias=True, Color=skia.Color4f(0.82, 0.85, 0.9, 1.0))
        canvas.drawString(title, x, y, small, light)
    del surface
    return pixels


class LowerThird:
    """A speaker's name and title at the bottom left of ``region``, sliding in and fading."""

    def __init__(
        self,
        name: str,
        title: str,
        accent: tuple[int, int, int],
        region: Rect,
        frame_size: tuple[int, int],
        showing: Showing,
    ) -> None:
        side = min(frame_size)
        inset = round(0.035 * min(region.w, region.h) + 0.01 * side)
        self.image = lower_third_image(name, title, accent, side, max(32, region.w - 2 * inset))
        self.x = region.x + inset
        self.y = region.y + region.h - inset - self.image.shape[0]
        self.slide = round(0.04 * side)
        self.showing = showing

    def sprite(self, frame: int) -> Sprite | None:
        level = self.showing.level(frame)
        if level <= 0:
            return None
        entering = frame - self.showing.start < self.showing.fade
        dx = -round((1 - level) * self.slide) if entering else 0
        return Sprite(self.image, self.x + dx, self.y, level)


# ---------------------------------------------------------------------------- title card


def title_card_image(
    title: str, subtitle: str, backdrop: np.ndarray, accent: tuple[int, int, int]
) -> np.ndarray:
    """An opaque BGR card: the darkened backdrop, the title, a rule and the subtitle."""
    import skia

    height, width = backdrop.shape[:2]
    side = min(width, height)
    pixels = np.empty((height, width, 4), np.uint8)
    pixels[..., :3] = (backdrop.astype(np.float32) * 0.45).astype(np.uint8)
    pixels[..., 3] = 255
    surface = _surface(pixels)
    canvas = surface.getCanvas()
    big = skia.Font(typeface(True), 0.085 * side)
    small = skia.Font(typeface(False), 0.045 * side)
    room = 0.86 * width
    title = fit_text(big, title, room)
    white = skia.Paint(AntiAlias=True, Color=skia.ColorWHITE)
    canvas.drawString(title, (width - big.measureText(title)) / 2, 0.47 * height, big, white)
    rule = 0.16 * width
    canvas.drawRect(
        skia.Rect.MakeXYWH((width - rule) / 2, 0.53 * height, rule, max(2.0, 0.006 * side)),
        skia.Paint(Color=_colour(accent)),
    )
    if subtitle:
        subtitle = fit_text(small, subtitle, room)
        grey = skia.Paint(AntiAlias=True, Color=skia.Color4f(0.85, 0.87, 0.9, 1.0))
        x = (width - small.measureText(subtitle)) / 2
        canvas.drawString(subtitle, x, 0.53 * height + 1.6 * small.getSize(), small, grey)
    del surface
    return np.ascontiguousarray(pixels[..., :3])


@dataclass(frozen=True, eq=False)
class TitleCard:
    """A full-frame card over everything, until it fades out at ``showing.end``."""

    image: np.ndarray
    showing: Showing

    def sprite(self, frame: int) -> Sprite | None:
        if not self.showing.start <= frame < self.showing.end:
            return None
        level = min(1.0, (self.showing.end - frame) / max(1, self.showing.fade))
        return Sprite(self.image, 0, 0, level)


# ---------------------------------------------------------------------------- logo


def load_logo(path: str | Path, height: int, opacity: float) -> np.ndarray:
    """A logo picture scaled to ``height`` pixels, as premultiplied BGRA at ``opacity``."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        raise ImageError(f"logo not found: {path}")
    try:
        with Image.open(path) as im:
            rgba = im.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ImageError(f"cannot read logo {path.name}: {exc}") from exc
    width = max(1, round(rgba.width * height / rgba.height))
    rgba = rgba.resize((width, max(1, height)), Image.Resampling.LANCZOS)
    pixels = np.asarray(rgba, np.float32)
    alpha = pixels[..., 3:4] / 255.0 * opacity
    bgr = pixels[..., 2::-1] * alpha
    return np.clip(np.concatenate([bgr, alpha * 255.0], axis=2) + 0.5, 0, 255).astype(np.uint8)


@dataclass(frozen=True, eq=False)
class Logo:
    """A still picture in a corner of the frame."""

    image: np.ndarray
    x: int
    y: int

    @classmethod
    def place(
        cls, image: np.ndarray, corner: str, frame_size: tuple[int, int], margin: int
    ) -> Logo:
        width, height = frame_size
        h, w = image.shape[:2]
        x = margin if corner.endswith("left") else width - w - margin
        y = margin if corner.startswith("top") else height - h - margin
        return cls(image, x, y)

    def sprite(self, frame: int) -> Sprite | None:
        return Sprite(self.image, self.x, self.y)


# ---------------------------------------------------------------------------- active ring


@functools.lru_cache(maxsize=32)
def ring_image(
    w: int, h: int, radius: float, stroke: float, bgr: tuple[int, int, int]
) -> np.ndarray:
    """A rounded-rectangle outline ``stroke`` wide just outside a ``w`` x ``h`` box."""
    import skia

    pad = math.ceil(stroke) + 1
    pixels = np.zeros((h + 2 * pad, w + 2 * pad, 4), np.uint8)
    surface = _surface(pixels)
    paint = skia.Paint(
        AntiAlias=True, Color=_colour(bgr), Style=skia.Paint.kStroke_Style, StrokeWidth=stroke
    )
    half = stroke / 2
    box = skia.Rect.MakeXYWH(pad - half, pad - half, w + stroke, h + stroke)
    surface.getCanvas().drawRRect(skia.RRect.MakeRectXY(box, radius + half, radius + half), paint)
    del surface
    return pixels


class ActiveRing:
    """An accent outline around the panel of whoever is speaking."""

    def __init__(
        self,
        spans: Sequence[tuple[int, int, Rect, tuple[int, int, int]]],
        radius: float,
        stroke: float,
    ) -> None:
        """``spans``: (first frame, end frame, panel, colour) while a speaker talks."""
        self.spans = sorted(spans, key=lambda s: s[0])
        self.radius, self.stroke = radius, stroke

    def sprite(self, frame: int) -> Sprite | None:
        for start, end, rect, bgr in self.spans:
            if start <= frame < end:
                image = ring_image(rect.w, rect.h, self.radius, self.stroke, bgr)
                pad = (image.shape[1] - rect.w) // 2
                r = math.ceil(self.radius)  # the ring bends inwards at the corners
                inner = Rect(pad + r, pad + r, max(0, rect.w - 2 * r), max(0, rect.h - 2 * r))
                return Sprite(image, rect.x - pad, rect.y - pad, hole=inner)
            if start > frame:
                return None
        return None
