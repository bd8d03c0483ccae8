"""Shared drawing vocabulary: head units, proportions by age and face shape, colours, paths.

Every part is drawn in *head units*: the face is one unit wide, the origin is the middle
of the face (between the eyes, a little above them), x grows to the viewer's right and y
downward. The renderer scales by the face width in pixels, so one drawing serves every
output size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import skia

from persona.avatar.creator import palette
from persona.avatar.creator.spec import AvatarSpec

Point = tuple[float, float]


# ---------------------------------------------------------------------------- proportions


@dataclass(frozen=True)
class Proportions:
    """Where the features sit, in head units. ``*_w`` / ``*_h`` are half sizes."""

    top_y: float  # top of the skull
    chin_y: float
    temple_x: float
    cheek_x: float
    jaw_x: float
    jaw_y: float
    chin_x: float
    eye_x: float
    eye_y: float
    eye_w: float
    eye_h: float
    brow_y: float
    nose_y: float
    mouth_y: float
    mouth_w: float
    neck_w: float
    shoulder_w: float
    shoulder_y: float


_AGE = {
    # eye_y eye_w eye_h brow_y nose_y mouth_y mouth_w chin_y neck_w shoulder_w shoulder_y
    "child": (0.03, 0.112, 0.078, -0.11, 0.21, 0.37, 0.14, 0.56, 0.17, 0.92, 0.82),
    "teen": (-0.01, 0.104, 0.066, -0.14, 0.19, 0.36, 0.16, 0.61, 0.19, 1.08, 0.88),
    "adult": (-0.03, 0.1, 0.06, -0.16, 0.18, 0.36, 0.17, 0.63, 0.21, 1.18, 0.9),
    "senior": (-0.03, 0.098, 0.054, -0.16, 0.19, 0.37, 0.165, 0.64, 0.21, 1.15, 0.9),
}
_SHAPE = {
    # temple_x cheek_x jaw_x jaw_y chin_x chin_shift
    "oval": (0.47, 0.50, 0.35, 0.44, 0.11, 0.0),
    "round": (0.49, 0.52, 0.44, 0.41, 0.20, -0.04),
    "square": (0.49, 0.50, 0.46, 0.47, 0.23, -0.02),
    "heart": (0.51, 0.50, 0.31, 0.43, 0.08, 0.01),
    "long": (0.45, 0.47, 0.38, 0.49, 0.14, 0.08),
}
_BUILD = {"narrow": 0.88, "average": 1.0, "broad": 1.12}


def proportions(spec: AvatarSpec) -> Proportions:
    eye_y, eye_w, eye_h, brow_y, nose_y, mouth_y, mouth_w, chin_y, neck_w, sh_w, sh_y = _AGE[
        spec.age
    ]
    temple_x, cheek_x, jaw_x, jaw_y, chin_x, shift = _SHAPE[spec.face.shape]
    build = _BUILD[spec.build]
    stretch = 1.0 + shift  # a long face spreads its lower features down a little
    return Proportions(
        top_y=-0.64 if spec.age != "child" else -0.66,
        chin_y=chin_y + shift,
        temple_x=temple_x,
        cheek_x=cheek_x,
        jaw_x=jaw_x,
        jaw_y=jaw_y + shift,
        chin_x=chin_x,
        eye_x=0.2,
        eye_y=eye_y,
        eye_w=eye_w,
        eye_h=eye_h,
        brow_y=brow_y,
        nose_y=nose_y * stretch,
        mouth_y=mouth_y * stretch,
        mouth_w=mouth_w,
        neck_w=neck_w * (0.5 + 0.5 * build),
        shoulder_w=sh_w * build,
        shoulder_y=sh_y,
    )


def face_outline(p: Proportions) -> list[Point]:
    """The face's closed outline, clockwise from the top of the skull."""
    right = [
        (0.0, p.top_y),
        (0.3, p.top_y + 0.05),
        (p.temple_x, -0.32),
        (p.cheek_x, 0.0),
        (p.cheek_x - 0.02, 0.2),
        (p.jaw_x, p.jaw_y),
        (p.chin_x, p.chin_y - 0.025),
        (0.0, p.chin_y),
    ]
    return mirrored(right)


# ---------------------------------------------------------------------------- colours


@dataclass(frozen=True)
class Colours:
    """Every colour of one avatar, resolved to ``#rrggbb``."""

    skin: str
    skin_shadow: str
    skin_line: str
    hair: str
    hair_shadow: str
    brow: str
    lash: str
    iris: str
    lip: str
    lip_dark: str
    mouth: str
    teeth: str
    tongue: str
    beard: str


