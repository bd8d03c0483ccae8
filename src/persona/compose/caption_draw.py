"""Drawing one cue as a small premultiplied BGRA picture (Pillow, with Raqm shaping).

Pillow lays text out with libraqm (HarfBuzz shaping, FriBiDi bidi), so Arabic joins and
runs right to left and Indic conjuncts form, given a font that has the glyphs. DejaVu
Sans covers Latin, Greek, Cyrillic, Arabic and Hebrew; for other scripts the first font
under :data:`FONT_DIRS` that has every glyph of the cue is used (Noto or Lohit fonts,
when installed), else the text shows the font's missing-glyph boxes.

A cue is drawn once (:func:`draw_cue`); a highlighted word is one more small drawing
over a copy (:func:`cue_picture`); :class:`~persona.compose.caption_burn.CaptionPictures`
keeps them. Blending a picture onto a frame is two OpenCV calls over its bounding box.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from persona.compose.caption_style import CaptionStyle, rgb
from persona.compose.captions import DASH, Cue, CueLine
from persona.types import Rect

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
"""Where fonts for scripts the caption font lacks are looked for."""

_NOT_A_CHARACTER = "\U0010fffd"  # a private-use code point: every font draws .notdef


@dataclass(frozen=True, eq=False)
class CuePicture:
    """A cue drawn for one frame size: ``colour`` is premultiplied BGR, ``keep`` is
    255 - alpha in three channels (what remains of the frame under the text), both of
    the size of ``rect``, the place on the frame."""

    rect: Rect
    colour: np.ndarray
    keep: np.ndarray

    def blend(self, image: np.ndarray) -> None:
        """Draw the picture onto ``image`` (BGR uint8, the whole frame) in place."""
        import cv2

        r = self.rect
        roi = image[r.y : r.y + r.h, r.x : r.x + r.w]
        cv2.multiply(roi, self.keep, dst=roi, scale=1 / 255)
        cv2.add(roi, self.colour, dst=roi)


@lru_cache(maxsize=32)
def load_font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    """The font at ``path`` in ``size`` pixels, laid out with Raqm when Pillow has it."""
    from PIL import features

    engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), size, layout_engine=engine)


def _glyph(font: ImageFont.FreeTypeFont, char: str) -> bytes:
    mask = font.getmask(char)
    return bytes(str(mask.size), "ascii") + np.array(mask).tobytes()


@lru_cache(maxsize=4096)
def has_glyph(path: Path, char: str) -> bool:
    """Whether the font at ``path`` draws ``char`` (rather than its missing-glyph box)."""
    font = load_font(path, 24)
    return _glyph(font, char) != _glyph(font, _NOT_A_CHARACTER)


def covers(path: Path, text: str) -> bool:
    """Whether the font at ``path`` has a glyph for every visible character of ``text``."""
    return all(
        has_glyph(path, c)
        for c in set(text)
        if not c.isspace() and unicodedata.category(c) not in ("Cf", "Cc")
    )


@lru_cache(maxsize=1)
def system_fonts() -> tuple[Path, ...]:
    """TrueType/OpenType fonts under :data:`FONT_DIRS`, regular sans faces first."""
    found = [
        p for d in FONT_DIRS if d.is_dir() for p in d.rglob("*") if p.suffix in (".ttf", ".otf")
    ]

    def rank(p: Path) -> tuple[int, int, str]:
        name = p.stem.lower()
        plain = not any(s in name for s in ("bold", "italic", "oblique", "light", "mono"))
        return (0 if plain else 1, 0 if "sans" in name else 1, name)

    return tuple(sorted(found, key=rank))


def font_for(text: str, preferred: Path) -> Path:
    """``preferred`` when it can draw ``text``, else the first system font that can,
    else ``preferred`` anyway."""
    if covers(preferred, text):
        return preferred
    return next((p for p in system_fonts() if covers(p, text)), preferred)


def is_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


@dataclass(frozen=True)
class Layout:
    """Where a cue's lines go on a ``width`` × ``height`` frame."""

    width: int
    height: int
    style: CaptionStyle
    font_px: int

    @property
    def line_px(self) -> int:
        return round(self.font_px * self.style.line_spacing)

    @property
    def pad(self) -> int:
        """Room around the text for the outline, the shadow and the box."""
        return round(self.font_px * (self.style.outline + self.style.shadow + 0.25)) + 2


def text_width(text: str, path: Path, font_px: int) -> float:
    return float(load_font(font_for(text, path), font_px).getlength(text))


@dataclass(frozen=True, eq=False)
class CueCanvas:
    """A cue drawn once (box or shadow, outline, text) as premultiplied RGBA, with where
    each of its words lies, so a highlighted word costs one more small drawing."""

    rgba: np.ndarray
    font: ImageFont.FreeTypeFont
    spots: tuple[tuple[float, int, str] | None, ...]  # (x, baseline, text) per word
    rect: Rect  # where the drawn part goes on the frame
    crop: tuple[slice, slice]  # the drawn part of ``rgba``


