"""Burned-in captions: a frame filter for a single-avatar render, an overlay for scenes.

    render_video(..., filters=[CaptionBurner(cues, fps=25, style=CaptionStyle())])
    Compositor(w, h, backdrop, overlays=[CaptionOverlay(cues, w, h, fps=25)])

Frame ``index`` shows time ``index * 1000 / fps`` ms. The cue on screen then is drawn
(:mod:`persona.compose.caption_draw`) once when it appears, and once more each time the
highlighted word changes; :class:`CaptionPictures` keeps those pictures.

:class:`CaptionBurner` (a :class:`~persona.pipeline.FrameFilter`) never writes to the
renderer's buffer: it keeps its own copy of the picture, copies only the renderer's
dirty rectangle into it, and blends the caption again only where something changed, so
the encoder still converts only the dirty part:

* the caption changed (a new cue, the next word, or no cue any more): the old and the
  new caption boxes are added to the frame's dirty rectangle;
* the renderer changed pixels under the caption: the caption is blended again there;
* otherwise the frame's dirty rectangle passes through untouched.

:class:`CaptionOverlay` gives the same pictures as premultiplied BGRA sprites, the same
array object for as long as the caption stays the same, for
:class:`~persona.compose.compositor.Compositor` to redraw only when it changes.

The font size is the style's share of the frame height, made smaller for all cues when
the longest line (of several words) would not fit the safe width.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from persona.compose.caption_draw import (
    CueCanvas,
    CuePicture,
    Layout,
    cue_picture,
    draw_cue,
    text_width,
)
from persona.compose.caption_style import CaptionStyle
from persona.compose.captions import Cue
from persona.types import Frame, Rect

if TYPE_CHECKING:
    from persona.compose.sprites import Sprite

Key = tuple[int, int | None]
"""(cue index, highlighted word index or None): what a caption picture shows."""


class CaptionPictures:
    """The caption pictures of ``cues`` on a ``width`` × ``height`` frame at ``fps``,
    drawn on first use; only the current cue's are kept."""

    def __init__(
        self, cues: Sequence[Cue], width: int, height: int, fps: float, style: CaptionStyle
    ) -> None:
        if fps <= 0:
            raise ValueError(f"fps must be positive, got {fps}")
        self.cues = tuple(sorted(cues, key=lambda c: c.start_ms))
        self.fps = fps
        self.style = style
        self.layout = _layout(self.cues, width, height, style)
        self.drawn = 0  # pictures made so far (a cue, or a cue with one word highlighted)
        self._starts = [c.start_ms for c in self.cues]
        self._canvases: dict[int, CueCanvas | None] = {}
        self._pictures: dict[Key, CuePicture | None] = {}

    def cue_at(self, time_ms: int) -> int | None:
        """Index of the cue on screen at ``time_ms``, or ``None``."""
        k = bisect.bisect_right(self._starts, time_ms) - 1
        if k >= 0 and time_ms < self.cues[k].end_ms:
            return k
        return None

    def key(self, frame: int) -> Key | None:
        """What frame ``frame`` shows: None when no cue is on screen."""
        time_ms = round(frame * 1000 / self.fps)
        k = self.cue_at(time_ms)
        if k is None:
            return None
        return (k, self.cues[k].word_at(time_ms) if self.style.highlight else None)

    def picture(self, key: Key) -> CuePicture | None:
        """The picture for ``key``; None for a cue with nothing to draw."""
        if key not in self._pictures:
            cue = key[0]
            if cue not in self._canvases:
                self._canvases = {cue: draw_cue(self.cues[cue], self.layout)}
                self._pictures = {}
            canvas = self._canvases[cue]
            self._pictures[key] = (
                None if canvas is None else cue_picture(canvas, self.style.highlight, key[1])
            )
            self.drawn += 1
        return self._pictures[key]


