"""The illustrated avatar's renderer: an :class:`AvatarSpec` drawn with Skia, per frame.

Everything that does not change from frame to frame is prepared once:

* the background is rasterised into a pixel buffer that each frame copies from;
* the body (neck and clothes) is rasterised into an image that each frame places at its
  breathing offset, in whole pixels (the head follows the breath smoothly);
* the head's static parts (back hair, skin and ears, nose, front hair and headwear,
  glasses) are recorded as Skia pictures in head units and replayed under the frame's
  head transform.

Only the eyes, brows and mouth are built anew each frame, from the :class:`FaceState`.
Drawing is clipped to the *dirty rectangle* (where the head is now and where it was in the
previous frame; the body too on the frames where its breathing offset changes), and only
that rectangle is converted to BGR, so the encoder converts only that rectangle too.

Head pose, for a 2.5D look: ``roll`` rotates the head about the neck; ``yaw`` and
``pitch`` shift each layer by an amount that grows with its depth (the nose most, the ears
and back hair the other way), so a turn reads as a turn without a 3D model.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import skia

from persona.avatar.creator import accessories as acc
from persona.avatar.creator import palette
from persona.avatar.creator.clothing import draw_body
from persona.avatar.creator.face import draw_brows, draw_ears, draw_eyes, draw_face, draw_nose
from persona.avatar.creator.geometry import Colours, Proportions, colours, proportions
from persona.avatar.creator.hair import draw_beard, draw_hair_back, draw_hair_front, draw_moustache
from persona.avatar.creator.mouth import draw_mouth, geometry
from persona.avatar.creator.spec import AvatarSpec
from persona.types import FaceState, Frame, Rect

FACE_SHARE = 0.32
"""Face width as a share of the frame height (limited by the width for tall frames)."""

HEAD_Y = 0.42
"""Height of the face's centre, as a share of the frame height."""

ROLL_PIVOT = 0.55
"""The head rolls about this point below the face centre (head units): the neck."""

DEPTH_SHIFT = 0.012
"""Head units a layer of depth 1 moves per degree of yaw or pitch."""

DEPTH = {"back": -0.35, "head": 0.12, "features": 0.55, "nose": 1.0, "front": 0.3, "glasses": 0.75}
"""Relative depth of each head layer, for the 2.5D shift."""

BREATH_PERIOD_S = 4.0
BREATH_UNITS = 0.008
"""Breathing: the body rises and falls this far (head units), the head about 70 % of it."""

Draw = Callable[[skia.Canvas], None]


def _record(draw: Draw, bounds: skia.Rect) -> skia.Picture:
    recorder = skia.PictureRecorder()
    canvas = recorder.beginRecording(bounds, skia.RTreeFactory()())
    draw(canvas)
    return recorder.finishRecordingAsPicture()


class _Target:
    """One output buffer (opaque BGR or transparent BGRA) and where its head last was."""

    def __init__(self, width: int, height: int, opaque: bool) -> None:
        self.pixels = np.zeros((height, width, 4), np.uint8)
        self.surface = skia.Surface(
            self.pixels, colorType=skia.kBGRA_8888_ColorType, alphaType=skia.kPremul_AlphaType
        )
        self.canvas = self.surface.getCanvas()
        self.bgr = np.zeros((height, width, 3), np.uint8) if opaque else None
        self.opaque = opaque
        self.previous: tuple[int, int, int, int] | None = None
        self.lift: int | None = None  # the body's breathing offset in the buffer


