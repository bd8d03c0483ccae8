"""The visible "AI-generated" badge, drawn in a corner of every frame.

    AiLabel(LabelOptions("bottom-right", 0.8), clear=(0.0, 0.2), avoid=("top-left",))

The badge is white text (DejaVu Sans Bold, the caption code's font family) on a
translucent dark rounded box. Its size follows the frame's shorter side
(:data:`TEXT_SHARE`), with a floor so that it stays legible on small videos; its inset
from the edges is :data:`INSET_SHARE` of the shorter side.

``clear`` keeps shares of the frame's height free at the top and at the bottom: burned
captions and a scene's lower thirds sit there (:func:`caption_clearance`). A badge
pushed only a little (at most :data:`MAX_LIFT_SHARE`) moves above (or below) them; an
edge taken further than that would leave it floating mid-frame, so it goes to another
corner instead (:func:`corner_for`): the other corner on the same side first (the top
one when the bottom is taken), then the other side. ``avoid`` names corners a logo
holds; they are skipped the same way.

The badge is drawn once per frame size as a premultiplied picture; per frame only its
rectangle is blended. Like :class:`~persona.compose.caption_burn.CaptionBurner` the
filter keeps its own copy of the picture and copies only the renderer's dirty rectangle
into it, then blends the badge again only when the renderer drew under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from persona.types import Frame, Rect
from persona.watermark.options import LABEL_TEXT, LabelOptions

BOLD_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
TEXT_SHARE = 0.028
"""Text height as a share of the frame's shorter side."""
MIN_TEXT_PX = 9
INSET_SHARE = 0.03
BOX_OPACITY = 0.55
"""The box's opacity at label opacity 1 (the text is fully opaque then)."""
MAX_LIFT_SHARE = 0.15
"""The most of the frame's height captions or lower thirds may push the badge from its
edge; an edge taken further sends it to another corner (:func:`corner_for`)."""


@dataclass(frozen=True)
class Badge:
    """A premultiplied BGR picture ``colour`` with ``keep`` (1 - alpha, per channel,
    float32) at ``rect``."""

    colour: np.ndarray
    keep: np.ndarray
    rect: Rect

    def blend(self, image: np.ndarray) -> None:
        r = self.rect
        region = image[r.y : r.y + r.h, r.x : r.x + r.w]
        region[:] = (region * self.keep + self.colour).astype(np.uint8)


def caption_clearance(style: object | None) -> tuple[float, float]:
    """(top, bottom) shares of the frame's height that burned captions of ``style``
    (a :class:`~persona.compose.caption_style.CaptionStyle`, or None for none) may
    cover: the margin and two lines."""
    if style is None:
        return (0.0, 0.0)
    margin = float(getattr(style, "margin", 0.07))
    size = float(getattr(style, "size", 0.055))
    spacing = float(getattr(style, "line_spacing", 1.2))
    share = min(0.45, margin + 2.2 * size * spacing + 0.01)
    return (share, 0.0) if getattr(style, "position", "bottom") == "top" else (0.0, share)


def corner_for(position: str, clear: tuple[float, float], avoid: Sequence[str] = ()) -> str:
    """The corner the badge takes when asked for ``position``: the first of it, the
    other corner on the same side, the same edge's other corner and the opposite corner
    that no logo holds (``avoid``) and whose edge is pushed at most
    :data:`MAX_LIFT_SHARE` by ``clear`` (top, bottom); when none is, the least pushed."""
    edge, side = position.split("-")
    other_edge = "bottom" if edge == "top" else "top"
    other_side = "left" if side == "right" else "right"
    order = [position, f"{other_edge}-{side}", f"{edge}-{other_side}", f"{other_edge}-{other_side}"]
    free = [c for c in order if c not in avoid] or order

    def lift(corner: str) -> float:
        return clear[0] if corner.startswith("top") else clear[1]

    return next((c for c in free if lift(c) <= MAX_LIFT_SHARE), min(free, key=lift))