class CaptionBurner:
    """Draws ``cues`` onto frames at ``fps`` (see the module docstring).

    Frames may be of any size; the layout is made for the size of the first frame.
    The returned frame's image is the burner's own buffer, reused on the next call.
    """

    def __init__(self, cues: Sequence[Cue], fps: float, style: CaptionStyle | None = None) -> None:
        if fps <= 0:
            raise ValueError(f"fps must be positive, got {fps}")
        self.cues = tuple(cues)
        self.fps = fps
        self.style = style or CaptionStyle()
        self.pictures: CaptionPictures | None = None
        self._out: np.ndarray | None = None
        self._shown: Key | None = None
        self._shown_rect: Rect | None = None

    def apply(self, frame: Frame, index: int) -> Frame:
        image = frame.image
        new_size = self._out is None or self._out.shape != image.shape
        if new_size or self.pictures is None:
            self._out = np.empty_like(image)
            h, w = image.shape[:2]
            self.pictures = CaptionPictures(self.cues, w, h, self.fps, self.style)
            self._shown, self._shown_rect = None, None
        assert self._out is not None
        out, full = self._out, new_size or frame.dirty is None
        if full:
            np.copyto(out, image)
        elif frame.dirty is not None:
            _copy(image, out, frame.dirty)
        key = self.pictures.key(index)
        picture = self.pictures.picture(key) if key is not None else None
        changed: list[Rect] = []
        if key != self._shown and self._shown_rect is not None and not full:
            _copy(image, out, self._shown_rect)  # take the old caption away
            changed.append(self._shown_rect)
        if picture is not None and (
            full or key != self._shown or _overlap(frame.dirty, picture.rect)
        ):
            if not full:
                _copy(image, out, picture.rect)  # blend over the renderer's pixels only
            picture.blend(out)
            changed.append(picture.rect)
        self._shown, self._shown_rect = key, picture.rect if picture is not None else None
        if full:
            return Frame(image=out, dirty=None)
        return Frame(image=out, dirty=_union(frame.dirty, *changed))


class CaptionOverlay:
    """Captions for a scene compositor: :meth:`sprite` is the caption of an output
    frame of a ``width`` × ``height`` video at ``fps`` (an
    :class:`~persona.compose.overlays.Overlay`)."""

    def __init__(
        self,
        cues: Sequence[Cue],
        width: int,
        height: int,
        fps: float,
        style: CaptionStyle | None = None,
    ) -> None:
        self.pictures = CaptionPictures(cues, width, height, fps, style or CaptionStyle())
        self._sprite: tuple[Key, Sprite | None] | None = None

    def sprite(self, frame: int) -> Sprite | None:
        from persona.compose.sprites import Sprite

        key = self.pictures.key(frame)
        if key is None:
            return None
        if self._sprite is None or self._sprite[0] != key:
            picture = self.pictures.picture(key)
            made = None
            if picture is not None:
                alpha = 255 - picture.keep[..., :1]
                bgra = np.ascontiguousarray(np.concatenate([picture.colour, alpha], axis=2))
                made = Sprite(bgra, picture.rect.x, picture.rect.y)
            self._sprite = (key, made)
        return self._sprite[1]


def _layout(cues: Sequence[Cue], width: int, height: int, style: CaptionStyle) -> Layout:
    """The layout of ``cues``: one font size for all, small enough for the widest line
    of several words."""
    font_px = style.font_size(height)
    widest = max(
        (
            text_width(line.text, style.font_path, font_px)
            for cue in cues
            for line in cue.lines
            if len(line.words) > 1
        ),
        default=0.0,
    )
    room = style.safe_width * width
    if widest > room:
        font_px = max(8, int(font_px * room / widest))
    return Layout(width, height, style, font_px)


def _copy(source: np.ndarray, target: np.ndarray, rect: Rect) -> None:
    h, w = source.shape[:2]
    x0, y0 = max(0, rect.x), max(0, rect.y)
    x1, y1 = min(w, rect.x + rect.w), min(h, rect.y + rect.h)
    if x1 > x0 and y1 > y0:
        target[y0:y1, x0:x1] = source[y0:y1, x0:x1]


def _overlap(a: Rect | None, b: Rect) -> bool:
    if a is None:
        return True
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def _union(*rects: Rect | None) -> Rect:
    present = [r for r in rects if r is not None and r.w > 0 and r.h > 0]
    if not present:
        return Rect(0, 0, 0, 0)
    x0 = min(r.x for r in present)
    y0 = min(r.y for r in present)
    x1 = max(r.x + r.w for r in present)
    y1 = max(r.y + r.h for r in present)
    return Rect(x0, y0, x1 - x0, y1 - y0)
