"""Synthesis of the mouth interior wherever the lips part.

Painted back to front inside the inner-lip contour: a dark cavity, the tongue, the lower
teeth (carried by the jaw) and the upper teeth (fixed to the skull), then a soft shadow
under the lips, feathered into the frame. Geometry is computed in the face's own frame
(``a`` along the mouth, ``b`` down the face, in pixels from the mouth centre), so the
teeth follow head roll.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SMOOTH_STEPS = 4  # points per contour segment after Catmull-Rom smoothing


@dataclass(frozen=True)
class MouthLook:
    """Colours (BGR, 0..255) matched to the photo's exposure and white balance."""

    cavity: tuple[float, float, float]
    teeth: tuple[float, float, float]
    tongue: tuple[float, float, float]

    seam: tuple[float, float, float]

    @staticmethod
    def from_photo(
        skin_bgr: np.ndarray, lip_bgr: np.ndarray, teeth_bgr: np.ndarray | None
    ) -> MouthLook:
        """Colours from the photo's skin and lips, and its own teeth where they show.

        Exposure follows the skin's brightness and colourfulness follows the skin's
        saturation, so a dim or black-and-white photo gets a dim or grey mouth.
        """
        skin = np.asarray(skin_bgr, dtype=np.float64)
        light = float(np.clip(skin.mean() / 150.0, 0.2, 1.3))
        chroma = float(np.clip(_saturation(skin) / 0.3, 0.0, 1.0))
        tint = skin / max(skin.mean(), 1.0)
        teeth = np.array([196.0, 220.0, 235.0]) * (0.8 + 0.2 * tint) * light
        if teeth_bgr is not None:
            teeth = 0.35 * teeth + 0.65 * np.asarray(teeth_bgr, dtype=np.float64)
        lip = np.asarray(lip_bgr, dtype=np.float64)
        tongue = 0.5 * np.array([88.0, 92.0, 175.0]) * light + 0.5 * lip * 0.9

        def look(c: np.ndarray) -> tuple[float, float, float]:
            return _bgr(_desaturate(c, chroma))

        return MouthLook(
            cavity=look(np.array([20.0, 22.0, 50.0]) * light),
            teeth=look(np.clip(teeth, 0, 245)),
            tongue=look(tongue),
            seam=look(lip * 0.55),
        )


def _saturation(bgr: np.ndarray) -> float:
    top = float(np.max(bgr))
    return (top - float(np.min(bgr))) / top if top > 0 else 0.0


def _desaturate(bgr: np.ndarray, amount: float) -> np.ndarray:
    """Blend towards grey: ``amount`` 1 keeps the colour, 0 gives its luma."""
    luma = float(bgr @ np.array([0.114, 0.587, 0.299]))
    return luma + amount * (bgr - luma)


def _bgr(c: np.ndarray) -> tuple[float, float, float]:
    return (float(c[0]), float(c[1]), float(c[2]))


@dataclass(frozen=True)
class MouthPose:
    """Where the interior goes in one frame (frame pixel coordinates)."""

    contour: np.ndarray  # (n, 2) inner-lip ring, closed, in order
    centre: np.ndarray  # (2,) mouth centre after head motion
    u: np.ndarray  # (2,) unit vector along the mouth
    v: np.ndarray  # (2,) unit vector down the face
    mouth_width: float
    upper_edge: float  # b of the upper incisors' edge at a = 0
    lower_edge: float  # b of the lower incisors' edge at a = 0
    teeth: float  # 0..1
    tongue: float  # 0..1
    tongue_lift: float  # pixels the tongue tip rises towards the upper teeth
    opening: float = 1.0  # 0..1 how far the lips are parted (fades the interior in)


def _catmull_rom(
    p0: np.ndarray, p1: np.ndarray, p2: np.ndarray, p3: np.ndarray, steps: int
) -> np.ndarray:
    """Points on the segments p1→p2 (each row one segment), ``steps`` per segment."""
    t = np.linspace(0, 1, steps, endpoint=False, dtype=np.float32)[:, None, None]
    t2, t3 = t * t, t * t * t
    out = 0.5 * (
        2 * p1
        + (-p0 + p2) * t
        + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2
        + (-p0 + 3 * p1 - 3 * p2 + p3) * t3
    )
    return out.transpose(1, 0, 2).reshape(-1, 2)


def smooth_ring(points: np.ndarray, steps: int = SMOOTH_STEPS) -> np.ndarray:
    """Closed Catmull-Rom spline through ``points``."""
    p = np.asarray(points, dtype=np.float32)
    return _catmull_rom(np.roll(p, 1, 0), p, np.roll(p, -1, 0), np.roll(p, -2, 0), steps)


def smooth_curve(points: np.ndarray, steps: int = SMOOTH_STEPS) -> np.ndarray:
    """Open Catmull-Rom spline through ``points`` (end points repeated)."""
    p = np.asarray(points, dtype=np.float32)
    ext = np.concatenate([p[:1], p, p[-1:]])
    inner = _catmull_rom(ext[:-3], ext[1:-2], ext[2:-1], ext[3:], steps)
    return np.concatenate([inner, p[-1:]])


