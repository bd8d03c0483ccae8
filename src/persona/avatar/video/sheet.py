"""Looking at a video avatar: sheets and strips of its frames, as pictures.

* :func:`viseme_sheet` — one rendered frame per viseme (the sample it used, or the photo
  rig where the clip had none), cropped to the face.
* :func:`sample_sheet` — every mouth sample of the model, one row per viseme, each
  labelled with the visemes around it in the clip.
* :func:`frame_strip` — consecutive frames of a mouth track as rendered, labelled with
  viseme and sample, to see whether the mouth moves on smoothly.
* :func:`seam_strip` — the last frames of the idle loop and the first ones after it
  wraps round, side by side, with the grey-level difference of each step beneath.

:func:`mouth_flicker` puts a number on what a frame strip shows: how much the mouth
region changes from frame to frame over a mouth track, and how often the sample does.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from persona.avatar.video.model import VideoModel
from persona.avatar.video.render import VideoAvatar
from persona.lipsync.visemes import VISEMES
from persona.types import FaceState, MouthTrack

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
        shown = avatar.shown_sample
        source = "idle" if shown is None else ("rig" if shown < 0 else f"sample {shown}")
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


def sample_sheet(model: VideoModel, tile: int = 120) -> np.ndarray:
    """A BGR grid of every mouth sample: one row per viseme, best first, each labelled
    ``before>after`` (the visemes around it in the clip)."""
    import cv2

    s = model.samples
    rows: dict[str, list[np.ndarray]] = {}
    for j, name in enumerate(s.visemes):
        crop = s.crops[j]
        h, w = crop.shape[:2]
        scale = tile / max(h, w)
        image = cv2.resize(crop, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
        cell = np.zeros((tile, tile, 3), np.uint8)
        y, x = (tile - image.shape[0]) // 2, (tile - image.shape[1]) // 2
        cell[y : y + image.shape[0], x : x + image.shape[1]] = image
        before, after = s.context(j)
        rows.setdefault(name, []).append(_label(cell, f"{name} {before or '?'}>{after or '?'}"))
    columns = max(len(r) for r in rows.values())
    blank = np.zeros((tile, tile, 3), np.uint8)
    return np.vstack([np.hstack(r + [blank] * (columns - len(r))) for r in rows.values()])


def frame_strip(
    avatar: VideoAvatar, mouth: MouthTrack, start: int, count: int, columns: int = 8
) -> np.ndarray:
    """Frames ``start .. start+count-1`` of ``mouth`` as rendered (the track drawn from
    frame 0, in order), lower face only, labelled with frame, viseme and sample."""
    tiles = []
    avatar.prepare(mouth)
    for k in range(min(mouth.n_frames, start + count)):
        state = FaceState(mouth=tuple(mouth.params[k]), frame=k, viseme=mouth.visemes[k])
        image = avatar.render(state).image
        if k >= start:
            shown = avatar.shown_sample
            tag = "-" if shown is None else ("rig" if shown < 0 else str(shown))
            tiles.append(_label(_face_crop(avatar, image, k), f"{k} {mouth.visemes[k]} s{tag}"))
    while len(tiles) % columns:
        tiles.append(np.zeros_like(tiles[0]))
    return np.vstack([np.hstack(tiles[i : i + columns]) for i in range(0, len(tiles), columns)])


@dataclass(frozen=True)
class Flicker:
    """How restless a rendered mouth is, in grey levels of the mouth region."""

    step: float  # mean absolute difference between consecutive frames
    jitter: float  # mean absolute difference of a frame from the mean of its neighbours
    switches: int  # how often the shown sample changed (the loop's own mouth counts)


def mouth_flicker(avatar: VideoAvatar, mouth: MouthTrack) -> Flicker:
    """Draw ``mouth`` (prepared, from frame 0, in order) and measure how the mouth region
    (the output pixels the sample crops cover) changes from frame to frame: ``step``
    counts every change, ``jitter`` only what goes back and forth (a steady motion has
    none)."""
    box = avatar.model.samples.box
    place = avatar._place
    corners = np.array([[box.x, box.y], [box.x + box.w, box.y + box.h]], np.float64)
    (x0, y0), (x1, y1) = np.round(corners @ place[:, :2].T + place[:, 2]).astype(int)
    x0, y0 = max(x0, 0), max(y0, 0)
    avatar.prepare(mouth)
    regions, shown = [], []
    for k in range(mouth.n_frames):
        state = FaceState(mouth=tuple(mouth.params[k]), frame=k, viseme=mouth.visemes[k])
        regions.append(avatar.render(state).image[y0:y1, x0:x1].astype(np.float32))
        shown.append(avatar.shown_sample)
    steps = [float(np.abs(b - a).mean()) for a, b in itertools.pairwise(regions)]
    jitter = [
        float(np.abs(regions[k] - (regions[k - 1] + regions[k + 1]) / 2).mean())
        for k in range(1, len(regions) - 1)
    ]
    switches = sum(a != b for a, b in itertools.pairwise(shown))
    return Flicker(_mean(steps), _mean(jitter), switches)


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if values else 0.0
