"""Small synthetic video avatar models for the unit tests: grey loop frames and mouth
samples that are plain coloured discs, so a test can read which sample a frame shows."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from persona.avatar import topology as tp
from persona.avatar.video.harvest import MouthSamples, mouth_box
from persona.avatar.video.model import VideoModel, encode_jpeg
from persona.avatar.video.render import VideoAvatar
from persona.lipsync.visemes import VISEMES
from persona.types import FaceState

GREY = (120, 130, 140)
LOOP = 10


@dataclass(frozen=True)
class Sample:
    viseme: str
    colour: tuple[int, int, int]
    params: tuple[float, ...] | None = None  # the viseme's target when None
    before: str = ""
    after: str = ""
    frame: int = 0


def face_points() -> np.ndarray:
    """A plausible 478-point face in a 96×54 picture (only a few points matter here)."""
    rng = np.random.default_rng(0)
    pts = np.column_stack([rng.uniform(30, 66, tp.N_POINTS), rng.uniform(8, 50, tp.N_POINTS)])
    for i, p in {61: (40, 38), 291: (56, 38), 2: (48, 31), tp.CHIN: (48, 48)}.items():
        pts[i] = p
    return pts.astype(np.float32)


def disc_samples(rows: Sequence[Sample], *, contexts: bool = True) -> MouthSamples:
    """One sample per row: a disc of the row's colour in the middle of a grey crop (so
    colour matching leaves the disc alone)."""
    box = mouth_box(face_points())
    crops = np.empty((len(rows), box.h, box.w, 3), np.uint8)
    crops[:] = GREY
    yy, xx = np.mgrid[: box.h, : box.w]
    disc = (yy - box.h * 0.55) ** 2 + (xx - box.w / 2) ** 2 < (0.2 * min(box.h, box.w)) ** 2
    for i, row in enumerate(rows):
        crops[i][disc] = row.colour
    return MouthSamples(
        box=box,
        crops=crops,
        points=np.zeros((len(rows), 4, 2), np.float32),
        params=np.array(
            [r.params if r.params is not None else VISEMES[r.viseme].target for r in rows],
            np.float32,
        ),
        visemes=tuple(r.viseme for r in rows),
        sharpness=np.ones(len(rows), np.float32),
        frames=np.array([r.frame or 100 * i for i, r in enumerate(rows)], np.int32),
        before=tuple(r.before for r in rows) if contexts else (),
        after=tuple(r.after for r in rows) if contexts else (),
    )


ONE_EACH = tuple(
    Sample(v, (20 + 40 * i, 200 - 30 * i, 60)) for i, v in enumerate(["X", "MBP", "AA", "OO", "EE"])
)
"""One sample per viseme, each its own colour."""


def grey_model(
    mode: str = "idle",
    rows: Sequence[Sample] = ONE_EACH,
    *,
    masks: tuple[bytes, ...] = (),
) -> VideoModel:
    """Loop frames of one grey (pixel (0, 0) marks the frame) and disc samples."""
    points = face_points()
    loop = []
    for k in range(LOOP):
        image = np.empty((54, 96, 3), np.uint8)
        image[:] = GREY
        image[0, 0] = (k * 20, 0, 0)
        loop.append(encode_jpeg(image))
    return VideoModel(
        fps=25,
        width=96,
        height=54,
        mode=mode,
        loop=tuple(loop),
        loop_points=np.tile(points[None], (LOOP, 1, 1)),
        reference=np.full((54, 96, 3), 128, np.uint8),
        reference_points=points,
        reference_depth=np.zeros(tp.N_POINTS, np.float32),
        samples=disc_samples(rows),
        facts={"loop": {"seam": 0.01}},
        masks=masks,
    )


def mouth_centre(avatar: VideoAvatar) -> tuple[int, int]:
    """Output pixel (x, y) at the middle of the samples' disc."""
    box = avatar.model.samples.box
    centre = np.array([box.x + box.w / 2, box.y + 0.55 * box.h])
    x, y = centre @ avatar._place[:, :2].T + avatar._place[:, 2]
    return round(x), round(y)


def shown(avatar: VideoAvatar, state: FaceState) -> tuple[int, int, int]:
    """The colour at the mouth's centre (the sample's disc) in the output."""
    image = avatar.render(state).image
    x, y = mouth_centre(avatar)
    b, g, r = image[y, x].astype(int)
    return int(b), int(g), int(r)


def rewrite_model(
    path: Path,
    edit: Callable[[dict[str, Any]], dict[str, Any]],
    drop: Callable[[str], bool] = lambda name: False,
) -> None:
    """Rewrite the model file at ``path`` with its index edited and some members left out."""
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist() if not drop(name)}
    members["index.json"] = json.dumps(edit(json.loads(members["index.json"]))).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in members.items():
            z.writestr(name, data)
