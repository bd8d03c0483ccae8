"""The talking photo without its background: the person's matte on the framed plate.

A photo avatar draws its frames by resampling one *plate* (the framed photo). To draw it
over transparency it resamples a second plate, built once by :func:`cutout_plate`: B, G,
R and A with premultiplied alpha, where A is the person's matte (found on the source
photo by :func:`matte_finder`, placed in the plate by :func:`placed_mask`) and the colour
at the soft edge has the old background taken out. Premultiplied colour and alpha resample
together through the same map, so the matte follows the head exactly as the colour does.

The plate may hold more than the photo: a photo that does not cover the frame is shown
over a blurred copy of itself (:func:`~persona.avatar.framing.frame_photo`, ``contain``).
That padding is never the person: the matte is 0 outside the photo's own rectangle
(:func:`photo_rect`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from persona.avatar import topology as tp
from persona.avatar.background import (
    BlurBackground,
    SelfieSegmenter,
    person_mask,
    refine_edges,
)
from persona.avatar.framing import Framed

BACKGROUND_SIGMA = 4.0
"""Blur (pixels at 512 px) of the local background estimate taken out of edge colours."""

FACE_INSET = 0.04
"""The face oval, pulled in by this share of the face width, is always the person."""

Box = tuple[int, int, int, int]


def placement(framed: Framed, points: np.ndarray) -> np.ndarray:
    """The (2, 3) affine map from source-photo pixels to plate pixels.

    Framing only scales and shifts, so the map follows from where the landmarks went
    (``points``: the landmarks in the source photo, ``framed.points`` in the plate).
    """
    src = np.asarray(points, np.float64)
    shift = np.median(np.asarray(framed.points, np.float64) - src * framed.scale, axis=0)
    scale = framed.scale
    return np.array([[scale, 0.0, shift[0]], [0.0, scale, shift[1]]])


def photo_rect(framed: Framed, points: np.ndarray, shape: tuple[int, ...]) -> Box:
    """``x, y, w, h`` of the source photo (``shape``: its array shape) in the plate."""
    m = placement(framed, points)
    height, width = framed.plate.shape[:2]
    x0 = max(0, round(m[0, 2]))
    y0 = max(0, round(m[1, 2]))
    x1 = min(width, round(m[0, 2] + shape[1] * m[0, 0]))
    y1 = min(height, round(m[1, 2] + shape[0] * m[1, 1]))
    return x0, y0, max(0, x1 - x0), max(0, y1 - y0)


def placed_mask(
    mask: np.ndarray,
    framed: Framed,
    points: np.ndarray,
    photo_shape: tuple[int, ...],
) -> np.ndarray:
    """A person mask of the source photo, placed in the plate the way the photo was.

    Framing that crops (``cover``) may reach a fraction of a pixel past the photo: the
    edge is repeated there. Padding around a ``contain``-framed photo is 0.
    """
    import cv2

    height, width = framed.plate.shape[:2]
    placed = cv2.warpAffine(
        mask.astype(np.float32),
        placement(framed, points),
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return _outside_zero(placed, photo_rect(framed, points, photo_shape))


def matte_finder(
    image: np.ndarray,
    points: np.ndarray,
    framed: Framed,
    *,
    segmenter: SelfieSegmenter | None = None,
) -> Callable[[], np.ndarray]:
    """A function that finds the person's matte on the plate of ``framed`` when called.

    The person is found on the whole source photo, not on the framed plate: the model
    reads a person better with the context around them than from a zoomed-in crop.
    A photo enlarged by its framing enlarges the mask's soft edge too: it is snapped
    again to the edges of the plate. ``image`` is kept (not copied) until then; nothing
    is computed now.
    """
    pts = np.array(points, np.float32)

    def find() -> np.ndarray:
        placed = placed_mask(person_mask(image, segmenter=segmenter), framed, pts, image.shape)
        if framed.scale <= 1.0:
            return placed
        rect = photo_rect(framed, pts, image.shape)
        return _outside_zero(refine_edges(framed.plate, placed), rect)

    return find


def with_face(matte: np.ndarray, points: np.ndarray) -> np.ndarray:
    """``matte`` made solid over the face (the oval of ``points``, pulled in a little).

    The segmentation model sees the photo small; whatever it makes of a face in shadow
    or against a like-coloured backdrop, the face itself is never see-through.
    """
    import cv2

    oval = np.asarray(points, np.float64)[list(tp.FACE_OVAL)]
    centre = oval.mean(axis=0)
    width = float(np.ptp(oval[:, 0]))
    dist = np.linalg.norm(oval - centre, axis=1, keepdims=True)
    inset = oval - (oval - centre) / np.maximum(dist, 1e-6) * FACE_INSET * width
    solid = np.zeros(matte.shape, np.uint8)
    cv2.fillPoly(solid, [np.round(inset * 16).astype(np.int32)], 1, cv2.LINE_8, shift=4)
    return np.where(solid > 0, np.float32(1.0), matte).astype(np.float32)


def cutout_plate(plate: np.ndarray, matte: np.ndarray) -> np.ndarray:
    """The person of ``plate`` alone: (H, W, 4) uint8 BGRA with premultiplied alpha.

    An edge pixel of the photo is ``a * person + (1 - a) * background``; the background
    there is estimated by blurring the pixels around it that are not the person, and
    taken out, so no fringe of the old backdrop follows the person onto a new one.
    Composited back over that estimate the plate comes back as it was (but where the
    estimate is off by more than the edge can hold); where the matte is 1 the colour is
    the plate's own.
    """
    if matte.shape != plate.shape[:2]:
        raise ValueError(f"matte {matte.shape} does not match the plate {plate.shape[:2]}")
    a = np.clip(matte, 0.0, 1.0).astype(np.float32)
    alpha = np.round(a * 255.0).astype(np.uint8)
    out = np.empty((*plate.shape[:2], 4), np.uint8)
    out[..., 3] = alpha
    out[..., :3] = 0
    edge = (alpha > 0) & (alpha < 255)
    np.copyto(out[..., :3], plate, where=(alpha == 255)[..., None])
    if edge.any():
        back = BlurBackground(BACKGROUND_SIGMA).backdrop(plate, (alpha > 0).astype(np.float32))
        keep = (1.0 - a[edge])[:, None]
        colour = plate[edge].astype(np.float32) - keep * back[edge].astype(np.float32)
        top = alpha[edge].astype(np.float32)[:, None]
        out[..., :3][edge] = np.round(np.clip(colour, 0.0, top)).astype(np.uint8)
    return out


def solid_over(bgra: np.ndarray, points: np.ndarray, margin: float) -> None:
    """Make premultiplied ``bgra`` opaque over the convex hull of ``points``, in place,
    and keep its colour within alpha in the box ``margin`` pixels around them.

    For features painted over the face (the mouth interior, lash lines): the face is
    the person, whatever the resampled matte says at a stray pixel.
    """
    import cv2

    h, w = bgra.shape[:2]
    x0, y0 = np.floor(points.min(axis=0) - margin).astype(int)
    x1, y1 = np.ceil(points.max(axis=0) + margin).astype(int) + 1
    x0, y0, x1, y1 = max(int(x0), 0), max(int(y0), 0), min(int(x1), w), min(int(y1), h)
    if x1 <= x0 or y1 <= y0:
        return
    box = bgra[y0:y1, x0:x1]
    hull = cv2.convexHull(np.round((points - (x0, y0)) * 16).astype(np.int32))
    solid = np.zeros(box.shape[:2], np.uint8)
    cv2.fillConvexPoly(solid, hull, 1, cv2.LINE_8, shift=4)
    box[..., 3][solid > 0] = 255
    np.minimum(box[..., :3], box[..., 3:], out=box[..., :3])


def _outside_zero(matte: np.ndarray, rect: Box) -> np.ndarray:
    x, y, w, h = rect
    out = np.zeros_like(matte)
    out[y : y + h, x : x + w] = matte[y : y + h, x : x + w]
    return out
