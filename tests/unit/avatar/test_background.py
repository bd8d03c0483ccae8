"""Person masks and background replacement, alone and inside the photo avatar."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from persona.avatar import topology as tp
from persona.avatar.background import (
    BlurBackground,
    ColourBackground,
    ImageBackground,
    SelfieSegmenter,
    parse_background,
    person_mask,
    replace_background,
)
from persona.avatar.landmarks import default_landmarker
from persona.errors import ImageError
from persona.types import MOUTH_CHANNELS, FaceState

GREEN = (40, 200, 60)
TOP_CORNERS = ((slice(0, 24), slice(0, 24)), (slice(0, 24), slice(-24, None)))
# The bottom corners of the portrait show the suit and the helmet she holds.


@pytest.fixture(scope="module")
def segmenter() -> SelfieSegmenter:
    return SelfieSegmenter()


@pytest.fixture(scope="module")
def mask(portrait: np.ndarray, segmenter: SelfieSegmenter) -> np.ndarray:
    return person_mask(portrait, segmenter=segmenter)


@pytest.fixture(scope="module")
def inner_face(portrait: np.ndarray) -> np.ndarray:
    """The face oval shrunk by a tenth of the face width: well inside the person."""
    import cv2

    face = default_landmarker().detect(portrait)[0]
    oval = np.zeros(portrait.shape[:2], np.uint8)
    cv2.fillPoly(oval, [np.round(face.points[list(tp.FACE_OVAL)]).astype(np.int32)], 1)
    k = int(0.1 * (face.box[2] - face.box[0])) | 1
    return cv2.erode(oval, np.ones((k, k), np.uint8)) > 0


def test_mask_covers_the_person_and_not_the_backdrop(
    mask: np.ndarray, inner_face: np.ndarray, portrait: np.ndarray
) -> None:
    assert mask.shape == portrait.shape[:2] and mask.dtype == np.float32
    assert mask.min() >= 0.0 and mask.max() <= 1.0
    assert np.all(mask[inner_face] == 1.0)
    for corner in TOP_CORNERS:
        assert np.all(mask[corner] == 0.0)
    # The edge is soft but narrow: a few per cent of the image is partly person.
    assert 0.0 < ((mask > 0) & (mask < 1)).mean() < 0.05
    assert 0.4 < (mask > 0.5).mean() < 0.7


def test_mask_of_a_large_photo_matches(
    portrait: np.ndarray, mask: np.ndarray, segmenter: SelfieSegmenter
) -> None:
    import cv2

    big = cv2.resize(portrait, (1536, 1536), interpolation=cv2.INTER_CUBIC)
    big_mask = person_mask(big, segmenter=segmenter)
    assert big_mask.shape == (1536, 1536)
    small = cv2.resize(big_mask, (512, 512), interpolation=cv2.INTER_AREA) > 0.5
    iou = (small & (mask > 0.5)).sum() / (small | (mask > 0.5)).sum()
    assert iou > 0.97


def test_colour_background_keeps_the_person(
    portrait: np.ndarray, mask: np.ndarray, inner_face: np.ndarray
) -> None:
    out = replace_background(portrait, mask, ColourBackground(GREEN))
    assert out.shape == portrait.shape and out.dtype == np.uint8
    assert np.array_equal(out[mask == 1.0], portrait[mask == 1.0])
    assert np.array_equal(out[inner_face], portrait[inner_face])
    for corner in TOP_CORNERS:
        assert np.all(out[corner] == GREEN)
    edge = (mask > 0) & (mask < 1)
    lo = np.minimum(portrait[edge], GREEN)
    hi = np.maximum(portrait[edge], GREEN)
    assert np.all((out[edge] >= lo) & (out[edge] <= hi))  # edges blend the two


def _detail(image: np.ndarray, where: np.ndarray) -> float:
    import cv2

    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_32F)[where].var())


def test_blur_background_keeps_the_person_sharp(
    portrait: np.ndarray, mask: np.ndarray, inner_face: np.ndarray
) -> None:
    out = replace_background(portrait, mask, BlurBackground(12))
    assert _detail(out, inner_face) == pytest.approx(_detail(portrait, inner_face))
    backdrop = np.zeros(mask.shape, bool)
    backdrop[:200, :60] = True  # the flag: sharp stars and stripes
    assert np.all(mask[backdrop] == 0)
    assert _detail(out, backdrop) < 0.05 * _detail(portrait, backdrop)


def test_blur_leaves_no_halo_of_the_person(portrait: np.ndarray, mask: np.ndarray) -> None:
    import cv2

    # Just outside the suit, the blurred backdrop should look like the light backdrop
    # around it, not like the orange suit smeared outwards.
    out = replace_background(portrait, mask, BlurBackground(20))
    ring = (cv2.dilate((mask > 0).astype(np.uint8), np.ones((9, 9), np.uint8)) > 0) & (mask == 0)
    ring[:, :120] = False  # leave out the flag
    ring[300:] = False  # and the table and helmet
    suit_red = portrait[..., 2].astype(int) - portrait[..., 0]
    out_red = out[..., 2].astype(int) - out[..., 0]
    assert ring.sum() > 100
    assert abs(out_red[ring].mean() - suit_red[ring].mean()) < 10


def test_image_background_covers_and_centres(portrait: np.ndarray, mask: np.ndarray) -> None:
    picture = np.zeros((100, 300, 3), np.uint8)
    picture[:, :, 0] = np.linspace(0, 255, 300).astype(np.uint8)[None, :]  # blue ramp
    picture[:, :, 1] = 90
    back = ImageBackground(picture).backdrop(portrait, mask)
    assert back.shape == portrait.shape
    # Scaled ×5.12 to cover 512 px of height and centred: the middle third of the ramp.
    assert 70 < back[0, 0, 0] < 100 and 155 < back[0, -1, 0] < 185
    assert np.all(back[..., 1] == 90)
    out = replace_background(portrait, mask, ImageBackground(picture))
    assert np.array_equal(out[0, 0], back[0, 0])


def test_image_background_from_a_file(tmp_path: Path, portrait: np.ndarray) -> None:
    from PIL import Image

    path = tmp_path / "room.png"
    Image.new("RGB", (640, 480), (10, 20, 30)).save(path)  # RGB on disk, BGR in memory
    back = ImageBackground(path).backdrop(portrait, np.zeros(portrait.shape[:2], np.float32))
    assert tuple(back[5, 5]) == (30, 20, 10)
    with pytest.raises(ImageError, match="not found"):
        ImageBackground(tmp_path / "missing.png").backdrop(portrait, back[..., 0])


def test_mask_must_match_the_image(portrait: np.ndarray) -> None:
    with pytest.raises(ValueError, match="does not match"):
        replace_background(portrait, np.ones((10, 10), np.float32), ColourBackground(GREEN))


def test_parse_background() -> None:
    assert parse_background("#ff8000") == ColourBackground((0, 128, 255))
    assert parse_background("blur") == BlurBackground()
    assert parse_background("blur:4") == BlurBackground(4.0)
    picture = parse_background("backgrounds/office.jpg")
    assert isinstance(picture, ImageBackground)
    assert picture.source == Path("backgrounds/office.jpg")
    for bad in ("#zzzzzz", "blur:soft", "blur:-1"):
        with pytest.raises(ImageError):
            parse_background(bad)
    with pytest.raises(ImageError, match=r"0\.\.255"):
        ColourBackground((0, 300, 0))


def test_photo_avatar_with_a_new_background(portrait: np.ndarray) -> None:
    from persona.avatar.photo import PhotoAvatar

    plain = PhotoAvatar.from_image(portrait, 480, 360)
    avatar = PhotoAvatar.from_image(portrait, 480, 360, background=ColourBackground(GREEN))
    plate = avatar.framed.plate
    assert np.abs(plate[4, 4].astype(int) - GREEN).max() <= 2  # a top corner: the new colour
    # The background is replaced before framing: same framing, same face.
    assert np.array_equal(avatar.framed.points, plain.framed.points)
    features = avatar.framed.points[list(tp.EYES + tp.NOSE + tp.OUTER_LIP_RING)]
    (x0, y0), (x1, y1) = features.min(axis=0), features.max(axis=0)
    rows, cols = slice(int(y0), int(y1)), slice(int(x0), int(x1))
    assert np.abs(plate[rows, cols].astype(int) - plain.framed.plate[rows, cols]).max() <= 1
    mouth = tuple(0.6 if name == "jaw" else 0.0 for name in MOUTH_CHANNELS)
    frame = avatar.render(FaceState(mouth=mouth, head=(2.0, 1.0, 1.5, 0.0, 0.0)))
    assert frame.image.shape == (360, 480, 3)
    d = frame.dirty
    assert d is not None
    moved = frame.image[d.y : d.y + d.h, d.x : d.x + d.w]
    assert not np.array_equal(moved, plate[d.y : d.y + d.h, d.x : d.x + d.w])
    # The head moves over the new background: what was green around it stays green.
    green = np.all(plate[d.y : d.y + d.h, d.x : d.x + d.w] == GREEN, axis=2)
    still = np.abs(moved.astype(int) - GREEN).max(axis=2) <= 3
    assert green.sum() > 1000 and (still & green).sum() > 0.95 * green.sum()
