"""Frames of a scene, put together a rectangle at a time.

    backdrop ─→ per panel: decoration, picture (rounded corners) ─→ overlays ─→ Frame

:class:`Compositor` keeps the last picture. On each frame it redraws only the rectangles
that can have changed: the dirty rectangles of the avatars' own frames, and where an
overlay appeared, moved, faded or went away. Redrawing a rectangle always starts again
from the backdrop, so what lies under a lower third or a logo is right whenever it
changes. A new arrangement of regions (a cut) redraws the whole frame; a backdrop that changed
redraws where it shows (between the panels); with ``fade_frames`` a cut becomes a short
cross-fade from the last picture.
The returned :class:`~persona.types.Frame`'s ``dirty`` bounds everything redrawn.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from persona.compose.backdrops import Backdrop
from persona.compose.layouts import PANEL, Region
from persona.compose.overlays import Overlay
from persona.compose.panels import Panel
from persona.compose.sprites import Sprite, blend, shifted, uncovered, union
from persona.types import Frame, Rect


class Compositor:
    """Composes the frames of one scene at ``width`` x ``height``, in order."""

    def __init__(
        self,
        width: int,
        height: int,
        backdrop: Backdrop,
        overlays: Sequence[Overlay] = (),
        *,
        fade_frames: int = 0,
    ) -> None:
        self.width, self.height = width, height
        self.backdrop = backdrop
        self.overlays = tuple(overlays)
        self.fade_frames = max(0, fade_frames)
        self.canvas = np.zeros((height, width, 3), np.uint8)
        self._whole = Rect(0, 0, width, height)
        self._panels: dict[Region, Panel] = {}
        self._regions: tuple[Region, ...] | None = None
        self._sprites: list[Sprite | None] = [None] * len(self.overlays)
        self._fade: tuple[int, np.ndarray] | None = None  # (first frame, picture faded from)
        self._mix = np.zeros_like(self.canvas)
        self._uncovered: dict[tuple[Region, ...], list[Rect]] = {}
        self._base: np.ndarray | None = None  # the backdrop picture last drawn

    def panel(self, region: Region) -> Panel:
        if region not in self._panels:
            self._panels[region] = Panel.make(region, self.width, self.height)
        return self._panels[region]

    def compose(self, index: int, regions: Sequence[Region], pictures: Sequence[Frame]) -> Frame:
        """Frame ``index`` with ``pictures[k]`` (the speaker's avatar frame, at the region's
        size) in ``regions[k]``. The returned image is reused by the next call."""
        regions = tuple(regions)
        cut = regions != self._regions
        if cut and self._regions is not None and self.fade_frames:
            self._fade = (index, self.canvas.copy())
        panels = [self.panel(r) for r in regions]
        sprites = [o.sprite(index) for o in self.overlays]
        base = self.backdrop.frame(index)
        if cut:
            rects = [self._whole]
        else:
            rects = self._changed(panels, pictures, sprites)
            if base is not self._base:
                rects += self._exposed(panels)
        self._base = base
        for rect in rects:
            self._redraw(rect, base, panels, pictures, sprites)
        self._regions, self._sprites = regions, sprites
        return self._output(index, rects)

    def _changed(
        self, panels: Sequence[Panel], pictures: Sequence[Frame], sprites: Sequence[Sprite | None]
    ) -> list[Rect]:
        rects = []
        for panel, picture in zip(panels, pictures, strict=True):
            dirty = picture.dirty
            rects.append(
                panel.rect if dirty is None else shifted(dirty, panel.rect.x, panel.rect.y)
            )
        for old, new in zip(self._sprites, sprites, strict=True):
            if (old.key() if old else None) != (new.key() if new else None):
                rects += [s.rect for s in (old, new) if s is not None]
        return [r for r in rects if r.w > 0 and r.h > 0]

    def _exposed(self, panels: Sequence[Panel]) -> list[Rect]:
        """Where the backdrop shows between and around the panels (and at their rounded
        corners), worked out once per arrangement."""
        key = tuple(p.region for p in panels)
        if key not in self._uncovered:
            rects = uncovered(self._whole, [p.rect for p in panels])
            for p in panels:
                if p.radius and p.region.style == PANEL:
                    rects += p.corner_squares()
            self._uncovered[key] = rects
        return self._uncovered[key]

    def _redraw(
        self,
        rect: Rect,
        base: np.ndarray,
        panels: Sequence[Panel],
        pictures: Sequence[Frame],
        sprites: Sequence[Sprite | None],
    ) -> None:
        x0, y0 = max(0, rect.x), max(0, rect.y)
        x1, y1 = min(self.width, rect.x + rect.w), min(self.height, rect.y + rect.h)
        if x1 <= x0 or y1 <= y0:
            return
        clip = Rect(x0, y0, x1 - x0, y1 - y0)
        self.canvas[y0:y1, x0:x1] = base[y0:y1, x0:x1]
        for panel, picture in zip(panels, pictures, strict=True):
            if panel.decoration is not None:
                blend(self.canvas, panel.decoration, clip)
            panel.paste(self.canvas, picture.image, clip)
        for sprite in sprites:
            if sprite is not None:
                blend(self.canvas, sprite, clip)

    def _output(self, index: int, rects: Sequence[Rect]) -> Frame:
        if self._fade is not None:
            start, previous = self._fade
            step = index - start + 1
            if step <= self.fade_frames:
                import cv2

                t = step / (self.fade_frames + 1)
                cv2.addWeighted(self.canvas, t, previous, 1.0 - t, 0.0, dst=self._mix)
                return Frame(self._mix, dirty=None)
            self._fade = None
            return Frame(self.canvas, dirty=None)  # the fade's last mix is still on screen
        if not rects:
            return Frame(self.canvas, dirty=Rect(0, 0, 0, 0))
        box = rects[0]
        for r in rects[1:]:
            box = union(box, r)
        return Frame(self.canvas, dirty=None if box == self._whole else box)
