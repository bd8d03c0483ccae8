"""The face: skin and ears (drawn once), nose (drawn once), eyes and brows (every frame)."""

from __future__ import annotations

import math

import skia

from persona.avatar.creator import palette
from persona.avatar.creator.geometry import (
    Colours,
    Point,
    Proportions,
    curve,
    extend,
    face_outline,
    fill,
    oval,
    pen,
    radial,
)
from persona.avatar.creator.spec import AvatarSpec

# eye shapes: upper lid height, lower lid height (shares of eye_h), outer-corner lift, crease
_EYES = {
    "almond": (1.0, 0.62, 0.012, True),
    "round": (1.15, 0.95, 0.0, True),
    "narrow": (0.72, 0.5, 0.006, True),
    "monolid": (0.78, 0.55, 0.018, False),
    "hooded": (0.82, 0.62, 0.0, True),
}
# brows: thickness, arch height, inner-end drop
_BROWS = {
    "soft": (0.024, 0.022, 0.008),
    "straight": (0.026, 0.006, 0.004),
    "arched": (0.022, 0.04, 0.012),
    "thick": (0.036, 0.02, 0.006),
    "thin": (0.013, 0.03, 0.01),
}


def draw_ears(canvas: skia.Canvas, p: Proportions, look: Colours) -> None:
    for side in (-1.0, 1.0):
        x = side * (p.cheek_x - 0.02)
        ear = curve(
            [
                (x, -0.1),
                (x + side * 0.07, -0.12),
                (x + side * 0.095, -0.02),
                (x + side * 0.07, 0.12),
                (x + side * 0.02, 0.2),
                (x - side * 0.02, 0.12),
            ],
            closed=True,
        )
        canvas.drawPath(ear, fill(look.skin))
        canvas.drawPath(ear, pen(look.skin_line, 0.006, 0.35))
        inner = skia.Path()
        inner.moveTo(x + side * 0.015, -0.06)
        extend(
            inner,
            [
                (x + side * 0.015, -0.06),
                (x + side * 0.06, -0.05),
                (x + side * 0.055, 0.08),
                (x + side * 0.02, 0.12),
            ],
        )
        canvas.drawPath(inner, pen(look.skin_shadow, 0.012, 0.8))


def draw_face(canvas: skia.Canvas, spec: AvatarSpec, p: Proportions, look: Colours) -> None:
    """Skin with soft shading, cheeks, freckles and the lines of age."""
    outline = curve(face_outline(p), closed=True)
    canvas.drawPath(outline, fill(look.skin))
    canvas.save()
    canvas.clipPath(outline, doAntiAlias=True)
    # shade toward the jaw and sides; light on the forehead and cheekbones
    canvas.drawPath(outline, radial((0.0, -0.1), 0.75, look.skin, look.skin_shadow, (0.0, 0.6)))
    canvas.drawOval(
        oval(0.0, -0.38, 0.3, 0.16), radial((0.0, -0.38), 0.3, "#ffffff", "#ffffff", (0.06, 0.0))
    )
    if spec.face.blush > 0:
        for side in (-1.0, 1.0):
            centre = (side * 0.27, p.nose_y + 0.02)
            canvas.drawCircle(
                *centre,
                0.12,
                radial(centre, 0.12, "#e8747c", "#e8747c", (0.22 * spec.face.blush, 0.0)),
            )
    if spec.face.freckles:
        dot = fill(palette.shade(look.skin, 0.3), 0.55)
        for k in range(18):
            a = k * 2.399963  # golden angle: even, irregular-looking spread
            r = 0.04 + 0.1 * math.sqrt((k % 9) / 9)
            side = -1.0 if k % 2 else 1.0
            canvas.drawCircle(
                side * (0.2 + r * math.cos(a)), p.nose_y - 0.04 + 0.6 * r * math.sin(a), 0.007, dot
            )
    canvas.restore()
    if spec.age == "senior":
        _age_lines(canvas, p, look)
    # jaw line, faint
    canvas.drawPath(outline, pen(look.skin_line, 0.006, 0.3))


def _age_lines(canvas: skia.Canvas, p: Proportions, look: Colours) -> None:
    line = pen(look.skin_line, 0.006, 0.4)
    for k, y in enumerate((p.brow_y - 0.12, p.brow_y - 0.18)):
        w = 0.2 - 0.03 * k
        canvas.drawPath(curve([(-w, y + 0.01), (0.0, y - 0.008), (w, y + 0.01)]), line)
    for side in (-1.0, 1.0):
        x = side * (p.eye_x + p.eye_w + 0.03)
        for dy in (-0.02, 0.01, 0.04):
            canvas.drawLine(x, p.eye_y + dy * 0.6, x + side * 0.04, p.eye_y + dy, line)
        fold = [
            (side * 0.1, p.nose_y + 0.01),
            (side * 0.17, p.nose_y + 0.1),
            (side * (p.mouth_w + 0.035), p.mouth_y + 0.06),
        ]
        canvas.drawPath(curve(fold), pen(look.skin_line, 0.008, 0.45))
        bag = [
            (side * (p.eye_x - 0.06), p.eye_y + p.eye_h + 0.025),
            (side * p.eye_x, p.eye_y + p.eye_h + 0.04),
            (side * (p.eye_x + 0.06), p.eye_y + p.eye_h + 0.02),
        ]
        canvas.drawPath(curve(bag), line)


