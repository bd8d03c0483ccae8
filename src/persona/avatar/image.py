"""Reading user photos into BGR arrays, with clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from persona.errors import ImageError

SUPPORTED_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff")
MIN_SIDE = 64
MAX_PIXELS = 40_000_000


def load_image(path: str | Path) -> np.ndarray:
    """Decode an image file to a BGR uint8 array, applying its EXIF orientation."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        raise ImageError(f"image not found: {path}")
    try:
        with Image.open(path) as im:
            im.load()
            if im.width * im.height > MAX_PIXELS:
                raise ImageError(
                    f"image too large: {im.width}×{im.height} (at most {MAX_PIXELS:,} pixels)"
                )
            upright = ImageOps.exif_transpose(im) or im
            rgb = np.asarray(upright.convert("RGB"))
    except UnidentifiedImageError as exc:
        raise ImageError(
            f"cannot read image {path.name}: not a supported image "
            f"({', '.join(s.lstrip('.') for s in SUPPORTED_SUFFIXES)})"
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageError(f"cannot read image {path.name}: the file is damaged ({exc})") from exc
    if min(rgb.shape[:2]) < MIN_SIDE:
        raise ImageError(
            f"image too small: {rgb.shape[1]}×{rgb.shape[0]} (at least {MIN_SIDE} px a side)"
        )
    return np.ascontiguousarray(rgb[:, :, ::-1])
