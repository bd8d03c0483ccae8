"""The illustrated mouth, drawn from the seven mouth channels of one frame.

Every shape comes from the channels of :data:`persona.types.MOUTH_CHANNELS` (see
``docs/visemes.md``), not from a table of mouth pictures, so in-between frames are as
exact as the key shapes:

* ``jaw`` parts the inner lip edges; ``round`` narrows the mouth, thickens the lips and
  turns the opening into an "o"; ``width`` spreads or narrows the corners.
* ``upper`` lifts the upper lip (more upper teeth show); ``lower`` < 0 curls the lower lip
  down (the lower teeth show), > 0 tucks it up under the upper teeth (f, v), and with the
  jaw shut it presses the lips together (p, b, m).
* ``teeth`` and ``tongue`` say how much of each shows in the opening; a tongue with the
  jaw nearly shut sits between the teeth (th), with the jaw open it is raised behind them.
* ``smile`` lifts the corners.

Each lip edge is a row of points on a power curve between the corners (flat for a spread
mouth, elliptic for a rounded one), joined by a Catmull-Rom spline.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import skia

from persona.avatar.creator.geometry import (
    Colours,
    Point,
    Proportions,
    extend,
    fill,
    oval,
    pen,
)

LIP_SCALE = {"thin": 0.75, "medium": 1.0, "full": 1.3}
_SAMPLES = 9


def _clamp(v: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return lo if v < lo else hi if v > hi else v


@dataclass(frozen=True)
class MouthGeometry:
    """Key measures of one mouth pose, in head units."""

    half_width: float  # outer corners at ±half_width
    inner_half_width: float
    corner_y: float
    upper_inner_y: float  # the inner edges at the middle
    lower_inner_y: float
    upper_outer_y: float
    lower_outer_y: float
    round: float
    tuck: float  # lower lip under the upper teeth, 0..1
    press: float  # lips pressed together, 0..1
    teeth: float
    tongue: float
    jaw: float
    upper: float
    curl: float  # lower lip curled down, 0..1

    @property
    def gap(self) -> float:
        return self.lower_inner_y - self.upper_inner_y


def geometry(
    mouth: Sequence[float], smile: float, p: Proportions, lips: str = "medium"
) -> MouthGeometry:
    jaw, width, rnd, upper, lower, teeth, tongue = (float(v) for v in mouth[:7])
    jaw, rnd, upper = _clamp(jaw), _clamp(rnd), _clamp(upper)
    width, lower = _clamp(width, -1.0, 1.0), _clamp(lower, -1.0, 1.0)
    smile = _clamp(smile)
    scale = LIP_SCALE[lips]
    tuck, curl = max(lower, 0.0), max(-lower, 0.0)
    press = _clamp(8.0 * tuck) * (1.0 - _clamp(jaw / 0.12))
    half = (
        p.mouth_w
        * (1.0 + 0.24 * max(width, 0.0) + 0.3 * min(width, 0.0))
        * (1.0 - 0.3 * rnd)
        * (1.0 + 0.1 * smile)
    )
    gap = 0.2 * jaw + 0.04 * rnd * _clamp(jaw / 0.1)
    my = p.mouth_y
    corner = my - 0.032 * smile + 0.12 * gap * (1.0 - rnd) + 0.004 * press
    upper_inner = my - 0.3 * gap - 0.03 * upper
    lower_inner = my + 0.7 * gap + 0.018 * curl
    if tuck > 0.2:  # the lower lip rides up to meet the upper teeth
        lower_inner -= (tuck - 0.2) * 1.1 * (lower_inner - upper_inner)
    upper_t = 0.03 * scale * (1.0 + 0.6 * rnd) * (1.0 - 0.35 * press)
    lower_t = 0.042 * scale * (1.0 + 0.5 * rnd) * (1.0 - 0.3 * tuck) * (1.0 - 0.3 * press)
    return MouthGeometry(
        half_width=half,
        inner_half_width=half * (0.9 - 0.42 * rnd),
        corner_y=corner,
        upper_inner_y=upper_inner,
        lower_inner_y=lower_inner,
        upper_outer_y=upper_inner - upper_t,
        lower_outer_y=lower_inner + lower_t,
        round=rnd,
        tuck=tuck,
        press=press,
        teeth=_clamp(teeth),
        tongue=_clamp(tongue),
        jaw=jaw,
        upper=upper,
        curl=curl,
    )


def _edge(half: float, corner: float, mid: float, power: float, bow: float = 0.0) -> list[Point]:
    """Points from the left corner to the right one, bulging to ``mid`` at x = 0."""
    points = []
    for k in range(_SAMPLES):
        t = -1.0 + 2.0 * k / (_SAMPLES - 1)
        y = corner + (mid - corner) * (1.0 - t * t) ** power
        if bow:  # cupid's bow: a dip in the middle between two peaks
            y += bow * (
                math.exp(-((t / 0.16) ** 2)) - 0.6 * math.exp(-(((abs(t) - 0.38) / 0.16) ** 2))
            )
        points.append((half * t, y))
    return points


def _join(first: Sequence[Point], second: Sequence[Point]) -> skia.Path:
    """A closed path along ``first`` and back along ``second`` (sharp at the corners)."""
    path = skia.Path()
    path.moveTo(*first[0])
    extend(path, first)
    path.lineTo(*second[0])
    extend(path, second)
    path.close()
    return path


def draw_mouth(
    canvas: skia.Canvas,
    g: MouthGeometry,
    look: Colours,
    lips: str = "medium",
) -> None:
    """Lips, and where they part the cavity, teeth and tongue."""
    hw, ihw, c = g.half_width, g.inner_half_width, g.corner_y
    e_in = 1.0 - 0.5 * g.round
    upper_in = _edge(ihw, c, g.upper_inner_y, e_in)
    lower_in = _edge(ihw, c, g.lower_inner_y, e_in)
    bow = 0.009 * LIP_SCALE[lips] * (1.0 - g.round)
    upper_out = _edge(hw, c, g.upper_outer_y, 0.55, bow)
    lower_out = _edge(hw, c, g.lower_outer_y, 0.75)
    if ihw < hw:  # inner corners sit inside the outer ones: close the ring through them
        upper_in = [(-hw, c), *upper_in, (hw, c)]
        lower_in = [(-hw, c), *lower_in, (hw, c)]

    canvas.drawPath(_join(upper_out, lower_out[::-1]), fill(look.lip))
    canvas.drawPath(_join(upper_out, upper_in[::-1]), fill(look.lip_dark, 0.35))
    gap = g.gap
    interior = _join(upper_in, lower_in[::-1])
    if gap > 0.002:
        canvas.drawPath(interior, fill(look.mouth))
        canvas.save()
        canvas.clipPath(interior, doAntiAlias=True)
        _inside(canvas, g, look)
        canvas.restore()
    # the lower lip's sheen
    shine_y = 0.5 * (g.lower_inner_y + g.lower_outer_y) + 0.004
    canvas.drawOval(
        oval(0.0, shine_y, 0.38 * hw, 0.22 * (g.lower_outer_y - g.lower_inner_y)),
        fill("#ffffff", 0.16),
    )
    below_upper = _join(upper_in, lower_out[::-1])
    if g.tuck > 0.15 and g.teeth > 0.05:  # f, v: upper teeth rest on the lower lip
        canvas.save()
        canvas.clipPath(below_upper, doAntiAlias=True)
        bottom = g.lower_inner_y + 0.014 * g.tuck
        _teeth_row(canvas, ihw, g.upper_inner_y - 0.03, bottom, look, upper=True)
        canvas.restore()
    if _protrusion(g) > 0.3 and gap > 0.01:  # th: the tongue tip between the teeth
        canvas.save()
        canvas.clipPath(below_upper, doAntiAlias=True)
        ty = g.lower_inner_y - 0.25 * gap
        canvas.drawOval(oval(0.0, ty, 0.5 * ihw, 0.55 * gap + 0.008), fill(look.tongue))
        canvas.drawLine(0.0, ty - 0.2 * gap, 0.0, ty + 0.3 * gap, pen("#9c4652", 0.004, 0.6))
        canvas.restore()
    closed = 1.0 - _clamp(gap / 0.02)
    if closed > 0:
        seam = skia.Path()
        seam.moveTo(*upper_in[0])
        extend(seam, upper_in)
        canvas.drawPath(seam, pen(look.lip_dark, 0.008 + 0.004 * g.press, 0.9 * closed))
    for side in (-1.0, 1.0):  # the corners
        x = side * hw
        canvas.drawLine(x, c, x + side * 0.012, c - 0.006, pen(look.skin_line, 0.005, 0.35))
    outline = _join(upper_out, lower_out[::-1])
    canvas.drawPath(outline, pen(look.lip_dark, 0.004, 0.35))


def _protrusion(g: MouthGeometry) -> float:
    """How far the tongue pushes between the teeth: much tongue, little jaw."""
    return _clamp(1.6 * g.tongue - 3.0 * g.jaw)


def _inside(canvas: skia.Canvas, g: MouthGeometry, look: Colours) -> None:
    """The cavity's contents, drawn inside the clip of the inner lip edges."""
    ihw, gap = g.inner_half_width, g.gap
    top, bottom = g.upper_inner_y, g.lower_inner_y
    if g.tongue > 0.02 and _protrusion(g) <= 0.3:
        tip = bottom - g.tongue * 0.8 * gap
        depth = bottom + 0.05
        canvas.drawOval(
            oval(0.0, 0.5 * (tip + depth), 0.75 * ihw, 0.5 * (depth - tip)), fill(look.tongue)
        )
    if g.teeth > 0.02:
        upper_h = (0.012 + 0.03 * g.teeth + 0.015 * g.upper) * _clamp(g.teeth * 3.0)
        _teeth_row(canvas, ihw, top - 0.03, top + upper_h, look, upper=True)
        lower_h = g.teeth * (0.008 + 0.035 * g.curl + 0.012 * _clamp(g.jaw / 0.3))
        if lower_h > 0.003:
            _teeth_row(canvas, 0.85 * ihw, bottom - lower_h, bottom + 0.03, look, upper=False)
    # shade under the upper lip, so the cavity reads as deep
    canvas.drawRect(skia.Rect(-ihw, top - 0.02, ihw, top + 0.006), fill("#000000", 0.12))


def _teeth_row(
    canvas: skia.Canvas, half: float, top: float, bottom: float, look: Colours, upper: bool
) -> None:
    if bottom <= top:
        return
    r = min(0.012, 0.5 * (bottom - top))
    canvas.drawRRect(
        skia.RRect.MakeRectXY(skia.Rect(-half, top, half, bottom), r, r), fill(look.teeth)
    )
    edge = bottom if upper else top
    step = 0.045
    line = pen("#c9c2b6", 0.003, 0.7)
    x = 0.0
    while x < half:  # gaps between the teeth, shorter toward the corners
        for sx in (x,) if x == 0 else (x, -x):
            length = 0.6 * (bottom - top) * (1.0 - x / (half + 1e-6))
            y0, y1 = (edge - length, edge) if upper else (edge, edge + length)
            canvas.drawLine(sx, y0, sx, y1, line)
        x += step