def draw_nose(canvas: skia.Canvas, shape: str, p: Proportions, look: Colours) -> None:
    y = p.nose_y
    width = {"button": 0.055, "straight": 0.06, "wide": 0.085, "narrow": 0.045, "long": 0.055}[
        shape
    ]
    line = pen(look.skin_line, 0.009, 0.65)
    # the tip's shadow and the nostril wings
    canvas.drawOval(oval(0.0, y + 0.012, width * 0.9, 0.03), fill(look.skin_shadow, 0.55))
    wings = curve(
        [
            (-width, y - 0.01),
            (-width * 1.05, y + 0.025),
            (-width * 0.45, y + 0.04),
            (0.0, y + 0.032),
            (width * 0.45, y + 0.04),
            (width * 1.05, y + 0.025),
            (width, y - 0.01),
        ]
    )
    canvas.drawPath(wings, line)
    for side in (-1.0, 1.0):
        canvas.drawOval(
            oval(side * width * 0.45, y + 0.028, 0.013, 0.007), fill(look.skin_line, 0.6)
        )
    if shape in ("straight", "long", "narrow"):  # the bridge's side
        top = p.eye_y + (0.0 if shape != "long" else -0.04)
        canvas.drawPath(
            curve([(0.035, top), (0.045, y - 0.06), (width * 0.9, y - 0.01)]),
            pen(look.skin_line, 0.007, 0.4),
        )
    canvas.drawCircle(0.012, y - 0.005, 0.012, fill("#ffffff", 0.22))


def _eye_lids(
    p: Proportions, shape: str, side: float, blink: float, smile: float
) -> tuple[list[Point], list[Point]]:
    """Upper and lower lid edges of one eye, inner corner to outer corner."""
    up_h, low_h, lift, _ = _EYES[shape]
    cx, cy, w, h = side * p.eye_x, p.eye_y, p.eye_w, p.eye_h
    inner, outer = (cx - side * w, cy + 0.004), (cx + side * w, cy - lift)
    low = low_h * h * (1.0 - 0.35 * smile)
    closed_at = 0.55 * low  # where the lids meet: a little below the middle
    top = up_h * h * (1.0 - 0.15 * smile)
    upper_mid = -top + (top + closed_at) * blink
    uppers, lowers = [], []
    for k in range(7):
        t = k / 6
        x = inner[0] + (outer[0] - inner[0]) * t
        base = inner[1] + (outer[1] - inner[1]) * t
        bulge = math.sin(math.pi * t) ** 0.8
        skew = 1.0 + 0.12 * (t - 0.5) * (1.0 if shape == "almond" else 0.0)
        uppers.append((x, base + upper_mid * bulge * skew))
        lowers.append((x, base + low * bulge))
    return uppers, lowers


def draw_eyes(
    canvas: skia.Canvas,
    spec: AvatarSpec,
    p: Proportions,
    look: Colours,
    blink: float,
    smile: float,
    gaze: Point = (0.0, 0.0),
) -> None:
    shape = spec.eyes.shape
    crease = _EYES[shape][3]
    lash_w = 0.014 if spec.eyes.lashes else 0.01
    for side in (-1.0, 1.0):
        upper, lower = _eye_lids(p, shape, side, blink, smile)
        cx, cy = side * p.eye_x, p.eye_y
        if blink < 0.97:
            eye = skia.Path()
            eye.moveTo(*upper[0])
            extend(eye, upper)
            extend(eye, lower[::-1])
            eye.close()
            canvas.drawPath(eye, fill("#fbfaf6"))
            canvas.save()
            canvas.clipPath(eye, doAntiAlias=True)
            r = 0.8 * p.eye_h
            ix, iy = cx + gaze[0], cy - 0.02 * p.eye_h + gaze[1]
            canvas.drawCircle(ix, iy, r, fill(look.iris))
            canvas.drawCircle(ix, iy, r, pen(palette.shade(look.iris, 0.4), 0.006))
            canvas.drawCircle(ix, iy, 0.48 * r, fill("#120c0c"))
            canvas.drawCircle(ix + 0.35 * r, iy - 0.4 * r, 0.22 * r, fill("#ffffff", 0.9))
            # the upper lid's shadow on the eyeball
            canvas.drawPath(curve([(x, y + 0.012) for x, y in upper]), pen("#000000", 0.02, 0.08))
            canvas.restore()
        lash = skia.Path()
        lash.moveTo(*upper[0])
        extend(lash, upper)
        canvas.drawPath(lash, pen(look.lash, lash_w))
        if spec.eyes.lashes and blink < 0.5:
            ox, oy = upper[-1]
            canvas.drawLine(ox, oy, ox + side * 0.025, oy - 0.018, pen(look.lash, 0.008))
        lid = skia.Path()
        lid.moveTo(*lower[1])
        extend(lid, lower[1:-1])
        canvas.drawPath(lid, pen(look.skin_line, 0.005, 0.35))
        if crease:
            lift = p.eye_h * (1.55 - 0.4 * blink)
            crease_pts = [
                (x, y - lift * math.sin(math.pi * k / 6) ** 0.5 * 0.5 - 0.012)
                for k, (x, y) in enumerate(upper)
            ][1:-1]
            canvas.drawPath(curve(crease_pts), pen(look.skin_line, 0.006, 0.35))


def draw_brows(
    canvas: skia.Canvas, spec: AvatarSpec, p: Proportions, look: Colours, raise_: float
) -> None:
    thickness, arch, drop = _BROWS[spec.brows.shape]
    y = p.brow_y - 0.035 * raise_
    arch += 0.012 * raise_
    brow = pen(look.brow, thickness)
    for side in (-1.0, 1.0):
        cx = side * p.eye_x
        points = [
            (cx - side * 0.1, y + drop),
            (cx - side * 0.02, y - arch),
            (cx + side * 0.06, y - arch * 0.9),
            (cx + side * 0.115, y + 0.012),
        ]
        path = skia.Path()
        path.moveTo(*points[0])
        extend(path, points)
        canvas.drawPath(path, brow)
