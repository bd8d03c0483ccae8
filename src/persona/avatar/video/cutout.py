"""The person cut out of the idle loop: an alpha mask per loop frame, made once.

The loop's frames are segmented with the photo background's person matte
(:func:`persona.avatar.background.person_mask`: MediaPipe selfie segmentation, cleaned
up and snapped to the picture's edges) at most :data:`MASK_SIDE` lines high — the
segmenter itself sees 256 pixels, so a larger mask only costs time — on every
:data:`MASK_STEP`-th frame. Segmentation flickers a little from frame to frame; each
mask is therefore averaged with its neighbours (round the loop, which wraps without a
jump), and the frames in between take the mean of the masks either side. A mask is kept
as an 8-bit PNG, a few kilobytes, and scaled up to the output when drawn.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from persona.avatar.background import SelfieSegmenter, person_mask
from persona.progress import NullProgress, Progress

MASK_SIDE = 360  # the short side of a mask, at most
MASK_STEP = 4  # loop frames per segmented frame


def mask_size(width: int, height: int) -> tuple[int, int]:
    """The (width, height) masks of a ``width`` × ``height`` loop are kept at."""
    scale = min(1.0, MASK_SIDE / min(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def loop_masks(
    frame: Callable[[int], np.ndarray],
    m: int,
    *,
    progress: Progress | None = None,
    segmenter: SelfieSegmenter | None = None,
) -> list[np.ndarray]:
    """uint8 alpha (255: the person) for each of the ``m`` frames of a loop, at
    :func:`mask_size`; ``frame(i)`` gives loop frame ``i`` (BGR)."""
    import cv2

    progress = progress or NullProgress()
    if m == 0:
        return []
    keys = list(range(0, m, MASK_STEP))
    raw = []
    for n, i in enumerate(keys):
        image = frame(i)
        size = mask_size(image.shape[1], image.shape[0])
        small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        raw.append(person_mask(small, segmenter=segmenter).astype(np.float32))
        progress.update((n + 1) / len(keys))
    smooth = [
        0.25 * raw[j - 1] + 0.5 * raw[j] + 0.25 * raw[(j + 1) % len(raw)] for j in range(len(raw))
    ]
    out = []
    for i in range(m):
        a = i // MASK_STEP
        b = (a + 1) % len(keys)
        span = (keys[b] if b else m) - keys[a]
        t = (i - keys[a]) / span if span > 0 else 0.0
        alpha = smooth[a] * (1.0 - t) + smooth[b] * t
        out.append(np.clip(alpha * 255.0 + 0.5, 0, 255).astype(np.uint8))
    return out


def encode_mask(alpha: np.ndarray) -> bytes:
    """An 8-bit alpha mask as PNG bytes."""
    import cv2

    ok, data = cv2.imencode(".png", alpha, [cv2.IMWRITE_PNG_COMPRESSION, 6])
    if not ok:
        raise ValueError("PNG encoding failed")
    return bytes(data)


def premultiply(image: np.ndarray, alpha: np.ndarray, out: np.ndarray) -> np.ndarray:
    """BGR ``image`` with uint8 ``alpha`` as premultiplied BGRA, written into ``out``
    ((H, W, 4) uint8)."""
    import cv2

    a3 = cv2.merge([alpha, alpha, alpha])
    cv2.multiply(image, a3, dst=a3, scale=1.0 / 255.0)
    cv2.merge([a3, alpha[:, :, None]], dst=out)
    return out
