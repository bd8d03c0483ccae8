"""Placing a photo in the output frame.

``cover`` fills the frame, cropping the photo around the face; when that would cut into
the head (a tall portrait in a wide frame, say), ``contain`` shows the whole photo over a
blurred, darkened copy of itself, as broadcast video does with portrait material.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HEAD_MARGIN = 0.35  # of the face height, above the face box for hair and below for the chin
FACE_SHARE = 0.42  # a small face is zoomed to about this share of the frame height...
MAX_UPSCALE = 2.5  # ...but the photo is never enlarged more than this

SHOTS: dict[str, float] = {
    "close-up": 0.60,  # the face fills most of the height: emphasis, small screens
    "head-and-shoulders": FACE_SHARE,  # the presenter shot, at 16:9, 9:16 and 1:1 alike
    "medium": 0.28,  # down to the chest: room for lower thirds and gestures
}
"""Framing presets: the share of the frame height the face is zoomed to (when the photo
has the pixels for it; a photo is never enlarged past :data:`MAX_UPSCALE`)."""
DEFAULT_SHOT = "head-and-shoulders"


@dataclass(frozen=True, eq=False)
class Framed:
    plate: np.ndarray  # BGR (H, W, 3): the photo as the video shows it
    points: np.ndarray  # landmarks in plate coordinates, float32 (478, 2)
    mode: str  # "cover" or "contain"
    scale: float  # plate pixels per photo pixel


def frame_photo(
    image: np.ndarray,
    points: np.ndarray,
    width: int,
    height: int,
    mode: str = "auto",
    shot: str = DEFAULT_SHOT,
) -> Framed:
    """Scale and place ``image`` in a ``width``×``height`` frame around the face.

    ``shot`` names one of :data:`SHOTS`; it sets how far a small face is zoomed in.
    """
    if shot not in SHOTS:
        raise ValueError(f"unknown shot {shot!r}; expected one of {', '.join(SHOTS)}")
    h, w = image.shape[:2]
    x0, y0 = points[:468].min(axis=0)
    x1, y1 = points[:468].max(axis=0)
    face_h = y1 - y0
    head = (
        x0 - 0.3 * (x1 - x0),
        y0 - HEAD_MARGIN * face_h,
        x1 + 0.3 * (x1 - x0),
        y1 + 0.2 * face_h,
    )

    cover = max(width / w, height / h)
    # Zoom in on a small face, but never blow the photo up more than MAX_UPSCALE: past
    # that it only gets blurrier. The face share counts against the frame's shorter
    # side, so a vertical 9:16 frame shows head and shoulders with room above and below,
    # not a giant face. The zoom also stops where the head (with hair and chin margins)
    # would no longer fit.
    wanted = SHOTS[shot] * min(width, height) / face_h
    fit = min(width / (head[2] - head[0]), height / (head[3] - head[1]))
    zoom = max(cover, min(wanted, fit, MAX_UPSCALE))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2 - 0.05 * face_h
    for scale in (zoom, cover):
        win_w, win_h = width / scale, height / scale
        # Centre on the face (a little high), slide so the whole head stays in view,
        # then keep the window inside the photo.
        left = min(max(cx - win_w / 2, head[2] - win_w), head[0])
        top = min(max(cy - win_h / 2.1, head[3] - win_h), head[1])
        left = float(np.clip(left, 0, w - win_w))
        top = float(np.clip(top, 0, h - win_h))
        fits = (
            head[0] >= left - 1
            and head[2] <= left + width / scale + 1
            and head[1] >= top - 1
            and head[3] <= top + height / scale + 1
        )
        if mode == "cover" or (mode == "auto" and fits):
            return _cover(image, points, width, height, scale, left, top)
    return _contain(image, points, width, height)


def _resize(image: np.ndarray, scale: float) -> np.ndarray:
    import cv2

    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    return cv2.resize(image, size, interpolation=interp)


def _cover(
    image: np.ndarray,
    points: np.ndarray,
    width: int,
    height: int,
    scale: float,
    left: float,
    top: float,
) -> Framed:
    import cv2

    # An affine map crops and scales in one resampling pass.
    m = np.array([[scale, 0, -left * scale], [0, scale, -top * scale]], dtype=np.float64)
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    plate = cv2.warpAffine(image, m, (width, height), flags=interp, borderMode=cv2.BORDER_REFLECT)
    pts = (points - np.array([left, top], dtype=np.float32)) * np.float32(scale)
    return Framed(plate=plate, points=np.asarray(pts, np.float32), mode="cover", scale=scale)


def _contain(image: np.ndarray, points: np.ndarray, width: int, height: int) -> Framed:
    import cv2

    h, w = image.shape[:2]
    scale = min(width / w, height / h)
    fg = _resize(image, scale)
    bg_scale = max(width / w, height / h)
    bg = _resize(image, bg_scale * 0.125)
    bg = cv2.GaussianBlur(bg, (0, 0), sigmaX=6)
    bg = cv2.resize(bg, (max(width, round(w * bg_scale)), max(height, round(h * bg_scale))))
    by, bx = (bg.shape[0] - height) // 2, (bg.shape[1] - width) // 2
    plate = (bg[by : by + height, bx : bx + width] * 0.55).astype(np.uint8)
    ox, oy = (width - fg.shape[1]) // 2, (height - fg.shape[0]) // 2
    plate[oy : oy + fg.shape[0], ox : ox + fg.shape[1]] = fg
    pts = points * scale + np.array([ox, oy], dtype=np.float32)
    return Framed(
        plate=np.ascontiguousarray(plate),
        points=pts.astype(np.float32),
        mode="contain",
        scale=scale,
    )
