import numpy as np
import pytest

from persona.errors import EncodeError
from persona.media.yuv import (
    I420Canvas,
    RawFrameRecorder,
    bgr_to_i420,
    even_rect,
    i420_to_bgr,
)
from persona.types import Frame, Rect

W, H = 160, 96


def _frames(n: int, seed: int = 0) -> list[tuple[np.ndarray, Rect]]:
    """Noise background; each frame repaints a 41×33 block at a random (often odd)
    place, and ``dirty`` is exactly that block."""
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, (H, W, 3), np.uint8)
    out = [(image.copy(), Rect(0, 0, W, H))]
    for _ in range(n):
        x, y = int(rng.integers(0, W - 41)), int(rng.integers(0, H - 33))
        image[y : y + 33, x : x + 41] = rng.integers(0, 256, (33, 41, 3), np.uint8)
        out.append((image.copy(), Rect(x, y, 41, 33)))
    return out


def test_even_rect_grows_to_even_and_clips() -> None:
    assert even_rect(Rect(3, 5, 10, 10), 100, 100) == Rect(2, 4, 12, 12)
    assert even_rect(Rect(-7, -1, 20, 4), 100, 100) == Rect(0, 0, 14, 4)
    assert even_rect(Rect(95, 97, 50, 50), 100, 100) == Rect(94, 96, 6, 4)
    assert even_rect(Rect(200, 10, 5, 5), 100, 100).w == 0


def test_dirty_region_conversion_equals_full_conversion() -> None:
    canvas = I420Canvas(W, H)
    for image, dirty in _frames(12):
        got = canvas.update(Frame(image, dirty))
        np.testing.assert_array_equal(got, bgr_to_i420(image))


def test_full_frame_when_dirty_is_none_and_empty_dirty_changes_nothing() -> None:
    canvas = I420Canvas(W, H)
    first = np.full((H, W, 3), 30, np.uint8)
    canvas.update(Frame(first))
    second = np.full((H, W, 3), 200, np.uint8)
    np.testing.assert_array_equal(canvas.update(Frame(second)), bgr_to_i420(second))
    before = canvas.buffer.copy()
    canvas.update(Frame(first, Rect(W + 10, 0, 4, 4)))
    np.testing.assert_array_equal(canvas.buffer, before)


def test_first_frame_is_converted_whole_even_with_a_dirty_rect() -> None:
    canvas = I420Canvas(W, H)
    image = np.random.default_rng(1).integers(0, 256, (H, W, 3), np.uint8)
    np.testing.assert_array_equal(canvas.update(Frame(image, Rect(0, 0, 2, 2))), bgr_to_i420(image))


def test_only_the_dirty_region_is_taken_from_the_frame() -> None:
    canvas = I420Canvas(W, H)
    canvas.update(Frame(np.zeros((H, W, 3), np.uint8)))
    canvas.update(Frame(np.full((H, W, 3), 255, np.uint8), Rect(10, 10, 20, 20)))
    bgr = i420_to_bgr(canvas.buffer)
    assert bgr[15, 15].min() > 240
    assert bgr[50, 50].max() < 5


def test_frame_of_the_wrong_size_is_rejected() -> None:
    canvas = I420Canvas(W, H)
    with pytest.raises(EncodeError, match="does not match"):
        canvas.update(Frame(np.zeros((H, W + 2, 3), np.uint8)))


def test_recorder_keeps_independent_copies() -> None:
    recorder = RawFrameRecorder(W, H)
    frames = _frames(3, seed=2)
    for image, dirty in frames:
        recorder.write(Frame(image, dirty))
    assert len(recorder) == len(frames)
    for got, (image, _) in zip(recorder.frames, frames, strict=True):
        np.testing.assert_array_equal(got, bgr_to_i420(image))
