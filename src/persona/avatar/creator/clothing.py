"""Neck, shoulders and clothes: drawn once, they move only with the breath."""

from __future__ import annotations

import skia

from persona.avatar.creator import palette
from persona.avatar.creator.geometry import (
    Colours,
    Point,
    Proportions,
    curve,
    fill,
    linear,
    mirrored,
    pen,
    polygon,
)
from persona.avatar.creator.spec import AvatarSpec


def _torso(p: Proportions, bottom: float) -> list[Point]:
    """The shoulders' outline, clockwise from the base of the neck."""
    w, y = p.shoulder_w, p.shoulder_y
    return mirrored(
        [
            (0.0, y - 0.05),
            (p.neck_w + 0.05, y - 0.06),
            (0.55 * w, y + 0.03),
            (0.86 * w, y + 0.12),
            (0.98 * w, y + 0.3),
            (1.04 * w, bottom),
            (0.0, bottom),
        ]
    )


def draw_body(
    canvas: skia.Canvas, spec: AvatarSpec, p: Proportions, look: Colours, bottom: float
) -> None:
    style = spec.clothing.style
    main = palette.resolve(spec.clothing.colour) or "#3a6ea5"
    accent = palette.resolve(spec.clothing.accent) or "#f4f4f2"
    if style == "hoodie":  # the hood lies around the neck, behind it
        hood = curve(
            mirrored(
                [
                    (0.0, p.shoulder_y - 0.25),
                    (p.neck_w + 0.25, p.shoulder_y - 0.2),
                    (p.neck_w + 0.32, p.shoulder_y + 0.05),
                    (0.0, p.shoulder_y + 0.1),
                ]
            ),
            closed=True,
        )
        canvas.drawPath(hood, fill(palette.shade(main, 0.25)))
    _neck(canvas, p, look)
    torso = curve(_torso(p, bottom), closed=True)
    shade = palette.shade(main, 0.18)
    canvas.drawPath(torso, linear((0.0, p.shoulder_y), (0.0, bottom), main, shade))
    canvas.save()
    canvas.clipPath(torso, doAntiAlias=True)
    _STYLES[style](canvas, p, look, main, accent, bottom)
    canvas.restore()
    canvas.drawPath(torso, pen(palette.shade(main, 0.4), 0.008, 0.5))


def _neck(canvas: skia.Canvas, p: Proportions, look: Colours) -> None:
    w, y = p.neck_w, p.shoulder_y
    neck = curve(
        mirrored([(0.0, 0.2), (w, 0.25), (w, y - 0.12), (w + 0.06, y + 0.02), (0.0, y + 0.1)]),
        closed=True,
    )
    canvas.drawPath(neck, fill(look.skin))
    # the chin's shadow on the neck
    canvas.drawPath(
        neck, linear((0.0, p.chin_y - 0.05), (0.0, p.chin_y + 0.14), look.skin_shadow, look.skin)
    )


def _neckline(canvas: skia.Canvas, p: Proportions, depth: float, look: Colours) -> skia.Path:
    """Skin showing at a round or V neckline (``depth`` < 0: round, > 0: V of that depth)."""
    w, y = p.neck_w + 0.05, p.shoulder_y - 0.06
    if depth > 0:
        opening = polygon([(-w, y - 0.02), (w, y - 0.02), (0.0, y + depth)])
    else:
        opening = curve(
            mirrored([(0.0, y - 0.05), (w, y - 0.02), (0.6 * w, y + 0.06), (0.0, y - depth)]),
            closed=True,
        )
    canvas.drawPath(opening, fill(look.skin))
    return opening


def _tshirt(
    canvas: skia.Canvas, p: Proportions, look: Colours, main: str, accent: str, bottom: float
) -> None:
    opening = _neckline(canvas, p, -0.1, look)
    canvas.drawPath(opening, pen(palette.shade(main, 0.25), 0.03))


def _vneck(
    canvas: skia.Canvas, p: Proportions, look: Colours, main: str, accent: str, bottom: float
) -> None:
    opening = _neckline(canvas, p, 0.3, look)
    canvas.drawPath(opening, pen(palette.shade(main, 0.2), 0.022))


def _sweater(
    canvas: skia.Canvas, p: Proportions, look: Colours, main: str, accent: str, bottom: float
) -> None:
    opening = _neckline(canvas, p, -0.07, look)
    canvas.drawPath(opening, pen(palette.shade(main, 0.15), 0.06))
    rib = pen(palette.shade(main, 0.3), 0.006, 0.5)
    for k in range(-6, 7):
        x = k * 0.1
        canvas.drawLine(x * 3, bottom - 0.12, x * 3, bottom, rib)