def colours(spec: AvatarSpec) -> Colours:
    def res(value: str, *palettes: dict[str, str]) -> str:
        found = palette.resolve(value, *palettes)
        assert found is not None  # the spec checked it
        return found

    skin = res(spec.face.skin, palette.SKIN)
    if palette.luma(skin) < 0.22:  # lift the deepest tones a little so features stay readable
        skin = palette.mix(skin, "#6e4b3a", 0.25)
    hair = res(spec.hair.colour, palette.HAIR)
    dark_skin = palette.luma(skin) < 0.35
    brow = (
        res(spec.brows.colour, palette.HAIR)
        if spec.brows.colour
        else palette.shade(hair, 0.25 if palette.luma(hair) > 0.3 else 0.0)
    )
    if spec.hair.style == "bald" and spec.brows.colour is None:
        brow = palette.shade(skin, 0.55)
    natural_lip = (
        palette.mix(palette.shade(skin, 0.18), "#b5525a", 0.35)
        if not dark_skin
        else palette.mix(skin, "#a8625e", 0.45)
    )
    lip = res(spec.mouth.colour) if spec.mouth.colour else natural_lip
    beard = res(spec.facial_hair.colour, palette.HAIR) if spec.facial_hair.colour else hair
    return Colours(
        skin=skin,
        skin_shadow=palette.shade(skin, 0.12),
        skin_line=palette.shade(skin, 0.38 if not dark_skin else 0.45),
        hair=hair,
        hair_shadow=palette.shade(hair, 0.3) if palette.luma(hair) > 0.15 else "#0c0a0a",
        brow=brow,
        lash="#1e1614",
        iris=res(spec.eyes.colour, palette.EYES),
        lip=lip,
        lip_dark=palette.shade(lip, 0.3),
        mouth="#4a1a22",
        teeth="#f6f3ec",
        tongue="#c9636f",
        beard=beard,
    )


# ---------------------------------------------------------------------------- paints


def _colour(hex_colour: str, alpha: float) -> int:
    r, g, b = palette.rgb(hex_colour)
    return skia.Color(r, g, b, max(0, min(255, round(alpha * 255))))


def fill(colour: str, alpha: float = 1.0) -> skia.Paint:
    return skia.Paint(AntiAlias=True, Color=_colour(colour, alpha))


def pen(colour: str, width: float, alpha: float = 1.0) -> skia.Paint:
    return skia.Paint(
        AntiAlias=True,
        Color=_colour(colour, alpha),
        Style=skia.Paint.kStroke_Style,
        StrokeWidth=width,
        StrokeCap=skia.Paint.kRound_Cap,
        StrokeJoin=skia.Paint.kRound_Join,
    )


def radial(
    centre: Point, radius: float, inner: str, outer: str, alphas: tuple[float, float] = (1.0, 0.0)
) -> skia.Paint:
    """A fill fading from ``inner`` at ``centre`` to ``outer`` at ``radius`` (and beyond)."""
    shader = skia.GradientShader.MakeRadial(
        skia.Point(*centre), radius, [_colour(inner, alphas[0]), _colour(outer, alphas[1])]
    )
    return skia.Paint(AntiAlias=True, Shader=shader)


def linear(start: Point, end: Point, first: str, last: str) -> skia.Paint:
    shader = skia.GradientShader.MakeLinear(
        [skia.Point(*start), skia.Point(*end)], [_colour(first, 1.0), _colour(last, 1.0)]
    )
    return skia.Paint(AntiAlias=True, Shader=shader)


# ---------------------------------------------------------------------------- paths


def curve(points: Sequence[Point], closed: bool = False) -> skia.Path:
    """A smooth path through ``points`` (Catmull-Rom spline as cubic Béziers)."""
    n = len(points)
    path = skia.Path()
    path.moveTo(*points[0])
    segments = n if closed else n - 1
    for i in range(segments):
        p0 = points[(i - 1) % n] if closed or i > 0 else points[0]
        p1, p2 = points[i], points[(i + 1) % n]
        p3 = points[(i + 2) % n] if closed or i + 2 < n else p2
        path.cubicTo(
            p1[0] + (p2[0] - p0[0]) / 6,
            p1[1] + (p2[1] - p0[1]) / 6,
            p2[0] - (p3[0] - p1[0]) / 6,
            p2[1] - (p3[1] - p1[1]) / 6,
            p2[0],
            p2[1],
        )
    if closed:
        path.close()
    return path


def extend(path: skia.Path, points: Sequence[Point]) -> skia.Path:
    """Continue ``path`` (which ends at ``points[0]``) smoothly through ``points``."""
    n = len(points)
    for i in range(n - 1):
        p0 = points[max(i - 1, 0)]
        p1, p2 = points[i], points[i + 1]
        p3 = points[min(i + 2, n - 1)]
        path.cubicTo(
            p1[0] + (p2[0] - p0[0]) / 6,
            p1[1] + (p2[1] - p0[1]) / 6,
            p2[0] - (p3[0] - p1[0]) / 6,
            p2[1] - (p3[1] - p1[1]) / 6,
            p2[0],
            p2[1],
        )
    return path


def polygon(points: Sequence[Point]) -> skia.Path:
    path = skia.Path()
    path.addPoly([skia.Point(x, y) for x, y in points], True)
    return path


def mirrored(right: Sequence[Point]) -> list[Point]:
    """A symmetric closed outline from its right half, listed top to bottom on x = 0.

    The first and last points should lie on the axis; they are not repeated.
    """
    left = [(-x, y) for x, y in reversed(right[1:-1])]
    return [*right, *left]


def flip(points: Sequence[Point]) -> list[Point]:
    return [(-x, y) for x, y in points]


def ellipse_points(
    cx: float, cy: float, rx: float, ry: float, n: int, bumps: float = 0.0, phase: float = 0.0
) -> list[Point]:
    """``n`` points around an ellipse, optionally scalloped (curls, afro outlines)."""
    out = []
    for k in range(n):
        a = phase + 2 * math.pi * k / n
        r = 1.0 + (bumps if k % 2 else 0.0)
        out.append((cx + rx * r * math.cos(a), cy + ry * r * math.sin(a)))
    return out


def oval(cx: float, cy: float, rx: float, ry: float) -> skia.Rect:
    return skia.Rect(cx - rx, cy - ry, cx + rx, cy + ry)
