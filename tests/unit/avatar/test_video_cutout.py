"""The video avatar drawn over transparency, its stored person masks, model files of the
previous format, and rotation tags read from clips."""

from __future__ import annotations

import itertools
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from tests.unit.avatar.videomodels import GREY, face_points, grey_model, mouth_centre, rewrite_model

from persona.avatar.base import CutoutAvatar
from persona.avatar.video.cutout import (
    MASK_SIDE,
    MASK_STEP,
    encode_mask,
    loop_masks,
    mask_size,
)
from persona.avatar.video.ingest import iter_frames, open_clip
from persona.avatar.video.model import VideoModel, encode_jpeg
from persona.avatar.video.render import VideoAvatar
from persona.lipsync.visemes import VISEMES
from persona.types import FaceState


def _half_masks(n: int = 10) -> tuple[bytes, ...]:
    """Left half person, right half background, for every loop frame."""
    alpha = np.zeros((54, 96), np.uint8)
    alpha[:, :48] = 255
    return tuple(encode_mask(alpha) for _ in range(n))


def test_render_bgra_is_premultiplied_with_the_stored_mask() -> None:
    avatar = VideoAvatar(grey_model("idle", masks=_half_masks()), 192, 108)
    assert isinstance(avatar, CutoutAvatar)
    state = FaceState(mouth=VISEMES["AA"].target, viseme="AA", frame=3)
    bgra = avatar.render_bgra(state)
    assert bgra.shape == (108, 192, 4) and bgra.dtype == np.uint8
    opaque = VideoAvatar(grey_model("idle", masks=_half_masks()), 192, 108).render(state).image
    alpha = bgra[:, :, 3].astype(int)
    assert (alpha[:, :90] == 255).all() and (alpha[:, 102:] == 0).all()
    assert (bgra[:, :, :3].max(axis=2) <= alpha).all()  # premultiplied: colour <= alpha
    assert np.array_equal(bgra[:, :90, :3], opaque[:, :90])
    assert not bgra[:, 102:, :3].any()
    x, y = mouth_centre(avatar)  # the mouth is drawn into the cut-out too
    assert tuple(bgra[y, x, :3]) != pytest.approx(GREY, abs=10)


def test_model_round_trip_keeps_masks_and_contexts(tmp_path: Path) -> None:
    model = grey_model(masks=_half_masks())
    model = replace(model, samples=replace(model.samples, before=("", "X", "MBP", "AA", "OO")))
    model = replace(model, samples=replace(model.samples, after=("", "AA", "OO", "EE", "X")))
    back = VideoModel.load(model.save(tmp_path / "m.zip"))
    assert back.masks == model.masks and np.array_equal(back.mask(4), model.mask(4))
    assert [back.samples.context(j) for j in range(5)] == [
        model.samples.context(j) for j in range(5)
    ]


def _portrait_loop(portrait: np.ndarray, n: int = 5, shift: int = 6) -> list[np.ndarray]:
    """The portrait on a grey canvas, moving right by ``shift`` pixels a frame."""
    frames = []
    face = cv2.resize(portrait, (200, 200), interpolation=cv2.INTER_AREA)
    for i in range(n):
        canvas = np.full((270, 480, 3), 200, np.uint8)
        x = 100 + shift * i
        canvas[35:235, x : x + 200] = face
        frames.append(canvas)
    return frames


def _centroid_x(alpha: np.ndarray) -> float:
    weight = alpha.astype(np.float64)
    return float((weight * np.arange(alpha.shape[1])).sum() / max(weight.sum(), 1.0))