class CreatorAvatar:
    """Renders :class:`FaceState`s of one :class:`AvatarSpec` at a fixed output size.

    :meth:`render` returns an opaque BGR :class:`Frame` with a tight dirty rectangle;
    :meth:`render_bgra` returns the avatar without its background, premultiplied BGRA,
    for compositing into scenes. Both reuse their buffers: copy what you keep. The body
    breathes with ``state.frame`` (one breath every :data:`BREATH_PERIOD_S` seconds at
    ``fps``).
    ``backdrop`` (a BGR image of the output size) replaces the spec's background.
    """

    kind = "creator"

    def __init__(
        self,
        spec: AvatarSpec,
        width: int,
        height: int,
        *,
        fps: float = 25.0,
        backdrop: np.ndarray | None = None,
    ) -> None:
        if width < 16 or height < 16:
            raise ValueError(f"output size {width}x{height} is too small to draw an avatar")
        self.spec = spec
        self.width, self.height = width, height
        self.fps = fps
        self.p: Proportions = proportions(spec)
        self.look: Colours = colours(spec)
        self.unit = min(FACE_SHARE * height, 0.42 * width)
        self.origin = (width / 2.0, HEAD_Y * height)
        self._layers = self._record_layers()
        self._head_bounds = self._bounds_of(("back", "scarf", "head", "nose", "front", "glasses"))
        self._body = self._rasterise_body()
        self._static = self._background(backdrop)
        self._targets: dict[bool, _Target] = {}
        self.face_box = self._box(-0.72, -0.95, 0.72, 0.8)
        self.mouth_box = self._box(-0.32, self.p.mouth_y - 0.16, 0.32, self.p.mouth_y + 0.26)

    # ------------------------------------------------------------------ preparation

    def _record_layers(self) -> dict[str, skia.Picture]:
        spec, p, look = self.spec, self.p, self.look
        a = spec.accessories
        covered = acc.covers_hair(a)
        big = skia.Rect(-3, -3, 3, 4)

        def back(c: skia.Canvas) -> None:
            if not covered:
                draw_hair_back(c, spec.hair.style, look)

        def head(c: skia.Canvas) -> None:
            if a.headscarf != "hijab":
                draw_ears(c, p, look)
            draw_face(c, spec, p, look)
            draw_beard(c, spec.facial_hair.style, p, look)
            acc.draw_bindi(c, a, p, look)

        def front(c: skia.Canvas) -> None:
            if not covered:
                draw_hair_front(c, spec.hair.style, p, look)
            acc.draw_headwear(c, a, p)
            acc.draw_earrings(c, a, p)

        return {
            "back": _record(back, big),
            "scarf": _record(lambda c: acc.draw_scarf_back(c, a, p), big),
            "head": _record(head, big),
            "nose": _record(lambda c: draw_nose(c, spec.nose.shape, p, look), big),
            "front": _record(front, big),
            "glasses": _record(lambda c: acc.draw_glasses(c, a, p), big),
        }

    def _bounds_of(self, names: tuple[str, ...]) -> skia.Rect:
        """Head-unit bounds of the head's layers, widened for features, strokes and shifts."""
        bounds = skia.Rect(-0.75, -0.95, 0.75, self.p.chin_y + 0.1)
        for name in names:
            cull = self._layers[name].cullRect()
            if not cull.isEmpty():
                bounds.join(cull)
        margin = 0.04 + 4.0 * DEPTH_SHIFT  # stroke halves and the largest depth shift
        return skia.Rect(
            bounds.left() - margin,
            bounds.top() - margin,
            bounds.right() + margin,
            bounds.bottom() + margin,
        )

    def _rasterise_body(self) -> skia.Image:
        bottom = (self.height - self.origin[1]) / self.unit + 0.2
        surface = skia.Surface.MakeRaster(
            skia.ImageInfo.Make(
                self.width, self.height, skia.kBGRA_8888_ColorType, skia.kPremul_AlphaType
            )
        )
        canvas = surface.getCanvas()
        canvas.translate(*self.origin)
        canvas.scale(self.unit, self.unit)
        draw_body(canvas, self.spec, self.p, self.look, bottom)
        image: skia.Image = surface.makeImageSnapshot()
        return image

    def _background(self, backdrop: np.ndarray | None) -> np.ndarray:
        pixels = np.zeros((self.height, self.width, 4), np.uint8)
        if backdrop is not None:
            if backdrop.shape[:2] != (self.height, self.width) or backdrop.ndim != 3:
                raise ValueError(f"backdrop must be {self.width}x{self.height} BGR")
            pixels[..., :3] = backdrop[..., :3]
            pixels[..., 3] = 255
            return pixels
        surface = skia.Surface(
            pixels, colorType=skia.kBGRA_8888_ColorType, alphaType=skia.kPremul_AlphaType
        )
        canvas = surface.getCanvas()
        bg = self.spec.background
        first = palette.resolve(bg.colours[0]) or "#dddddd"
        last = palette.resolve(bg.colours[-1]) or first
        c0, c1 = (skia.Color(*palette.rgb(c)) for c in (first, last))
        paint = skia.Paint(Color=c0)
        if bg.style == "vertical":
            paint.setShader(
                skia.GradientShader.MakeLinear(
                    [skia.Point(0, 0), skia.Point(0, self.height)], [c0, c1]
                )
            )
        elif bg.style == "radial":
            paint.setShader(
                skia.GradientShader.MakeRadial(
                    skia.Point(*self.origin), 0.8 * max(self.width, self.height), [c0, c1]
                )
            )
        paint.setDither(True)
        canvas.drawPaint(paint)
        del surface
        return pixels

    def _box(self, x0: float, y0: float, x1: float, y1: float) -> Rect:
        ox, oy = self.origin
        u = self.unit
        left, top = max(0, int(ox + x0 * u)), max(0, int(oy + y0 * u))
        right, bottom = min(self.width, int(ox + x1 * u)), min(self.height, int(oy + y1 * u))
        return Rect(left, top, max(1, right - left), max(1, bottom - top))

    # ------------------------------------------------------------------ rendering

    def render(self, state: FaceState) -> Frame:
        target = self._target(opaque=True)
        rect = self._draw(target, state)
        assert target.bgr is not None
        import cv2

        if rect is None:
            cv2.cvtColor(target.pixels, cv2.COLOR_BGRA2BGR, dst=target.bgr)
            return Frame(image=target.bgr, dirty=None)
        x0, y0, x1, y1 = rect
        cv2.cvtColor(target.pixels[y0:y1, x0:x1], cv2.COLOR_BGRA2BGR, dst=target.bgr[y0:y1, x0:x1])
        return Frame(image=target.bgr, dirty=Rect(x0, y0, x1 - x0, y1 - y0))

    def render_bgra(self, state: FaceState) -> np.ndarray:
        """The avatar alone over transparency: (H, W, 4) uint8 BGRA, premultiplied alpha."""
        target = self._target(opaque=False)
        self._draw(target, state)
        return target.pixels

    def _target(self, opaque: bool) -> _Target:
        if opaque not in self._targets:
            self._targets[opaque] = _Target(self.width, self.height, opaque)
        return self._targets[opaque]

    def _breath(self, frame: int) -> float:
        """Frame ``frame``'s breathing offset in pixels (the body; the head follows)."""
        t = frame / max(self.fps, 1.0)
        return BREATH_UNITS * self.unit * math.sin(2.0 * math.pi * t / BREATH_PERIOD_S)

    def _draw(self, target: _Target, state: FaceState) -> tuple[int, int, int, int] | None:
        """Draw one frame into ``target``; the dirty rectangle, or None for all of it."""
        breath = self._breath(state.frame)
        lift = round(breath)  # the body moves by whole pixels: it is redrawn only then
        matrix = self._head_matrix(state, 0.7 * breath)
        head = _round_out(matrix.mapRect(self._head_bounds), self.width, self.height)
        current = head
        if lift != target.lift:
            top = self.origin[1] + (self.p.chin_y - 0.2) * self.unit - 2 * abs(lift)
            current = _union(current, (0, max(0, int(top)), self.width, self.height))
        rect = None if target.previous is None else _union(current, target.previous)
        target.previous, target.lift = head, lift  # where the head must be erased next time
        x0, y0, x1, y1 = rect or (0, 0, self.width, self.height)
        if target.opaque:
            target.pixels[y0:y1, x0:x1] = self._static[y0:y1, x0:x1]
        else:
            target.pixels[y0:y1, x0:x1] = 0
        canvas = target.canvas
        canvas.save()
        canvas.clipRect(skia.Rect(x0, y0, x1, y1))
        self._draw_figure(canvas, state, matrix, lift)
        canvas.restore()
        return rect

    def _head_matrix(self, state: FaceState, lift: float) -> skia.Matrix:
        _, _, roll, tx, ty = _pose(state)
        u = self.unit
        m = skia.Matrix.Translate(self.origin[0] + tx * u, self.origin[1] + ty * u + lift)
        m.preRotate(roll, 0.0, ROLL_PIVOT * u)
        m.preScale(u, u)
        return m

    def _draw_figure(
        self, canvas: skia.Canvas, state: FaceState, matrix: skia.Matrix, lift: int
    ) -> None:
        yaw, pitch, _, _, _ = _pose(state)
        layers = self._layers

        def layer(name: str, depth: float) -> None:
            canvas.save()
            canvas.concat(matrix)
            canvas.translate(depth * yaw * DEPTH_SHIFT, depth * pitch * DEPTH_SHIFT)
            canvas.drawPicture(layers[name])
            canvas.restore()

        layer("back", DEPTH["back"])
        canvas.drawImage(self._body, 0.0, float(lift))
        layer("scarf", DEPTH["back"])
        layer("head", DEPTH["head"])
        canvas.save()
        canvas.concat(matrix)
        canvas.translate(
            DEPTH["features"] * yaw * DEPTH_SHIFT, DEPTH["features"] * pitch * DEPTH_SHIFT
        )
        self._draw_features(canvas, state)
        canvas.restore()
        layer("nose", DEPTH["nose"])
        layer("front", DEPTH["front"])
        layer("glasses", DEPTH["glasses"])

    def _draw_features(self, canvas: skia.Canvas, state: FaceState) -> None:
        spec, p, look = self.spec, self.p, self.look
        smile = min(max(state.smile, 0.0), 1.0)
        draw_eyes(canvas, spec, p, look, min(max(state.blink, 0.0), 1.0), smile)
        draw_brows(canvas, spec, p, look, min(max(state.brow, 0.0), 1.0))
        g = geometry(state.mouth, smile, p, spec.mouth.lips)
        draw_mouth(canvas, g, look, spec.mouth.lips)
        draw_moustache(canvas, spec.facial_hair.style, g, look)


def _pose(state: FaceState) -> tuple[float, float, float, float, float]:
    """Yaw, pitch, roll (degrees), tx, ty (face widths); missing channels are 0."""
    head = [float(v) for v in state.head[:5]]
    head += [0.0] * (5 - len(head))
    return head[0], head[1], head[2], head[3], head[4]


def _round_out(r: skia.Rect, width: int, height: int) -> tuple[int, int, int, int]:
    x0 = max(0, math.floor(r.left()) - 1)
    y0 = max(0, math.floor(r.top()) - 1)
    x1 = min(width, math.ceil(r.right()) + 1)
    y1 = min(height, math.ceil(r.bottom()) + 1)
    return x0, y0, max(x0, x1), max(y0, y1)


def _union(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])
