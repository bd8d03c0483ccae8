"""The visible label: where it goes, how it scales, and when it is left off."""

from __future__ import annotations

import numpy as np
import pytest

from persona.errors import InputError
from persona.types import Frame, Rect
from persona.watermark.filters import mark_filters
from persona.watermark.label import AiLabel, badge, caption_clearance
from persona.watermark.options import POSITIONS, LabelOptions, Marks


def _grey(w: int, h: int) -> np.ndarray:
    return np.full((h, w, 3), 128, np.uint8)


def _changed(before: np.ndarray, after: np.ndarray) -> Rect:
    ys, xs = np.nonzero(np.any(before != after, axis=2))
    return Rect(int(xs.min()), int(ys.min()), int(np.ptp(xs)) + 1, int(np.ptp(ys)) + 1)


@pytest.mark.parametrize("position", POSITIONS)
def test_label_is_drawn_in_the_corner_asked_for(position: str) -> None:
    w, h = 640, 360
    image = _grey(w, h)
    out = AiLabel(LabelOptions(position)).apply(Frame(image), 0).image
    box = _changed(image, out)
    top, side = position.split("-")
    assert (box.y < h / 4) == (top == "top")
    assert (box.x < w / 4) == (side == "left")
    assert box.w < w / 4 and box.h < h / 8
    assert out.max() > 200  # white text


def test_label_scales_with_the_frame() -> None:
    small = badge(LabelOptions(), 256, 256, (0, 0)).rect
    large = badge(LabelOptions(), 1280, 720, (0, 0)).rect
    portrait = badge(LabelOptions(), 720, 1280, (0, 0)).rect
    assert small.h < large.h == portrait.h
    assert large.x + large.w < 1280 and portrait.y + portrait.h < 1280


def test_opacity_changes_the_strength() -> None:
    image = _grey(320, 320)
    faint = AiLabel(LabelOptions(opacity=0.3)).apply(Frame(image), 0).image.astype(int)
    strong = AiLabel(LabelOptions(opacity=1.0)).apply(Frame(image), 0).image.astype(int)
    assert np.abs(strong - 128).sum() > 2 * np.abs(faint - 128).sum()


def test_label_stays_clear_of_bottom_captions() -> None:
    from persona.compose.caption_style import CaptionStyle

    clear = caption_clearance(CaptionStyle())
    assert clear[0] == 0 and 0.15 < clear[1] < 0.45
    assert caption_clearance(CaptionStyle(position="top"))[1] == 0
    rect = badge(LabelOptions(), 1280, 720, clear).rect  # bottom taken: the top corner
    assert rect.y < 720 * 0.1 and rect.x > 640
    top_rect = badge(LabelOptions("top-right"), 1280, 720, clear).rect
    assert top_rect.y < 720 * 0.1  # top captions are not in the way
    low = badge(LabelOptions(), 1280, 720, (0.0, 0.1)).rect  # a little: just above them
    assert low.y > 720 * 0.8 and low.y + low.h <= 720 * 0.9


def test_dirty_frames_keep_the_label() -> None:
    image = _grey(320, 240)
    label = AiLabel()
    first = label.apply(Frame(image), 0).image.copy()
    moved = image.copy()
    moved[10:50, 10:50] = 30
    second = label.apply(Frame(moved, Rect(10, 10, 40, 40)), 1)
    assert second.dirty == Rect(10, 10, 40, 40)
    assert np.array_equal(second.image[100:], first[100:])  # the label is still there
    assert (second.image[10:50, 10:50] == 30).all()


def test_marks_without_label_keep_the_watermark() -> None:
    filters = mark_filters(Marks(label=None), "vid_x")
    assert [type(f).__name__ for f in filters] == ["Watermarker"]
    filters = mark_filters(Marks(), "vid_x")
    assert [type(f).__name__ for f in filters] == ["AiLabel", "Watermarker"]


@pytest.mark.parametrize(
    ("position", "opacity", "message"),
    [("middle", 0.8, "position"), ("top-left", 0.0, "opacity"), ("top-left", 1.5, "opacity")],
)
def test_bad_label_options_are_refused(position: str, opacity: float, message: str) -> None:
    with pytest.raises(InputError, match=message):
        LabelOptions(position, opacity)