@pytest.mark.slow
def test_loop_masks_follow_the_person_and_fill_in_between(portrait: np.ndarray) -> None:
    n = 2 * MASK_STEP + 1
    frames = _portrait_loop(portrait, n, shift=4)
    masks = loop_masks(lambda i: frames[i], n)
    assert len(masks) == n and masks[0].shape == (270, 480) and masks[0].dtype == np.uint8
    for i, alpha in enumerate(masks):
        x = 100 + 4 * i
        assert alpha[150, x + 80] > 200  # her suit
        assert alpha[10, 10] < 30 and alpha[260, 470] < 30  # the canvas corners
    centres = [_centroid_x(a) for a in masks]
    assert all(b > a for a, b in itertools.pairwise(centres)), centres
    # a frame between segmented ones: the mean of those either side, by its distance
    t = 1 / MASK_STEP
    mean = masks[0] * (1 - t) + masks[MASK_STEP].astype(float) * t
    assert np.abs(masks[1] - mean).max() <= 1
    assert mask_size(1280, 720) == (640, MASK_SIDE) and mask_size(480, 270) == (480, 270)
    assert mask_size(720, 1280) == (MASK_SIDE, 640)


@pytest.mark.slow
def test_a_model_from_the_previous_format_renders_and_cuts_out(
    portrait: np.ndarray, tmp_path: Path
) -> None:
    """A format 1 file (no contexts, no masks) loads, renders, and makes its masks on
    the first ``render_bgra``."""
    frames = _portrait_loop(portrait, n=4, shift=0)
    model = replace(
        grey_model(),
        width=480,
        height=270,
        loop=tuple(encode_jpeg(f) for f in frames),
        loop_points=np.tile(face_points()[None] * 3, (4, 1, 1)),
        reference_points=face_points() * 3,
    )
    path = model.save(tmp_path / "old.zip")
    rewrite_model(
        path,
        lambda index: (
            {k: v for k, v in index.items() if k not in ("contexts", "masks")} | {"format": 1}
        ),
        drop=lambda name: name.startswith("masks/"),
    )
    old = VideoModel.load(path)
    assert old.masks == () and old.samples.context(2) == ("", "")
    avatar = VideoAvatar(old, 240, 136)
    assert avatar.render(FaceState(mouth=VISEMES["AA"].target, viseme="AA")).image.shape == (
        136,
        240,
        3,
    )
    bgra = avatar.render_bgra(FaceState.rest())
    x, y = np.array([180.0, 150.0]) @ avatar._place[:, :2].T + avatar._place[:, 2]  # her suit
    assert bgra[round(y), round(x), 3] > 200 and bgra[5, 5, 3] < 30
    masks = tuple(encode_mask(a) for a in loop_masks(old.loop_frame, old.n_loop))
    stored = VideoAvatar(replace(old, masks=masks), 240, 136)
    assert np.array_equal(stored.render_bgra(FaceState.rest()), bgra)


# ---------------------------------------------------------------------------- rotation


def test_the_older_rotate_tag_turns_frames_upright(tmp_path: Path) -> None:
    """An MKV whose stream carries only a ``rotate`` tag (no display matrix) is read
    upright too."""
    upright = np.zeros((48, 64, 3), np.uint8)
    upright[:12, :16] = 250  # a bright corner, top left when upright
    stored = np.ascontiguousarray(np.rot90(upright))  # kept turned counter-clockwise
    path = tmp_path / "tagged.mkv"
    with av.open(str(path), "w") as out:
        vs = out.add_stream("libx264", rate=1)
        vs.width, vs.height, vs.pix_fmt = 48, 64, "yuv420p"
        vs.metadata["rotate"] = "90"
        sound = out.add_stream("pcm_s16le", rate=16000)
        for k in range(16):
            frame = av.VideoFrame.from_ndarray(stored, "bgr24")
            frame.pts, frame.time_base = k, Fraction(1, 1)
            for packet in vs.encode(frame):
                out.mux(packet)
        for packet in vs.encode():
            out.mux(packet)
        hum = av.AudioFrame.from_ndarray(np.full((1, 16000 * 16), 3000, np.int16), "s16", "mono")
        hum.sample_rate = 16000
        for packet in [*sound.encode(hum), *sound.encode()]:
            out.mux(packet)
    info = open_clip(path)
    assert info.rotation == 90 and (info.width, info.height) == (64, 48)
    _, image = next(iter_frames(info, wanted={0}))
    assert image.shape == (48, 64, 3)
    assert image[:12, :16].mean() > 200 and image[-12:, -16:].mean() < 50
