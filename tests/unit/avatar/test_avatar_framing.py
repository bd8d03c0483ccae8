"""Framing presets: each shot keeps the whole head in view at 16:9, 9:16 and 1:1."""

from __future__ import annotations

import numpy as np
import pytest

from persona.avatar.framing import SHOTS, frame_photo
from persona.avatar.landmarks import default_landmarker

SIZES = [(1280, 720), (720, 1280), (1080, 1080)]


@pytest.fixture(scope="module")
def large_photo(portrait: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    import cv2

    image = cv2.resize(portrait, (1536, 1536), interpolation=cv2.INTER_CUBIC)
    return image, default_landmarker().detect(image)[0].points


def _face_share(points: np.ndarray, height: int) -> float:
    return float(np.ptp(points[:468, 1]) / height)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_shots_order_and_keep_the_head(
    large_photo: tuple[np.ndarray, np.ndarray], width: int, height: int
) -> None:
    image, points = large_photo
    shares = []
    for shot in ("close-up", "head-and-shoulders", "medium"):
        framed = frame_photo(image, points, width, height, shot=shot)
        assert framed.plate.shape == (height, width, 3)
        face = framed.points[:468]
        face_h = np.ptp(face[:, 1])
        assert face[:, 0].min() > 0 and face[:, 0].max() < width
        assert face[:, 1].min() - 0.3 * face_h > -1  # room for the hair
        assert face[:, 1].max() < height
        shares.append(_face_share(framed.points, min(width, height)))
    assert shares[0] > shares[1] > shares[2]
    assert shares[1] == pytest.approx(SHOTS["head-and-shoulders"], abs=0.03)


def test_small_photo_is_not_blown_up(portrait: np.ndarray) -> None:
    points = default_landmarker().detect(portrait)[0].points
    framed = frame_photo(portrait, points, 960, 540, shot="close-up")  # cover: 1.9
    assert framed.scale <= 2.5 + 1e-6


def test_unknown_shot(portrait: np.ndarray) -> None:
    points = np.zeros((478, 2), np.float32) + 100
    with pytest.raises(ValueError, match="unknown shot"):
        frame_photo(portrait, points, 640, 360, shot="extreme")
