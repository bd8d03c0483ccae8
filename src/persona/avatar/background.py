"""Cutting the person out of a photo and putting them in front of another background.

:func:`person_mask` runs MediaPipe's selfie segmentation (its model ships inside the
``mediapipe`` wheel, so nothing is downloaded) and cleans the result up: stray blobs
dropped, small holes filled, edges snapped to the photo's own edges with a guided filter
so that hair keeps its outline. :func:`replace_background` blends the photo over one of
three backgrounds, each a small frozen object with one method:

* :class:`ColourBackground` — a flat colour;
* :class:`ImageBackground` — another picture, scaled to cover the photo and centred;
* :class:`BlurBackground` — the photo's own background, blurred (the person is kept out
  of the blur so no halo of them bleeds into it).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from persona.avatar.image import load_image
from persona.avatar.mp import quiet_native_stderr, shrink, solutions
from persona.errors import ImageError

WORK_SIDE = 1024  # the model sees 256 px; larger photos are shrunk to this first
MIN_BLOB = 0.02  # person blobs smaller than this share of the largest are dropped
MAX_HOLE = 0.01  # enclosed background holes smaller than this share of the image are filled
EDGE_RADIUS = 0.008  # guided-filter radius, as a share of the photo's shorter side
EDGE_EPS = 1e-2  # guided-filter regularisation (colours in 0..1): lower follows edges harder
EDGE_STRETCH = 0.3  # filtered alpha below this is 0, above 1 - this is 1: a crisp edge


class Background(Protocol):
    """What goes behind the person: an image the size of the photo."""

    def backdrop(self, image: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """A BGR uint8 image shaped like ``image`` (``mask``: the person, 0..1)."""
        ...


@dataclass(frozen=True)
class ColourBackground:
    """A flat colour, given as (blue, green, red) 0..255."""

    bgr: tuple[int, int, int]

    def __post_init__(self) -> None:
        if len(self.bgr) != 3 or not all(0 <= int(c) <= 255 for c in self.bgr):
            raise ImageError(f"a background colour needs three values 0..255, got {self.bgr}")

    def backdrop(self, image: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return np.broadcast_to(np.asarray(self.bgr, np.uint8), image.shape).copy()


@dataclass(frozen=True, eq=False)
class ImageBackground:
    """A picture (a file path or a BGR array), scaled to cover the photo and centred."""

    source: str | Path | np.ndarray

    def backdrop(self, image: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import cv2

        picture = self.source if isinstance(self.source, np.ndarray) else load_image(self.source)
        if picture.ndim != 3 or picture.shape[2] != 3:
            raise ImageError(f"a background picture must be a BGR image, got {picture.shape}")
        h, w = image.shape[:2]
        ph, pw = picture.shape[:2]
        scale = max(w / pw, h / ph)
        m = np.array([[scale, 0, (w - pw * scale) / 2], [0, scale, (h - ph * scale) / 2]])
        interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        return cv2.warpAffine(picture, m, (w, h), flags=interp, borderMode=cv2.BORDER_REFLECT)


@dataclass(frozen=True)
class BlurBackground:
    """The photo's own background, Gaussian-blurred by ``sigma`` pixels of the photo
    scaled to 512 px on its long side (so the look does not depend on its resolution)."""

    sigma: float = 12.0

    def __post_init__(self) -> None:
        if not (self.sigma > 0 and math.isfinite(self.sigma)):
            raise ImageError(f"the background blur must be positive, got {self.sigma}")

    def backdrop(self, image: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import cv2

        h, w = image.shape[:2]
        sigma = self.sigma * max(h, w) / 512
        # Blur a small copy (a blur this wide hides the difference), leaving the person
        # out: blur(image * weight) / blur(weight) averages background pixels only.
        f = min(1.0, 4.0 / max(sigma, 1e-6))
        small = (max(1, round(w * f)), max(1, round(h * f)))
        img = cv2.resize(image, small, interpolation=cv2.INTER_AREA).astype(np.float32)
        weight = 1.0 - cv2.resize(mask, small, interpolation=cv2.INTER_AREA)
        s = max(sigma * f, 0.5)
        num = cv2.GaussianBlur(img * weight[..., None], (0, 0), s)
        den = cv2.GaussianBlur(weight, (0, 0), s)[..., None]
        plain = cv2.GaussianBlur(img, (0, 0), s)
        blurred = np.where(den > 0.05, num / np.maximum(den, 1e-6), plain)
        small_bgr = np.clip(blurred + 0.5, 0, 255).astype(np.uint8)
        return cv2.resize(small_bgr, (w, h), interpolation=cv2.INTER_LINEAR)


def replace_background(image: np.ndarray, mask: np.ndarray, background: Background) -> np.ndarray:
    """The person (``mask`` = 1) from ``image`` over ``background``; mask edges blend.

    Pixels where the mask is exactly 1 are copied unchanged.
    """
    if mask.shape != image.shape[:2]:
        raise ValueError(f"mask {mask.shape} does not match the image {image.shape[:2]}")
    out = np.array(background.backdrop(image, mask), dtype=np.uint8, copy=True)
    person = mask >= 1.0
    np.copyto(out, image, where=person[..., None])
    edge = (mask > 0.0) & ~person
    a = mask[edge].astype(np.float32)[:, None]
    blend = image[edge].astype(np.float32) * a + out[edge].astype(np.float32) * (1.0 - a)
    out[edge] = np.clip(blend + 0.5, 0, 255).astype(np.uint8)
    return out


def parse_background(text: str) -> Background:
    """A background from a short description: ``#rrggbb`` (a colour), ``blur`` or
    ``blur:SIGMA``, or the path of a picture."""
    text = text.strip()
    if text.startswith("#") and len(text) == 7:
        try:
            r, g, b = (int(text[i : i + 2], 16) for i in (1, 3, 5))
        except ValueError as exc:
            raise ImageError(f"not a colour: {text} (use #rrggbb)") from exc
        return ColourBackground((b, g, r))
    if text == "blur" or text.startswith("blur:"):
        try:
            sigma = float(text[5:]) if text != "blur" else BlurBackground.sigma
        except ValueError as exc:
            raise ImageError(f"not a blur amount: {text} (use blur or blur:12)") from exc
        return BlurBackground(sigma)
    return ImageBackground(Path(text))


def load_background(text: str) -> Background:
    """:func:`parse_background`, with a picture read at once, so a bad one fails early."""
    background = parse_background(text)
    if isinstance(background, ImageBackground) and not isinstance(background.source, np.ndarray):
        background = ImageBackground(load_image(background.source))
    return background


# ---------------------------------------------------------------------------- the mask


class SelfieSegmenter:
    """MediaPipe selfie segmentation: the probability that each pixel shows a person.

    ``model_selection`` 0 is the general model (256×256 input), 1 the landscape model
    (144×256), which is faster but rougher on portraits.
    """

    name = "mediapipe-selfie"

    def __init__(self, model_selection: int = 0) -> None:
        self.model_selection = model_selection
        self._lock = threading.Lock()
        self._model: Any = None

    def _load(self) -> None:
        if self._model is not None:
            return
        self._model = solutions().selfie_segmentation.SelfieSegmentation(
            model_selection=self.model_selection
        )

    def segment(self, image: np.ndarray) -> np.ndarray:
        """Float32 (H, W) person probability for a BGR image."""
        import cv2

        h, w = image.shape[:2]
        small, _ = shrink(image, WORK_SIDE)
        rgb = np.ascontiguousarray(small[:, :, ::-1])
        with self._lock, quiet_native_stderr():
            self._load()
            prob = self._model.process(rgb).segmentation_mask
        prob = np.asarray(prob, np.float32)
        if prob.shape != (h, w):
            prob = cv2.resize(prob, (w, h), interpolation=cv2.INTER_LINEAR)
        return np.clip(prob, 0.0, 1.0)


_DEFAULT: SelfieSegmenter | None = None


def default_segmenter() -> SelfieSegmenter:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = SelfieSegmenter()
    return _DEFAULT


def person_mask(image: np.ndarray, *, segmenter: SelfieSegmenter | None = None) -> np.ndarray:
    """Float32 (H, W) in 0..1: 1 on the person, 0 on the background, soft at the edges.

    Large photos are masked at most :data:`WORK_SIDE` pixels wide and the mask is
    scaled up; the model itself sees only 256 pixels.
    """
    import cv2

    h, w = image.shape[:2]
    small, _ = shrink(image, WORK_SIDE)
    prob = (segmenter or default_segmenter()).segment(small)
    solid = _clean(prob > 0.5)
    # Keep the model's own soft edge where the cleanup agrees with it; take the cleanup
    # where it changed the verdict (filled holes, dropped blobs).
    alpha = refine_edges(small, np.where(solid == (prob > 0.5), prob, solid.astype(np.float32)))
    if alpha.shape != (h, w):
        alpha = cv2.resize(alpha, (w, h), interpolation=cv2.INTER_LINEAR)
    return alpha


def refine_edges(image: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Snap a rough matte to the photo's edges with a colour-guided filter.

    The model sees the photo at 256 px, so its outline is blurry and often reaches a
    little past the person; the guided filter makes the matte follow the photo's own
    colour edges, and a contrast stretch keeps the edge a few pixels wide. Only a band
    along the outline is refined: inside it the person stays exactly 1 and the
    background exactly 0, so the person's own pixels are never blended.
    """
    import cv2

    h, w = alpha.shape
    radius = max(2, round(EDGE_RADIUS * min(h, w)))
    guide = image.astype(np.float32) / 255.0
    soft = cv2.ximgproc.guidedFilter(guide, alpha.astype(np.float32), radius, EDGE_EPS)
    soft = np.clip((soft - EDGE_STRETCH) / (1.0 - 2 * EDGE_STRETCH), 0.0, 1.0)
    solid = (alpha > 0.5).astype(np.uint8)
    grow = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (4 * radius + 1, 4 * radius + 1))
    band = cv2.dilate(solid, grow) > cv2.erode(solid, grow)
    return np.where(band, soft, solid.astype(np.float32)).astype(np.float32)


def _clean(person: np.ndarray) -> np.ndarray:
    """Drop small person blobs and fill small enclosed background holes."""
    import cv2

    n, labels, stats, _ = cv2.connectedComponentsWithStats(person.astype(np.uint8), 4)
    if n <= 1:
        return person
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = np.zeros(n, bool)
    keep[1:] = areas >= MIN_BLOB * areas.max()
    solid = keep[labels]
    n, labels, stats, _ = cv2.connectedComponentsWithStats((~solid).astype(np.uint8), 4)
    h, w = person.shape
    x, y = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    bw, bh = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    inner = (x > 0) & (y > 0) & (x + bw < w) & (y + bh < h)
    small = stats[:, cv2.CC_STAT_AREA] < MAX_HOLE * h * w
    fill = inner & small
    fill[0] = False  # label 0 is the person itself
    return solid | fill[labels]