def draw_cue(cue: Cue, layout: Layout) -> CueCanvas | None:
    """``cue`` drawn with ``layout``'s style, or ``None`` for a cue with no text (or
    none on the frame)."""
    style = layout.style
    lines = [line for line in cue.lines if line.text.strip()]
    if not lines:
        return None
    path = font_for(cue.text, style.font_path)
    font_px = layout.font_px
    widest = max(load_font(path, font_px).getlength(line.text) for line in lines)
    room = style.safe_width * layout.width
    if widest > room:  # a word longer than a line: this cue alone gets smaller
        font_px = max(8, int(font_px * room / widest))
    font = load_font(path, font_px)
    line_px = round(font_px * style.line_spacing)
    pad = layout.pad
    width = int(max(font.getlength(line.text) for line in lines)) + 2 * pad
    height = line_px * len(lines) + 2 * pad
    canvas = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    ascent, descent = font.getmetrics()
    drop = (line_px - ascent - descent) // 2 + ascent  # line top → baseline
    spots: list[tuple[float, int, str] | None] = []
    dialogue = any(line.label == DASH for line in lines)  # dash lines align on the left
    for k, line in enumerate(lines):
        x = pad if dialogue else (width - font.getlength(line.text)) / 2
        baseline = pad + k * line_px + drop
        _draw_line(draw, font, line, (x, baseline), style, (line_px, drop))
        spots += _word_spots(font, line, x, baseline)
    rgba = np.asarray(canvas)
    placed = _place(rgba, layout, height)
    if placed is None:
        return None
    return CueCanvas(rgba, font, tuple(spots), *placed)


def cue_picture(canvas: CueCanvas, highlight: str | None, word: int | None) -> CuePicture:
    """``canvas`` ready to blend, word ``word`` (an index into the cue's words) drawn
    over in the colour ``highlight`` (no highlight when either is None, or when the
    word's place is unknown: right-to-left text)."""
    rgba = canvas.rgba
    spot = canvas.spots[word] if word is not None and 0 <= word < len(canvas.spots) else None
    if highlight is not None and spot is not None:
        image = Image.fromarray(rgba.copy(), "RGBA")
        x, baseline, text = spot
        fill = (*rgb(highlight), 255)
        ImageDraw.Draw(image).text((x, baseline), text, font=canvas.font, anchor="ls", fill=fill)
        rgba = np.asarray(image)
    part = rgba[canvas.crop]
    colour = np.ascontiguousarray(part[..., 2::-1])
    keep = np.ascontiguousarray(np.repeat(255 - part[..., 3:4], 3, axis=2))
    return CuePicture(canvas.rect, colour, keep)


def _word_spots(
    font: ImageFont.FreeTypeFont, line: CueLine, x: float, baseline: int
) -> list[tuple[float, int, str] | None]:
    """Where each word of ``line`` starts (left-to-right text only: in a right-to-left
    line a word's place is not the width of what precedes it)."""
    if is_rtl(line.text):
        return [None] * len(line.words)
    spots: list[tuple[float, int, str] | None] = []
    before = line.label
    for word in line.words:
        spots.append((x + font.getlength(before), baseline, word.text))
        before += word.text + " "
    return spots


def _draw_line(
    draw: ImageDraw.ImageDraw,
    font: ImageFont.FreeTypeFont,
    line: CueLine,
    at: tuple[float, int],
    style: CaptionStyle,
    metrics: tuple[int, int],
) -> None:
    """One line at ``at`` (left end of its baseline): box or shadow, outline, text.
    ``metrics`` is (line height, line top to baseline) in pixels."""
    x, baseline = at
    line_px, drop = metrics
    size = font.size
    if style.box:
        r, g, b = rgb(style.box_colour)
        a = style.box_opacity
        margin = 0.25 * size
        top = baseline - drop
        box = (x - margin, top, x + font.getlength(line.text) + margin, top + line_px)
        draw.rectangle(box, fill=(round(r * a), round(g * a), round(b * a), round(255 * a)))
    stroke = round(style.outline * size) if not style.box else 0
    if style.shadow > 0 and not style.box:
        offset = max(1, round(style.shadow * size))
        draw.text(
            (x + offset, baseline + offset),
            line.text,
            font=font,
            anchor="ls",
            fill=(0, 0, 0, 140),
            stroke_width=stroke,
            stroke_fill=(0, 0, 0, 140),
        )
    draw.text(
        (x, baseline),
        line.text,
        font=font,
        anchor="ls",
        fill=(*rgb(style.colour), 255),
        stroke_width=stroke,
        stroke_fill=(*rgb(style.outline_colour), 255),
    )


def _place(
    rgba: np.ndarray, layout: Layout, height: int
) -> tuple[Rect, tuple[slice, slice]] | None:
    """Where the drawn part of ``rgba`` goes on the frame, and that part's slices."""
    style = layout.style
    alpha = rgba[..., 3]
    rows, cols = np.nonzero(alpha.any(axis=1))[0], np.nonzero(alpha.any(axis=0))[0]
    if len(rows) == 0:
        return None
    top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    x0 = (layout.width - rgba.shape[1]) // 2
    if style.position == "bottom":
        y0 = layout.height - round(style.margin * layout.height) - height
    else:
        y0 = round(style.margin * layout.height)
    rect = Rect(x0 + int(left), y0 + int(top), int(right - left), int(bottom - top))
    rect, crop = _clip(rect, layout.width, layout.height, int(left), int(top))
    return (rect, crop) if rect.w > 0 and rect.h > 0 else None


def _clip(
    rect: Rect, width: int, height: int, left: int, top: int
) -> tuple[Rect, tuple[slice, slice]]:
    """``rect`` clipped to the frame, and the slices of the canvas that stay."""
    x0, y0 = max(0, rect.x), max(0, rect.y)
    x1, y1 = min(width, rect.x + rect.w), min(height, rect.y + rect.h)
    cx, cy = left + x0 - rect.x, top + y0 - rect.y
    clipped = Rect(x0, y0, max(0, x1 - x0), max(0, y1 - y0))
    return clipped, (slice(cy, cy + clipped.h), slice(cx, cx + clipped.w))
