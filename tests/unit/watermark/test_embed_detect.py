"""The invisible mark on frames: round trip, invisibility, the dirty-rectangle path."""

from __future__ import annotations

import numpy as np
import pytest

from persona.types import Frame, Rect
from persona.watermark import detect_frames, payload_for
from persona.watermark.embed import Watermarker
from persona.watermark.pattern import TILE, layout, tile_for


def _frames(n: int = 4, size: tuple[int, int] = (320, 384), seed: int = 0) -> list[np.ndarray]:
    """Textured pictures with a moving bright square: content a mark must live beside."""
    import cv2

    rng = np.random.default_rng(seed)
    base = cv2.GaussianBlur(rng.integers(40, 215, (*size, 3)).astype(np.uint8), (0, 0), 4)
    frames = []
    for k in range(n):
        frame = base.copy()
        frame[40 + 8 * k : 100 + 8 * k, 60:140] = (200, 180, 160)
        frames.append(frame)
    return frames


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b) ** 2))
    return 10 * np.log10(255**2 / mse)


def test_round_trip_on_frames() -> None:
    payload = payload_for("vid_roundtrip")
    mark = Watermarker(payload)
    marked = [mark.apply(Frame(f), k).image.copy() for k, f in enumerate(_frames())]
    reading = detect_frames(marked)
    assert reading.found and reading.payload == payload
    assert reading.frames_used == 4
    assert reading.matches(payload) and not reading.matches(payload ^ 1)


def test_unmarked_frames_are_not_found() -> None:
    for seed in range(3):
        reading = detect_frames(_frames(seed=seed))
        assert not reading.found and reading.payload is None
        assert reading.score < 6


def test_mark_is_faint() -> None:
    frames = _frames(2)
    mark = Watermarker(payload_for("vid_psnr"))
    for k, f in enumerate(frames):
        assert _psnr(mark.apply(Frame(f), k).image, f) >= 40.0


def test_crop_and_half_size_still_read() -> None:
    import cv2

    payload = payload_for("vid_crop")
    marked = Watermarker(payload).apply(Frame(_frames(1, (512, 512))[0]), 0).image
    cropped = marked[37:-51, 23:-60]
    assert detect_frames([cropped]).payload == payload
    half = cv2.resize(marked, (256, 256), interpolation=cv2.INTER_AREA)
    reading = detect_frames([half])
    assert reading.payload == payload and reading.scale == 0.5


def test_dirty_rectangles_mark_as_whole_frames_do() -> None:
    """Only the dirty part is marked after the first frame: outside it the picture is
    the one marked before; inside, the mark differs from a whole-frame pass only where
    the masking sees the rectangle's edge."""
    frames = _frames(3)
    payload = payload_for("vid_dirty")
    whole, partial = Watermarker(payload), Watermarker(payload)
    dirty = Rect(50, 30, 110, 100)  # covers the moving square
    outside = np.ones(frames[0].shape[:2], bool)
    outside[30:130, 50:160] = False
    for k, f in enumerate(frames):
        expected = whole.apply(Frame(f, None), k).image.astype(int)
        got = partial.apply(Frame(f, dirty if k else None), k)
        assert got.dirty == (dirty if k else None)
        difference = np.abs(got.image.astype(int) - expected)
        assert not difference[outside].any()
        assert difference.max() <= 3 and difference.mean() < 0.05


def test_the_tile_patterns_are_orthogonal() -> None:
    lay = layout()
    assert not np.any(lay.sync & (lay.symbol[0] >= 0))
    tile = tile_for(5)
    assert tile.shape == (TILE, TILE)
    assert abs(float(tile.mean())) < 1e-4 and abs(float(tile.std()) - 1) < 1e-3


def test_frames_of_different_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="differ in size"):
        detect_frames([np.zeros((64, 64), np.uint8), np.zeros((64, 80), np.uint8)])


def test_no_frames_or_tiny_frames_find_nothing() -> None:
    assert detect_frames([]).frames_used == 0
    assert not detect_frames([np.full((16, 16, 3), 128, np.uint8)]).found
