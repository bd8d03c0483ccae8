"""Looking at a video avatar: a viseme sheet and a loop-seam strip, as pictures.

* :func:`viseme_sheet` — one rendered frame per viseme (the sample it used, or the photo
  rig where the clip had none), cropped to the face.
* :func:`seam_strip` — the last frames of the idle loop and the first ones after it
  wraps round, side by side, with the grey-level difference of each step beneath.
"""

from __future__ import annotations

import numpy as np

from persona.avatar.video.render import VideoAvatar
from persona.lipsync.visemes import VISEMES
from persona.types import FaceState

TILE = 220


def _label(image: np.ndarray, text: str) -> np.ndarray:
    import cv2

    out = image.copy()
    cv2.rectangle(out, (0, 0), (out.shape[1], 20), (0, 0, 0), -1)
    cv2.putText(out, text, (4, 15), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1, cv2.LINE_AA)
    return out


def _face_crop(avatar: VideoAvatar, image: np.ndarray, frame: int) -> np.ndarray:
    """The lower face of the loop frame shown at output frame ``frame``, as a tile."""
    import cv2

    points = avatar.model.loop_points[avatar.loop_index(frame)]
    place = avatar._place
    pts = points[:468] @ place[:2, :2].T + place[:, 2]
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    cx, cy = (x0 + x1) / 2, y0 + 0.62 * (y1 - y0)
    half = 0.42 * max(x1 - x0, y1 - y0)
    h, w = image.shape[:2]
    a, b = int(max(0, cx - half)), int(max(0, cy - half))
    crop = image[b : int(min(h, cy + half)), a : int(min(w, cx + half))]
    return cv2.resize(crop, (TILE, TILE), interpolation=cv2.INTER_CUBIC)


def viseme_sheet(avatar: VideoAvatar, columns: int = 5) -> np.ndarray:
    """A BGR grid: every viseme held on loop frame 0, labelled with how it was drawn."""
    tiles = []
    for name, v in VISEMES.items():
        state = FaceState(mouth=v.target, viseme=name)
        image = avatar.render(state).image
        last = avatar._last
        source = "idle" if last is None else ("rig" if last[1] < 0 else "sample")
        tiles.append(_label(_face_crop(avatar, image, 0), f"{name} ({source})"))
    while len(tiles) % columns:
        tiles.append(np.zeros_like(tiles[0]))
    return np.vstack([np.hstack(tiles[i : i + columns]) for i in range(0, len(tiles), columns)])


def seam_strip(avatar: VideoAvatar, around: int = 3) -> np.ndarray:
    """Loop frames ``n-around .. n-1`` then ``0 .. around-1`` (the seam between the two
    halves), each labelled with its RMS grey difference from the frame before it."""
    import cv2

    m = avatar.model.n_loop
    order = [(m - around + i) % m for i in range(2 * around)]
    rest = FaceState.rest()
    tiles, previous = [], None
    for i in order:
        image = avatar.render(FaceState(mouth=rest.mouth, frame=i)).image.copy()
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float32)
        step = "" if previous is None else f" d={np.sqrt(np.mean((grey - previous) ** 2)):.1f}"
        previous = grey
        mark = " |seam" if i == 0 else ""
        tiles.append(_label(_face_crop(avatar, image, i), f"{i}{step}{mark}"))
    return np.hstack(tiles)
