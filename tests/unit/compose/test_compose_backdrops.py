"""Backdrops (colour, picture, moving gradient, looping video) and still overlays."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from persona.compose.backdrops import (
    GradientBackdrop,
    VideoBackdrop,
    colour_backdrop,
    image_backdrop,
)
from persona.compose.overlays import (
    ActiveRing,
    Logo,
    Showing,
    TitleCard,
    load_logo,
    lower_third_image,
    title_card_image,
)
from persona.errors import ImageError, VideoError
from persona.types import Rect

COLOURS = [(0, 0, 255), (0, 255, 0), (255, 0, 0), (255, 255, 255)]  # BGR, one per second


def write_clip(path: Path, fps: int = 10) -> None:
    """Four seconds, 64x48: red, green, blue, white, one second each."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for k in range(4 * fps):
            image = np.full((48, 64, 3), COLOURS[k // fps], np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts, frame.time_base = k, Fraction(1, fps)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


def test_video_backdrop_covers_the_frame_and_loops(tmp_path: Path) -> None:
    clip = tmp_path / "loop.mp4"
    write_clip(clip)
    backdrop = VideoBackdrop(clip, 160, 90, fps=25)
    assert backdrop.animated
    seen = [backdrop.frame(k) for k in range(0, 250, 5)]  # ten seconds: two and a half loops
    assert all(f.shape == (90, 160, 3) for f in seen)
    expected = [COLOURS[int((k / 25) % 4)] for k in range(0, 250, 5)]
    for frame, colour in zip(seen, expected, strict=True):
        assert np.abs(frame[45, 80].astype(int) - colour).max() < 40


def test_video_backdrop_errors(tmp_path: Path) -> None:
    with pytest.raises(VideoError, match="not found"):
        VideoBackdrop(tmp_path / "none.mp4", 160, 90, 25)
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video at all")
    with pytest.raises(VideoError, match=r"cannot read background video bad\.mp4"):
        VideoBackdrop(bad, 160, 90, 25)


def test_gradient_moves_unless_still() -> None:
    moving = GradientBackdrop([(0, 0, 0), (255, 255, 255)], 160, 90, fps=25, period_s=4)
    a, b = moving.frame(0).copy(), moving.frame(25).copy()
    assert a.shape == (90, 160, 3) and np.abs(a.astype(int) - b).mean() > 5
    assert a.min() < 60 and a.max() > 195  # it spans the colours
    still = GradientBackdrop([(0, 0, 0), (255, 255, 255)], 160, 90, fps=25, period_s=0)
    assert not still.animated and still.frame(0) is still.frame(99)


def test_colour_and_picture(tmp_path: Path) -> None:
    assert colour_backdrop((1, 2, 3), 40, 20).frame(7)[10, 10].tolist() == [1, 2, 3]
    picture = np.zeros((100, 100, 3), np.uint8)
    picture[:, 50:] = 255
    cv2.imwrite(str(tmp_path / "bg.png"), picture)
    image = image_backdrop(tmp_path / "bg.png", 200, 100).frame(0)
    assert image.shape == (100, 200, 3)  # covers: scaled to 200 wide, centre kept
    assert image[50, 20].max() == 0 and image[50, 180].min() == 255


def test_logo_is_premultiplied_and_placed(tmp_path: Path) -> None:
    rgba = np.zeros((20, 40, 4), np.uint8)
    rgba[..., 2] = 255  # red in BGRA order for cv2
    rgba[:, 20:, 3] = 255  # the right half opaque
    cv2.imwrite(str(tmp_path / "logo.png"), rgba)
    image = load_logo(tmp_path / "logo.png", 10, 0.5)
    assert image.shape == (10, 20, 4)
    assert image[5, 2].tolist() == [0, 0, 0, 0]
    assert image[5, 17].tolist() == [0, 0, 128, 128]  # red at half opacity, premultiplied
    logo = Logo.place(image, "bottom-right", (320, 180), 8)
    assert (logo.x, logo.y) == (320 - 20 - 8, 180 - 10 - 8)
    with pytest.raises(ImageError, match="logo not found"):
        load_logo(tmp_path / "none.png", 10, 1.0)
    (tmp_path / "bad.png").write_text("nope")
    with pytest.raises(ImageError, match="cannot read logo"):
        load_logo(tmp_path / "bad.png", 10, 1.0)


def test_text_plates_fit_and_title_fades() -> None:
    plate = lower_third_image("A very long name that will not fit", "Title", (0, 0, 255), 360, 120)
    assert 100 <= plate.shape[1] <= 120 and plate[..., 3].max() > 200  # cut to fit
    assert plate[:, 1, 2].max() == 255  # the accent bar on the left, red
    card = title_card_image(
        "The Show", "Episode 1", np.full((90, 160, 3), 200, np.uint8), (0, 0, 255)
    )
    assert card.shape == (90, 160, 3) and card.max() == 255 and card.min() < 100
    title = TitleCard(card, Showing(0, 20, 4))
    levels = [s.opacity if (s := title.sprite(k)) else 0.0 for k in (0, 15, 16, 18, 19, 20)]
    assert levels[:2] == [1.0, 1.0] and levels[2] > levels[3] > levels[4] > 0 == levels[5]


def test_active_ring_follows_its_spans() -> None:
    a, b = Rect(10, 10, 100, 80), Rect(150, 10, 100, 80)
    ring = ActiveRing([(5, 10, a, (0, 0, 255)), (12, 20, b, (255, 0, 0))], 6, 3)
    assert ring.sprite(4) is None and ring.sprite(11) is None and ring.sprite(20) is None
    first, second = ring.sprite(5), ring.sprite(12)
    assert first is not None and second is not None
    assert first.x < a.x and first.x + first.rect.w > a.x + a.w  # around the panel
    assert second.x < b.x < second.x + second.rect.w
    assert first.hole is not None and first.image[first.hole.y + 5, first.hole.x + 5, 3] == 0
