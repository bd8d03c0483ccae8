"""Hair (a back part behind the head, a front part over the forehead) and facial hair.

Each style is a pair of outlines in head units. The back part is drawn before the body
and the face; the front part after the face, so fringes, side curtains and braids fall
over the forehead, cheeks and shoulders.
"""

from __future__ import annotations

import math

import skia

from persona.avatar.creator import palette
from persona.avatar.creator.geometry import (
    Colours,
    Point,
    Proportions,
    curve,
    ellipse_points,
    face_outline,
    fill,
    mirrored,
    pen,
)
from persona.avatar.creator.mouth import MouthGeometry

_CAP_OUTER = [(0.0, -0.77), (0.34, -0.72), (0.53, -0.52), (0.57, -0.25), (0.52, -0.06)]
_CAP_LINE = [(0.47, -0.1), (0.45, -0.3), (0.28, -0.43), (0.0, -0.41)]


def _cap(outer: list[Point], line: list[Point]) -> list[Point]:
    """A closed hair cap: outer edge over the top, hairline back (both given right half)."""
    right_outer = outer[1:]
    left_outer = [(-x, y) for x, y in reversed(right_outer)]
    right_line = line[:-1]
    left_line = [(-x, y) for x, y in reversed(right_line)]
    return [*left_outer, outer[0], *right_outer, *right_line, line[-1], *left_line]


def _scaled(points: list[Point], k: float, dy: float = 0.0) -> list[Point]:
    return [(x * k, y * k + dy) for x, y in points]


def _wavy(points: list[Point], amount: float) -> list[Point]:
    return [
        (x + math.copysign(amount * math.sin(y * 11.0), x) if abs(x) > 0.3 else x, y)
        for x, y in points
    ]


_LONG_BACK = mirrored(
    [(0.0, -0.78), (0.6, -0.45), (0.66, 0.2), (0.72, 0.9), (0.76, 1.45), (0.0, 1.5)]
)
_LONG_FRONT = [
    (-0.66, 0.85),
    (-0.62, 0.2),
    (-0.6, -0.4),
    (-0.35, -0.72),
    (0.0, -0.79),
    (0.35, -0.72),
    (0.6, -0.4),
    (0.62, 0.2),
    (0.66, 0.85),
    (0.56, 0.85),
    (0.5, 0.3),
    (0.47, -0.1),
    (0.4, -0.4),
    (0.16, -0.5),
    (0.03, -0.53),
    (-0.14, -0.5),
    (-0.4, -0.4),
    (-0.47, -0.1),
    (-0.5, 0.3),
    (-0.56, 0.85),
]
_BOB_BACK = mirrored(
    [(0.0, -0.79), (0.58, -0.5), (0.65, 0.0), (0.64, 0.38), (0.5, 0.5), (0.0, 0.45)]
)
_BOB_FRONT = [
    (-0.63, 0.46),
    (-0.65, 0.0),
    (-0.58, -0.5),
    (0.0, -0.8),
    (0.58, -0.5),
    (0.65, 0.0),
    (0.63, 0.46),
    (0.53, 0.47),
    (0.48, 0.1),
    (0.47, -0.2),
    (0.38, -0.3),
    (0.0, -0.3),
    (-0.38, -0.3),
    (-0.47, -0.2),
    (-0.48, 0.1),
    (-0.53, 0.47),
]
_SIDE_PART_LINE = [
    (0.47, -0.1),
    (0.45, -0.3),
    (0.3, -0.37),
    (0.05, -0.39),
    (-0.2, -0.46),
    (-0.32, -0.5),
    (-0.44, -0.35),
    (-0.47, -0.1),
]


