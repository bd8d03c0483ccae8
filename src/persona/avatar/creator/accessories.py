"""Glasses, earrings, hats, headscarves and the bindi."""

from __future__ import annotations

import skia

from persona.avatar.creator import palette
from persona.avatar.creator.geometry import (
    Colours,
    Point,
    Proportions,
    curve,
    fill,
    mirrored,
    oval,
    pen,
)
from persona.avatar.creator.spec import Accessories


def _c(value: str) -> str:
    return palette.resolve(value) or "#808080"


def covers_hair(acc: Accessories) -> bool:
    """Whether the head covering hides the hair entirely (it is then not drawn)."""
    return acc.headscarf == "hijab" or acc.hat == "turban"


def draw_scarf_back(canvas: skia.Canvas, acc: Accessories, p: Proportions) -> None:
    """A hijab's body: around the head and the neck, over the shoulders."""
    if acc.headscarf != "hijab":
        return
    colour = _c(acc.headscarf_colour)
    y = p.shoulder_y
    shape = mirrored(
        [
            (0.0, -0.84),
            (0.5, -0.72),
            (0.66, -0.3),
            (0.66, 0.2),
            (0.6, 0.6),
            (0.62 * p.shoulder_w + 0.1, y + 0.12),
            (0.75 * p.shoulder_w, y + 0.5),
            (0.0, y + 0.62),
        ]
    )
    path = curve(shape, closed=True)
    canvas.drawPath(path, fill(colour))
    fold = pen(palette.shade(colour, 0.25), 0.012, 0.6)
    for side in (-1.0, 1.0):
        canvas.drawPath(
            curve([(side * 0.45, 0.45), (side * 0.3, 0.75), (side * 0.1, y + 0.4)]), fold
        )
        canvas.drawPath(curve([(side * 0.6, 0.3), (side * 0.58, 0.7), (side * 0.5, y + 0.3)]), fold)


def draw_headwear(canvas: skia.Canvas, acc: Accessories, p: Proportions) -> None:
    """Hats and the front of a headscarf, over the hair."""
    if acc.headscarf == "hijab":
        colour = _c(acc.headscarf_colour)
        front = [
            (-0.64, 0.3),
            (-0.68, -0.3),
            (-0.5, -0.72),
            (0.0, -0.86),
            (0.5, -0.72),
            (0.68, -0.3),
            (0.64, 0.3),
            (0.47, 0.3),
            (0.49, -0.05),
            (0.42, -0.37),
            (0.2, -0.49),
            (0.0, -0.51),
            (-0.2, -0.49),
            (-0.42, -0.37),
            (-0.49, -0.05),
            (-0.47, 0.3),
        ]
        canvas.drawPath(curve(front, closed=True), fill(colour))
        edge = front[-9:]  # the opening around the face
        canvas.drawPath(curve(edge), pen(palette.shade(colour, 0.2), 0.02, 0.7))
    elif acc.headscarf == "wrap":
        _wrap(canvas, _c(acc.headscarf_colour))
    if acc.hat != "none":
        _HATS[acc.hat](canvas, _c(acc.hat_colour))


def _wrap(canvas: skia.Canvas, colour: str) -> None:
    shape = [
        (-0.56, -0.3),
        (-0.66, -0.62),
        (-0.45, -0.98),
        (0.0, -1.08),
        (0.45, -0.98),
        (0.66, -0.62),
        (0.56, -0.3),
        (0.3, -0.42),
        (0.0, -0.45),
        (-0.3, -0.42),
    ]
    canvas.drawPath(curve(shape, closed=True), fill(colour))
    fold = pen(palette.shade(colour, 0.25), 0.014, 0.7)
    for k in range(4):
        y = -0.55 - 0.12 * k
        canvas.drawPath(
            curve([(-0.55 + 0.05 * k, y + 0.05), (0.0, y - 0.06), (0.55 - 0.05 * k, y + 0.1)]), fold
        )
    canvas.drawCircle(0.22, -0.62, 0.07, fill(palette.shade(colour, 0.12)))


def _cap(canvas: skia.Canvas, colour: str) -> None:
    crown = curve(
        mirrored([(0.0, -0.83), (0.4, -0.74), (0.56, -0.5), (0.55, -0.36), (0.0, -0.4)]),
        closed=True,
    )
    canvas.drawPath(crown, fill(colour))
    seam = pen(palette.shade(colour, 0.25), 0.008, 0.7)
    canvas.drawPath(curve([(0.0, -0.82), (0.02, -0.6), (0.0, -0.4)]), seam)
    brim = curve(
        [(-0.52, -0.4), (0.0, -0.45), (0.52, -0.4), (0.62, -0.32), (0.0, -0.25), (-0.62, -0.32)],
        closed=True,
    )
    canvas.drawPath(brim, fill(palette.shade(colour, 0.15)))
    canvas.drawCircle(0.0, -0.83, 0.025, fill(palette.shade(colour, 0.2)))