def _collar(canvas: skia.Canvas, p: Proportions, colour: str, spread: float) -> None:
    w, y = p.neck_w + 0.04, p.shoulder_y - 0.08
    for side in (-1.0, 1.0):
        flap = polygon(
            [
                (side * 0.01, y + 0.2),
                (side * w, y - 0.04),
                (side * (w + 0.06), y + 0.03),
                (side * (w * spread + 0.06), y + 0.2),
            ]
        )
        canvas.drawPath(flap, fill(colour))
        canvas.drawPath(flap, pen(palette.shade(colour, 0.3), 0.006, 0.8))


def _shirt(
    canvas: skia.Canvas, p: Proportions, look: Colours, main: str, accent: str, bottom: float
) -> None:
    _neckline(canvas, p, 0.16, look)
    _collar(canvas, p, palette.shade(main, -0.08), 0.9)
    canvas.drawLine(0.0, p.shoulder_y + 0.13, 0.0, bottom, pen(palette.shade(main, 0.25), 0.008))
    for k in range(4):
        canvas.drawCircle(
            0.025, p.shoulder_y + 0.2 + 0.16 * k, 0.012, fill(palette.shade(main, -0.4))
        )


def _blazer(
    canvas: skia.Canvas, p: Proportions, look: Colours, main: str, accent: str, bottom: float
) -> None:
    y = p.shoulder_y
    shirt = polygon([(-0.32, y - 0.1), (0.32, y - 0.1), (0.0, bottom)])
    canvas.drawPath(shirt, fill(accent))
    _neckline(canvas, p, 0.1, look)
    _collar(canvas, p, accent, 0.9)
    lapel = palette.shade(main, 0.15)
    for side in (-1.0, 1.0):
        flap = polygon(
            [
                (side * (p.neck_w + 0.06), y - 0.07),
                (side * 0.05, y + 0.55),
                (side * 0.02, bottom),
                (side * 0.3, bottom),
                (side * 0.3, y + 0.35),
                (side * 0.4, y + 0.22),
                (side * (p.neck_w + 0.14), y - 0.04),
            ]
        )
        canvas.drawPath(flap, fill(lapel))
        canvas.drawPath(flap, pen(palette.shade(main, 0.45), 0.008, 0.8))


def _hoodie(
    canvas: skia.Canvas, p: Proportions, look: Colours, main: str, accent: str, bottom: float
) -> None:
    opening = _neckline(canvas, p, -0.08, look)
    canvas.drawPath(opening, pen(palette.shade(main, 0.2), 0.05))
    cord = pen(accent, 0.014)
    for side in (-1.0, 1.0):
        x = side * 0.1
        canvas.drawLine(x, p.shoulder_y + 0.05, x + side * 0.02, p.shoulder_y + 0.42, cord)
        canvas.drawCircle(x + side * 0.02, p.shoulder_y + 0.44, 0.018, fill(accent))


def _kurta(
    canvas: skia.Canvas, p: Proportions, look: Colours, main: str, accent: str, bottom: float
) -> None:
    y = p.shoulder_y - 0.08
    band = skia.RRect.MakeRectXY(
        skia.Rect(-p.neck_w - 0.03, y - 0.06, p.neck_w + 0.03, y + 0.03), 0.03, 0.03
    )
    canvas.drawRRect(band, fill(palette.shade(main, 0.12)))
    canvas.drawRRect(band, pen(accent, 0.01))
    placket = skia.Rect(-0.04, y + 0.02, 0.04, y + 0.5)
    canvas.drawRect(placket, fill(palette.shade(main, 0.1)))
    canvas.drawRect(placket, pen(accent, 0.008))
    for k in range(3):
        canvas.drawCircle(0.0, y + 0.1 + 0.13 * k, 0.013, fill(accent))


def _saree(
    canvas: skia.Canvas, p: Proportions, look: Colours, main: str, accent: str, bottom: float
) -> None:
    y = p.shoulder_y
    canvas.drawPaint(fill(palette.shade(main, 0.3)))  # the blouse
    _neckline(canvas, p, -0.14, look)
    # the pallu: a drape from the viewer's right shoulder across the chest
    drape = polygon(
        [
            (0.3, y - 0.1),
            (0.95 * p.shoulder_w, y + 0.05),
            (1.1 * p.shoulder_w, bottom),
            (-0.75, bottom),
            (-0.2, y + 0.45),
        ]
    )
    canvas.drawPath(drape, fill(main))
    border = pen(accent, 0.05)
    canvas.drawLine(0.3, y - 0.08, -0.2, y + 0.45, border)
    canvas.drawLine(-0.2, y + 0.45, -0.75, bottom, border)
    fold = pen(palette.shade(main, 0.2), 0.01, 0.6)
    for k in range(3):
        dx = 0.18 * (k + 1)
        canvas.drawLine(0.3 + dx, y + 0.05, -0.2 + dx * 1.6, bottom, fold)


_STYLES = {
    "tshirt": _tshirt,
    "vneck": _vneck,
    "sweater": _sweater,
    "shirt": _shirt,
    "blazer": _blazer,
    "hoodie": _hoodie,
    "kurta": _kurta,
    "saree": _saree,
}
