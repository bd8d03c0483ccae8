from pathlib import Path

import numpy as np
import pytest

from persona.avatar.image import load_image
from persona.errors import ImageError


def test_loads_jpeg_as_bgr(portrait_path: Path) -> None:
    image = load_image(portrait_path)
    assert image.shape == (512, 512, 3)
    assert image.dtype == np.uint8


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="not found"):
        load_image(tmp_path / "nope.jpg")


def test_corrupt_file(tmp_path: Path) -> None:
    bad = tmp_path / "photo.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg" * 10)
    with pytest.raises(ImageError, match=r"cannot read image photo\.jpg"):
        load_image(bad)


def test_not_an_image(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    with pytest.raises(ImageError, match="not a supported image"):
        load_image(bad)


def test_too_small(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "tiny.png"
    Image.new("RGB", (20, 20), (200, 150, 120)).save(path)
    with pytest.raises(ImageError, match="too small"):
        load_image(path)


def test_exif_orientation_applied(tmp_path: Path) -> None:
    from PIL import Image

    im = Image.new("RGB", (120, 80), (10, 20, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise for display
    path = tmp_path / "rotated.jpg"
    im.save(path, exif=exif)
    assert load_image(path).shape[:2] == (120, 80)