def _beanie(canvas: skia.Canvas, colour: str) -> None:
    crown = curve(
        mirrored([(0.0, -0.86), (0.42, -0.77), (0.58, -0.5), (0.57, -0.42), (0.0, -0.44)]),
        closed=True,
    )
    canvas.drawPath(crown, fill(colour))
    cuff = skia.RRect.MakeRectXY(skia.Rect(-0.6, -0.52, 0.6, -0.36), 0.05, 0.05)
    canvas.drawRRect(cuff, fill(palette.shade(colour, 0.12)))
    rib = pen(palette.shade(colour, 0.3), 0.008, 0.6)
    for k in range(-9, 10):
        canvas.drawLine(k * 0.06, -0.5, k * 0.06, -0.38, rib)


def _turban(canvas: skia.Canvas, colour: str) -> None:
    shape = [
        (-0.55, -0.2),
        (-0.62, -0.55),
        (-0.45, -0.86),
        (0.0, -0.98),
        (0.45, -0.86),
        (0.62, -0.55),
        (0.55, -0.2),
        (0.3, -0.36),
        (0.0, -0.45),
        (-0.3, -0.36),
    ]
    path = curve(shape, closed=True)
    canvas.drawPath(path, fill(colour))
    canvas.save()
    canvas.clipPath(path, doAntiAlias=True)
    fold = pen(palette.shade(colour, 0.28), 0.016, 0.75)
    for k in range(5):  # layers crossing in a V over the forehead
        y = -0.5 - 0.1 * k
        canvas.drawPath(curve([(-0.65, y + 0.2), (-0.25, y + 0.02), (0.0, y - 0.06)]), fold)
        canvas.drawPath(curve([(0.65, y + 0.16), (0.25, y - 0.02), (0.0, y - 0.12)]), fold)
    canvas.restore()


def _kufi(canvas: skia.Canvas, colour: str) -> None:
    crown = curve(
        mirrored([(0.0, -0.8), (0.3, -0.76), (0.46, -0.62), (0.48, -0.52), (0.0, -0.55)]),
        closed=True,
    )
    canvas.drawPath(crown, fill(colour))
    band = pen(palette.shade(colour, 0.2), 0.01, 0.8)
    for y in (-0.6, -0.66, -0.72):
        canvas.drawPath(curve([(-0.44, y + 0.04), (0.0, y - 0.02), (0.44, y + 0.04)]), band)


_HATS = {"cap": _cap, "beanie": _beanie, "turban": _turban, "kufi": _kufi}


def draw_glasses(canvas: skia.Canvas, acc: Accessories, p: Proportions) -> None:
    if acc.glasses == "none":
        return
    colour = _c(acc.glasses_colour)
    frame = pen(colour, 0.016)
    lens = fill("#ffffff", 0.14)
    y = p.eye_y - 0.005
    for side in (-1.0, 1.0):
        cx = side * p.eye_x
        if acc.glasses == "round":
            shape = skia.Path()
            shape.addOval(oval(cx, y, 0.12, 0.11))
        elif acc.glasses == "rectangle":
            shape = skia.Path()
            shape.addRRect(
                skia.RRect.MakeRectXY(
                    skia.Rect(cx - 0.13, y - 0.085, cx + 0.13, y + 0.085), 0.03, 0.03
                )
            )
        else:  # cat eye: the outer top corner swept up
            pts: list[Point] = [
                (cx - side * 0.12, y - 0.06),
                (cx, y - 0.08),
                (cx + side * 0.15, y - 0.12),
                (cx + side * 0.12, y + 0.05),
                (cx, y + 0.09),
                (cx - side * 0.11, y + 0.05),
            ]
            shape = curve(pts, closed=True)
        canvas.drawPath(shape, lens)
        canvas.drawPath(shape, frame)
        canvas.drawLine(cx + side * 0.125, y - 0.03, side * 0.5, y - 0.02, pen(colour, 0.012))
    canvas.drawPath(curve([(-0.08, y - 0.01), (0.0, y - 0.04), (0.08, y - 0.01)]), frame)


def draw_earrings(canvas: skia.Canvas, acc: Accessories, p: Proportions) -> None:
    if acc.earrings == "none" or acc.headscarf == "hijab":
        return
    colour = _c(acc.earrings_colour)
    for side in (-1.0, 1.0):
        x, y = side * (p.cheek_x + 0.01), 0.19
        if acc.earrings == "studs":
            canvas.drawCircle(x, y, 0.018, fill(colour))
            canvas.drawCircle(x - 0.005, y - 0.005, 0.006, fill("#ffffff", 0.6))
        elif acc.earrings == "hoops":
            canvas.drawCircle(x, y + 0.05, 0.05, pen(colour, 0.012))
        else:
            canvas.drawLine(x, y, x, y + 0.05, pen(colour, 0.006))
            canvas.drawPath(
                curve(
                    [(x, y + 0.05), (x + 0.022, y + 0.09), (x, y + 0.115), (x - 0.022, y + 0.09)],
                    closed=True,
                ),
                fill(colour),
            )


def draw_bindi(canvas: skia.Canvas, acc: Accessories, p: Proportions, look: Colours) -> None:
    if acc.bindi is None:
        return
    colour = _c(acc.bindi)
    y = p.brow_y + 0.005
    canvas.drawCircle(0.0, y, 0.017, fill(colour))
    canvas.drawCircle(-0.005, y - 0.005, 0.005, fill("#ffffff", 0.4))