def _bumpy_cap(rx: float, ry: float, cy: float, line_y: float, bumps: int) -> list[Point]:
    """Curly outline: a scalloped dome over the top and a scalloped hairline under it."""
    outer = []
    for k in range(bumps + 1):
        a = math.pi * (1.0 + k / bumps)
        r = 1.0 + (0.07 if k % 2 else 0.0)
        outer.append((rx * r * math.cos(a), cy + ry * r * math.sin(a)))
    line = []
    for k in range(bumps // 2 + 1):
        t = 1.0 - 2.0 * k / (bumps // 2)
        y = line_y + 0.12 * t * t + (0.025 if k % 2 else 0.0)
        line.append((0.47 * t, y))
    return outer + line


def _back_outline(style: str) -> list[Point] | None:
    if style == "buzz":
        return None
    if style in ("short", "side_part"):
        return mirrored([(0.0, -0.77), *_CAP_OUTER[1:], (0.0, 0.0)])
    if style == "receding":
        return mirrored([(0.0, -0.5), (0.42, -0.48), (0.56, -0.3), (0.55, -0.02), (0.0, 0.0)])
    if style == "curly":
        return ellipse_points(0.0, -0.3, 0.63, 0.52, 26, 0.07)
    if style == "afro":
        return ellipse_points(0.0, -0.3, 0.9, 0.72, 30, 0.05)
    if style == "bob":
        return _BOB_BACK
    if style in ("long", "braids"):
        return _LONG_BACK
    if style == "wavy":
        return _wavy(_LONG_BACK, 0.035)
    if style in ("bun", "ponytail"):
        return mirrored([(0.0, -0.74), *_scaled(_CAP_OUTER[1:], 0.97), (0.0, 0.0)])
    return None  # bald


def _front_outline(style: str) -> list[Point] | None:
    if style == "short":
        return _cap(_CAP_OUTER, _CAP_LINE)
    if style == "buzz":
        return _cap(
            _scaled(_CAP_OUTER, 0.95), [(0.46, -0.12), (0.44, -0.33), (0.28, -0.46), (0.0, -0.45)]
        )
    if style == "side_part":
        outer = _CAP_OUTER
        left = [(-x, y) for x, y in reversed(outer[1:])]
        return [*left, outer[0], *outer[1:], *_SIDE_PART_LINE]
    if style == "curly":
        return _bumpy_cap(0.6, 0.5, -0.28, -0.43, 16)
    if style == "afro":
        return _bumpy_cap(0.86, 0.68, -0.3, -0.44, 22)
    if style == "bob":
        return _BOB_FRONT
    if style in ("long",):
        return _LONG_FRONT
    if style == "wavy":
        return _wavy(_LONG_FRONT, 0.035)
    if style in ("braids", "bun", "ponytail"):
        return _cap(
            _scaled(_CAP_OUTER, 0.97), [(0.47, -0.12), (0.45, -0.32), (0.28, -0.45), (0.0, -0.44)]
        )
    if style == "receding":
        return None
    return None  # bald


def draw_hair_back(canvas: skia.Canvas, style: str, look: Colours) -> None:
    outline = _back_outline(style)
    if outline is None:
        return
    path = curve(outline, closed=True)
    canvas.drawPath(path, fill(look.hair_shadow if style != "afro" else look.hair))
    if style == "bun":
        canvas.drawCircle(0.0, -0.82, 0.17, fill(look.hair))
        canvas.drawCircle(0.0, -0.82, 0.17, pen(look.hair_shadow, 0.01, 0.7))
        canvas.drawPath(
            curve([(-0.12, -0.84), (0.0, -0.9), (0.12, -0.82)]), pen(look.hair_shadow, 0.01, 0.6)
        )
    elif style == "ponytail":
        tail = [
            (0.32, -0.62),
            (0.56, -0.48),
            (0.68, 0.0),
            (0.66, 0.5),
            (0.54, 0.62),
            (0.54, 0.1),
            (0.44, -0.3),
        ]
        canvas.drawPath(curve(tail, closed=True), fill(look.hair))
    elif style == "braids":
        for x in (-0.7, -0.6, -0.5, 0.5, 0.6, 0.7):
            _braid(canvas, x, 0.0, 1.45, 0.045, look)


def _braid(
    canvas: skia.Canvas, x: float, top: float, bottom: float, r: float, look: Colours
) -> None:
    """A plait: a chain of overlapping slanted ovals, as one path (one fill, one stroke)."""
    plait = skia.Path()
    y, k = top, 0
    while y < bottom:
        link = skia.Path()
        link.addOval(skia.Rect(-r, -0.9 * r, r, 0.9 * r))
        m = skia.Matrix.Translate(x, y)
        m.preRotate(25.0 if k % 2 else -25.0)
        plait.addPath(link, m)
        y, k = y + 1.2 * r, k + 1
    canvas.drawPath(plait, fill(look.hair))
    canvas.drawPath(plait, pen(look.hair_shadow, 0.006, 0.9))


def draw_hair_front(canvas: skia.Canvas, style: str, p: Proportions, look: Colours) -> None:
    outline = _front_outline(style)
    if style == "receding":
        for side in (-1.0, 1.0):
            strip = [
                (side * 0.5, -0.06),
                (side * 0.55, -0.3),
                (side * 0.47, -0.5),
                (side * 0.4, -0.44),
                (side * 0.46, -0.28),
                (side * 0.46, -0.08),
            ]
            canvas.drawPath(curve(strip, closed=True), fill(look.hair))
    if style in ("bald", "receding"):  # shine on the skull
        canvas.drawOval(
            skia.Rect(-0.2, p.top_y + 0.04, 0.05, p.top_y + 0.12), fill("#ffffff", 0.18)
        )
    if outline is None:
        return
    colour = look.hair if style != "buzz" else palette.mix(look.hair, look.skin, 0.35)
    path = curve(outline, closed=True)
    canvas.drawPath(path, fill(colour))
    canvas.save()
    canvas.clipPath(path, doAntiAlias=True)
    strand = pen(look.hair_shadow, 0.012, 0.45)
    sheen = pen("#ffffff", 0.02, 0.12)
    if style in ("short", "side_part", "bob", "long", "wavy"):
        for dx in (-0.25, -0.05, 0.18):
            canvas.drawPath(
                curve([(dx - 0.05, -0.72), (dx + 0.02, -0.6), (dx + 0.1, -0.45)]), strand
            )
        canvas.drawPath(curve([(-0.35, -0.6), (-0.1, -0.7), (0.2, -0.69)]), sheen)
    elif style == "braids":
        for dx in (-0.3, -0.15, 0.0, 0.15, 0.3):  # cornrows toward the crown
            canvas.drawPath(curve([(dx, -0.44), (dx * 0.9, -0.6), (dx * 0.5, -0.78)]), strand)
    elif style in ("bun", "ponytail"):
        for dx in (-0.3, -0.12, 0.12, 0.3):  # combed back
            canvas.drawPath(curve([(dx, -0.45), (dx * 0.8, -0.6), (dx * 0.4, -0.74)]), strand)
    canvas.restore()
    if style == "braids":
        for x in (-0.55, 0.55):
            _braid(canvas, x, 0.0, 0.95, 0.04, look)
    if style == "side_part":
        canvas.drawPath(
            curve([(-0.2, -0.76), (-0.21, -0.6), (-0.24, -0.5)]), pen(look.hair_shadow, 0.012, 0.8)
        )


# ---------------------------------------------------------------------------- facial hair


def draw_beard(canvas: skia.Canvas, style: str, p: Proportions, look: Colours) -> None:
    """The static part of facial hair (under the mouth); the moustache moves with the lip."""
    if style == "none" or style == "moustache":
        return
    face = curve(face_outline(p), closed=True)
    canvas.save()
    if style != "full_beard":
        canvas.clipPath(face, doAntiAlias=True)
    my = p.mouth_y
    if style == "stubble":
        region = mirrored(
            [(0.0, p.nose_y + 0.05), (0.2, p.nose_y + 0.06), (0.45, 0.05), (0.6, 0.5), (0.0, 1.0)]
        )
        canvas.drawPath(curve(region, closed=True), fill(look.beard, 0.22))
    elif style == "goatee":
        region = [
            (-0.1, my + 0.07),
            (-0.14, p.chin_y - 0.06),
            (0.0, p.chin_y + 0.01),
            (0.14, p.chin_y - 0.06),
            (0.1, my + 0.07),
            (0.0, my + 0.09),
        ]
        canvas.drawPath(curve(region, closed=True), fill(look.beard))
    else:
        depth = 0.06 if style == "beard" else 0.22
        outer = [
            (0.5, -0.06),
            (0.51, 0.2),
            (p.jaw_x + 0.04, p.jaw_y + 0.04),
            (p.chin_x + 0.04, p.chin_y + depth * 0.7),
            (0.0, p.chin_y + depth),
        ]
        inner = [
            (-0.45, -0.02),
            (-0.38, 0.18),
            (-0.2, my - 0.02),
            (-0.15, my + 0.07),
            (0.0, my + 0.09),
            (0.15, my + 0.07),
            (0.2, my - 0.02),
            (0.38, 0.18),
            (0.45, -0.02),
        ]
        left = [(-x, y) for x, y in reversed(outer[:-1])]
        region = [*outer, *left, *inner]
        path = curve(region, closed=True)
        canvas.drawPath(path, fill(look.beard))
        canvas.drawPath(path, pen(palette.shade(look.beard, 0.3), 0.008, 0.5))
    canvas.restore()


def draw_moustache(canvas: skia.Canvas, style: str, g: MouthGeometry, look: Colours) -> None:
    if style not in ("moustache", "goatee", "beard", "full_beard"):
        return
    hw, top = g.half_width + 0.025, g.upper_outer_y
    thick = 0.04 if style != "goatee" else 0.03
    shape = [
        (-hw, g.corner_y + 0.02),
        (-0.6 * hw, top - 0.012),
        (0.0, top - 0.02),
        (0.6 * hw, top - 0.012),
        (hw, g.corner_y + 0.02),
        (0.6 * hw, top - thick),
        (0.0, top - thick - 0.012),
        (-0.6 * hw, top - thick),
    ]
    canvas.drawPath(curve(shape, closed=True), fill(look.beard))