def draw_line(
    image: np.ndarray,
    points: np.ndarray,
    colour: tuple[float, float, float],
    thickness: float,
    alpha: float,
) -> None:
    """An anti-aliased polyline blended at ``alpha`` (lip seams, lash lines)."""
    import cv2

    if alpha <= 0.01 or len(points) < 2:
        return
    x0, y0 = np.floor(points.min(axis=0) - thickness - 2).astype(int)
    x1, y1 = np.ceil(points.max(axis=0) + thickness + 3).astype(int)
    h, w = image.shape[:2]
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
    if x1 <= x0 or y1 <= y0:
        return
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    pts = np.round((points - (x0, y0)) * 16).astype(np.int32)
    cv2.polylines(mask, [pts], False, 255, max(1, round(thickness)), cv2.LINE_AA, shift=4)
    a = mask.astype(np.float32)[:, :, None] * (alpha / 255.0)
    patch = image[y0:y1, x0:x1].astype(np.float32)
    patch += (np.asarray(colour, np.float32) - patch) * a
    image[y0:y1, x0:x1] = np.clip(patch + 0.5, 0, 255).astype(np.uint8)


def paint_interior(image: np.ndarray, pose: MouthPose, look: MouthLook) -> None:
    """Paint the mouth interior into ``image`` (BGR uint8) in place."""
    import cv2

    n = len(pose.contour)
    half = n // 2 + 1
    upper = pose.contour[:half]
    lower = np.concatenate(
        [pose.contour[:1], pose.contour[half:][::-1], pose.contour[half - 1 : half]]
    )
    seam = smooth_curve((upper + lower) / 2)
    draw_line(image, seam, look.seam, max(1.2, 0.018 * pose.mouth_width), 0.8)
    ring = smooth_ring(pose.contour)
    x0, y0 = np.floor(ring.min(axis=0)).astype(int) - 2
    x1, y1 = np.ceil(ring.max(axis=0)).astype(int) + 3
    h, w = image.shape[:2]
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    pts = np.round((ring - (x0, y0)) * 16).astype(np.int32)
    cv2.fillPoly(mask, [pts], 255, lineType=cv2.LINE_AA, shift=4)
    if int(mask.max()) == 0:
        return
    alpha = mask.astype(np.float32) * (min(1.0, pose.opening) / 255.0)
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    dx, dy = xs - pose.centre[0], ys - pose.centre[1]
    a = dx * pose.u[0] + dy * pose.u[1]
    b = dx * pose.v[0] + dy * pose.v[1]
    colour = _interior(a, b, pose, look)
    sigma = max(0.6, 0.035 * pose.mouth_width)
    inner = cv2.GaussianBlur(alpha, (0, 0), sigma)
    shade = 0.72 + 0.28 * np.clip((inner - 0.3) * 2.0, 0, 1)
    colour *= shade[:, :, None]
    patch = image[y0:y1, x0:x1].astype(np.float32)
    patch += (colour - patch) * alpha[:, :, None]
    image[y0:y1, x0:x1] = np.clip(patch + 0.5, 0, 255).astype(np.uint8)


def _interior(a: np.ndarray, b: np.ndarray, pose: MouthPose, look: MouthLook) -> np.ndarray:
    mw = pose.mouth_width
    depth = np.clip(1.0 - (a / (0.55 * mw)) ** 2, 0, 1)
    colour = np.empty((*a.shape, 3), np.float32)
    colour[:] = look.cavity
    colour *= (0.6 + 0.4 * depth)[:, :, None]

    # Tongue: a low ellipse behind the lower teeth.
    tongue_top = pose.lower_edge - 0.03 * mw - pose.tongue_lift
    ty = (b - (tongue_top + 0.12 * mw)) / (0.12 * mw)
    tx = a / (0.30 * mw)
    inside = np.clip((1.0 - (tx * tx + ty * ty)) * 4.0, 0, 1)
    t_alpha = inside * min(1.0, 0.35 + pose.tongue)
    t_col = np.asarray(look.tongue, np.float32) * (0.75 + 0.25 * np.clip(-ty, 0, 1))[:, :, None]
    colour += (t_col - colour) * t_alpha[:, :, None]

    side = np.clip(1.0 - 0.35 * (a / (0.40 * mw)) ** 2, 0.6, 1)
    arc = (a * a) / mw
    # Teeth are opaque: "teeth" says whether they show, the lips decide how much.
    teeth_alpha = np.clip(pose.teeth * 2.5, 0, 1) * (np.abs(a) < 0.46 * mw)
    gaps = _tooth_gaps(a, mw)
    teeth = np.asarray(look.teeth, np.float32)

    lower = b > pose.lower_edge + 0.35 * arc
    lo_alpha = teeth_alpha * lower * 0.9
    lo_col = teeth[None, None, :] * (0.85 * side * gaps)[:, :, None]
    colour += (lo_col - colour) * lo_alpha[:, :, None]

    edge = pose.upper_edge - 0.45 * arc
    upper = np.clip((edge - b) + 0.5, 0, 1)
    up_col = teeth[None, None, :] * (side * gaps)[:, :, None]
    colour += (up_col - colour) * (teeth_alpha * upper)[:, :, None]
    return colour


def _tooth_gaps(a: np.ndarray, mw: float) -> np.ndarray:
    """Faint darker lines between incisors and canines."""
    out = np.ones_like(a)
    width = max(0.6, 0.012 * mw)
    for pos in (0.0, 0.085, 0.165, 0.235):
        for s in (-1.0, 1.0) if pos else (1.0,):
            out *= 1.0 - 0.08 * np.exp(-(((a - s * pos * mw) / width) ** 2))
    return out