def badge(
    options: LabelOptions,
    width: int,
    height: int,
    clear: tuple[float, float],
    avoid: Sequence[str] = (),
) -> Badge:
    """The badge for a ``width`` × ``height`` frame, placed as ``options`` says, in
    the corner :func:`corner_for` picks."""
    side = min(width, height)
    text_px = max(MIN_TEXT_PX, round(TEXT_SHARE * side))
    rgba = _badge_rgba(text_px, round(options.opacity * 100))
    h, w = rgba.shape[:2]
    inset = max(4, round(INSET_SHARE * side))
    top, bottom = corner_for(options.position, clear, avoid).split("-")
    x = inset if bottom == "left" else width - inset - w
    if top == "top":
        y = max(inset, round(clear[0] * height) + inset // 2)
    else:
        y = min(height - inset, height - round(clear[1] * height) - inset // 2) - h
    x, y = max(0, min(x, width - w)), max(0, min(y, height - h))
    w, h = min(w, width - x), min(h, height - y)
    alpha = rgba[:h, :w, 3:4].astype(np.float32) / 255.0
    colour = rgba[:h, :w, 2::-1].astype(np.float32) * alpha  # RGB → BGR, premultiplied
    return Badge(colour, np.repeat(1.0 - alpha, 3, axis=2), Rect(x, y, w, h))


@lru_cache(maxsize=16)
def _badge_rgba(text_px: int, opacity_pct: int) -> np.ndarray:
    """The badge as straight-alpha RGBA, tightly cropped."""
    from persona.compose.caption_draw import load_font

    font = load_font(BOLD_FONT, text_px)
    left, top, right, bottom = font.getbbox(LABEL_TEXT)
    pad_x, pad_y = round(0.6 * text_px), round(0.35 * text_px)
    w, h = round(right - left) + 2 * pad_x, round(bottom - top) + 2 * pad_y
    opacity = opacity_pct / 100
    image = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    radius = round(0.45 * h)
    draw.rounded_rectangle(
        (0, 0, w - 1, h - 1), radius, fill=(16, 16, 20, round(255 * BOX_OPACITY * opacity))
    )
    text = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    ImageDraw.Draw(text).text(
        (pad_x - left, pad_y - top),
        LABEL_TEXT,
        font=font,
        fill=(255, 255, 255, round(255 * opacity)),
    )
    return np.asarray(Image.alpha_composite(image, text))


class AiLabel:
    """A :class:`~persona.pipeline.FrameFilter` drawing the badge on every frame.

    The returned frame's image is the filter's own buffer, reused on the next call."""

    def __init__(
        self,
        options: LabelOptions | None = None,
        clear: tuple[float, float] = (0, 0),
        avoid: Sequence[str] = (),
    ):
        self.options = options or LabelOptions()
        self.clear = clear
        self.avoid = tuple(avoid)
        self.badge: Badge | None = None
        self._out: np.ndarray | None = None

    def apply(self, frame: Frame, index: int) -> Frame:
        image = frame.image
        whole = self._out is None or self._out.shape != image.shape or frame.dirty is None
        if self._out is None or self._out.shape != image.shape:
            self._out = np.empty_like(image)
            shape = image.shape
            self.badge = badge(self.options, shape[1], shape[0], self.clear, self.avoid)
        assert self.badge is not None
        if whole:
            np.copyto(self._out, image)
            self.badge.blend(self._out)
            return Frame(image=self._out, dirty=None)
        assert frame.dirty is not None
        _copy(image, self._out, frame.dirty)
        if _overlap(frame.dirty, self.badge.rect):
            _copy(image, self._out, self.badge.rect)
            self.badge.blend(self._out)
        return Frame(image=self._out, dirty=frame.dirty)


def _copy(source: np.ndarray, target: np.ndarray, rect: Rect) -> None:
    h, w = source.shape[:2]
    x0, y0 = max(0, rect.x), max(0, rect.y)
    x1, y1 = min(w, rect.x + rect.w), min(h, rect.y + rect.h)
    if x1 > x0 and y1 > y0:
        target[y0:y1, x0:x1] = source[y0:y1, x0:x1]


def _overlap(a: Rect, b: Rect) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h
